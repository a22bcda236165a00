/**
 * The prescribing screen's operations (specs.ts): $search-drugs and $usage-codes (reference data for staff of
 * facilities and pharmacies), $signing-credential and $enrol-signing-credential (the signed-in prescriber's own remote
 * signing credential), $issue-prescription (written, signed and registered in one step).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { badRequest, forbidden } from '../../../platform/fhir/errors.ts';
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import { ERX_SPECS } from '../http/specs.ts';
import { audited } from '../model/access.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { alertParameters, withFacilityNames } from '../prescriptions/alert-issues.ts';
import { issuePrescription, readIssueLines } from './issue.ts';
import { searchDrugs, usageCodes } from './prescribing-reference.ts';
import { enrolSigningKey, signedInPrescriber, signingKeyOf } from './signing-keys.ts';

/** Reference data is for the staff and systems of facilities and pharmacies (not patients, insurers …). */
function assertCareProvider(ctx: RequestContext): void {
  const k = ctx.principal.kind;
  if (k !== 'facility' && k !== 'pharmacy') throw forbidden('医療機関・薬局の職員が使う情報です', 'for the staff of facilities and pharmacies');
}

const opt = (name: string, value: string | undefined, key = 'valueString'): OutParam[] => (value === undefined ? [] : [{ name, [key]: value }]);

export function registerPrescribingOperations(operations: OperationRegistry, rt: EprescriptionRuntime): void {
  operations.register(ERX_SPECS.searchDrugs, async ({ context, input }) => {
    const ctx = await context();
    assertCareProvider(ctx);
    const q = input.string('q')?.trim() ?? '';
    if (!q) throw badRequest('薬剤名を1文字以上入力してください', 'give part of the drug name', [input.path('q')]);
    if (q.length > 100) throw badRequest('薬剤名は100文字までです', 'at most 100 characters', [input.path('q')]);
    const found = searchDrugs(await rt.master(), q, rt.clock());
    return {
      parameters: found.map((d) => ({
        name: 'drug',
        part: [
          { name: 'system', valueCode: d.system },
          { name: 'code', valueString: d.code },
          { name: 'name', valueString: d.name },
          ...opt('unit', d.unit),
          ...opt('generalCode', d.generalCode),
          ...opt('generalName', d.generalName),
          ...opt('validTo', d.validTo, 'valueDate'),
        ],
      })),
    };
  });

  operations.register(ERX_SPECS.usageCodes, async ({ context }) => {
    assertCareProvider(await context());
    return {
      parameters: usageCodes(rt.platform.conformance).map((u) => ({
        name: 'usage',
        part: [
          { name: 'code', valueCode: u.code },
          { name: 'display', valueString: u.display },
          { name: 'timesPerDay', valueInteger: u.timesPerDay },
        ],
      })),
    };
  });

  operations.register(ERX_SPECS.signingStatus, async ({ context }) => {
    const ctx = await context();
    const who = signedInPrescriber(ctx);
    const k = await signingKeyOf(rt, who.staffId);
    return {
      parameters: [
        { name: 'enrolled', valueBoolean: k !== undefined },
        ...opt('holderName', k?.holderName),
        ...opt('registrationNumber', k?.registrationNumber),
        ...opt('notAfter', k?.notAfter.toISOString(), 'valueDateTime'),
        ...opt('lockedUntil', k?.lockedUntil?.toISOString(), 'valueDateTime'),
      ],
    };
  });

  operations.register(ERX_SPECS.enrolSigning, async ({ context, input }) => {
    const ctx = await context();
    const k = await audited(rt, ctx, 'enrol-signing-credential', 'U', async () => {
      const info = await enrolSigningKey(
        rt,
        ctx,
        input.requiredString('credential', '電子証明書ファイル'),
        input.requiredString('passphrase', '署名用パスフレーズ'),
      );
      await rt.platform.readAudit.write([
        rt.platform.repo.auditRecord(ctx, 'U', 'enrol-signing-credential', '0', '', [], {
          outcomeDesc: `certificate ${info.serial} (${info.fingerprint.slice(0, 16)}…) enrolled for remote signing`,
        }),
      ]);
      return info;
    });
    return {
      parameters: [
        { name: 'holderName', valueString: k.holderName },
        ...opt('registrationNumber', k.registrationNumber),
        { name: 'notAfter', valueDateTime: k.notAfter.toISOString() },
      ],
    };
  });

  operations.register(ERX_SPECS.issue, async ({ context, input }) => {
    const ctx = await context();
    const r = await audited(rt, ctx, 'issue-prescription', 'C', (note) => {
      signedInPrescriber(ctx);
      return issuePrescription(
        rt,
        ctx,
        {
          patient: input.requiredString('patient', '患者'),
          lines: readIssueLines(input),
          passphrase: input.string('passphrase'),
          overrideReason: input.string('overrideReason'),
          note: input.string('note'),
        },
        note,
      );
    });
    return {
      status: 201,
      parameters: [
        { name: 'prescription', valueString: r.prescriptionId },
        { name: 'exchangeNumber', valueString: r.exchangeNumber },
        { name: 'patient', valueReference: { reference: `Patient/${r.patientId}` } },
        { name: 'issuedOn', valueDate: r.issuedOn },
        { name: 'validUntil', valueDate: r.validUntil },
        ...(await withFacilityNames(alertParameters(r.check.shown), async (code) => (await rt.platform.facilities.get(code))?.name)),
        ...r.check.unchecked.map((i) => ({ name: 'unchecked', valueInteger: i + 1 })),
      ],
    };
  });
}
