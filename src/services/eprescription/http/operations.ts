/**
 * The e-prescription operations on the platform's registry (specs.ts):
 *   facilities  $check-prescription, $register-prescription, $register-in-house-prescription, $cancel-prescription,
 *               $prescription-status (one, or their own of a patient), $prescription-copy; the clinic app's
 *               $search-drugs, $usage-codes, $signing-credential, $enrol-signing-credential, $issue-prescription are in
 *               ../remote-signing/operations.ts
 *   pharmacies  $retrieve-prescription, $accept-prescription, $release-prescription, $dispense-prescription,
 *               $correct-dispensing, $cancel-dispensing
 *   patients    $prescription-status, $prescription-copy, $my-prescriptions (their own)
 * Every refusal is recorded (model/access.ts `audited`); every read is audited before the data is returned.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { badRequest, forbidden, notFound } from '../../../platform/fhir/errors.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { medicationRecords } from '../feeds/medication-records.ts';
import { audited, callerOf, type AuditNote, type Caller } from '../model/access.ts';
import { prescriptionRef } from '../model/fhir-codes.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { acceptPrescription, releasePrescription } from '../pharmacy/accept.ts';
import { cancelDispensing, correctDispensing, dispense, type DispenseResult } from '../pharmacy/dispense.ts';
import { type ExchangeQuery, findByCard, findByExchangeNumber } from '../pharmacy/retrieve.ts';
import { alertParameters, withFacilityNames } from '../prescriptions/alert-issues.ts';
import { cancelPrescription } from '../prescriptions/cancel.ts';
import { copyHtml } from '../prescriptions/copy.ts';
import type { Json } from '../prescriptions/document-entries.ts';
import { PRESCRIPTION_COLUMNS, lineRows, prescriptionRow, signedBundle, type PrescriptionRow } from '../prescriptions/prescription-row.ts';
import { dispensedInUse, prescriptionParameter } from '../prescriptions/prescription-view.ts';
import { registerPrescription } from '../prescriptions/register.ts';
import { type CheckBasis, checkBasis, runChecks } from '../prescriptions/run-checks.ts';
import { checkedDraft } from './check-input.ts';
import { ERX_SPECS } from './specs.ts';

const AS_PHARMACY = { ja: '処方箋の受付・調剤', en: 'retrieving, accepting and dispensing prescriptions' };

/** The exchange-number basis: all three fields, or none (400 for some). */
function exchangeBasis(input: ParamReader): ExchangeQuery | undefined {
  const [exchangeNumber, insuredNumber, birthDate] = ['exchangeNumber', 'insuredNumber', 'birthDate'].map((n) => input.string(n)?.trim() || undefined);
  if (!exchangeNumber && !insuredNumber && !birthDate) return undefined;
  if (!exchangeNumber || !insuredNumber || !birthDate)
    throw badRequest(
      '引換番号（exchangeNumber）・被保険者番号（insuredNumber）・生年月日（birthDate）の3つを指定してください',
      'give exchangeNumber, insuredNumber and birthDate together',
      [input.path('exchangeNumber')],
    );
  return { exchangeNumber, insuredNumber, birthDate };
}

const uncheckedParameters = (lines: number[]): OutParam[] => lines.map((i) => ({ name: 'unchecked', valueInteger: i + 1 }));

const resources = (input: ParamReader, name: string) => input.all(name).map((v) => v.resource as Json);

function dispensingParameters(r: DispenseResult, state: string): OutParam[] {
  return [
    { name: 'dispensing', valueString: r.dispensingId },
    { name: 'use', valueInteger: r.use },
    { name: 'completesUse', valueBoolean: r.completesUse },
    { name: 'version', valueInteger: r.version },
    { name: 'state', valueCode: r.state },
    { name: 'prescriptionState', valueCode: state },
    { name: 'receipt', valueString: r.receipt },
  ];
}

export function registerEprescriptionOperations(operations: OperationRegistry, rt: EprescriptionRuntime): void {
  const today = () => japanDate(rt.clock());
  const run = <T>(ctx: RequestContext, interaction: string, action: 'C' | 'U' | 'D' | 'R', fn: (note: AuditNote) => Promise<T>) =>
    audited(rt, ctx, interaction, action, fn);

  /** What a pharmacy is shown of a prescription it reached: the view, the check, the signed document; audited. */
  async function shownToPharmacy(ctx: RequestContext, pharmacy: Caller, rows: PrescriptionRow[], basis: string): Promise<OutParam[]> {
    const master = await rt.master();
    const out: OutParam[] = [];
    // the person's history, rules and consent are read once for all their prescriptions on the list
    const bases = new Map<string, Promise<CheckBasis>>();
    for (const p of rows) {
      const lines = await lineRows(rt.platform.db, p.prescription_id);
      const q = {
        patientId: p.patient_key,
        facility: pharmacy.code,
        ownerKey: pharmacy.ownerKey,
        prescriptionId: p.prescription_id,
        source: 'dispensing' as const,
      };
      if (!bases.has(p.patient_key)) bases.set(p.patient_key, checkBasis(rt, q));
      const check = await runChecks(
        rt,
        { ...q, lines: lines.map((l) => ({ code: l.code, name: l.name, ingredientKey: l.ingredient_key, classKey: l.class_key })) },
        await bases.get(p.patient_key)!,
      );
      out.push(
        prescriptionParameter(p, lines, master, {
          today: today(),
          dispensed: await dispensedInUse(rt.platform.db, p),
          bundle: await signedBundle(rt.platform.db, p.prescription_id),
          extra: alertParameters(
            check.shown,
            lines.map((l) => l.name),
          ),
        }),
      );
    }
    if (rows.length)
      await rt.platform.readAudit.write(
        rows.map((p) => rt.platform.repo.auditRecord(ctx, 'R', 'retrieve-prescription', '0', p.patient_key, [prescriptionRef(p.prescription_id)], { basis })),
      );
    return out;
  }

  operations.register(ERX_SPECS.check, async ({ context, input }) => {
    const ctx = await context();
    return run(ctx, 'check-prescription', 'R', async (note) => {
      const facility = callerOf(ctx, ['facility'], { ja: '処方前のチェック', en: 'checking a prescription' });
      const draft = await checkedDraft(rt, input, facility.code);
      note.patientKey = draft.patientId;
      const check = await runChecks(rt, {
        patientId: draft.patientId,
        facility: facility.code,
        ownerKey: facility.ownerKey,
        lines: draft.lines,
        date: draft.date,
        source: 'prescription',
      });
      await rt.platform.readAudit.write([
        rt.platform.repo.auditRecord(ctx, 'R', 'check-prescription', '0', draft.patientId, [`Patient/${draft.patientId}`], {
          basis: check.consent ? 'consent' : 'check-without-consent',
          outcomeDesc: `${check.alerts.length} alert(s)`,
        }),
      ]);
      const alerts = await withFacilityNames(
        alertParameters(
          check.shown,
          draft.lines.map((l) => l.name),
        ),
        async (code) => (await rt.platform.facilities.get(code))?.name,
      );
      return { parameters: [{ name: 'consent', valueBoolean: check.consent }, ...alerts, ...uncheckedParameters(check.unchecked)] };
    });
  });

  operations.register(ERX_SPECS.register, async ({ context, input }) => {
    const ctx = await context();
    const r = await run(ctx, 'register-prescription', 'C', (note) =>
      registerPrescription(rt, ctx, { bundle: input.all('resource')[0]?.resource, overrideReason: input.string('overrideReason') }, note),
    );
    return {
      status: 201,
      parameters: [
        { name: 'prescription', valueString: r.prescriptionId },
        { name: 'exchangeNumber', valueString: r.exchangeNumber },
        { name: 'patient', valueReference: { reference: `Patient/${r.patientId}` } },
        { name: 'validUntil', valueDate: r.validUntil },
        { name: 'usesAllowed', valueInteger: r.usesAllowed },
        ...alertParameters(r.check.shown),
        ...uncheckedParameters(r.check.unchecked),
      ],
    };
  });

  operations.register(ERX_SPECS.registerInHouse, async ({ context, input }) => {
    const ctx = await context();
    const r = await run(ctx, 'register-in-house-prescription', 'C', (note) =>
      registerPrescription(
        rt,
        ctx,
        { bundle: input.all('resource')[0]?.resource, overrideReason: input.string('overrideReason'), inHouse: { dispenses: resources(input, 'dispense') } },
        note,
      ),
    );
    return {
      status: 201,
      parameters: [
        { name: 'prescription', valueString: r.prescriptionId },
        { name: 'dispensing', valueString: r.dispensing!.id },
        { name: 'receipt', valueString: r.dispensing!.receipt },
        ...alertParameters(r.check.shown),
        ...uncheckedParameters(r.check.unchecked),
      ],
    };
  });

  operations.register(ERX_SPECS.cancel, async ({ context, input }) => {
    const ctx = await context();
    const p = await run(ctx, 'cancel-prescription', 'U', (note) =>
      cancelPrescription(
        rt,
        ctx,
        callerOf(ctx, ['facility'], { ja: '処方箋の取消', en: 'cancelling a prescription' }),
        input.requiredString('prescription', '処方箋ID'),
        input.string('reason'),
        note,
      ),
    );
    return { parameters: [{ name: 'state', valueCode: p.state }] };
  });

  operations.register(ERX_SPECS.retrieve, async ({ context, input }) => {
    const ctx = await context();
    return run(ctx, 'retrieve-prescription', 'R', async (note) => {
      const pharmacy = callerOf(ctx, ['pharmacy'], AS_PHARMACY);
      const patient = input
        .string('patient')
        ?.trim()
        .replace(/^Patient\//, '');
      const basis = exchangeBasis(input);
      if (!patient && !basis)
        throw badRequest(
          '引換番号・被保険者番号・生年月日、または患者（patient）を指定してください',
          'give exchangeNumber + insuredNumber + birthDate, or patient',
          [input.path('exchangeNumber')],
        );
      const rows = basis ? [await findByExchangeNumber(rt, pharmacy, basis, note)] : await findByCard(rt, pharmacy, patient!, note);
      return { parameters: await shownToPharmacy(ctx, pharmacy, rows, basis ? 'exchange-number' : 'consent') };
    });
  });

  operations.register(ERX_SPECS.accept, async ({ context, input }) => {
    const ctx = await context();
    return run(ctx, 'accept-prescription', 'U', async (note) => {
      const pharmacy = callerOf(ctx, ['pharmacy'], AS_PHARMACY);
      const p = await acceptPrescription(rt, ctx, pharmacy, input.requiredString('prescription', '処方箋ID').trim(), exchangeBasis(input), note);
      return { parameters: await shownToPharmacy(ctx, pharmacy, [p], 'accepted') };
    });
  });

  operations.register(ERX_SPECS.release, async ({ context, input }) => {
    const ctx = await context();
    const p = await run(ctx, 'release-prescription', 'U', (note) =>
      releasePrescription(rt, ctx, callerOf(ctx, ['pharmacy'], AS_PHARMACY), input.requiredString('prescription', '処方箋ID').trim(), note),
    );
    return { parameters: [{ name: 'state', valueCode: p.state }] };
  });

  operations.register(ERX_SPECS.dispense, async ({ context, input }) => {
    const ctx = await context();
    const r = await run(ctx, 'dispense-prescription', 'C', (note) =>
      dispense(
        rt,
        ctx,
        callerOf(ctx, ['pharmacy'], AS_PHARMACY),
        input.requiredString('prescription', '処方箋ID').trim(),
        { dispenses: resources(input, 'dispense'), complete: input.boolean('complete') },
        note,
      ),
    );
    return {
      status: 201,
      parameters: [
        ...dispensingParameters(r, r.prescriptionState),
        ...alertParameters(
          r.check?.shown ?? [],
          r.lines.map((l) => l.name),
        ),
      ],
    };
  });

  operations.register(ERX_SPECS.correct, async ({ context, input }) => {
    const ctx = await context();
    const r = await run(ctx, 'correct-dispensing', 'U', (note) =>
      correctDispensing(
        rt,
        ctx,
        callerOf(ctx, ['pharmacy'], AS_PHARMACY),
        input.requiredString('dispensing', '調剤結果ID').trim(),
        resources(input, 'dispense'),
        note,
      ),
    );
    return { parameters: dispensingParameters(r, r.prescriptionState) };
  });

  operations.register(ERX_SPECS.cancelDispensing, async ({ context, input }) => {
    const ctx = await context();
    const r = await run(ctx, 'cancel-dispensing', 'D', (note) =>
      cancelDispensing(rt, ctx, callerOf(ctx, ['pharmacy'], AS_PHARMACY), input.requiredString('dispensing', '調剤結果ID').trim(), note),
    );
    return { parameters: dispensingParameters(r, r.prescriptionState) };
  });

  /** A prescription its issuer or its patient may see (404 alike for everyone else, recorded). */
  async function ownPrescription(ctx: RequestContext, id: string, note: AuditNote): Promise<PrescriptionRow> {
    const p = await prescriptionRow(rt.platform.db, id);
    if (!p) throw notFound(prescriptionRef(id));
    note.patientKey = p.patient_key;
    note.entities = [prescriptionRef(id)];
    const c = ctx.principal;
    if (c.kind === 'patient' && c.patientId === p.patient_key) return p;
    if (c.kind === 'facility' && c.facilityCode === p.issuer) return p;
    throw notFound(prescriptionRef(id));
  }

  operations.register(ERX_SPECS.copy, async ({ context, input }) => {
    const ctx = await context();
    return run(ctx, 'prescription-copy', 'R', async (note) => {
      const p = await ownPrescription(ctx, input.requiredString('prescription', '処方箋ID').trim(), note);
      const html = await copyHtml(p, await lineRows(rt.platform.db, p.prescription_id), await rt.master());
      await rt.platform.readAudit.write([
        rt.platform.repo.auditRecord(ctx, 'R', 'prescription-copy', '0', p.patient_key, [prescriptionRef(p.prescription_id)]),
      ]);
      return {
        status: 200,
        body: { resourceType: 'Binary', contentType: 'text/html; charset=utf-8', data: Buffer.from(html, 'utf8').toString('base64') },
      };
    });
  });

  operations.register(ERX_SPECS.status, async ({ context, input }) => {
    const ctx = await context();
    return run(ctx, 'prescription-status', 'R', async (note) => {
      const id = input.string('prescription')?.trim();
      const c = ctx.principal;
      let rows: PrescriptionRow[];
      const forPatient = input
        .string('patient')
        ?.trim()
        .replace(/^Patient\//, '');
      if (id) rows = [await ownPrescription(ctx, id, note)];
      else if (c.kind === 'facility' && c.facilityCode && forPatient) {
        // the facility's own prescriptions of the person (it issued them), optionally of one day
        note.patientKey = forPatient;
        const day = input.string('issuedOn')?.trim();
        rows = (
          await rt.platform.db.query<PrescriptionRow>(
            `SELECT ${PRESCRIPTION_COLUMNS} FROM eprescription_prescriptions WHERE patient_key = $1 AND issuer = $2 ${day ? 'AND issued_on = $3' : ''}
              ORDER BY issued_on DESC, registered_at DESC LIMIT 200`,
            day ? [forPatient, c.facilityCode, day] : [forPatient, c.facilityCode],
          )
        ).rows;
      } else if (c.kind === 'patient' && c.patientId) {
        note.patientKey = c.patientId;
        rows = (
          await rt.platform.db.query<PrescriptionRow>(
            `SELECT ${PRESCRIPTION_COLUMNS} FROM eprescription_prescriptions WHERE patient_key = $1 ORDER BY issued_on DESC, registered_at DESC LIMIT 200`,
            [c.patientId],
          )
        ).rows;
      } else throw badRequest('処方箋ID（prescription）または患者（patient）を指定してください', 'give prescription or patient', [input.path('prescription')]);
      const master = await rt.master();
      const out: OutParam[] = [];
      for (const p of rows)
        out.push(
          prescriptionParameter(p, await lineRows(rt.platform.db, p.prescription_id), master, {
            today: today(),
            dispensed: await dispensedInUse(rt.platform.db, p),
          }),
        );
      if (rows.length)
        await rt.platform.readAudit.write(
          rows.map((p) => rt.platform.repo.auditRecord(ctx, 'R', 'prescription-status', '0', p.patient_key, [prescriptionRef(p.prescription_id)])),
        );
      return { parameters: out };
    });
  });

  operations.register(ERX_SPECS.history, async ({ context, input }) => {
    const ctx = await context();
    return run(ctx, 'my-prescriptions', 'R', async (note) => {
      const c = ctx.principal;
      if (c.kind !== 'patient' || !c.patientId) throw forbidden('処方・調剤履歴は本人が見るものです', 'the medication history is for the patient');
      note.patientKey = c.patientId;
      const records = await medicationRecords(rt.platform.db, c.patientId, { from: input.string('from') });
      await rt.platform.readAudit.write([
        rt.platform.repo.auditRecord(ctx, 'R', 'my-prescriptions', '0', c.patientId, [`Patient/${c.patientId}`], { basis: 'self' }),
      ]);
      return {
        parameters: records.map((r) => ({
          name: 'record',
          part: [
            { name: 'source', valueCode: r.source },
            { name: 'prescription', valueString: r.prescriptionId },
            r.dispensingId ? { name: 'dispensing', valueString: r.dispensingId } : undefined,
            { name: 'date', valueDate: r.date },
            { name: 'facility', valueString: r.facility },
            { name: 'code', valueCoding: r.code },
            { name: 'name', valueString: r.name },
            { name: 'quantity', valueDecimal: r.quantity },
            { name: 'unit', valueString: r.unit },
            r.days !== undefined ? { name: 'days', valueInteger: r.days } : undefined,
            r.substituted !== undefined ? { name: 'substituted', valueBoolean: r.substituted } : undefined,
          ].filter((x) => x !== undefined),
        })),
      };
    });
  });
}
