/**
 * The insurer-side registry (資格情報の登録・更新・喪失): eligibility records become FHIR (Patient per person,
 * Coverage per period, Organization per insurer) and rows of the reception tables, in one transaction.
 *
 * Person matching (one identity per person, never by name alone), in this order:
 *   1. the same record (保険者番号+記号+番号+枝番+資格取得年月日) already registered → its person (an update);
 *   2. 個人連携キー (person_link_key, the role of the 機関別符号 the intermediary issues per person) registered for a
 *      person → that person;
 *   3. 前被保険者番号 (previous_insured_number) → the person registered under it: at once when the number is the
 *      record's own insurer's; for another insurer's number only when the record is the same person — equal birth
 *      date, matching name (カナ or 氏名, normalised copies), no contradicting sex or link key (person-identity.ts).
 *      An unknown number and a number of someone else get one and the same refusal (`unknown-previous`), so the
 *      answer tells nothing about the number; a refusal naming a real person is recorded in that person's log;
 *   4. the same 保険者番号:記号:番号:枝番 registered before with the same birth date (re-acquisition) → that person;
 *   5. otherwise a new person (a new Patient).
 * A record whose link key points at another person than its existing registration is refused. Every link of a new
 * record to an existing person (2, 3) is audited in that person's log (`link-person`, naming the insurer, the
 * record and the basis).
 *
 * Identity (person-identity.ts): the Patient's name, カナ, sex and birth date come from the records of the person's
 * identity insurers (the one whose record created the person, and any whose record came with the registered link
 * key); a record linked through another insurer's previous number never changes them, and registers no link key.
 *
 * Insurer access (member-grants.ts): every written record's person gets, per record, a grant of check-up data dated
 * within the membership period to the record's insurer, in the same transaction.
 *
 * Idempotent: a record identical to the stored one writes nothing; the Patient is rewritten only when its
 * content changes. Registry writes are serialised by one advisory lock per transaction (the registry is not the
 * hot path; reception reads never take it).
 */
import { canonicalInsurerCode, type RequestContext } from '../../../platform/auth/principal.ts';
import { toAuditRow, type AuditOutcome, type AuditRecord } from '../../../platform/audit/audit-record.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import type { WriteSession } from '../../../platform/store/repository.ts';
import { coverageResource, insuredKeyOf, insurerOrganization, numberKeyOf, patientResource, sameContent } from './fhir-mapping.ts';
import { putMemberGrants, type MemberRecord } from './member-grants.ts';
import { identityRecords, samePerson, speaksForIdentity, type PersonRecord } from './person-identity.ts';
import { recordKey, type EligibilityRecord } from '../model/record.ts';

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
type RegistryWrite = Parameters<ServicePlatform['repo']['writeMany']>[2][number];
/** Records per transaction (and per multi-row write statement). */
export const REGISTRY_CHUNK = 400;

interface StoredRecordRow {
  record_key: string;
  patient_key: string;
  coverage_id: string;
  record: string;
}

/** A stored record of a person, as matching and the Patient need it. */
interface StoredPersonRecord extends PersonRecord {
  registered: Date;
  coverageId: string;
}

/** A record and the person it was matched to; `identity`: it speaks for the person (person-identity.ts). */
interface Resolved {
  item: RegistryItem;
  patient: string;
  prior?: StoredRecordRow;
  identity: boolean;
  basis: 'record' | 'link-key' | 'previous-number' | 'same-number' | 'new';
}

/** Who may register records of an insurer number: that insurer, or an operator (the intermediary's batch). */
export function insurerAllowed(ctx: RequestContext, insurerNumber: string): boolean {
  const p = ctx.principal;
  if (p.kind === 'operator') return true;
  if (p.kind !== 'insurer' || !p.facilityCode) return false;
  return canonicalInsurerCode(p.facilityCode) === insurerNumber;
}

/** Checks the scopes a registry write needs (Coverage create and update). */
export function assertRegistryScopes(platform: ServicePlatform, ctx: RequestContext): void {
  for (const interaction of ['create', 'update'] as const) {
    const d = platform.policy.scopeDecision(ctx, 'Coverage', interaction);
    if (!d.allow) throw FhirError.of(403, 'forbidden', d.ja, d.en);
  }
}

function errorOutcome(item: RegistryItem, code: RegistryErrorCode, ja: string, en: string): RegistryOutcome {
  return { line: item.line, status: 'error', recordKey: recordKey(item.record), code, reason_ja: ja, reason_en: en };
}

/**
 * The refusal of a previous insured number: one text whether the number is unknown or names someone else (it does
 * not even repeat the number), so the answer tells nothing about it.
 */
function previousNotMatched(item: RegistryItem): RegistryOutcome {
  return errorOutcome(
    item,
    'unknown-previous',
    '前被保険者番号に、この方と氏名・生年月日が一致する資格情報はありません（番号・氏名・生年月日を確認するか、個人連携キーで登録してください）',
    "no eligibility registered under the previous insured number matches this person's name and birth date (check them, or register with the person link key)",
  );
}

/** A link of a record to an existing person (or its refusal), for that person's log ('' : no one's). */
function linkAudit(platform: ServicePlatform, ctx: RequestContext, patient: string, outcome: AuditOutcome, what: string, entities: string[] = []): AuditRecord {
  return platform.repo.auditRecord(ctx, 'C', 'link-person', outcome, patient, [...(patient ? [`Patient/${patient}`] : []), ...entities], { outcomeDesc: what });
}

/** Applies records in chunks; every record gets an outcome, in input order. */
export async function applyRecords(platform: ServicePlatform, ctx: RequestContext, items: RegistryItem[]): Promise<RegistryOutcome[]> {
  const out: RegistryOutcome[] = [];
  for (let i = 0; i < items.length; i += REGISTRY_CHUNK) out.push(...(await applyChunk(platform, ctx, items.slice(i, i + REGISTRY_CHUNK))));
  return out;
}

async function applyChunk(platform: ServicePlatform, ctx: RequestContext, items: RegistryItem[]): Promise<RegistryOutcome[]> {
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
    await platform.repo.transaction(async (session) => {
      await session.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK]);
      const results = await writeChunk(platform, ctx, session, live);
      for (const [item, outcome] of results) outcomes.set(item, outcome);
    });
  }
  return items.map((item) => outcomes.get(item)!);
}

async function writeChunk(
  platform: ServicePlatform,
  ctx: RequestContext,
  session: WriteSession,
  items: RegistryItem[],
): Promise<Map<RegistryItem, RegistryOutcome>> {
  const tx = session.tx;
  const out = new Map<RegistryItem, RegistryOutcome>();
  const keys = items.map((i) => recordKey(i.record));
  const existing = new Map<string, StoredRecordRow>();
  for (const row of (
    await tx.query<StoredRecordRow>('SELECT record_key, patient_key, coverage_id, record FROM elig_records WHERE record_key = ANY($1::text[])', [keys])
  ).rows)
    existing.set(row.record_key, row);

  const linkKeys = [...new Set(items.map((i) => i.record.personLinkKey).filter((k): k is string => !!k))];
  const links = new Map<string, string>();
  if (linkKeys.length > 0)
    for (const row of (
      await tx.query<{ link_key: string; patient_key: string }>('SELECT link_key, patient_key FROM elig_person_links WHERE link_key = ANY($1::text[])', [
        linkKeys,
      ])
    ).rows)
      links.set(row.link_key, row.patient_key);

  // Every record of the persons a changed or new item may be written to (by its record, a link key, a previous or
  // its own insured number); an unchanged record needs none (a re-run of a file reads no more than before).
  const json = new Map(items.map((i) => [i, JSON.stringify(i.record)]));
  const unchanged = (i: RegistryItem) => existing.get(recordKey(i.record))?.record === json.get(i);
  const fresh = items.filter((i) => !existing.has(recordKey(i.record)));
  const insuredKeys = [...new Set(fresh.flatMap((i) => [insuredKeyOf(i.record), ...(i.previousInsuredKey ? [i.previousInsuredKey] : [])]))];
  const candidates = new Set<string>();
  for (const i of items) {
    if (unchanged(i)) continue;
    const prior = existing.get(recordKey(i.record));
    if (prior) candidates.add(prior.patient_key);
    const linked = i.record.personLinkKey ? links.get(i.record.personLinkKey) : undefined;
    if (linked) candidates.add(linked);
  }
  if (insuredKeys.length > 0)
    for (const row of (
      await tx.query<{ patient_key: string }>('SELECT DISTINCT patient_key FROM elig_records WHERE insured_key = ANY($1::text[])', [insuredKeys])
    ).rows)
      candidates.add(row.patient_key);
  const stored = new Map<string, Map<string, StoredPersonRecord>>();
  if (candidates.size > 0)
    for (const row of (
      await tx.query<{ patient_key: string; record_key: string; record: string; identity: boolean; registered: Date | string; coverage_id: string }>(
        'SELECT patient_key, record_key, record, identity, registered, coverage_id FROM elig_records WHERE patient_key = ANY($1::text[])',
        [[...candidates]],
      )
    ).rows) {
      const m = stored.get(row.patient_key) ?? new Map<string, StoredPersonRecord>();
      m.set(row.record_key, {
        record: JSON.parse(row.record) as EligibilityRecord,
        identity: row.identity,
        registered: new Date(row.registered),
        coverageId: row.coverage_id,
      });
      stored.set(row.patient_key, m);
    }
  // What resolution sees: the stored records, and the records of this chunk resolved so far.
  const seen = new Map<string, Map<string, PersonRecord>>();
  const byInsured = new Map<string, Set<string>>();
  const note = (patient: string, key: string, pr: PersonRecord) => {
    const m = seen.get(patient) ?? new Map<string, PersonRecord>();
    m.set(key, pr);
    seen.set(patient, m);
    const k = insuredKeyOf(pr.record);
    byInsured.set(k, (byInsured.get(k) ?? new Set()).add(patient));
  };
  for (const [patient, m] of stored) for (const [key, pr] of m) note(patient, key, pr);
  const recordsSeen = (patient: string) => [...(seen.get(patient)?.values() ?? [])];

  // 1. Resolve each record's person (see the header: matching, and whether the record speaks for identity).
  const newPersons = new Set<string>();
  const newLinks = new Map<string, string>();
  const resolved: Resolved[] = [];
  const refusedLinks: AuditRecord[] = [];
  for (const item of items) {
    const r = item.record;
    const key = recordKey(r);
    const prior = existing.get(key);
    const linked = r.personLinkKey ? (links.get(r.personLinkKey) ?? newLinks.get(r.personLinkKey)) : undefined;
    let patient: string | undefined;
    let identity = false;
    let basis: Resolved['basis'] = 'same-number';
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
      identity = stored.get(patient)?.get(key)?.identity === true || linked === patient;
      basis = 'record';
      if (unchanged(item)) {
        resolved.push({ item, patient, prior, identity, basis });
        continue;
      }
    } else if (linked) {
      // A registered link key was registered by an identity record: the intermediary's key vouches for the person.
      patient = linked;
      identity = true;
      basis = 'link-key';
    } else if (item.previousInsuredKey) {
      const persons = [...(byInsured.get(item.previousInsuredKey) ?? [])];
      const person = persons.length === 1 ? persons[0] : undefined;
      const sameInsurer = item.previousInsuredKey.startsWith(`${r.insurerNumber}:`);
      if (!person || !(sameInsurer || samePerson(r, identityRecords(recordsSeen(person))))) {
        // One answer whether the number is unknown or names someone else, with the same work (one audit event: in the
        // person's log, or in no one's): the caller learns nothing about the number.
        refusedLinks.push(
          linkAudit(
            platform,
            ctx,
            person ?? '',
            '4',
            person
              ? `refused: insurer ${r.insurerNumber} named ${item.previousInsuredKey} as the previous insured number of record ${key}, but the name and birth date do not match this person`
              : `refused: insurer ${r.insurerNumber} named ${item.previousInsuredKey} as the previous insured number of record ${key}, which identifies no one`,
          ),
        );
        out.set(item, previousNotMatched(item));
        continue;
      }
      patient = person;
      basis = 'previous-number';
    } else {
      const persons = [...(byInsured.get(insuredKeyOf(r)) ?? [])].filter((p) =>
        recordsSeen(p).some((x) => insuredKeyOf(x.record) === insuredKeyOf(r) && x.record.birthDate === r.birthDate),
      );
      if (persons.length === 1) patient = persons[0];
    }
    if (!patient) {
      patient = newId();
      newPersons.add(patient);
      identity = true;
      basis = 'new';
    }
    note(patient, key, { record: r, identity });
    // Only a record that speaks for the person registers their link key (so a claimed person gains no trusted key).
    if (r.personLinkKey && !links.has(r.personLinkKey) && !newLinks.has(r.personLinkKey) && speaksForIdentity(recordsSeen(patient), r.insurerNumber))
      newLinks.set(r.personLinkKey, patient);
    resolved.push({ item, patient, prior, identity, basis });
  }
  session.audits.push(...refusedLinks.map(toAuditRow));

  // 2. Insurer organisations.
  const insurerNumbers = [...new Set(resolved.map((x) => x.item.record.insurerNumber))];
  const orgs = new Map<string, string>();
  for (const row of (
    await tx.query<{ insurer_number: string; organization_id: string }>(
      'SELECT insurer_number, organization_id FROM elig_insurers WHERE insurer_number = ANY($1::text[])',
      [insurerNumbers],
    )
  ).rows)
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
    writes.push({
      resourceType: 'Organization',
      id,
      versionId: 1,
      lastUpdated: now,
      patientKey: prepared.patientKey,
      content: prepared.content,
      index: prepared.index,
      audit: auditOf('C', 'Organization', id, 1, ''),
    });
    orgs.set(number, id);
    newOrgs.push([number, id]);
  }

  // 3. Coverages of changed records (unchanged ones write nothing).
  const changed: (Resolved & { coverageId: string; isNew: boolean; body: Record<string, unknown> })[] = [];
  for (const x of resolved) {
    const coverageId = x.prior?.coverage_id ?? newId();
    if (unchanged(x.item)) {
      out.set(x.item, { line: x.item.line, status: 'unchanged', recordKey: recordKey(x.item.record), patientId: x.patient, coverageId, newPerson: false });
      continue;
    }
    const body = coverageResource(x.item.record, { coverageId, patientId: x.patient, organizationId: orgs.get(x.item.record.insurerNumber)! });
    changed.push({ ...x, coverageId, isNew: !x.prior, body });
  }
  if (changed.length === 0 && newOrgs.length === 0) return out;

  const coverageVersions = new Map<string, number>();
  const updatedCoverages = changed.filter((c) => !c.isNew).map((c) => c.coverageId);
  if (updatedCoverages.length > 0)
    for (const [id, row] of await platform.system.current(tx, 'Coverage', updatedCoverages, { lock: true })) coverageVersions.set(id, row.versionId);

  // 4. Patients of persons whose records changed: all their records (stored + this chunk) give the identifiers,
  // the records of their identity insurers the name, カナ, sex and birth date.
  const touched = [...new Set(changed.map((c) => c.patient))];
  const recordsOf = new Map<string, Map<string, StoredPersonRecord>>();
  for (const p of touched) recordsOf.set(p, new Map(stored.get(p) ?? []));
  const existingPersons = touched.filter((p) => !newPersons.has(p));
  const currentPatients = new Map<string, { version: number; content: string }>();
  if (existingPersons.length > 0)
    for (const [id, row] of await platform.system.current(tx, 'Patient', existingPersons, { lock: true }))
      currentPatients.set(id, { version: row.versionId, content: row.content! });

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
  const registeredAt = new Date(now);
  for (const c of accepted) {
    const key = recordKey(c.item.record);
    const m = recordsOf.get(c.patient)!;
    m.set(key, { record: c.item.record, identity: c.identity, registered: m.get(key)?.registered ?? registeredAt, coverageId: c.coverageId });
  }
  const patientWrites = new Map<string, RegistryWrite>();
  const rejectedPersons = new Set<string>();
  for (const patient of new Set(accepted.map((c) => c.patient))) {
    const records = [...recordsOf.get(patient)!.values()];
    const body = patientResource(
      patient,
      records.map((r) => r.record),
      identityRecords(records),
    );
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
      `INSERT INTO elig_records (record_key, patient_key, insured_key, number_key, insurer_number, birth_date, acquired_on, lost_on, coverage_id, record, identity, registered, updated)
       SELECT *, $12::timestamptz, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[])
       ON CONFLICT (record_key) DO UPDATE SET patient_key = EXCLUDED.patient_key, insured_key = EXCLUDED.insured_key, number_key = EXCLUDED.number_key,
         birth_date = EXCLUDED.birth_date, lost_on = EXCLUDED.lost_on, coverage_id = EXCLUDED.coverage_id, record = EXCLUDED.record,
         identity = EXCLUDED.identity, updated = now()`,
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
        col((c) => json.get(c.item)!),
        col((c) => c.identity),
        now,
      ],
    );
  }
  // Insurer access: the check-up grants of every record of the persons written (their identity insurers may have changed).
  const members: MemberRecord[] = [];
  for (const patient of finalPersons) {
    const records = [...recordsOf.get(patient)!.values()];
    for (const r of records)
      members.push({
        record: r.record,
        patientKey: patient,
        coverageId: r.coverageId,
        speaksForIdentity: speaksForIdentity(records, r.record.insurerNumber),
        registered: r.registered,
      });
  }
  await putMemberGrants(platform.grants, tx, members);
  // Who linked a record to an existing person, in that person's log.
  const linkAudits = final
    .filter((c) => c.isNew && (c.basis === 'link-key' || c.basis === 'previous-number'))
    .map((c) =>
      linkAudit(
        platform,
        ctx,
        c.patient,
        '0',
        c.basis === 'link-key'
          ? `insurer ${c.item.record.insurerNumber} linked record ${recordKey(c.item.record)} to this person by the person link key`
          : `insurer ${c.item.record.insurerNumber} linked record ${recordKey(c.item.record)} to this person by the previous insured number ${c.item.previousInsuredKey}` +
              (c.item.previousInsuredKey!.startsWith(`${c.item.record.insurerNumber}:`) ? ' (its own)' : ' (birth date and name matched)'),
        [`Coverage/${c.coverageId}`],
      ),
    );
  session.audits.push(...linkAudits.map(toAuditRow));
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
