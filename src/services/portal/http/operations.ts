/**
 * The portal's FHIR operations on the platform's registry (specs: specs.ts). Every one: the signed-in person only
 * (model/person.ts), about themself; every read audited as the person's own (basis `patient`).
 */
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import { accessLog, accessLogQuery } from '../access-log/access-log.ts';
import { grantConsent, grantInput } from '../consents/grant-consent.ts';
import { myConsents } from '../consents/my-consents.ts';
import { myLetters } from '../letters/my-letters.ts';
import { personOf } from '../model/person.ts';
import type { PortalRuntime } from '../model/runtime.ts';
import { myDataBundle, myDataFilename } from '../my-data/my-data-bundle.ts';
import { myDataPdf } from '../my-data/my-data-pdf.ts';
import { PORTAL_SPECS } from './specs.ts';

export function registerPortalOperations(operations: OperationRegistry, rt: PortalRuntime): void {
  operations.register(PORTAL_SPECS['my-consents'], async ({ context, input }) => {
    const ctx = await context();
    const patientId = await personOf(rt, ctx, input, 'my-consents');
    return { parameters: await myConsents(rt, ctx, patientId) };
  });

  operations.register(PORTAL_SPECS['grant-consent'], async ({ context, input }) => {
    const ctx = await context();
    const patientId = await personOf(rt, ctx, input, 'grant-consent');
    const grant = grantInput(input, rt.clock());
    return { status: 201, parameters: await grantConsent(rt, ctx, patientId, grant) };
  });

  operations.register(PORTAL_SPECS['access-log'], async ({ context, input }) => {
    const ctx = await context();
    const patientId = await personOf(rt, ctx, input, 'access-log');
    return { parameters: await accessLog(rt, ctx, patientId, accessLogQuery(input)) };
  });

  operations.register(PORTAL_SPECS['my-letters'], async ({ context, input }) => {
    const ctx = await context();
    const patientId = await personOf(rt, ctx, input, 'my-letters');
    return { parameters: await myLetters(rt, ctx, patientId) };
  });

  operations.register(PORTAL_SPECS['my-data'], async ({ context, input, req }) => {
    const ctx = await context();
    const patientId = await personOf(rt, ctx, input, 'my-data');
    const { body, at } = await myDataBundle(rt, ctx, patientId, req.base);
    return {
      status: 200,
      body,
      headers: { 'content-disposition': `attachment; filename="${myDataFilename(at, 'json')}"`, 'cache-control': 'no-store' },
    };
  });

  operations.register(PORTAL_SPECS['my-data-pdf'], async ({ context, input }) => {
    const ctx = await context();
    const patientId = await personOf(rt, ctx, input, 'my-data-pdf');
    const { pdf, at } = await myDataPdf(rt, ctx, patientId);
    return {
      status: 200,
      body: pdf,
      headers: {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="${myDataFilename(at, 'pdf')}"`,
        'cache-control': 'no-store',
      },
    };
  });
}
