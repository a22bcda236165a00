/**
 * 取消 (cancel) by the issuing facility before any dispensing: the prescription leaves every pharmacy's reach and the
 * checks. Once a pharmacy has accepted it the facility must ask that pharmacy to release it first (409); once a use
 * has been dispensed it cannot be cancelled (the pharmacy cancels its result first). Another facility's prescription
 * answers as an absent one (404), recorded.
 */
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { conflict, notFound } from '../../../platform/fhir/errors.ts';
import type { AuditNote, Caller } from '../model/access.ts';
import { prescriptionRef } from '../model/fhir-codes.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { prescriptionRow, type PrescriptionRow } from './prescription-row.ts';

export async function cancelPrescription(
  rt: EprescriptionRuntime,
  ctx: RequestContext,
  facility: Caller,
  id: string,
  reason: string | undefined,
  note: AuditNote,
): Promise<PrescriptionRow> {
  const now = rt.clock();
  return rt.platform.repo.transaction(
    async (session) => {
      const p = await prescriptionRow(session.tx, id, true);
      if (!p) throw notFound(prescriptionRef(id));
      note.patientKey = p.patient_key;
      note.entities = [prescriptionRef(id)];
      if (p.issuer !== facility.code) throw notFound(prescriptionRef(id));
      if (p.state === 'cancelled') return p;
      const dispensed = await session.tx.query("SELECT 1 FROM eprescription_dispensings WHERE prescription_id = $1 AND state <> 'cancelled' LIMIT 1", [id]);
      if (p.uses_done > 0 || dispensed.rows.length > 0 || p.kind === 'in-house')
        throw conflict('この処方箋は調剤済みのため取り消せません', 'this prescription has been dispensed and cannot be cancelled');
      if (p.state === 'accepted')
        throw conflict(
          `この処方箋は薬局（${p.accepted_by}）が受付済みです。取り消すには薬局に受付の取消しを依頼してください`,
          `a pharmacy (${p.accepted_by}) has accepted this prescription: it must release it before the prescription can be cancelled`,
        );
      await session.tx.query("UPDATE eprescription_prescriptions SET state = 'cancelled', cancelled_at = $2 WHERE prescription_id = $1", [
        id,
        now.toISOString(),
      ]);
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'U', 'cancel-prescription', '0', p.patient_key, [prescriptionRef(id)], { outcomeDesc: reason?.slice(0, 500) }),
        ),
      );
      return { ...p, state: 'cancelled', cancelled_at: now };
    },
    { trusted: true },
  );
}
