/**
 * `$send-discharge-summary` (退院時サマリーの単独送信, since the Dec 2025 policy): a facility sends a discharge summary
 * alone to an addressee it names by 医療機関コード; the service wraps it in a generated cover letter (頭紙,
 * cover-letter.ts), which the addressee receives like a referral letter. The summary is checked as when attached
 * (discharge-summary.ts); its MedicationRequests are not taken as prescriptions (JP_Bundle_eDischargeSummary allows
 * JP Core MedicationRequests, which lack what items need).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { badRequest } from '../../../platform/fhir/errors.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import { checkFacilityCodeShape } from '../../../platform/identity/facility-code.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { documentPerson, refuseIfAny, registeringFacility } from '../registration/document-checks.ts';
import { coverLetter } from './cover-letter.ts';
import { checkDischargeSummary } from './discharge-summary.ts';
import { attachmentCount } from './letter-parties.ts';
import { documentIdOf } from './letter-person.ts';
import { SUMMARY_PARAMETER_PATH } from './send-referral.ts';
import { storeLetter, type SentLetter } from './store-letter.ts';

export interface SummaryRequest {
  dischargeSummary: unknown;
  addressee: string;
  note?: string;
}

export async function sendDischargeSummary(rt: SharingRuntime, ctx: RequestContext, req: SummaryRequest): Promise<SentLetter & { addressee: string }> {
  const sender = registeringFacility(ctx, { ja: '退院時サマリーの送信', en: 'sending a discharge summary' });
  const addressee = req.addressee.normalize('NFKC').trim();
  const problem = checkFacilityCodeShape(addressee);
  if (problem)
    throw badRequest(`宛先（addressee）の医療機関コードが正しくありません: ${problem.ja}`, `addressee: ${problem.en}`, [
      "Parameters.parameter.where(name='addressee')",
    ]);
  const summary = checkDischargeSummary(rt, req.dischargeSummary, sender, SUMMARY_PARAMETER_PATH);
  refuseIfAny(summary.issues, summary.validation);
  const person = await documentPerson(rt.platform, summary.entries);
  const now = rt.clock();
  const id = newId();
  const cover = coverLetter({ letterId: id, sender, addressee, summary: summary.bundle, entries: summary.entries, note: req.note, now });
  const sent = await storeLetter(
    rt,
    ctx,
    {
      id,
      kind: 'discharge-summary',
      person,
      sender,
      addressee,
      documentId: documentIdOf(summary.bundle),
      signed: false,
      attachments: attachmentCount(summary.entries) + 1,
      letter: JSON.stringify(cover),
      prescriptions: [],
    },
    now,
  );
  return { ...sent, addressee };
}
