/**
 * Check-up reports on the service (❷): the subscription topic, the write rule keeping report resources to the
 * service's operations, and the operations $register-checkup-report, Patient/[id]/$checkup-reports and
 * $withdraw-checkup-report (specs: operations.ts).
 */
import { badRequest } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { CHECKUP_REGISTERED_TOPIC } from './checkup-model.ts';
import { checkupGuard } from './guard.ts';
import { CHECKUP_SPECS } from './operations.ts';
import { registerCheckupReport } from './register-report.ts';
import { viewCheckupReports } from './report-view.ts';
import { withdrawCheckupReport } from './withdraw-report.ts';

export function registerCheckupOperations(operations: OperationRegistry, rt: SharingRuntime): void {
  rt.platform.policy.addWriteRule(checkupGuard());
  rt.platform.subscriptions.topics.register({
    url: CHECKUP_REGISTERED_TOPIC,
    title: '健診結果報告書の登録 / New check-up report',
    description: 'a health check-up report about the subscribing patient was registered (or a new version of it)',
    resourceTypes: ['Composition'],
  });

  operations.register(CHECKUP_SPECS['register-checkup-report'], async ({ context, input }) => {
    const r = await registerCheckupReport(rt, await context(), input.all('resource')[0]?.resource);
    return {
      status: r.status === 'created' ? 201 : 200,
      parameters: [
        { name: 'report', valueReference: { reference: r.report } },
        { name: 'kind', valueCode: r.kind },
        { name: 'checkupDate', valueDate: r.checkupDate },
        { name: 'version', valueInteger: r.version },
        { name: 'status', valueCode: r.status },
        ...r.results.map((reference) => ({ name: 'result', valueReference: { reference } })),
      ],
    };
  });

  operations.register(CHECKUP_SPECS['checkup-reports'], async ({ context, id, req }) => {
    if (!isValidId(id)) throw badRequest('id が正しくありません', 'invalid id');
    return { status: 200, body: await viewCheckupReports(rt, await context(), id, req.base) };
  });

  operations.register(CHECKUP_SPECS['withdraw-checkup-report'], async ({ context, input }) => {
    const v = input.all('report')[0]?.value as { reference?: unknown } | undefined;
    const ref = typeof v?.reference === 'string' ? v.reference : '';
    const [type, id, extra] = ref.split('/');
    if (type !== 'Composition' || !isValidId(id) || extra !== undefined)
      throw badRequest(`report は報告書の Composition への参照です（${ref}）`, `report must reference the report's Composition (got ${ref})`, [
        input.path('report'),
      ]);
    return { parameters: [{ name: 'withdrawn', valueReference: { reference: await withdrawCheckupReport(rt, await context(), ref) } }] };
  });
}
