/**
 * What the service reads off one item resource: its flags (meta.tag JP_ehrshrs_indication), business identifier,
 * registering facility (JP_eCS_InstitutionNumber) and clinical date (the date retention counts from).
 */
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { KIND_RULES, type Flag, type ItemKind } from '../model/kinds.ts';
import { INDICATION_SYSTEM, INSTITUTION_NUMBER_EXTENSION, RESOURCE_INSTANCE_IDENTIFIER } from '../model/fhir-codes.ts';

type Json = Record<string, unknown>;
const FLAGS = new Set<Flag>(['UNINFORMED', 'UNDELIVERED', 'LTS']);
const FLAG_NAMES: Record<Flag, string> = { UNINFORMED: '未告知', UNDELIVERED: '未提供', LTS: '長期保存' };

const error = (ja: string, en: string, path: string): Issue => ({ severity: 'error', code: 'business-rule', ja, en, expression: [path] });

/** The flags of an item; unknown codes of the indication system, and flags the kind may not carry, are issues. */
export function flagsOf(resource: Json, kind: ItemKind, path: string, issues: Issue[]): Set<Flag> {
  const out = new Set<Flag>();
  const tags = ((resource.meta as Json | undefined)?.tag as { system?: string; code?: string }[] | undefined) ?? [];
  tags.forEach((t, i) => {
    if (t?.system !== INDICATION_SYSTEM) return;
    const at = `${path}.meta.tag[${i}]`;
    if (!FLAGS.has(t.code as Flag)) {
      issues.push(
        error(
          `フラグ ${t.code} は JP_ehrshrs_indication にありません（UNINFORMED, UNDELIVERED, LTS）`,
          `unknown flag ${t.code} (UNINFORMED, UNDELIVERED, LTS)`,
          at,
        ),
      );
      return;
    }
    const flag = t.code as Flag;
    const rule = KIND_RULES[kind];
    if (!rule.flags.includes(flag)) {
      const allowed = flag === 'LTS' ? '傷病名・感染症・アレルギー' : '傷病名';
      issues.push(
        error(
          `${FLAG_NAMES[flag]}（${flag}）のフラグは${allowed}にだけ付けられます（この項目は${rule.ja}）`,
          `the ${flag} flag is allowed on ${flag === 'LTS' ? 'diagnoses, infections and allergies' : 'diagnoses'} only (this item is ${rule.en})`,
          at,
        ),
      );
      return;
    }
    out.add(flag);
  });
  return out;
}

/** `system|value` of the item's resourceInstance identifier (the business identifier), or an issue. */
export function businessIdOf(resource: Json, path: string, issues: Issue[]): string | undefined {
  const ids = (resource.identifier as { system?: string; value?: string }[] | undefined) ?? [];
  const id = ids.find((i) => i?.system === RESOURCE_INSTANCE_IDENTIFIER && typeof i.value === 'string' && i.value.trim() !== '');
  if (id) return `${id.system}|${id.value!.normalize('NFKC').trim()}`;
  issues.push(
    error(
      `項目の識別子（identifier.system = ${RESOURCE_INSTANCE_IDENTIFIER}）がありません。再登録・取下げに使います`,
      `the item has no business identifier (identifier with system ${RESOURCE_INSTANCE_IDENTIFIER}); it is what re-registration and withdrawal use`,
      `${path}.identifier`,
    ),
  );
  return undefined;
}

/** 医療機関コード of the JP_eCS_InstitutionNumber extension, if any. */
export function institutionOf(resource: Json): string | undefined {
  const ext = ((resource.extension as { url?: string; valueIdentifier?: { value?: string } }[] | undefined) ?? []).find(
    (e) => e?.url === INSTITUTION_NUMBER_EXTENSION,
  );
  const v = ext?.valueIdentifier?.value;
  return typeof v === 'string' ? v.normalize('NFKC').trim() : undefined;
}

// Not the store's data_date (access-facts.ts): that takes the first search date parameter with a value, and for a
// MedicationRequest the R4 `date` parameter is the dosage timing's event — retention counts from the prescription date.
const DATE_FIELDS: Record<string, string[]> = {
  Condition: ['recordedDate', 'onsetDateTime', 'onsetPeriod.start'],
  AllergyIntolerance: ['recordedDate', 'onsetDateTime', 'onsetPeriod.start', 'lastOccurrence'],
  Observation: ['effectiveDateTime', 'effectivePeriod.start', 'effectiveInstant', 'issued'],
  MedicationRequest: ['authoredOn'],
};

/** A FHIR date / dateTime as an instant (a date alone: the start of that day in Japan). */
export function instantOf(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  const withZone = /^\d{4}(-\d{2}(-\d{2})?)?$/.test(v) ? `${v.padEnd(10, '-01').slice(0, 10).replace(/-$/, '-01')}T00:00:00+09:00` : v;
  const t = Date.parse(withZone);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** The clinical date of an item (retention counts from it); the registration time when the item has none. */
export function clinicalDateOf(resource: Json, registeredAt: Date): Date {
  for (const field of DATE_FIELDS[resource.resourceType as string] ?? []) {
    const [a, b] = field.split('.');
    const v = b ? (resource[a] as Json | undefined)?.[b] : resource[a];
    const d = instantOf(v);
    if (d) return d;
  }
  return registeredAt;
}
