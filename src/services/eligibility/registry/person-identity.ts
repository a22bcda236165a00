/**
 * A person's identity across insurers (本人の同一性): which records may set the name, カナ氏名, birth date and sex
 * shown at reception, and whether a record linked from another insurer names the same person.
 *
 * Identity records. A record is stored with `identity` = true when it was matched on a basis that speaks for the
 * person: it created the person, or it came with a 個人連携キー registered for them (the intermediary's key, which
 * only an identity record registers). The insurers of such records are the person's *identity insurers*; all their
 * records of the person (updates, re-acquisitions, their own previous numbers) are the identity records, and the
 * latest of them gives the Patient's identity fields. A record linked through another insurer's 前被保険者番号 adds
 * its Coverage and identifier, never those fields: an insurer cannot rewrite who a person is by claiming them. A
 * real change (a new family name after marriage) is shown when an identity insurer registers it, or when the new
 * insurer's record comes with the person link key — that makes it an identity insurer.
 *
 * Same person (a link across insurers must prove it), against any identity record of the person (an earlier name
 * still identifies them):
 *   - the birth date is equal;
 *   - the name matches: the カナ氏名 after kanaMatchKey (NFKC, spaces removed, hiragana → katakana) or the 氏名 after
 *     nameSearchKey (NFKC, variation selectors and spaces removed). Either suffices: kanji spellings differ between
 *     insurers' character sets in ways NFKC does not fold (髙/高, 﨑/崎, 外字 replaced by a common form), and kana
 *     conventions differ (ヂ/ジ, ヴ/ブ) where the kanji agree; requiring both would refuse real moves, and with an
 *     exact birth date either one singles out the person. Stored names are never altered: only copies are compared;
 *   - the sexes do not contradict (both male or female, and different): a recorded sex rarely changes and a
 *     legitimate change goes through the identity insurer or the link key;
 *   - the person link keys do not contradict (both present and different): the intermediary issues one per person.
 */
import { kanaMatchKey, nameSearchKey } from '../model/names.ts';
import type { EligibilityRecord } from '../model/record.ts';

export interface PersonRecord {
  record: EligibilityRecord;
  /** Matched on an identity basis (created the person, or came with their registered link key). */
  identity: boolean;
}

/** Insurers whose records set the person's identity fields. */
export function identityInsurers(records: Iterable<PersonRecord>): Set<string> {
  const out = new Set<string>();
  for (const r of records) if (r.identity) out.add(r.record.insurerNumber);
  return out;
}

/** The records that give the Patient's identity fields (every record when none is flagged, which a person created by a record never is). */
export function identityRecords(records: readonly PersonRecord[]): EligibilityRecord[] {
  const insurers = identityInsurers(records);
  const own = records.filter((r) => insurers.has(r.record.insurerNumber)).map((r) => r.record);
  return own.length > 0 ? own : records.map((r) => r.record);
}

/** Does a record of this insurer speak for the person's identity? */
export function speaksForIdentity(records: Iterable<PersonRecord>, insurerNumber: string): boolean {
  return identityInsurers(records).has(insurerNumber);
}

const KNOWN_SEXES = new Set(['male', 'female']);

function sameName(a: EligibilityRecord, b: EligibilityRecord): boolean {
  const kana = (r: EligibilityRecord) => kanaMatchKey(r.familyNameKana + r.givenNameKana);
  const kanji = (r: EligibilityRecord) => nameSearchKey(r.familyName + r.givenName);
  return (kana(a) !== '' && kana(a) === kana(b)) || (kanji(a) !== '' && kanji(a) === kanji(b));
}

function matches(candidate: EligibilityRecord, known: EligibilityRecord): boolean {
  if (candidate.birthDate !== known.birthDate) return false;
  if (!sameName(candidate, known)) return false;
  if (KNOWN_SEXES.has(candidate.sex) && KNOWN_SEXES.has(known.sex) && candidate.sex !== known.sex) return false;
  return true;
}

/** Is `candidate` (a record linked from another insurer) the person whose identity records are `identity`? */
export function samePerson(candidate: EligibilityRecord, identity: readonly EligibilityRecord[]): boolean {
  const keys = new Set(identity.map((r) => r.personLinkKey).filter((k): k is string => !!k));
  if (candidate.personLinkKey && keys.size > 0 && !keys.has(candidate.personLinkKey)) return false;
  return identity.some((known) => matches(candidate, known));
}
