/**
 * 受付 (accept) and 受付取消 (release) by a pharmacy. Accepting locks the prescription against every other pharmacy
 * until the current use is dispensed or the pharmacy releases it. The pharmacy names the prescription by id and shows
 * its basis: the 引換番号 with the patient's insured number and birth date, or — without them — the patient's consent
 * at this pharmacy (the card at the reader).
 *
 * A use may be accepted only while it is open: the first within the 使用期限; a refill use (リフィル) from 7 days before
 * to 7 days after its 次回調剤予定日 (store-dispensing.ts), never more uses than the prescription allows. Cancelled and
 * completed prescriptions are refused. Every refusal is recorded (model/access.ts).
 */
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { conflict } from '../../../platform/fhir/errors.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { AuditNote, Caller } from '../model/access.ts';
import { prescriptionRef } from '../model/fhir-codes.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { prescriptionRow, type PrescriptionRow } from '../prescriptions/prescription-row.ts';
import { dispensedInUse } from '../prescriptions/prescription-view.ts';
import { type ExchangeQuery, findByExchangeNumber, heldElsewhere, missing, requireConsent } from './retrieve.ts';
import { useRefusal } from './use-window.ts';

/** The prescription named by id for `pharmacy`, with its basis checked; 404 alike for absent and unreachable. */
export async function reachable(
  rt: EprescriptionRuntime,
  pharmacy: Caller,
  id: string,
  basis: ExchangeQuery | undefined,
  note: AuditNote,
): Promise<PrescriptionRow> {
  if (basis) {
    const p = await findByExchangeNumber(rt, pharmacy, basis, note);
    if (p.prescription_id !== id) throw missing(id);
    return p;
  }
  const p = await prescriptionRow(rt.platform.db, id);
  if (!p) throw missing(id);
  note.patientKey = p.patient_key;
  note.entities = [prescriptionRef(id)];
  if (p.accepted_by === pharmacy.code && p.state === 'accepted') return p;
  await requireConsent(rt, pharmacy, p.patient_key);
  return p;
}

export async function acceptPrescription(
  rt: EprescriptionRuntime,
  ctx: RequestContext,
  pharmacy: Caller,
  id: string,
  basis: ExchangeQuery | undefined,
  note: AuditNote,
): Promise<PrescriptionRow> {
  await reachable(rt, pharmacy, id, basis, note);
  const now = rt.clock();
  return rt.platform.repo.transaction(
    async (session) => {
      const p = (await prescriptionRow(session.tx, id, true))!;
      heldElsewhere(p, pharmacy);
      if (p.state === 'accepted') return p;
      const refusal = useRefusal(p, japanDate(now));
      if (refusal) throw refusal;
      await session.tx.query("UPDATE eprescription_prescriptions SET state = 'accepted', accepted_by = $2, accepted_at = $3 WHERE prescription_id = $1", [
        id,
        pharmacy.code,
        now.toISOString(),
      ]);
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'U', 'accept-prescription', '0', p.patient_key, [prescriptionRef(id)], { outcomeDesc: `use ${p.uses_done + 1}` }),
        ),
      );
      return { ...p, state: 'accepted', accepted_by: pharmacy.code, accepted_at: now };
    },
    { trusted: true },
  );
}

export async function releasePrescription(
  rt: EprescriptionRuntime,
  ctx: RequestContext,
  pharmacy: Caller,
  id: string,
  note: AuditNote,
): Promise<PrescriptionRow> {
  return rt.platform.repo.transaction(
    async (session) => {
      const p = await prescriptionRow(session.tx, id, true);
      if (!p || p.accepted_by !== pharmacy.code || p.state !== 'accepted') {
        if (p) [note.patientKey, note.entities] = [p.patient_key, [prescriptionRef(id)]];
        throw missing(id);
      }
      note.patientKey = p.patient_key;
      note.entities = [prescriptionRef(id)];
      if ((await dispensedInUse(session.tx, p)).size > 0)
        throw conflict(
          'この回の調剤結果（分割調剤）が登録済みのため受付を取り消せません。調剤を完了するか、調剤結果を取り消してください',
          'part of this use has been dispensed: complete it or cancel those dispensing results first',
        );
      await session.tx.query("UPDATE eprescription_prescriptions SET state = 'registered', accepted_by = NULL, accepted_at = NULL WHERE prescription_id = $1", [
        id,
      ]);
      session.audits.push(toAuditRow(rt.platform.repo.auditRecord(ctx, 'U', 'release-prescription', '0', p.patient_key, [prescriptionRef(id)])));
      return { ...p, state: 'registered', accepted_by: null, accepted_at: null };
    },
    { trusted: true },
  );
}
