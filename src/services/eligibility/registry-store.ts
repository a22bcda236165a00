/**
 * The insurer-side registry (資格情報の登録・更新・喪失): eligibility records become FHIR (Patient per person,
 * Coverage per period, Organization per insurer) and rows of the reception tables, in one transaction.
 *
 * Person matching (one identity per person, never by name), in this order:
 *   1. the same record (保険者番号+記号+番号+枝番+資格取得年月日) already registered → its person (an update);
 *   2. 個人連携キー (person_link_key, the role of the 機関別符号 the intermediary issues per person) → its person;
 *   3. 前被保険者番号 (previous_insured_number) given by the new insurer on a change → that person;
 *   4. the same 保険者番号:記号:番号:枝番 registered before with the same birth date (re-acquisition) → that person;
 *   5. otherwise a new person (a new Patient).
 * A record whose link key points at another person than its existing registration is refused.
 *
 * Idempotent: a record identical to the stored one writes nothing; the Patient is rewritten only when its
 * content changes. Registry writes are serialised by one advisory lock per transaction (the registry is not the
 * hot path; reception reads never take it).
 */
import type { RequestContext } from '../../platform/auth/principal.ts';
import { newId } from '../../platform/fhir/ids.ts';
import { FhirError } from '../../platform/fhir/errors.ts';
import type { PlatformParts } from '../../platform/platform.ts';
import type { Queryable } from '../../platform/storage/database.ts';
import { coverageResource, insuredKeyOf, insurerOrganization, numberKeyOf, patientResource, sameContent } from './fhir-mapping.ts';
import { recordKey, type EligibilityRecord } from './record.ts';

export interface RegistryItem {
  /** Line number of the bulk file, or position in an API request. */
  line: number;
  record: EligibilityRecord;
  /** 前被保険者番号 (`保険者番号:記号:番号:枝番`, normalised) when the person moves from another registration. */
  previousInsuredKey?: string;
}

export type RegistryErrorCode = 'forbidden-insurer' | 'link-conflict' | 'unknown-previous' | 'duplicate' | 'invalid-resource';

export type RegistryOutcome =
  | { line: number; status: 'created' | 'updated' | 'unchanged'; recordKey: string; patientId: string; coverageId: string; newPerson: boolean }
  | { line: number; status: 'error'; recordKey: string; code: RegistryErrorCode; reason_ja: string; reason_en: string };

const LOCK = 'tsunagu:eligibility-registry';

/** A resource version the registry writes (Repository.writeMany). */
type RegistryWrite = Parameters<PlatformParts['repo']['writeMany']>[2][number];
/** Records per transaction (and per multi-row write statement). */
export const REGISTRY_CHUNK = 400;

interface StoredRecordRow {
  record_key: string;
  patient_key: string;
  coverage_id: string;
  record: string;
}

/** Who may register records of an insurer number: that insurer, or an operator (the intermediary's batch). */
export function insurerAllowed(ctx: RequestContext, insurerNumber: string): boolean {
  const p = ctx.principal;
  if (p.kind === 'operator') return true;
  if (p.kind !== 'insurer' || !p.facilityCode) return false;
  const own = p.facilityCode.normalize('NFKC').trim();
  return (own.length === 6 ? own.padStart(8, '0') : own) === insurerNumber;
}

/** Checks the scopes a registry write needs (Coverage create and update). */
export function assertRegistryScopes(platform: PlatformParts, ctx: RequestContext): void {
  for (const interaction of ['create', 'update'] as const) {
    const d = platform.policy.scopeDecision(ctx, 'Coverage', interaction);
    if (!d.allow) throw FhirError.of(403, 'forbidden', d.ja, d.en);
  }
}

function errorOutcome(item: RegistryItem, code: RegistryErrorCode, ja: string, en: string): RegistryOutcome {
  return { line: item.line, status: 'error', recordKey: recordKey(item.record), code, reason_ja: ja, reason_en: en };
}

/** Applies records in chunks; every record gets an outcome, in input order. */
export async function applyRecords(platform: PlatformParts, ctx: RequestContext, items: RegistryItem[]): Promise<RegistryOutcome[]> {
  const out: RegistryOutcome[] = [];
  for (let i = 0; i < items.length; i += REGISTRY_CHUNK) out.push(...(await applyChunk(platform, ctx, items.slice(i, i + REGISTRY_CHUNK))));
  return out;
}

async function applyChunk(platform: PlatformParts, ctx: RequestContext, items: RegistryItem[]): Promise<RegistryOutcome[]> {
  const outcomes = new Map<RegistryItem, RegistryOutcome>();
  const live: RegistryItem[] = [];
  const seenKeys = new Set<string>();
  for (const item of items) {
    const key = recordKey(item.record);
    if (!insurerAllowed(ctx, item.record.insurerNumber)) {
      outcomes.set(
        item,
        errorOutcome(
          item,
          'forbidden-insurer',
          `保険者番号 ${item.record.insurerNumber} の資格情報を登録する権限がありません`,
          `this client may not register eligibility of insurer ${item.record.insurerNumber}`,
        ),
      );
    } else if (seenKeys.has(key)) {
      outcomes.set(item, errorOutcome(item, 'duplicate', `同じ資格情報（${key}）が重複しています`, `the same eligibility record (${key}) appears twice`));
    } else {
      seenKeys.add(key);
      live.push(item);
    }
  }
  if (live.length > 0) {
    await platform.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK]);
      const results = await writeChunk(platform, ctx, tx, live);
      for (const [item, outcome] of results) outcomes.set(item, outcome);
    });
  }
  return items.map((item) => outcomes.get(item)!);
}

async function writeChunk(platform: PlatformParts, ctx: RequestContext, tx: Queryable, items: RegistryItem[]): Promise<Map<RegistryItem, RegistryOutcome>> {
  const out = new Map<RegistryItem, RegistryOutcome>();
  const keys = items.map((i) => recordKey(i.record));
  const existing = new Map<string, StoredRecordRow>();
  for (const row of (await tx.query<StoredRecordRow>('SELECT record_key, patient_key, coverage_id, record FROM elig_records WHERE record_key = ANY($1::text[])', [keys])).rows)
    existing.set(row.record_key, row);

  const linkKeys = [...new Set(items.map((i) => i.record.personLinkKey).filter((k): k is string => !!k))];
  const links = new Map<string, string>();
  if (linkKeys.length > 0)
    for (const row of (await tx.query<{ link_key: string; patient_key: string }>('SELECT link_key, patient_key FROM elig_person_links WHERE link_key = ANY($1::text[])', [linkKeys])).rows)
      links.set(row.link_key, row.patient_key);

  const insuredKeys = [...new Set(items.flatMap((i) => [insuredKeyOf(i.record), ...(i.previousInsuredKey ? [i.previousInsuredKey] : [])]))];
  const byInsured = new Map<string, { patient: string; birthDate: string }[]>();
  for (const row of (
    await tx.query<{ insured_key: string; patient_key: string; birth_date: string }>(
      'SELECT DISTINCT insured_key, patient_key, birth_date FROM elig_records WHERE insured_key = ANY($1::text[])',
      [insuredKeys],
    )
  ).rows) {
    const list = byInsured.get(row.insured_key) ?? [];
    list.push({ patient: row.patient_key, birthDate: row.birth_date });
    byInsured.set(row.insured_key, list);
  }

  // 1. Resolve each record's person.
  const newPersons = new Set<string>();
  const newLinks = new Map<string, string>();
  const resolved: { item: RegistryItem; patient: string; prior?: StoredRecordRow }[] = [];
  for (const item of items) {
    const r = item.record;
    const key = recordKey(r);
    const prior = existing.get(key);
    const linked = r.personLinkKey ? (links.get(r.personLinkKey) ?? newLinks.get(r.personLinkKey)) : undefined;
    let patient: string | undefined;
    if (prior) {
      if (linked && linked !== prior.patient_key) {
        out.set(
          item,
          errorOutcome(
            item,
            'link-conflict',
            '個人連携キーが、この資格情報の登録済みの方と異なる方を指しています',
            'the person link key names another person than the one this record is registered to',
          ),
        );
        continue;
      }
      patient = prior.patient_key;
    } else if (linked) {
      patient = linked;
    } else if (item.previousInsuredKey) {
      const candidates = byInsured.get(item.previousInsuredKey) ?? [];
      const persons = [...new Set(candidates.map((c) => c.patient))];
      if (persons.length !== 1) {
        out.set(
          item,
          errorOutcome(
            item,
            'unknown-previous',
            `前被保険者番号 ${item.previousInsuredKey} の資格情報が登録されていません`,
            `no eligibility is registered under the previous insured number ${item.previousInsuredKey}`,
          ),
        );
        continue;
      }
      patient = persons[0];
    } else {
      const same = (byInsured.get(insuredKeyOf(r)) ?? []).filter((c) => c.birthDate === r.birthDate);
      const persons = [...new Set(same.map((c) => c.patient))];
      if (persons.length === 1) patient = persons[0];
    }
    if (!patient) {
      patient = newId();
      newPersons.add(patient);
    }
    if (r.personLinkKey && !links.has(r.personLinkKey) && !newLinks.has(r.personLinkKey)) newLinks.set(r.personLinkKey, patient);
    // Later rows of this chunk under the same number (re-acquisition) find this person too.
    const list = byInsured.get(insuredKeyOf(r)) ?? [];
    if (!list.some((c) => c.patient === patient)) list.push({ patient, birthDate: r.birthDate });
    byInsured.set(insuredKeyOf(r), list);
    resolved.push({ item, patient, prior });
  }

  // 2. Insurer organisations.
  const insurerNumbers = [...new Set(resolved.map((x) => x.item.record.insurerNumber))];
  const orgs = new Map<string, string>();
  for (const row of (await tx.query<{ insurer_number: string; organization_id: string }>('SELECT insurer_number, organization_id FROM elig_insurers WHERE insurer_number = ANY($1::text[])', [insurerNumbers])).rows)
    orgs.set(row.insurer_number, row.organization_id);

  const now = new Date().toISOString();
  const writes: RegistryWrite[] = [];
  const newOrgs: [string, string][] = [];
  const prepare = (body: Record<string, unknown>, versionId: number) =>
    platform.repo.prepare(body, { type: body.resourceType as string, id: body.id as string, versionId, now });
  const auditOf = (action: 'C' | 'U', type: string, id: string, version: number, patientKey: string) =>
    platform.repo.auditRecord(ctx, action, action === 'C' ? 'create' : 'update', '0', patientKey, [`${type}/${id}/_history/${version}`]);

  for (const number of insurerNumbers) {
    if (orgs.has(number)) continue;
    const id = newId();
    const name = ctx.principal.kind === 'insurer' ? ctx.principal.name : undefined;
    const prepared = prepare(insurerOrganization(id, number, name), 1);
    writes.push({ resourceType: 'Organization', id, versionId: 1, lastUpdated: now, patientKey: prepared.patientKey, content: prepared.content, index: prepared.index, audit: auditOf('C', 'Organization', id, 1, '') });
    orgs.set(number, id);
    newOrgs.push([number, id]);
  }

  // 3. Coverages of changed records (unchanged ones write nothing).
  const changed: { item: RegistryItem; patient: string; coverageId: string; isNew: boolean; body: Record<string, unknown> }[] = [];
  for (const x of resolved) {
    const recordJson = JSON.stringify(x.item.record);
    const coverageId = x.prior?.coverage_id ?? newId();
    if (x.prior && x.prior.record === recordJson) {
      out.set(x.item, { line: x.item.line, status: 'unchanged', recordKey: recordKey(x.item.record), patientId: x.patient, coverageId, newPerson: false });
      continue;
    }
    const body = coverageResource(x.item.record, { coverageId, patientId: x.patient, organizationId: orgs.get(x.item.record.insurerNumber)! });
    changed.push({ item: x.item, patient: x.patient, coverageId, isNew: !x.prior, body });
  }
  if (changed.length === 0 && newOrgs.length === 0) return out;

  const coverageVersions = new Map<string, number>();
  const updatedCoverages = changed.filter((c) => !c.isNew).map((c) => c.coverageId);
  if (updatedCoverages.length > 0)
    for (const row of (await tx.query<{ id: string; version_id: number }>(`SELECT id, version_id FROM resources WHERE resource_type = 'Coverage' AND id = ANY($1::text[]) FOR UPDATE`, [updatedCoverages])).rows)
      coverageVersions.set(row.id, Number(row.version_id));

  // 4. Patients of persons whose records changed: all their records (stored + this chunk) give the content.
  const touched = [...new Set(changed.map((c) => c.patient))];
  const recordsOf = new Map<string, Map<string, EligibilityRecord>>();
  const existingPersons = touched.filter((p) => !newPersons.has(p));
  if (existingPersons.length > 0)
    for (const row of (await tx.query<{ patient_key: string; record_key: string; record: string }>('SELECT patient_key, record_key, record FROM elig_records WHERE patient_key = ANY($1::text[])', [existingPersons])).rows) {
      const m = recordsOf.get(row.patient_key) ?? new Map();
      m.set(row.record_key, JSON.parse(row.record) as EligibilityRecord);
      recordsOf.set(row.patient_key, m);
    }
  const currentPatients = new Map<string, { version: number; content: string }>();
  if (existingPersons.length > 0)
    for (const row of (await tx.query<{ id: string; version_id: number; content: string }>(`SELECT id, version_id, content FROM resources WHERE resource_type = 'Patient' AND id = ANY($1::text[]) FOR UPDATE`, [existingPersons])).rows)
      currentPatients.set(row.id, { version: Number(row.version_id), content: row.content });

  // Validate coverages first; a record whose Coverage does not validate is reported and left out.
  const preparedCoverages = new Map<RegistryItem, ReturnType<typeof prepare>>();
  const accepted: typeof changed = [];
  for (const c of changed) {
    try {
      preparedCoverages.set(c.item, prepare(c.body, c.isNew ? 1 : (coverageVersions.get(c.coverageId) ?? 0) + 1));
      accepted.push(c);
    } catch (err) {
      out.set(c.item, invalidResource(c.item, 'Coverage', err));
    }
  }
  for (const c of accepted) {
    const m = recordsOf.get(c.patient) ?? new Map<string, EligibilityRecord>();
    m.set(recordKey(c.item.record), c.item.record);
    recordsOf.set(c.patient, m);
  }
  const patientWrites = new Map<string, RegistryWrite>();
  const rejectedPersons = new Set<string>();
  for (const patient of new Set(accepted.map((c) => c.patient))) {
    const body = patientResource(patient, [...recordsOf.get(patient)!.values()]);
    const current = currentPatients.get(patient);
    if (current && sameContent(JSON.parse(current.content) as Record<string, unknown>, body)) continue;
    const version = (current?.version ?? 0) + 1;
    try {
      const prepared = prepare(body, version);
      patientWrites.set(patient, {
        resourceType: 'Patient',
        id: patient,
        versionId: version,
        lastUpdated: now,
        patientKey: prepared.patientKey,
        content: prepared.content,
        index: prepared.index,
        audit: auditOf(current ? 'U' : 'C', 'Patient', patient, version, patient),
      });
    } catch (err) {
      rejectedPersons.add(patient);
      for (const c of accepted.filter((a) => a.patient === patient)) out.set(c.item, invalidResource(c.item, 'Patient', err));
    }
  }
  const final = accepted.filter((c) => !rejectedPersons.has(c.patient));
  // Patients first (a Coverage refers to its beneficiary), then coverages.
  writes.push(...patientWrites.values());
  for (const c of final) {
    const prepared = preparedCoverages.get(c.item)!;
    const version = Number((prepared.resource.meta as { versionId: string }).versionId);
    writes.push({
      resourceType: 'Coverage',
      id: c.coverageId,
      versionId: version,
      lastUpdated: now,
      patientKey: prepared.patientKey,
      content: prepared.content,
      index: prepared.index,
      audit: auditOf(c.isNew ? 'C' : 'U', 'Coverage', c.coverageId, version, prepared.patientKey),
    });
  }
  await platform.repo.writeMany(ctx, tx, writes);

  // 5. Reception tables, same transaction.
  if (newOrgs.length > 0)
    await tx.query('INSERT INTO elig_insurers (insurer_number, organization_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [
      newOrgs.map((o) => o[0]),
      newOrgs.map((o) => o[1]),
    ]);
  const finalPersons = new Set(final.map((c) => c.patient));
  const linkRows = [...newLinks].filter(([, patient]) => finalPersons.has(patient));
  if (linkRows.length > 0)
    await tx.query('INSERT INTO elig_person_links (link_key, patient_key) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [
      linkRows.map((l) => l[0]),
      linkRows.map((l) => l[1]),
    ]);
  if (final.length > 0) {
    const col = <T>(f: (c: (typeof final)[number]) => T) => final.map(f);
    await tx.query(
      `INSERT INTO elig_records (record_key, patient_key, insured_key, number_key, insurer_number, birth_date, acquired_on, lost_on, coverage_id, record, updated)
       SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
       ON CONFLICT (record_key) DO UPDATE SET patient_key = EXCLUDED.patient_key, insured_key = EXCLUDED.insured_key, number_key = EXCLUDED.number_key,
         birth_date = EXCLUDED.birth_date, lost_on = EXCLUDED.lost_on, coverage_id = EXCLUDED.coverage_id, record = EXCLUDED.record, updated = now()`,
      [
        col((c) => recordKey(c.item.record)),
        col((c) => c.patient),
        col((c) => insuredKeyOf(c.item.record)),
        col((c) => numberKeyOf(c.item.record)),
        col((c) => c.item.record.insurerNumber),
        col((c) => c.item.record.birthDate),
        col((c) => c.item.record.acquiredOn),
        col((c) => c.item.record.lostOn),
        col((c) => c.coverageId),
        col((c) => JSON.stringify(c.item.record)),
      ],
    );
  }
  // A person created in this chunk is new for the first of their records only.
  const firstOf = new Map<string, RegistryItem>();
  for (const c of final) if (newPersons.has(c.patient) && !firstOf.has(c.patient)) firstOf.set(c.patient, c.item);
  for (const c of final) {
    out.set(c.item, {
      line: c.item.line,
      status: c.isNew ? 'created' : 'updated',
      recordKey: recordKey(c.item.record),
      patientId: c.patient,
      coverageId: c.coverageId,
      newPerson: firstOf.get(c.patient) === c.item,
    });
  }
  return out;
}

function invalidResource(item: RegistryItem, type: string, err: unknown): RegistryOutcome {
  if (err instanceof FhirError) {
    const issues = (err.outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    const ja = issues.map((i) => `${i.details?.text ?? ''}${i.expression?.length ? `（${i.expression.join(', ')}）` : ''}`).join('；');
    const en = issues.map((i) => `${i.diagnostics ?? ''}${i.expression?.length ? ` (${i.expression.join(', ')})` : ''}`).join('; ');
    return errorOutcome(item, 'invalid-resource', `${type} が検証に通りません：${ja}`, `the ${type} does not validate: ${en}`);
  }
  throw err;
}
