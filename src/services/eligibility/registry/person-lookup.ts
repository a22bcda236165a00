/**
 * Who a JP-CLINS 被保険者個人識別子 (JP_Insurance_memberID `保険者番号:記号:番号:枝番`) names, for other services
 * (the EHR sharing service resolves the patient of a registration here): the one registered person with that insured
 * number — and, when given, that birth date. Unknown, ambiguous and mismatched answer alike to the caller (`found:
 * false` with one reason text); the precise reason is for the caller's audit record only.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import {
  INSURED_PERSON_IDENTIFIER_SYSTEM,
  INSURED_PERSON_IDENTIFIER_SYSTEM_ALIASES,
  formatInsuredPersonIdentifierValue,
  parseInsuredPersonIdentifierValue,
} from '../model/numbers.ts';

export type PersonLookup =
  | { found: true; patientId: string; insuredKey: string }
  | { found: false; problem: 'malformed' | 'unknown' | 'ambiguous' | 'birth-date'; ja: string; en: string };

const SYSTEMS = new Set([INSURED_PERSON_IDENTIFIER_SYSTEM, ...INSURED_PERSON_IDENTIFIER_SYSTEM_ALIASES]);

/** Is this identifier system the insured-person identifier (or its alias)? */
export const isInsuredPersonSystem = (system: unknown): boolean => typeof system === 'string' && SYSTEMS.has(system);

/** The normalised insured key of an identifier value (NFKC), or undefined when it does not parse. */
export function insuredKeyOf(value: string): string | undefined {
  const parsed = parseInsuredPersonIdentifierValue(value.normalize('NFKC'));
  return parsed.ok ? formatInsuredPersonIdentifierValue(parsed.value) : undefined;
}

const NOT_FOUND = {
  ja: '被保険者個人識別子と生年月日に一致する登録者が一人に定まりません（未登録・複数該当・生年月日の不一致）',
  en: 'no single registered person matches the insured-person identifier and birth date',
} as const;

export async function lookUpInsuredPerson(db: Queryable, identifierValue: string, birthDate?: string): Promise<PersonLookup> {
  const insuredKey = insuredKeyOf(identifierValue);
  if (!insuredKey)
    return {
      found: false,
      problem: 'malformed',
      ja: `被保険者個人識別子「${identifierValue}」は「保険者番号:記号:番号:枝番」の形ではありません`,
      en: `insured-person identifier "${identifierValue}" is not of the form insurer:symbol:number:branch`,
    };
  const res = await db.query<{ patient_key: string; birth_date: string }>(
    'SELECT DISTINCT patient_key, birth_date FROM elig_records WHERE insured_key = $1',
    [insuredKey],
    { name: 'elig_person_lookup' },
  );
  const persons = new Set(res.rows.map((r) => r.patient_key));
  if (persons.size === 0) return { found: false, problem: 'unknown', ...NOT_FOUND };
  if (persons.size > 1) return { found: false, problem: 'ambiguous', ...NOT_FOUND };
  if (birthDate && !res.rows.some((r) => r.birth_date === birthDate)) return { found: false, problem: 'birth-date', ...NOT_FOUND };
  return { found: true, patientId: [...persons][0], insuredKey };
}
