/**
 * Items about to be stored (the 5 information of a JP_Bundle_CLINS, the prescriptions of a referral letter): each
 * checked for its person, facility, business identifier, codes and flags — every problem collected, so the refusal
 * names all of them — then written in one transaction with its sharing row.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import type { WriteSession } from '../../../platform/store/repository.ts';
import type { StoredResource } from '../../../platform/store/stored-resource.ts';
import type { CreateItem } from '../../../platform/store/write-statement.ts';
import { insuredKeyOf, isInsuredPersonSystem } from '../../eligibility/index.ts';
import { KIND_RULES, type Flag, type ItemKind } from '../model/kinds.ts';
import { CLINICAL_INFORMATION_TOPIC, PERSON_WITHHELD_LABEL, SHARED_ITEM_LABEL } from '../model/fhir-codes.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import type { DocumentPerson, Entry } from './document-checks.ts';
import { businessIdOf, clinicalDateOf, flagsOf, institutionOf } from './item-facts.ts';
import { rewriteReferences } from './references.ts';

type Json = Record<string, unknown>;

export interface PreparedItem {
  entry: Entry;
  kind: ItemKind;
  testKey: string;
  businessId: string;
  clinicalDate: Date;
  flags: Set<Flag>;
}

export interface StoredItem {
  reference: string;
  kind: ItemKind;
  businessId: string;
  status: 'created' | 'updated';
}

const SUBJECT_FIELD: Record<string, string> = { Condition: 'subject', Observation: 'subject', MedicationRequest: 'subject', AllergyIntolerance: 'patient' };

const issue = (ja: string, en: string, path: string): Issue => ({ severity: 'error', code: 'business-rule', ja, en, expression: [path] });

/** Is the item about the document's person (a reference to its Patient entry, or the same insured-person identifier)? */
function subjectIssue(resource: Json, person: DocumentPerson, path: string): Issue | undefined {
  const field = SUBJECT_FIELD[resource.resourceType as string];
  const subject = resource[field] as { reference?: string; identifier?: { system?: string; value?: string } } | undefined;
  const at = `${path}.${field}`;
  if (!subject) return issue(`${field} がありません`, `${field} is missing`, at);
  if (subject.reference !== undefined) {
    if (subject.reference === person.fullUrl || subject.reference === `Patient/${person.patientId}`) return undefined;
    return issue(
      `${field} は Bundle の Patient を参照してください（${subject.reference}）`,
      `${field} must refer to the Bundle's Patient (got ${subject.reference})`,
      at,
    );
  }
  const id = subject.identifier;
  if (id && isInsuredPersonSystem(id.system) && typeof id.value === 'string' && insuredKeyOf(id.value) === person.insuredKey) return undefined;
  return issue(
    `${field} の被保険者個人識別子が Bundle の Patient と一致しません`,
    `${field}.identifier does not name the Bundle's Patient (the same insured-person identifier is needed)`,
    `${at}.identifier`,
  );
}

/** Checks the items of a document for `facility`; problems go to `issues`. */
export function prepareItems(rt: SharingRuntime, entries: Entry[], person: DocumentPerson, facility: string, issues: Issue[], now: Date): PreparedItem[] {
  const out: PreparedItem[] = [];
  const seen = new Map<string, number>();
  for (const entry of entries) {
    const r = entry.resource;
    const path = `Bundle.entry[${entry.index}].resource`;
    const classified = rt.codes.classify(r);
    if ('error' in classified) {
      issues.push(issue(classified.error.ja, classified.error.en, `${path}.${classified.error.path}`));
      continue;
    }
    const { kind } = classified;
    const subject = subjectIssue(r, person, path);
    if (subject) issues.push(subject);
    const institution = institutionOf(r);
    if (institution === undefined)
      issues.push(
        issue(
          '登録医療機関（JP_eCS_InstitutionNumber）がありません',
          'the registering facility (JP_eCS_InstitutionNumber extension) is missing',
          `${path}.extension`,
        ),
      );
    else if (institution !== facility)
      issues.push(
        issue(
          `他の医療機関（${institution}）の項目は登録・変更できません（あなたの医療機関コード: ${facility}）`,
          `an item of another facility (${institution}) cannot be registered or changed (yours: ${facility})`,
          `${path}.extension`,
        ),
      );
    for (const p of rt.codes.check(kind, r, now)) issues.push(issue(p.ja, p.en, `${path}.${p.path}`));
    const flags = flagsOf(r, kind, path, issues);
    const businessId = businessIdOf(r, path, issues);
    if (businessId) {
      const key = `${r.resourceType}|${businessId}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        const value = businessId.slice(businessId.indexOf('|') + 1);
        issues.push(
          issue(`識別子 ${value} の項目が entry[${earlier}] と重複しています`, `business identifier ${value} repeats entry[${earlier}]`, `${path}.identifier`),
        );
      }
      seen.set(key, entry.index);
    }
    out.push({ entry, kind, testKey: classified.testKey ?? '', businessId: businessId ?? '', clinicalDate: clinicalDateOf(r, now), flags });
  }
  return out;
}

/** The resource as stored: the service's access labels added, references to the document's entries resolved. */
function storedBody(item: PreparedItem, id: string, targets: Map<string, string>): Json {
  const body = rewriteReferences(item.entry.resource, targets);
  const meta = { ...((body.meta as Json | undefined) ?? {}) };
  const security = ((meta.security as { system?: string; code?: string }[] | undefined) ?? []).filter((s) => s?.system !== SHARED_ITEM_LABEL.system);
  security.push(SHARED_ITEM_LABEL);
  if (item.flags.has('UNINFORMED')) security.push(PERSON_WITHHELD_LABEL);
  meta.security = security;
  return { ...body, id, meta };
}

/**
 * Writes the items in `session` (trusted: the caller was checked here): an item whose business identifier this
 * facility registered before becomes a new version of it (also after a withdrawal), others are created.
 */
export async function writeItems(
  rt: SharingRuntime,
  session: WriteSession,
  ctx: RequestContext,
  items: PreparedItem[],
  person: DocumentPerson,
  facility: string,
  source: string,
  now: Date,
): Promise<StoredItem[]> {
  const { repo } = rt.platform;
  // One lock per business identifier (sorted: two registrations never wait on each other in a cycle), one round trip.
  const keys = [...new Set(items.map((i) => `sharing:${facility}|${i.entry.resource.resourceType}|${i.businessId}`))].sort();
  await session.tx.query('SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) locks', [keys]);
  const existing = await session.tx.query<{ resource_type: string; resource_id: string; business_id: string; patient_key: string }>(
    `SELECT resource_type, resource_id, business_id, patient_key FROM sharing_items
      WHERE facility = $1 AND (resource_type, business_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [facility, items.map((i) => i.entry.resource.resourceType as string), items.map((i) => i.businessId)],
  );
  const other = existing.rows.find((r) => r.patient_key !== person.patientId);
  if (other)
    throw FhirError.of(
      422,
      'business-rule',
      `識別子 ${other.business_id} の項目は別の患者について登録済みです`,
      `the item with business identifier ${other.business_id} was registered for another patient`,
    );
  const known = new Map(existing.rows.map((r) => [`${r.resource_type}|${r.business_id}`, r.resource_id]));
  const ids = items.map((i) => known.get(`${i.entry.resource.resourceType}|${i.businessId}`));
  const targets = new Map<string, string>();
  if (person.fullUrl) targets.set(person.fullUrl, `Patient/${person.patientId}`);
  const assigned = items.map((item, n) => {
    const id = ids[n] ?? newId();
    if (item.entry.fullUrl) targets.set(item.entry.fullUrl, `${item.entry.resource.resourceType}/${id}`);
    return id;
  });
  // New items are written many to a statement (as a transaction Bundle's creates); re-registrations one by one.
  const stored: StoredItem[] = [];
  const creates: CreateItem[] = [];
  for (const [n, item] of items.entries()) {
    const type = item.entry.resource.resourceType as string;
    const id = assigned[n];
    const body = storedBody(item, id, targets);
    let written: StoredResource;
    if (ids[n]) written = (await repo.update(ctx, type, id, body, { session, validated: {} })).stored;
    else {
      const ready = await repo.readyCreate(ctx, body, { type, id, session, validated: {} });
      creates.push(ready.item);
      written = ready.result.stored;
    }
    if (written.patientKey !== person.patientId) throw new Error(`sharing: ${type}/${id} resolved to another person`);
    stored.push({ reference: `${type}/${id}`, kind: item.kind, businessId: item.businessId, status: ids[n] ? 'updated' : 'created' });
  }
  await repo.writeCreates(session, creates);
  // The person learns of new items without polling — never of 未告知 ones (the notice itself would tell).
  await rt.platform.subscriptions.publish(
    session.tx,
    items.flatMap((item, n) =>
      item.flags.has('UNINFORMED')
        ? []
        : [{ topic: CLINICAL_INFORMATION_TOPIC, focus: stored[n].reference, patientKey: person.patientId, audience: { patientId: person.patientId } }],
    ),
  );
  const col = <T>(f: (i: PreparedItem, n: number) => T) => items.map(f);
  await session.tx.query(
    `INSERT INTO sharing_items (resource_type, resource_id, patient_key, kind, facility, business_id, test_key, clinical_date, registered_at,
                                uninformed, undelivered, long_term, source, withdrawn_at, purged_at)
     SELECT t, i, $3, k, $4, b, tk, cd, $5, un, ud, lt, $6, NULL, NULL
       FROM unnest($1::text[], $2::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::boolean[], $12::boolean[], $13::boolean[])
            AS x(t, i, k, b, tk, cd, un, ud, lt)
     ON CONFLICT (resource_type, resource_id) DO UPDATE SET
       kind = EXCLUDED.kind, test_key = EXCLUDED.test_key, clinical_date = EXCLUDED.clinical_date, registered_at = EXCLUDED.registered_at,
       uninformed = EXCLUDED.uninformed, undelivered = EXCLUDED.undelivered, long_term = EXCLUDED.long_term, source = EXCLUDED.source,
       withdrawn_at = NULL, purged_at = NULL`,
    [
      col((i) => i.entry.resource.resourceType as string),
      assigned,
      person.patientId,
      facility,
      now.toISOString(),
      source,
      col((i) => i.kind),
      col((i) => i.businessId),
      col((i) => i.testKey),
      col((i) => i.clinicalDate.toISOString()),
      col((i) => i.flags.has('UNINFORMED')),
      col((i) => i.flags.has('UNDELIVERED')),
      col((i) => i.flags.has('LTS') && KIND_RULES[i.kind].flags.includes('LTS')),
    ],
  );
  return stored;
}
