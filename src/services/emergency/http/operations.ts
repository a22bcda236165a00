/** The emergency service's FHIR operations on the platform's registry (specs: specs.ts). */
import { forbidden } from '../../../platform/fhir/errors.ts';
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import { declareEmergency } from '../access/declare.ts';
import { ambulanceLookup } from '../ambulance/lookup.ts';
import { declareDisaster, endDisaster, listDisasters } from '../disaster/disasters.ts';
import { disasterView } from '../disaster/disaster-view.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';
import { emergencyReport, myEmergencyAccesses, reviewAccess, reviewList } from '../review/reviews.ts';
import { candidateParameters } from '../view/candidates.ts';
import { endEmergency, viewEmergency } from '../view/emergency-view.ts';
import { accessParameter } from '../view/essential-parameters.ts';
import { issueEmergencyCard } from '../view/health-card.ts';
import { EMERGENCY_SPECS } from './specs.ts';

/** What the person is not shown of the facility's review (its internal note and reviewer). */
const forThePerson = (p: OutParam): OutParam => ({ ...p, part: (p.part as OutParam[]).filter((x) => x.name !== 'reviewNote' && x.name !== 'reviewedBy') });

export function registerEmergencyOperations(operations: OperationRegistry, rt: EmergencyRuntime): void {
  operations.register(EMERGENCY_SPECS.access, async ({ context, input }) => {
    const opened = await declareEmergency(rt, await context(), input);
    if (!opened.opened) return { parameters: candidateParameters(opened.candidates) };
    return { status: 201, parameters: [accessParameter(opened.access)] };
  });
  operations.register(EMERGENCY_SPECS.view, async ({ context, input }) => ({
    parameters: await viewEmergency(rt, await context(), input.requiredString('access', '救急時閲覧のID')),
  }));
  operations.register(EMERGENCY_SPECS.end, async ({ context, input }) => ({
    parameters: await endEmergency(rt, await context(), input.requiredString('access', '救急時閲覧のID')),
  }));
  operations.register(EMERGENCY_SPECS.reviews, async ({ context, input }) => ({ parameters: await reviewList(rt, await context(), input) }));
  operations.register(EMERGENCY_SPECS.review, async ({ context, input }) => ({ parameters: await reviewAccess(rt, await context(), input) }));
  operations.register(EMERGENCY_SPECS.report, async ({ context, input }) => ({ parameters: await emergencyReport(rt, await context(), input) }));
  operations.register(EMERGENCY_SPECS.mine, async ({ context }) => {
    const ctx = await context();
    if (ctx.principal.kind !== 'patient' || !ctx.principal.patientId)
      throw forbidden('この一覧は本人（患者）のポータル専用です', 'this list is for the signed-in patient only');
    return { parameters: (await myEmergencyAccesses(rt, ctx, ctx.principal.patientId)).map(forThePerson) };
  });
  operations.register(EMERGENCY_SPECS.ambulance, async ({ context, input }) => ({
    status: 200,
    parameters: await ambulanceLookup(rt, await context(), input),
  }));
  operations.register(EMERGENCY_SPECS.declareDisaster, async ({ context, input }) => ({
    status: 201,
    parameters: await declareDisaster(rt, await context(), input),
  }));
  operations.register(EMERGENCY_SPECS.endDisaster, async ({ context, input }) => ({ parameters: await endDisaster(rt, await context(), input) }));
  operations.register(EMERGENCY_SPECS.disasters, async ({ context, input }) => ({ parameters: await listDisasters(rt, await context(), input) }));
  operations.register(EMERGENCY_SPECS.disasterView, async ({ context, input }) => ({ parameters: await disasterView(rt, await context(), input) }));
  operations.register(EMERGENCY_SPECS.healthCard, async ({ context, input, req }) => ({
    status: 201,
    parameters: await issueEmergencyCard(rt, await context(), input, req.base),
  }));
}
