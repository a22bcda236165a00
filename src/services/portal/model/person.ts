/**
 * Who may call the portal: only the person, signed in (a `patient` principal), and only about themself. Any other
 * kind of caller is refused (403) before anything is looked up; a `patient` parameter naming another person answers
 * as an absent one (404), the attempt recorded in that person's log.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { forbidden } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import type { PortalRuntime } from './runtime.ts';

/** The Patient id of the signed-in person, or the refusal. */
export async function personOf(rt: PortalRuntime, ctx: RequestContext, input: ParamReader, interaction: string): Promise<string> {
  const p = ctx.principal;
  if (p.kind !== 'patient' || !p.patientId)
    throw forbidden(
      'この操作は本人（患者）のポータル専用です。本人としてサインインしてください',
      'this portal operation is for the signed-in patient only (a patient token)',
    );
  const named = input
    .string('patient')
    ?.trim()
    .replace(/^Patient\//, '');
  if (named !== undefined && named !== p.patientId) {
    const ref = `Patient/${isValidId(named) ? named : 'invalid'}`;
    throw await rt.platform.repo.hide(ctx, interaction, isValidId(named) ? named : '', ref, 'a patient asked the portal about another person');
  }
  return p.patientId;
}

/** Records the person's own read (basis `patient`) before the data is returned. */
export async function auditOwnRead(rt: PortalRuntime, ctx: RequestContext, subtype: string, patientId: string, entities: string[] = []): Promise<void> {
  await rt.platform.readAudit.write([
    rt.platform.repo.auditRecord(ctx, 'R', subtype, '0', patientId, entities.length ? entities : [`Patient/${patientId}`], { basis: 'patient' }),
  ]);
}
