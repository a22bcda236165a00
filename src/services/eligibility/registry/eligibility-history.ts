/**
 * `$eligibility-history` (資格履歴): every eligibility period of a person across insurers, newest first, with the
 * Patient — for the person and operators every period; for an insurer its own periods only, with a Patient whose
 * identifiers are its own insured numbers (tagged SUBSETTED).
 */
import { canonicalInsurerCode, type RequestContext } from '../../../platform/auth/principal.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import { bundleText } from '../../../platform/store/bundle-text.ts';
import { INSURED_PERSON_IDENTIFIER_SYSTEM } from '../model/numbers.ts';

export async function eligibilityHistory(platform: ServicePlatform, ctx: RequestContext, id: string, base: string): Promise<string> {
  const p = ctx.principal;
  const entity = `Patient/${id}/$eligibility-history`;
  const rows = (
    await platform.db.query<{ insurer_number: string; coverage_id: string; acquired_on: string }>(
      'SELECT insurer_number, coverage_id, acquired_on FROM elig_records WHERE patient_key = $1 ORDER BY acquired_on DESC, insurer_number',
      [id],
    )
  ).rows;
  const own = p.kind === 'insurer' ? canonicalInsurerCode(p.facilityCode ?? '') : undefined;
  const allowed = p.kind === 'operator' || (p.kind === 'patient' && p.patientId === id) || (own !== undefined && rows.some((r) => r.insurer_number === own));
  if (!allowed)
    throw await platform.repo.deny(
      ctx,
      'read',
      rows.length ? id : '',
      entity,
      '資格履歴は本人・加入先の保険者・運用者のみ閲覧できます',
      'eligibility history is for the person, their insurers and operators',
    );
  if (rows.length === 0) throw FhirError.of(404, 'not-found', `Patient/${id} の資格情報はありません`, `no eligibility is registered for Patient/${id}`);
  // An insurer sees its own periods (and the Patient with its own numbers); other insurers' stay theirs.
  const shown = own === undefined ? rows : rows.filter((r) => r.insurer_number === own);
  const contents = await platform.system.contents([`Patient/${id}`, ...shown.map((r) => `Coverage/${r.coverage_id}`)]);
  const byId = new Map([...contents].map(([ref, content]) => [ref, ref.startsWith('Patient/') && own !== undefined ? ownNumbersOnly(content, own) : content]));
  const ordered = [`Patient/${id}`, ...shown.map((r) => `Coverage/${r.coverage_id}`)].filter((ref) => byId.has(ref));
  await platform.readAudit.write([platform.repo.auditRecord(ctx, 'R', 'eligibility-history', '0', id, ordered)]);
  return bundleText(
    { type: 'searchset', total: ordered.length - 1 },
    ordered.map((ref) => ({
      fullUrl: `${base}/${ref}`,
      resource: byId.get(ref)!,
      extra: { search: { mode: ref.startsWith('Patient/') ? 'include' : 'match' } },
    })),
  );
}

/**
 * The Patient as an insurer sees it in the eligibility history: the identifiers of its own insured numbers only
 * (the others would tell it the person's other insurers and periods), tagged SUBSETTED as FHIR marks a partial view.
 */
function ownNumbersOnly(content: string, insurerNumber: string): string {
  const patient = JSON.parse(content) as { meta?: { tag?: unknown[] }; identifier?: { system?: string; value?: string }[] };
  patient.identifier = (patient.identifier ?? []).filter((i) => i.system !== INSURED_PERSON_IDENTIFIER_SYSTEM || i.value?.startsWith(`${insurerNumber}:`));
  patient.meta = {
    ...patient.meta,
    tag: [...(patient.meta?.tag ?? []), { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' }],
  };
  return JSON.stringify(patient);
}
