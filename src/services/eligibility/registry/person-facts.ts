/**
 * What the emergency service (S8) may learn of a registered person without a reception: who is registered with a
 * birth date (the candidates of an identification by name, birth date and sex — 4情報照会 without a card), the
 * eligibility records of a person (the ambulance crew's 資格情報, the 特定疾病 人工透析 flag of the emergency view), and
 * who a 利用者証明用電子証明書 read from the card without the PIN is linked to. The caller decides who may ask and
 * audits the use; nothing here is shown to anyone by itself.
 */
import { createHash } from 'node:crypto';
import type { ServicePlatform } from '../../../platform/service.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import type { EligibilityRecord } from '../model/record.ts';
import { fromPem } from '../reception/card/algorithms.ts';
import { certificateHolder } from '../reception/cards.ts';

export interface RegisteredPerson {
  patientId: string;
  /** 氏名 and カナ氏名 of the person's latest record, exactly as registered. */
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  birthDate: string;
  sex: EligibilityRecord['sex'];
}

/** Every registered person born on `birthDate` (YYYY-MM-DD), their latest record's name; one row per person. */
export async function registeredPersonsBorn(db: Queryable, birthDate: string): Promise<RegisteredPerson[]> {
  const res = await db.query<{ patient_key: string; record: string }>(
    'SELECT patient_key, record FROM elig_records WHERE birth_date = $1 ORDER BY acquired_on DESC, record_key',
    [birthDate],
  );
  const out = new Map<string, RegisteredPerson>();
  for (const row of res.rows) {
    if (out.has(row.patient_key)) continue;
    const r = JSON.parse(row.record) as EligibilityRecord;
    out.set(row.patient_key, {
      patientId: row.patient_key,
      familyName: r.familyName,
      givenName: r.givenName,
      familyNameKana: r.familyNameKana,
      givenNameKana: r.givenNameKana,
      birthDate: r.birthDate,
      sex: r.sex,
    });
  }
  return [...out.values()];
}

/** The person's eligibility records, newest acquisition first (current and past). */
export async function eligibilityRecordsOf(db: Queryable, patientKey: string): Promise<EligibilityRecord[]> {
  const res = await db.query<{ record: string }>('SELECT record FROM elig_records WHERE patient_key = $1 ORDER BY acquired_on DESC, record_key', [patientKey]);
  return res.rows.map((r) => JSON.parse(r.record) as EligibilityRecord);
}

export type CardHolder = { found: true; patientId: string } | { found: false; code: 'unreadable' | 'not-linked' | 'superseded'; ja: string; en: string };

/**
 * The person a 利用者証明用電子証明書 (PEM or base64 DER, as read from the card's chip without the PIN) is linked to
 * now. Only the exact certificate of a current link answers: a copy of another certificate, an unlinked or renewed
 * one does not (the card in the doctor's hand is the proof; no signature is asked of an unconscious holder).
 */
export async function cardHolderOf(platform: ServicePlatform, certificate: string): Promise<CardHolder> {
  let der: Buffer | undefined;
  try {
    der = certificate.includes('-----BEGIN') ? fromPem(certificate, 'CERTIFICATE')[0] : Buffer.from(certificate.replace(/\s+/g, ''), 'base64');
  } catch {
    der = undefined;
  }
  if (!der?.length || der[0] !== 0x30)
    return { found: false, code: 'unreadable', ja: 'カードの電子証明書を読み取れません', en: 'the card certificate cannot be read' };
  const holder = await certificateHolder(platform, createHash('sha256').update(der).digest('hex'));
  if (!holder)
    return { found: false, code: 'not-linked', ja: 'このカードは登録された方に紐付いていません', en: 'the card is not linked to a registered person' };
  if (holder.superseded || holder.unlinked)
    return {
      found: false,
      code: 'superseded',
      ja: 'このカードの電子証明書は更新または紐付け解除されています',
      en: 'the card certificate was renewed or unlinked',
    };
  return { found: true, patientId: holder.patientId };
}
