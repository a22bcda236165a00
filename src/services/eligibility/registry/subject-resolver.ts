/**
 * Who a resource is about when it names the person only by 被保険者個人識別子 (JP_Insurance_memberID
 * `保険者番号:記号:番号:枝番`, the JP-CLINS `subject.identifier` style, or the identifier of a contained Patient): the
 * registered person with that insured number, when exactly one is. Anything else stays unresolved (the platform then
 * keeps the data closed to everyone but its registrant) — a person is never guessed.
 */
import type { SubjectResolver } from '../../../platform/store/repository.ts';
import {
  INSURED_PERSON_IDENTIFIER_SYSTEM,
  INSURED_PERSON_IDENTIFIER_SYSTEM_ALIASES,
  formatInsuredPersonIdentifierValue,
  parseInsuredPersonIdentifierValue,
} from '../model/numbers.ts';

const SYSTEMS = new Set([INSURED_PERSON_IDENTIFIER_SYSTEM, ...INSURED_PERSON_IDENTIFIER_SYSTEM_ALIASES]);

/** Normalised insured keys named by the identifiers (unparseable ones are ignored). */
export function insuredKeysOf(identifiers: { system: string; value: string }[]): string[] {
  const keys = new Set<string>();
  for (const i of identifiers) {
    if (!SYSTEMS.has(i.system)) continue;
    const parsed = parseInsuredPersonIdentifierValue(i.value.normalize('NFKC'));
    if (parsed.ok) keys.add(formatInsuredPersonIdentifierValue(parsed.value));
  }
  return [...keys];
}

export const insuredPersonResolver: SubjectResolver = async (q, identifiers) => {
  const keys = insuredKeysOf(identifiers);
  if (keys.length === 0) return undefined;
  const res = await q.query<{ patient_key: string }>('SELECT DISTINCT patient_key FROM elig_records WHERE insured_key = ANY($1::text[]) LIMIT 2', [keys], {
    name: 'elig_resolve_subject',
  });
  return res.rows.length === 1 ? res.rows[0].patient_key : undefined;
};
