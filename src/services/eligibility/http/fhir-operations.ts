/**
 * The eligibility service's FHIR operations on the platform's registry (their specs: operations.ts):
 *   reception (facilities, pharmacies)   $card-challenge, $verify-card, $verify-insurance, $bulk-precheck,
 *                                        $reader-consent, Consent/[id]/$revoke
 *   consented views                      Patient/[id]/$medication-history | $surgery-history | $checkup-results
 *   insurers and operators               $import-shared-information, Patient/[id]/$eligibility-history
 *   the facility's own receptions        $reception-history (reception/reception-history.ts)
 * The registry checks every input against the spec before a handler runs, and the output a handler writes.
 */
import { badRequest, forbidden } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { OperationHandler, OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import { bundleText } from '../../../platform/store/bundle-text.ts';
import { recordReaderConsent, revokeConsent } from '../consent/consent.ts';
import { eligibilityHistory } from '../registry/eligibility-history.ts';
import { ELIGIBILITY_SPECS } from './operations.ts';
import type { EligibilityRuntime } from '../model/runtime.ts';
import { importSharedInformation, viewSharedInformation, VIEWS, type ViewName } from '../shared-information/shared-data.ts';
import { bulkParts, bulkPrecheck, eligibilityParts, resultParts, verifyCard, verifyInsuranceNumber, type OutputOptions } from '../reception/verification.ts';
import { cursorOf, historyQueryOf, readReceptions, receivingFacility, receptionParts } from '../reception/reception-history.ts';

function outputOptions(params: ParamReader): OutputOptions {
  const v = params.string('nameDisplay');
  if (v !== undefined && v !== 'exact' && v !== 'bmp')
    throw badRequest(`nameDisplay は exact か bmp です（${v}）`, `nameDisplay must be exact or bmp (got ${v})`, [params.path('nameDisplay')]);
  return { nameDisplay: (v as OutputOptions['nameDisplay']) ?? 'exact' };
}

/** The id an instance-level operation was invoked on (400 when it is not an id). */
function idOf(id: string | undefined): string {
  if (!isValidId(id)) throw badRequest('id が正しくありません', 'invalid id');
  return id;
}

export function registerEligibilityOperations(operations: OperationRegistry, rt: EligibilityRuntime): void {
  const { platform } = rt;
  const op = (code: string, handler: OperationHandler) => operations.register(ELIGIBILITY_SPECS[code], handler);

  op('card-challenge', async ({ context }) => {
    const p = (await context()).principal;
    if ((p.kind !== 'facility' && p.kind !== 'pharmacy') || !p.facilityCode)
      throw forbidden('チャレンジは医療機関・薬局に発行します', 'challenges are issued to facilities and pharmacies');
    const issued = rt.challenges.issue(p.facilityCode);
    return {
      parameters: [
        { name: 'challenge', valueString: issued.challenge },
        { name: 'expires', valueInstant: issued.expiresAt.toISOString() },
      ],
    };
  });

  op('verify-card', async ({ context, input }) => ({ parameters: resultParts(await verifyCard(rt, await context(), input), outputOptions(input)) }));
  op('verify-insurance', async ({ context, input }) => ({
    parameters: resultParts(await verifyInsuranceNumber(rt, await context(), input), outputOptions(input)),
  }));
  op('bulk-precheck', async ({ context, input }) => ({ parameters: bulkParts(await bulkPrecheck(rt, await context(), input), outputOptions(input)) }));

  op('reader-consent', async ({ context, input, req }) => {
    const consents = await recordReaderConsent(rt, await context(), input);
    return {
      status: 201,
      body: bundleText(
        { type: 'collection', total: consents.length },
        consents.map((c) => ({ fullUrl: `${req.base}/Consent/${c.consentId}`, resource: c.content })),
      ),
    };
  });

  op('revoke', async ({ context, id }) => ({ status: 200, body: await revokeConsent(rt, await context(), idOf(id)) }));

  for (const view of Object.keys(VIEWS) as ViewName[])
    op(view, async ({ context, input, id, req }) => {
      const window = new URLSearchParams();
      for (const name of ['from', 'to']) {
        const v = input.string(name);
        if (v !== undefined) window.set(name, v);
      }
      return { status: 200, body: await viewSharedInformation(platform, await context(), view, idOf(id), window, req.base) };
    });

  op('import-shared-information', async ({ context, input }) => {
    const result = await importSharedInformation(platform, await context(), input.all('resource')[0]?.resource);
    return {
      status: 201,
      parameters: [
        { name: 'created', valueInteger: result.created.length },
        ...result.created.map((c) => ({
          name: 'resource',
          part: [
            { name: 'reference', valueReference: { reference: c.reference } },
            { name: 'category', valueCode: c.category },
          ],
        })),
      ],
    };
  });

  op('eligibility-history', async ({ context, id, req }) => ({ status: 200, body: await eligibilityHistory(platform, await context(), idOf(id), req.base) }));

  op('reception-history', async ({ context, input }) => {
    const ctx = await context();
    const facility = receivingFacility(ctx);
    if (!facility)
      throw await platform.repo.deny(
        ctx,
        'reception-history',
        '',
        '$reception-history',
        '受付の履歴は、受付をした医療機関・薬局だけが閲覧できます',
        'the reception history is for the facility or pharmacy that received the patients',
      );
    const scope = platform.policy.scopeDecision(ctx, 'Coverage', 'read');
    if (!scope.allow) throw await platform.repo.deny(ctx, 'reception-history', '', '$reception-history', scope.ja, scope.en);
    const q = historyQueryOf(input, facility, new Date());
    const { rows, more } = await readReceptions(rt, q);
    const filters = (['date', 'patient', 'name', 'birthdate'] as const).filter((k) => q[k] !== undefined).join(', ');
    const people = [...new Set(rows.map((r) => r.patient_key))];
    const extra = { outcomeDesc: `reception history (${filters})`, purpose: ctx.purpose ?? 'COVERAGE' };
    await platform.readAudit.write(
      people.length
        ? people.map((pk) => platform.repo.auditRecord(ctx, 'R', 'reception-history', '0', pk, [`Patient/${pk}`], extra))
        : [platform.repo.auditRecord(ctx, 'R', 'reception-history', '0', '', [], extra)],
    );
    return {
      parameters: [
        { name: 'count', valueInteger: rows.length },
        ...(more && rows.length ? [{ name: 'next', valueString: cursorOf(rows[rows.length - 1]) }] : []),
        ...rows.map((r) => ({ name: 'reception', part: receptionParts(r, eligibilityParts) })),
      ],
    };
  });
}
