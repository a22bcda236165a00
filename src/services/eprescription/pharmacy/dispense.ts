/**
 * 調剤結果の登録 (dispense), 訂正 (correct) and 取消 (cancel) by the pharmacy that accepted the prescription.
 *
 * dispense  the MedicationDispense list of what was handed over (dispensed-lines.ts checks each against the
 *           prescription and the master); the use completes when every line is filled or the pharmacy says
 *           `complete` (e.g. the patient declined a drug) — until then further parts may follow (分割調剤), held by
 *           the same pharmacy. The duplicate / contraindication check runs on what was dispensed (its alerts are
 *           returned, they do not refuse). The service signs a receipt of the registered result.
 * correct   replaces the lines of the pharmacy's latest result of the prescription (a new version, a new receipt).
 * cancel    withdraws the pharmacy's latest result; a use it completed opens again, held by the pharmacy.
 * Another pharmacy's prescription or result answers as an absent one (404), recorded.
 */
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { refuseIfAny } from '../../../platform/conformance/documents.ts';
import { conflict, notFound } from '../../../platform/fhir/errors.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { WriteSession } from '../../../platform/store/repository.ts';
import type { AuditNote, Caller } from '../model/access.ts';
import { dispensingRef, prescriptionRef } from '../model/fhir-codes.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import type { Json } from '../prescriptions/document-entries.ts';
import { addDays } from '../prescriptions/prescription-document.ts';
import { lineRows, prescriptionRow, type PrescriptionRow } from '../prescriptions/prescription-row.ts';
import { dispensedInUse } from '../prescriptions/prescription-view.ts';
import { type CheckRun, runChecks } from '../prescriptions/run-checks.ts';
import { signReceipt } from '../receipts/receipt.ts';
import { type DispensedLine, readDispensing, totalsOf, useFilled } from './dispensed-lines.ts';
import { REFILL_WINDOW_DAYS, completeUse, insertDispensing, writeDispensingLines } from './store-dispensing.ts';

export interface DispenseResult {
  dispensingId: string;
  prescription: PrescriptionRow;
  use: number;
  completesUse: boolean;
  dispensedOn: string;
  lines: DispensedLine[];
  receipt: string;
  check?: CheckRun;
  version: number;
  state: 'registered' | 'corrected' | 'cancelled';
  /** The prescription's state after the change. */
  prescriptionState: PrescriptionRow['state'];
}

function dispensedOnOf(handedOver: string | undefined, p: PrescriptionRow, today: string, issues: Issue[]): string {
  const day = handedOver ?? today;
  if (day > today)
    issues.push({
      severity: 'error',
      code: 'business-rule',
      ja: `調剤日（${day}）が未来の日付です`,
      en: `the dispensing date ${day} is in the future`,
      expression: ['MedicationDispense.whenHandedOver'],
    });
  if (day < p.issued_on)
    issues.push({
      severity: 'error',
      code: 'business-rule',
      ja: `調剤日（${day}）が交付日（${p.issued_on}）より前です`,
      en: `the dispensing date ${day} is before the issue date ${p.issued_on}`,
      expression: ['MedicationDispense.whenHandedOver'],
    });
  return day;
}

export async function dispense(
  rt: EprescriptionRuntime,
  ctx: RequestContext,
  pharmacy: Caller,
  id: string,
  input: { dispenses: Json[]; complete?: boolean },
  note: AuditNote,
): Promise<DispenseResult> {
  const now = rt.clock();
  const today = japanDate(now);
  const master = await rt.master();
  const result = await rt.platform.repo.transaction(
    async (session) => {
      const p = await heldBy(session, pharmacy, id, note);
      const lines = await lineRows(session.tx, id);
      const already = await dispensedInUse(session.tx, p);
      const issues: Issue[] = [];
      const read = readDispensing(rt.platform.conformance, master, lines, already, input.dispenses, now, issues);
      const dispensedOn = dispensedOnOf(read.handedOver, p, today, issues);
      refuseIfAny(issues);
      const completesUse = input.complete === true || useFilled(lines, totalsOf(already, read.lines));
      const dispensingId = newId();
      const use = p.uses_done + 1;
      const receipt = await insertDispensing(
        session,
        rt.receipts,
        p,
        {
          id: dispensingId,
          pharmacy: pharmacy.code,
          use,
          completesUse,
          dispensedOn,
          lines: read.lines,
          result: input.dispenses,
          version: 1,
          state: 'registered',
        },
        now,
      );
      if (completesUse) await completeUse(session, p, lines, dispensedOn);
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'C', 'dispense-prescription', '0', p.patient_key, [prescriptionRef(id), dispensingRef(dispensingId)], {
            outcomeDesc: `use ${use}${completesUse ? ' complete' : ' in part'}, ${read.lines.length} line(s)${read.lines.some((l) => l.substituted) ? ', substituted' : ''}`,
          }),
        ),
      );
      const prescriptionState: PrescriptionRow['state'] = !completesUse ? 'accepted' : use >= p.uses_allowed ? 'completed' : 'registered';
      return {
        dispensingId,
        prescription: p,
        use,
        completesUse,
        dispensedOn,
        lines: read.lines,
        receipt,
        version: 1,
        state: 'registered' as const,
        prescriptionState,
      };
    },
    { trusted: true },
  );
  const check = await runChecks(rt, {
    patientId: result.prescription.patient_key,
    facility: pharmacy.code,
    ownerKey: pharmacy.ownerKey,
    lines: result.lines,
    date: result.dispensedOn,
    prescriptionId: id,
    source: 'dispensing',
  });
  return { ...result, check };
}

/** The prescription accepted by `pharmacy`, locked; otherwise 404 (another's) or 409 (not accepted yet). */
async function heldBy(session: WriteSession, pharmacy: Caller, id: string, note: AuditNote): Promise<PrescriptionRow> {
  const p = await prescriptionRow(session.tx, id, true);
  if (!p) throw notFound(prescriptionRef(id));
  note.patientKey = p.patient_key;
  note.entities = [prescriptionRef(id)];
  if (p.state === 'accepted' && p.accepted_by === pharmacy.code) return p;
  if (p.state === 'accepted' || p.accepted_by !== null) throw notFound(prescriptionRef(id));
  throw conflict('調剤結果を登録する前に処方箋を受付してください（$accept-prescription）', 'accept the prescription ($accept-prescription) before dispensing');
}

type DispensingRow = {
  dispensing_id: string;
  prescription_id: string;
  pharmacy: string;
  use_no: number;
  completes_use: boolean;
  dispensed_on: string;
  state: string;
  version: number;
  result: string;
};

/** The pharmacy's latest result of the prescription it belongs to, locked, with the prescription; else 404 / 409. */
async function latestOwn(session: WriteSession, pharmacy: Caller, dispensingId: string, note: AuditNote): Promise<{ d: DispensingRow; p: PrescriptionRow }> {
  const d = (
    await session.tx.query<DispensingRow>(
      `SELECT dispensing_id, prescription_id, pharmacy, use_no, completes_use, dispensed_on::text AS dispensed_on, state, version, result
         FROM eprescription_dispensings WHERE dispensing_id = $1 FOR UPDATE`,
      [dispensingId],
    )
  ).rows[0];
  if (!d) throw notFound(dispensingRef(dispensingId));
  const p = (await prescriptionRow(session.tx, d.prescription_id, true))!;
  note.patientKey = p.patient_key;
  note.entities = [dispensingRef(dispensingId), prescriptionRef(p.prescription_id)];
  if (d.pharmacy !== pharmacy.code) throw notFound(dispensingRef(dispensingId));
  if (d.state === 'cancelled') throw conflict('この調剤結果は取り消されています', 'this dispensing result was cancelled');
  const latest = (
    await session.tx.query<{ dispensing_id: string }>(
      "SELECT dispensing_id FROM eprescription_dispensings WHERE prescription_id = $1 AND state <> 'cancelled' ORDER BY registered_at DESC, dispensing_id DESC LIMIT 1",
      [p.prescription_id],
    )
  ).rows[0];
  if (latest?.dispensing_id !== dispensingId)
    throw conflict(
      'この処方箋には後の調剤結果があります。訂正・取消しは最新の調剤結果に対して行ってください',
      'a later dispensing result of this prescription exists: correct or cancel the latest one',
    );
  return { d, p };
}

export async function correctDispensing(
  rt: EprescriptionRuntime,
  ctx: RequestContext,
  pharmacy: Caller,
  dispensingId: string,
  dispenses: Json[],
  note: AuditNote,
): Promise<DispenseResult> {
  const now = rt.clock();
  const master = await rt.master();
  return rt.platform.repo.transaction(
    async (session) => {
      const { d, p } = await latestOwn(session, pharmacy, dispensingId, note);
      const lines = await lineRows(session.tx, p.prescription_id);
      const already = await dispensedInUse(session.tx, p, d.use_no, dispensingId);
      const issues: Issue[] = [];
      const read = readDispensing(rt.platform.conformance, master, lines, already, dispenses, now, issues);
      const dispensedOn = dispensedOnOf(read.handedOver ?? d.dispensed_on, p, japanDate(now), issues);
      refuseIfAny(issues);
      const version = d.version + 1;
      const receipt = await signReceipt(rt.receipts, {
        dispensing: dispensingId,
        prescription: p.prescription_id,
        pharmacy: pharmacy.code,
        use: d.use_no,
        dispensedOn,
        state: 'corrected',
        version,
        at: now,
        lines: read.lines,
        result: dispenses,
      });
      await session.tx.query(
        "UPDATE eprescription_dispensings SET state = 'corrected', version = $2, changed_at = $3, result = $4, receipt = $5, dispensed_on = $6 WHERE dispensing_id = $1",
        [dispensingId, version, now.toISOString(), JSON.stringify(dispenses), receipt, dispensedOn],
      );
      await writeDispensingLines(
        session,
        {
          id: dispensingId,
          pharmacy: pharmacy.code,
          use: d.use_no,
          completesUse: d.completes_use,
          dispensedOn,
          lines: read.lines,
          result: dispenses,
          version,
          state: 'corrected',
        },
        p.patient_key,
      );
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'U', 'correct-dispensing', '0', p.patient_key, [dispensingRef(dispensingId), prescriptionRef(p.prescription_id)], {
            outcomeDesc: `version ${version}`,
          }),
        ),
      );
      return {
        dispensingId,
        prescription: p,
        use: d.use_no,
        completesUse: d.completes_use,
        dispensedOn,
        lines: read.lines,
        receipt,
        version,
        state: 'corrected' as const,
        prescriptionState: p.state,
      };
    },
    { trusted: true },
  );
}

export async function cancelDispensing(
  rt: EprescriptionRuntime,
  ctx: RequestContext,
  pharmacy: Caller,
  dispensingId: string,
  note: AuditNote,
): Promise<DispenseResult> {
  const now = rt.clock();
  return rt.platform.repo.transaction(
    async (session) => {
      const { d, p } = await latestOwn(session, pharmacy, dispensingId, note);
      const version = d.version + 1;
      const receipt = await signReceipt(rt.receipts, {
        dispensing: dispensingId,
        prescription: p.prescription_id,
        pharmacy: pharmacy.code,
        use: d.use_no,
        dispensedOn: d.dispensed_on,
        state: 'cancelled',
        version,
        at: now,
        lines: [],
        result: [],
      });
      await session.tx.query("UPDATE eprescription_dispensings SET state = 'cancelled', version = $2, changed_at = $3, receipt = $4 WHERE dispensing_id = $1", [
        dispensingId,
        version,
        now.toISOString(),
        receipt,
      ]);
      if (d.completes_use) await reopenUse(session, p, pharmacy, now);
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'D', 'cancel-dispensing', '0', p.patient_key, [dispensingRef(dispensingId), prescriptionRef(p.prescription_id)]),
        ),
      );
      return {
        dispensingId,
        prescription: p,
        use: d.use_no,
        completesUse: false,
        dispensedOn: d.dispensed_on,
        lines: [],
        receipt,
        version,
        state: 'cancelled' as const,
        prescriptionState: d.completes_use ? ('accepted' as const) : p.state,
      };
    },
    { trusted: true },
  );
}

/** A completed use opens again, held by the pharmacy; the refill window goes back to the one before it. */
async function reopenUse(session: WriteSession, p: PrescriptionRow, pharmacy: Caller, now: Date): Promise<void> {
  const uses = p.uses_done - 1;
  let from: string | null = null;
  let until: string | null = null;
  if (uses > 0) {
    const prev = (
      await session.tx.query<{ dispensed_on: string }>(
        "SELECT dispensed_on::text AS dispensed_on FROM eprescription_dispensings WHERE prescription_id = $1 AND use_no = $2 AND completes_use AND state <> 'cancelled' LIMIT 1",
        [p.prescription_id, uses],
      )
    ).rows[0];
    const days = Math.max(0, ...(await lineRows(session.tx, p.prescription_id)).map((l) => l.days ?? 0));
    if (prev) [from, until] = [addDays(prev.dispensed_on, days - REFILL_WINDOW_DAYS), addDays(prev.dispensed_on, days + REFILL_WINDOW_DAYS)];
  }
  await session.tx.query(
    "UPDATE eprescription_prescriptions SET uses_done = $2, state = 'accepted', accepted_by = $3, accepted_at = $4, next_use_from = $5, next_use_until = $6 WHERE prescription_id = $1",
    [p.prescription_id, uses, pharmacy.code, now.toISOString(), from, until],
  );
}
