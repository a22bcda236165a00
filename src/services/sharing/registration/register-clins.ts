/**
 * `$register-clinical-information` (6情報の登録): a facility registers the 5 information of one patient as a
 * JP_Bundle_CLINS (type collection: one Patient, then Condition, Observation, AllergyIntolerance — and
 * MedicationRequest, accepted as prescriptions from the facility while the e-prescription service is not the source).
 * The Bundle is validated whole against the JP-CLINS profile, each item's codes and flags are checked, the patient is
 * resolved through the eligibility registry; any problem refuses the whole Bundle with every issue, nothing stored.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { BUNDLE_RESOURCE_TYPE_SYSTEM, PROFILES } from '../model/fhir-codes.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { documentBundle, documentPerson, documentValidationErrors, refuseIfAny, registeringFacility } from './document-checks.ts';
import { prepareItems, writeItems, type StoredItem } from './items.ts';

/** The one resource category of a JP_Bundle_CLINS (Bundle.meta.tag, BundleResourceType_CS). */
function bundleCategory(bundle: Record<string, unknown>): string | undefined {
  const tags = ((bundle.meta as { tag?: { system?: string; code?: string }[] } | undefined)?.tag ?? []).filter(
    (t) => t?.system === BUNDLE_RESOURCE_TYPE_SYSTEM,
  );
  return tags.length === 1 ? tags[0].code : undefined;
}

export async function registerClinicalInformation(rt: SharingRuntime, ctx: RequestContext, body: unknown): Promise<StoredItem[]> {
  const { bundle, entries } = documentBundle(body, PROFILES.clins, 'JP_Bundle_CLINS', 'collection', rt.platform.config.bundleMaxEntries);
  const facility = registeringFacility(
    ctx,
    { ja: '6情報の登録', en: 'registration of the clinical information' },
    entries.map((e) => e.resource.resourceType as string).filter((t) => t !== 'Patient'),
  );
  const validation = documentValidationErrors(rt.platform, bundle, PROFILES.clins);
  const tagged = bundleCategory(bundle);
  const issues: Issue[] = [];
  for (const e of entries)
    if (e.resource.resourceType !== 'Patient' && e.resource.resourceType !== tagged)
      issues.push({
        severity: 'error',
        code: 'business-rule',
        ja: `この Bundle の区分（meta.tag ${tagged}）と違う ${String(e.resource.resourceType)} が含まれています。区分ごとに Bundle を分けて登録してください`,
        en: `the Bundle is tagged ${tagged} (meta.tag) but holds a ${String(e.resource.resourceType)}; register one category per Bundle`,
        expression: [`Bundle.entry[${e.index}].resource`],
      });
  if (issues.length) refuseIfAny(issues, validation);
  const person = await documentPerson(rt.platform, entries);
  const now = rt.clock();
  const items = prepareItems(
    rt,
    entries.filter((e) => e.resource.resourceType !== 'Patient'),
    person,
    facility,
    issues,
    now,
  );
  refuseIfAny(issues, validation);
  return rt.platform.repo.transaction((session) => writeItems(rt, session, ctx, items, person, facility, 'clins', now), { trusted: true });
}
