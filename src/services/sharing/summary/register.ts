/** The patient summary on the service (❹): $register-patient-summary and Patient/[id]/$patient-summary. */
import { badRequest } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { SUMMARY_SPECS } from './operations.ts';
import { registerPatientSummary } from './register-summary.ts';
import { viewPatientSummary } from './summary-view.ts';

export function registerSummaryOperations(operations: OperationRegistry, rt: SharingRuntime): void {
  operations.register(SUMMARY_SPECS['register-patient-summary'], async ({ context, input }) => {
    const s = await registerPatientSummary(rt, await context(), input.all('resource')[0]?.resource);
    return {
      status: s.status === 'created' ? 201 : 200,
      parameters: [
        { name: 'summary', valueReference: { reference: s.summary } },
        { name: 'version', valueInteger: s.version },
        { name: 'status', valueCode: s.status },
        ...s.resources.map((reference) => ({ name: 'entry', valueReference: { reference } })),
      ],
    };
  });

  operations.register(SUMMARY_SPECS['patient-summary'], async ({ context, id, req }) => {
    if (!isValidId(id)) throw badRequest('id が正しくありません', 'invalid id');
    return { status: 200, body: await viewPatientSummary(rt, await context(), id, req.base) };
  });
}
