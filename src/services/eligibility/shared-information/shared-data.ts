/**
 * Shared information viewed with consent (薬剤情報・診療情報・手術情報・特定健診情報), until the e-prescription (S2)
 * and EHR sharing (S3) services exist.
 *
 * SOURCE (the choice this service makes): receipt-based and check-up data loaded by an insurer (or the
 * operator acting as the claims intermediary, 支払基金・国保中央会) through `$import-shared-information`:
 *   MedicationDispense  薬剤情報 from 調剤・医科レセプト (drug, dispensing date, dispensing facility)  → medication
 *   Procedure           診療情報 (treatment) → medication; with category SNOMED 387713003 手術 → surgery
 *   Observation         特定健診 results (eCheckupReport codes)                                  → checkup
 * The import resolves the person from the JP-CLINS 被保険者個人識別子 in subject/patient.identifier (or a
 * Patient reference), stamps the consent-category security label and an information-source tag, and writes
 * everything in one transaction. When S2 lands, its dispensing results carry the `medication` label and appear
 * in the same views.
 *
 * Views (`$medication-history`, `$surgery-history`, `$checkup-results`): a facility or pharmacy needs a
 * permitting consent for the category (403 and an audit event with outcome 4 otherwise); an insurer sees the
 * check-ups of its members dated within their membership (the access grants the registry writes) and no other
 * category; patients see their own, operators everything. Every view is audited with its basis.
 * Default windows: medication and surgery 3 years (receipt information), check-ups 5 years.
 */
import { canonicalInsurerCode, ownerKey, type RequestContext } from '../../../platform/auth/principal.ts';
import { badRequest, forbidden } from '../../../platform/fhir/errors.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import { bundleText } from '../../../platform/store/bundle-text.ts';
import { addDays, japanDateOf, parseCalendarDate } from '../model/calendar-date.ts';
import {
  CONSENT_CATEGORIES,
  CONSENT_CATEGORY_SYSTEM,
  SOURCE_TAG_SYSTEM,
  SURGICAL_PROCEDURE,
  securityLabel,
  type ConsentCategory,
} from '../model/fhir-codes.ts';
import {
  INSURED_PERSON_IDENTIFIER_SYSTEM,
  INSURED_PERSON_IDENTIFIER_SYSTEM_ALIASES,
  formatInsuredPersonIdentifierValue,
  parseInsuredPersonIdentifierValue,
} from '../model/numbers.ts';
import { insurerAllowed } from '../registry/registry-store.ts';

type Json = Record<string, unknown>;

export const MAX_IMPORT = 5000;

const SUBJECT_FIELD: Record<string, string> = { MedicationDispense: 'subject', Procedure: 'subject', Observation: 'subject' };

function categoryOf(resource: Json): ConsentCategory {
  if (resource.resourceType === 'Observation') return 'checkup';
  if (resource.resourceType === 'Procedure') {
    const codings = (resource.category as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
    if (codings.some((c) => c.system === SURGICAL_PROCEDURE.system && c.code === SURGICAL_PROCEDURE.code)) return 'surgery';
  }
  return 'medication';
}

export interface ImportResult {
  created: { index: number; reference: string; category: ConsentCategory }[];
}

/**
 * `$import-shared-information`: a Bundle (collection, batch or transaction) of MedicationDispense, Procedure and
 * Observation resources about registered people. All or nothing: any bad entry refuses the whole Bundle.
 */
export async function importSharedInformation(platform: ServicePlatform, ctx: RequestContext, body: unknown): Promise<ImportResult> {
  const p = ctx.principal;
  if (p.kind !== 'insurer' && p.kind !== 'operator')
    throw forbidden('共有情報の取込みは保険者・運用者が行います', 'shared information is imported by insurers and operators');
  const bundle = body as { resourceType?: string; entry?: { resource?: Json }[] } | null;
  if (bundle?.resourceType !== 'Bundle' || !Array.isArray(bundle.entry))
    throw badRequest('本文は entry を持つ Bundle です', 'the body must be a Bundle with entries', ['Bundle']);
  if (bundle.entry.length === 0) throw badRequest('Bundle に entry がありません', 'the Bundle has no entries', ['Bundle.entry']);
  if (bundle.entry.length > MAX_IMPORT)
    throw badRequest(`一度に取り込めるのは ${MAX_IMPORT} 件までです`, `at most ${MAX_IMPORT} resources per request`, ['Bundle.entry']);

  // Resolve every person first (one query), refusing the Bundle on the first unknown one.
  const prepared: { index: number; resource: Json; key?: string; patientId?: string }[] = [];
  bundle.entry.forEach((e, index) => {
    const r = e?.resource;
    const where = `Bundle.entry[${index}].resource`;
    if (!r || typeof r !== 'object') throw badRequest(`entry[${index}] にリソースがありません`, `entry ${index} has no resource`, [where]);
    const field = SUBJECT_FIELD[r.resourceType as string];
    if (!field)
      throw badRequest(
        `entry[${index}]: ${String(r.resourceType)} は取り込めません（MedicationDispense / Procedure / Observation）`,
        `entry ${index}: ${String(r.resourceType)} cannot be imported (MedicationDispense, Procedure or Observation)`,
        [where],
      );
    const subject = r[field] as { reference?: string; identifier?: { system?: string; value?: string } } | undefined;
    const ref = subject?.reference;
    if (ref && /^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(ref)) {
      prepared.push({ index, resource: r, patientId: ref.slice('Patient/'.length) });
      return;
    }
    const id = subject?.identifier;
    if (!id?.value || !(id.system === INSURED_PERSON_IDENTIFIER_SYSTEM || INSURED_PERSON_IDENTIFIER_SYSTEM_ALIASES.includes(id.system ?? '')))
      throw badRequest(
        `entry[${index}]: 対象者を被保険者個人識別子（${INSURED_PERSON_IDENTIFIER_SYSTEM}）か Patient 参照で指定してください`,
        `entry ${index}: name the person by the insured-person identifier (${INSURED_PERSON_IDENTIFIER_SYSTEM}) or a Patient reference`,
        [`${where}.${field}`],
      );
    const parsed = parseInsuredPersonIdentifierValue(id.value.normalize('NFKC'));
    if (!parsed.ok)
      throw badRequest(`entry[${index}]: ${parsed.problems.map((x) => x.ja).join('、')}`, `entry ${index}: ${parsed.problems.map((x) => x.en).join('; ')}`, [
        `${where}.${field}.identifier.value`,
      ]);
    prepared.push({ index, resource: r, key: formatInsuredPersonIdentifierValue(parsed.value) });
  });
  const keys = [...new Set(prepared.map((x) => x.key).filter((k): k is string => !!k))];
  const ids = [...new Set(prepared.map((x) => x.patientId).filter((k): k is string => !!k))];
  const rows = (
    await platform.db.query<{ insured_key: string; patient_key: string; insurer_number: string }>(
      'SELECT insured_key, patient_key, insurer_number FROM elig_records WHERE insured_key = ANY($1::text[]) OR patient_key = ANY($2::text[])',
      [keys, ids],
    )
  ).rows;
  const byKey = new Map(rows.map((r) => [r.insured_key, r.patient_key]));
  for (const x of prepared) {
    const where = `Bundle.entry[${x.index}].resource`;
    const patient = x.patientId ?? byKey.get(x.key!);
    const personRows = rows.filter((r) => r.patient_key === patient);
    if (!patient || personRows.length === 0)
      throw badRequest(`entry[${x.index}]: 対象者の資格情報が登録されていません`, `entry ${x.index}: the person is not registered`, [where]);
    // An insurer imports data of its own members only.
    if (!personRows.some((r) => insurerAllowed(ctx, r.insurer_number)))
      throw forbidden(`entry[${x.index}]: 加入者以外の情報は取り込めません`, `entry ${x.index}: the person is not a member of this insurer`);
    x.patientId = patient;
  }

  const out: ImportResult = { created: [] };
  await platform.repo.transaction(async (session) => {
    for (const x of prepared) {
      const category = categoryOf(x.resource);
      const field = SUBJECT_FIELD[x.resource.resourceType as string];
      const meta = (x.resource.meta ?? {}) as Json;
      const security = ((meta.security as Json[] | undefined) ?? []).filter((s) => s.system !== CONSENT_CATEGORY_SYSTEM);
      const tags = ((meta.tag as Json[] | undefined) ?? []).filter((t) => t.system !== SOURCE_TAG_SYSTEM);
      const body: Json = {
        ...x.resource,
        meta: {
          ...meta,
          security: [...security, securityLabel(category)],
          tag: [...tags, { system: SOURCE_TAG_SYSTEM, code: category === 'checkup' ? 'checkup-import' : 'receipt-import' }],
        },
        [field]: { reference: `Patient/${x.patientId}` },
      };
      const id = newId();
      try {
        await platform.repo.create(ctx, body, { session, id });
      } catch (err) {
        const e = err as { outcome?: { issue?: { expression?: string[] }[] } };
        for (const issue of e.outcome?.issue ?? []) issue.expression = [`Bundle.entry[${x.index}]`, ...(issue.expression ?? [])];
        throw err;
      }
      out.created.push({ index: x.index, reference: `${x.resource.resourceType}/${id}`, category });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Viewing
// ---------------------------------------------------------------------------------------------

export const VIEWS = {
  'medication-history': { category: 'medication' as const, types: ['MedicationDispense', 'MedicationStatement', 'MedicationRequest', 'Procedure'], years: 3 },
  'surgery-history': { category: 'surgery' as const, types: ['Procedure'], years: 3 },
  'checkup-results': { category: 'checkup' as const, types: ['Observation', 'DiagnosticReport'], years: 5 },
};
export type ViewName = keyof typeof VIEWS;

/** The clinically relevant date of a shared resource (for the window and the order). */
function dateOf(r: Json): string {
  const pick = (...v: unknown[]) => v.find((x) => typeof x === 'string') as string | undefined;
  const period = (r.performedPeriod ?? r.effectivePeriod) as { start?: string } | undefined;
  return (pick(r.whenHandedOver, r.whenPrepared, r.performedDateTime, r.effectiveDateTime, period?.start, r.issued, r.authoredOn, r.dateAsserted) ?? '').slice(
    0,
    10,
  );
}

function dateParam(query: URLSearchParams, name: string): string | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const d = parseCalendarDate(v);
  if (!d.ok) throw badRequest(`${name}：${d.ja}`, `${name}: ${d.en}`, [name]);
  return d.value;
}

/** A consented view of one category of a person's shared information, as a searchset Bundle (text). */
export async function viewSharedInformation(
  platform: ServicePlatform,
  ctx: RequestContext,
  view: ViewName,
  patientId: string,
  query: URLSearchParams,
  base: string,
): Promise<string> {
  const def = VIEWS[view];
  const scope = platform.policy.scopeDecision(ctx, def.types[0], 'search');
  if (!scope.allow) throw forbidden(scope.ja, scope.en);
  const unknown = [...query.keys()].filter((k) => k !== 'from' && k !== 'to');
  if (unknown.length) throw badRequest(`不明なパラメータ: ${unknown.join(', ')}`, `unknown parameters: ${unknown.join(', ')} (from, to)`, unknown);
  const today = japanDateOf(new Date());
  const to = dateParam(query, 'to') ?? today;
  const from = dateParam(query, 'from') ?? addDays(to, -365 * def.years);
  const entity = `Patient/${patientId}/$${view}`;
  const p = ctx.principal;
  let basis: string | undefined;
  if (p.kind === 'facility' || p.kind === 'pharmacy') {
    const answer = await platform.consent.decide({ patientId, grantee: ownerKey(p), category: def.category });
    if (!answer.allow) throw await platform.repo.deny(ctx, 'read', patientId, entity, answer.ja, answer.en);
    basis = `Consent/${answer.consentId}`;
  } else if (p.kind === 'patient') {
    if (p.patientId !== patientId)
      throw await platform.repo.deny(ctx, 'read', patientId, entity, '本人以外の情報は閲覧できません', 'a patient may only view their own data');
  } else if (p.kind === 'insurer') {
    const member = await platform.db.query('SELECT 1 FROM elig_records WHERE patient_key = $1 AND insurer_number = $2 LIMIT 1', [
      patientId,
      canonicalInsurerCode(p.facilityCode ?? ''),
    ]);
    if (member.rowCount === 0)
      throw await platform.repo.deny(ctx, 'read', patientId, entity, '加入者以外の情報は閲覧できません', 'an insurer may only view data of its own members');
    if (def.category !== 'checkup')
      throw await platform.repo.deny(
        ctx,
        'read',
        patientId,
        entity,
        '保険者が閲覧できるのは加入者の健診情報だけです',
        'an insurer may only view check-up information of its members',
      );
  } else if (p.kind !== 'operator') {
    throw await platform.repo.deny(ctx, 'read', patientId, entity, 'この種別の利用者は閲覧できません', `a ${p.kind} may not view shared information`);
  }
  // Only rows the caller may read (its own, or opened by its consent / membership grants).
  const found = await platform.system.personData(ctx, patientId, def.types, `${CONSENT_CATEGORY_SYSTEM}|${def.category}`);
  const rows = found
    .map((r) => ({ resource_type: r.resourceType, id: r.id, content: r.content!, date: dateOf(JSON.parse(r.content!) as Json) }))
    .filter((r) => r.date === '' || (r.date >= from && r.date <= to))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  await platform.readAudit.write([
    platform.repo.auditRecord(
      ctx,
      'R',
      view,
      '0',
      patientId,
      rows.map((r) => `${r.resource_type}/${r.id}`),
      {
        basis,
        query: `Patient/${patientId}/$${view}?from=${from}&to=${to}`,
      },
    ),
  ]);
  return bundleText(
    {
      type: 'searchset',
      total: rows.length,
      meta: { tag: [{ system: CONSENT_CATEGORY_SYSTEM, code: def.category, display: CONSENT_CATEGORIES[def.category].ja }] },
      link: [{ relation: 'self', url: `${base}/Patient/${patientId}/$${view}?from=${from}&to=${to}` }],
    },
    rows.map((r) => ({ fullUrl: `${base}/${r.resource_type}/${r.id}`, resource: r.content, extra: { search: { mode: 'match' } } })),
  );
}
