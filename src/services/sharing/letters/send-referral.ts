/**
 * `$send-referral` (診療情報提供書の送信 ❶): a facility sends a JP_Bundle_eReferral to the addressee it names, optionally
 * with a discharge summary attached. The letter is validated whole against the profile; the sending organisation
 * (section 920, custodian) must be the caller; the addressee (section 910) is mandatory, by a valid 医療機関コード;
 * the patient is resolved through the eligibility registry; prescriptions (MedicationRequest) are checked as items of
 * the 6 information. Any problem refuses everything with every issue (422), nothing stored.
 * The electronic signature (Bundle.signature) is optional and kept as sent; it is not verified here.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { PROFILES } from '../model/fhir-codes.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { documentBundle, documentPerson, documentValidationErrors, refuseIfAny, registeringFacility } from '../registration/document-checks.ts';
import { prepareItems } from '../registration/items.ts';
import { checkDischargeSummary } from './discharge-summary.ts';
import { addresseeOf, attachmentCount, checkSender, compositionOf } from './letter-parties.ts';
import { documentIdOf, samePersonIssue } from './letter-person.ts';
import { storeLetter, type SentLetter } from './store-letter.ts';

export const SUMMARY_PARAMETER_PATH = "Parameters.parameter.where(name='dischargeSummary').resource";

export interface ReferralRequest {
  letter: unknown;
  dischargeSummary?: unknown;
}

export async function sendReferral(rt: SharingRuntime, ctx: RequestContext, req: ReferralRequest): Promise<SentLetter & { addressee: string }> {
  const sender = registeringFacility(ctx, { ja: '診療情報提供書の送信', en: 'sending a referral letter' });
  const { bundle, entries } = documentBundle(req.letter, PROFILES.referral, 'JP_Bundle_eReferral', 'document');
  const summary = req.dischargeSummary === undefined ? undefined : checkDischargeSummary(rt, req.dischargeSummary, sender, SUMMARY_PARAMETER_PATH);
  const validation = [...documentValidationErrors(rt.platform, bundle, PROFILES.referral), ...(summary?.validation ?? [])];
  const issues: Issue[] = [];
  const composition = compositionOf(entries, issues);
  const addressee = composition ? addresseeOf(entries, composition, issues) : undefined;
  if (composition) checkSender(entries, composition, sender, issues, { fromSection: true });
  issues.push(...(summary?.issues ?? []));
  if (issues.length || validation.length || !addressee) refuseIfAny(issues, validation);
  const person = await documentPerson(rt.platform, entries);
  if (summary) {
    const other = samePersonIssue(person, await documentPerson(rt.platform, summary.entries), SUMMARY_PARAMETER_PATH);
    if (other) issues.push(other);
  }
  const now = rt.clock();
  const prescriptions = prepareItems(
    rt,
    entries.filter((e) => e.resource.resourceType === 'MedicationRequest'),
    person,
    sender,
    issues,
    now,
  );
  refuseIfAny(issues);
  const sent = await storeLetter(
    rt,
    ctx,
    {
      id: newId(),
      kind: 'referral',
      person,
      sender,
      addressee: addressee!,
      documentId: documentIdOf(bundle),
      signed: bundle.signature !== undefined,
      attachments: attachmentCount(entries) + (summary ? 1 : 0),
      letter: JSON.stringify(bundle),
      dischargeSummary: summary ? JSON.stringify(summary.bundle) : undefined,
      prescriptions,
    },
    now,
  );
  return { ...sent, addressee: addressee! };
}
