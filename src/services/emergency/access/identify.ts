/**
 * Identifying the person (本人の特定) without their cooperation:
 *   card          the 利用者証明用電子証明書 read from the card's chip without the PIN (the card in hand is the proof)
 *   demographics  氏名 (kanji or kana, spaces ignored) + 生年月日 + 性別 (+ 郵便番号): the registered people who match
 *                 exactly; one → identified; two or three → candidates shown (name, kana, birth date, sex, whether the
 *                 postal code matched) for the doctor to choose, the choice re-checked against the same details; more
 *                 → refused (add the postal code or read the card); none → refused.
 * The registry holds no address (the national system's 4th information comes from the resident register): a postal
 * code narrows only among candidates whose Patient record carries one; the others stay, marked 未登録.
 */
import { unprocessable } from '../../../platform/fhir/errors.ts';
import { cardHolderOf, kanaMatchKey, nameSearchKey, registeredPersonsBorn, type RegisteredPerson } from '../../eligibility/index.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';

/** At most this many candidates are shown. */
export const MAX_CANDIDATES = 3;

export interface Demographics {
  name: string;
  birthDate: string;
  sex?: 'male' | 'female' | 'other' | 'unknown';
  postalCode?: string;
}

export interface Candidate extends RegisteredPerson {
  /** true: the Patient record's postal code matches; false: it differs (such candidates are dropped); undefined: none. */
  postalMatch?: boolean;
}

export type Identification =
  | { identified: true; patientId: string; by: 'card' | 'demographics'; person?: RegisteredPerson }
  | { identified: false; candidates: Candidate[] };

/**
 * The registry's own comparison keys (eligibility model/names.ts): 氏名 by nameSearchKey (NFKC, spaces and variation
 * selectors dropped, old-style kanji kept), カナ氏名 by kanaMatchKey (hiragana read as katakana); middle dots ignored.
 */
function matchesName(p: RegisteredPerson, typed: string): boolean {
  const input = typed.replace(/[・･]/g, '');
  return (
    nameSearchKey(input) === nameSearchKey(`${p.familyName}${p.givenName}`) || kanaMatchKey(input) === kanaMatchKey(`${p.familyNameKana}${p.givenNameKana}`)
  );
}

export const normalPostalCode = (v: string) => v.normalize('NFKC').replace(/[-‐−ー\s〒]/g, '');

async function postalCodesOf(rt: EmergencyRuntime, ids: string[]): Promise<Map<string, string[]>> {
  const stored = await rt.platform.system.current(rt.platform.db, 'Patient', ids);
  const out = new Map<string, string[]>();
  for (const [id, r] of stored) {
    const body = r.content ? (JSON.parse(r.content) as { address?: { postalCode?: string }[] }) : {};
    out.set(
      id,
      (body.address ?? []).flatMap((a) => (a.postalCode ? [normalPostalCode(a.postalCode)] : [])),
    );
  }
  return out;
}

/** The people matching the details (postal code applied), at most MAX_CANDIDATES + 1 kept to tell "too many". */
export async function matchDemographics(rt: EmergencyRuntime, d: Demographics): Promise<Candidate[]> {
  const born = await registeredPersonsBorn(rt.platform.db, d.birthDate);
  const matched = born.filter((p) => matchesName(p, d.name) && (!d.sex || p.sex === d.sex));
  if (!d.postalCode || matched.length === 0) return matched;
  const wanted = normalPostalCode(d.postalCode);
  const codes = await postalCodesOf(
    rt,
    matched.map((p) => p.patientId),
  );
  return matched.flatMap((p) => {
    const known = codes.get(p.patientId) ?? [];
    if (known.length === 0) return [{ ...p }];
    return known.includes(wanted) ? [{ ...p, postalMatch: true }] : [];
  });
}

export async function identify(rt: EmergencyRuntime, input: { certificate?: string; demographics?: Demographics; chosen?: string }): Promise<Identification> {
  if (input.certificate) {
    const holder = await cardHolderOf(rt.platform, input.certificate);
    if (!holder.found) throw unprocessable(holder.ja, holder.en, ['certificate']);
    return { identified: true, patientId: holder.patientId, by: 'card' };
  }
  const d = input.demographics!;
  const candidates = await matchDemographics(rt, d);
  if (candidates.length === 0)
    throw unprocessable(
      '入力された氏名・生年月日・性別に一致する登録者はいません。表記（カナ・旧字）や生年月日を確認してください',
      'no registered person matches the name, birth date and sex given',
    );
  if (input.chosen) {
    const chosen = candidates.find((c) => c.patientId === input.chosen);
    if (!chosen) throw unprocessable('選ばれた候補は入力された情報に一致しません', 'the chosen candidate does not match the details given', ['patient']);
    return { identified: true, patientId: chosen.patientId, by: 'demographics', person: chosen };
  }
  if (candidates.length === 1) return { identified: true, patientId: candidates[0].patientId, by: 'demographics', person: candidates[0] };
  if (candidates.length > MAX_CANDIDATES)
    throw unprocessable(
      `一致する方が${MAX_CANDIDATES}人を超えます。郵便番号を加えるか、カードを読み取ってください`,
      `more than ${MAX_CANDIDATES} people match: add the postal code or read the card`,
    );
  return { identified: false, candidates };
}
