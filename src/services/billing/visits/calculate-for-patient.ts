/**
 * $calculate for a received patient (the clinic app's path): the patient's eligibility comes from the facility's
 * reception of that day (資格確認), the month's earlier visits and the last visit from the visits the facility
 * recorded; with `record`, the visit is stored (and charged at the window) in one audited transaction.
 *
 * Without a reception of the patient at this facility on that day the answer is 404, alike for an unknown and an
 * unseen person (the facility learns nothing).
 */
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { conflict, FhirError } from '../../../platform/fhir/errors.ts';
import { latestReception } from '../../eligibility/index.ts';
import { calculateVisit } from '../calc/calculate.ts';
import { checkCase } from '../calc/case-check.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import type { CalculationResult, PatientInput, VisitInput } from '../model/types.ts';
import { type DeskInput, patientFromReception } from './patient-input.ts';
import { billingFacility, type BillingRuntime, japanToday } from './runtime.ts';
import { firstVisitBefore, insertVisit, lastVisitBefore, monthVisitsOf } from './visit-store.ts';

export interface PatientVisitInput {
  patientId: string;
  /** The visit as the desk entered it (date defaults to today, Japan time). */
  visit: Omit<VisitInput, 'date' | 'lastVisitDate'> & { date?: string };
  desk: DeskInput;
  record: boolean;
  /** Add what the prescriptions this clinic issued to the patient that day bill (default true). */
  fromPrescriptions: boolean;
}

const DAY_MS = 86_400_000;

const notReceived = (patientId: string, date: string) =>
  FhirError.of(
    404,
    'not-found',
    `Patient/${patientId} は ${date} にこの医療機関で受付（資格確認）されていません。受付で資格確認をしてから会計してください`,
    `Patient/${patientId} was not received (eligibility verified) at this facility on ${date}`,
    ['patient'],
  );

/** A 公費 cap the desk gave at an earlier visit of the month holds for the month unless given again. */
function withEarlierCaps(desk: DeskInput, earlier: PatientInput | undefined): DeskInput {
  const known = (earlier?.publicExpenses ?? []).filter((p) => p.monthlyCapYen !== undefined && !desk.caps.some((c) => c.payerNumber === p.payerNumber));
  return {
    ...desk,
    caps: [...desk.caps, ...known.map((p) => ({ payerNumber: p.payerNumber, monthlyCapYen: p.monthlyCapYen, alreadyPaidYen: p.alreadyPaidYen }))],
  };
}

export async function calculateForPatient(
  rt: BillingRuntime,
  ctx: RequestContext,
  input: PatientVisitInput,
): Promise<{ result: CalculationResult; visitId?: string }> {
  const facilityCode = await billingFacility(rt, ctx, '$calculate');
  const id = input.patientId.trim().replace(/^Patient\//, '');
  const now = rt.clock();
  const date = input.visit.date ?? japanToday(now);
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) throw notReceived(id, date);
  const db = rt.platform.db;
  const since = new Date(Date.parse(`${date}T00:00:00+09:00`) - DAY_MS);
  const reception = await latestReception(db, { facilityCode, patientId: id, since });
  if (!reception || reception.visitDate !== date) throw notReceived(id, date);

  const facilityName = (await rt.platform.facilities.get(facilityCode))?.name ?? ctx.principal.name;
  const compute = async (q: Queryable) => {
    const month = date.slice(0, 7);
    const earlier = await monthVisitsOf(q, facilityCode, id, month);
    const later = earlier.find((v) => v.date > date);
    if (later && input.record)
      throw conflict(
        `${later.date} の受診が既に会計済みです。それより前の日付の受診は、後の受診を取り消してから会計してください`,
        `a later visit (${later.date}) is already recorded; cancel it before recording an earlier one`,
      );
    const raw = {
      facility: { code: facilityCode, name: facilityName },
      patient: patientFromReception(reception, withEarlierCaps(input.desk, earlier.at(-1)?.patient)),
      visit: {
        ...input.visit,
        date,
        lastVisitDate: await lastVisitBefore(q, facilityCode, id, `${month}-01`),
        firstVisitDate: await firstVisitBefore(q, facilityCode, id, `${month}-01`),
        prescriptions: input.fromPrescriptions ? await rt.prescriptions(q, { facilityCode, patientKey: id, date }) : [],
      },
      history: earlier.filter((v) => v.date <= date).map((v) => v.visit),
    };
    const c = checkCase(raw); // the same checks as a case from outside (the desk's items and caps are input too)
    return { c, result: calculateVisit(rt.master(), c) };
  };
  const entities = [`Patient/${id}`];
  if (!input.record) {
    const { result } = await compute(db);
    await rt.platform.readAudit.write([rt.platform.repo.auditRecord(ctx, 'R', 'billing-estimate', '0', id, entities, { outcomeDesc: `estimate ${date}` })]);
    return { result };
  }
  const visitId = crypto.randomUUID();
  const result = await rt.platform.repo.transaction(
    async (session) => {
      // One recording at a time per patient and facility: the month's history cannot change under the calculation.
      await session.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`billing:${facilityCode}:${id}`]);
      const { c, result } = await compute(session.tx);
      await insertVisit(session.tx, {
        id: visitId,
        facilityCode,
        patientKey: id,
        date,
        recordedAt: now,
        recordedBy: ctx.principal.user ? `${ctx.principal.user.name}（${ctx.principal.user.id}）` : ctx.principal.clientId,
        facility: c.facility,
        patient: c.patient,
        visit: c.visit,
        result,
      });
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'C', 'billing-visit', '0', id, entities, { outcomeDesc: `visit ${visitId} ${date}: ${result.totalPoints} points` }),
        ),
      );
      return result;
    },
    { trusted: true },
  );
  return { result, visitId };
}
