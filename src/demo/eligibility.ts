/**
 * The patients' eligibility (資格情報) and My Number cards: each insurer registers its members through
 * `POST /eligibility/records` (an insurer change with the previous number, as the new insurer sends it), then a
 * virtual card is issued for every patient (`issueCard`, as `tsunagu card issue` does) and linked to them by the
 * insurer that registered their identity (`POST /eligibility/cards`).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CardAuthority } from '../services/eligibility/index.ts';
import { issueCard } from '../services/eligibility/index.ts';
import type { DemoApi, Json } from './api.ts';
import type { DemoCalendar } from './calendar.ts';
import { INSURER_NUMBERS, type DemoInsurerKey } from './codes.ts';
import type { Party, PartyKey } from './facilities.ts';
import type { DemoPaths } from './files.ts';
import { type DemoPatient, PATIENTS, birthDateOf, eligibilityRecords, memberIdOf } from './people.ts';
import { demoPin } from './secrets.ts';

const ORDER: DemoInsurerKey[] = ['kyokai', 'kokuho', 'koki'];

export async function registerPatients(
  api: DemoApi,
  parties: Record<PartyKey, Party>,
  cal: DemoCalendar,
  authority: CardAuthority,
  paths: DemoPaths,
  log: (line: string) => void,
): Promise<DemoPatient[]> {
  // one pass per position: a patient's earlier insurer first, so that the new insurer's record can name the number
  const byPatient = PATIENTS.map((p) => ({ key: p.key, records: eligibilityRecords(p, cal) }));
  const patientIds = new Map<string, string>();
  for (const position of [0, 1]) {
    for (const insurer of ORDER) {
      const batch = byPatient.flatMap((p) => (p.records[position]?.insurer === insurer ? [{ key: p.key, record: p.records[position].record }] : []));
      if (batch.length === 0) continue;
      const body = await api.ok(`資格情報の登録 (${insurer})`, 'POST', '/eligibility/records', parties[insurer].token, { records: batch.map((r) => r.record) });
      const results = body.results as { status: string; patient?: string }[];
      results.forEach((res, i) => {
        if (!res.patient) throw new Error(`the eligibility record of ${batch[i].key} was refused: ${JSON.stringify(res)}`);
        patientIds.set(batch[i].key, res.patient.replace('Patient/', ''));
      });
    }
  }
  const records = byPatient.flatMap((p) => p.records);
  log(`  ${records.length} 件の資格情報 / eligibility records (${PATIENTS.length} 人 / people)`);

  await mkdir(paths.card.cardsDir, { recursive: true });
  const out: DemoPatient[] = [];
  for (const [i, p] of PATIENTS.entries()) {
    const birthDate = birthDateOf(p, cal);
    const pin = demoPin();
    const path = join(paths.card.cardsDir, `demo-${String(i + 1).padStart(2, '0')}-${p.key}.json`);
    const card = await issueCard({ authority, path, pin, keyType: 'P-256', now: cal.now });
    // the insurer that registered the person's identity links the card (after an insurer change: the first one)
    const identity = p.previous ?? { insurer: p.insurer, symbol: p.symbol, number: p.number };
    const identityBranch = p.previous ? '00' : p.branch;
    await api.ok(`カードの紐付け (${p.key})`, 'POST', '/eligibility/cards', parties[identity.insurer].token, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'certificate', valueString: card.certificatePem },
        { name: 'insuredNumber', valueString: memberIdOf(identity.insurer, identity.symbol, identity.number, identityBranch) },
        { name: 'birthDate', valueDate: birthDate },
      ],
    } satisfies Json);
    out.push({
      ...p,
      birthDate,
      memberId: memberIdOf(p.insurer, p.symbol, p.number, p.branch),
      insurerNumber: INSURER_NUMBERS[p.insurer],
      patientId: patientIds.get(p.key)!,
      card: { cardId: card.cardId, path, pin },
    });
  }
  log(`  ${out.length} 枚のマイナンバーカード（仮想） / virtual My Number cards`);
  return out;
}
