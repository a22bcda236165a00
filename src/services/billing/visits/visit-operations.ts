/**
 * What a clinic does with its recorded visits: list a month's, print a visit's 領収証・明細書, cancel a visit (取消),
 * and make the month's claim file. Every call acts for the calling clinic only (its facility code in every query);
 * a visit of another facility answers as an absent one (404). Each read of person data is audited.
 */
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { badRequest, conflict, notFound, unprocessable } from '../../../platform/fhir/errors.ts';
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import { calculateMonth } from '../calc/calculate.ts';
import { claimFile, claimPayerOf, OutputError, receiptHtml, receiptPdf } from '../output/index.ts';
import { billingFacility, type BillingRuntime } from './runtime.ts';
import { cancelVisit, facilityMonthVisits, monthVisitsOf, type RecordedVisit, visitById } from './visit-store.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function checkMonth(month: string): string {
  if (!MONTH.test(month)) throw badRequest(`診療年月は YYYY-MM で指定してください（${month}）`, `month is YYYY-MM (${month})`, ['month']);
  return month;
}

async function ownVisit(rt: BillingRuntime, facilityCode: string, id: string): Promise<RecordedVisit> {
  const v = /^[0-9a-f-]{36}$/.test(id) ? await visitById(rt.platform.db, facilityCode, id) : undefined;
  if (!v) throw notFound(`受診 ${id}`);
  return v;
}

function audit(rt: BillingRuntime, ctx: RequestContext, subtype: string, people: string[], desc: string) {
  const extra = { outcomeDesc: desc };
  return rt.platform.readAudit.write(
    people.length
      ? people.map((pk) => rt.platform.repo.auditRecord(ctx, 'R', subtype, '0', pk, [`Patient/${pk}`], extra))
      : [rt.platform.repo.auditRecord(ctx, 'R', subtype, '0', '', [], extra)],
  );
}

export async function listVisits(rt: BillingRuntime, ctx: RequestContext, month: string, patient?: string): Promise<OutParam[]> {
  const facilityCode = await billingFacility(rt, ctx, '$billing-visits');
  const m = checkMonth(month);
  const id = patient?.replace(/^Patient\//, '');
  const rows = id ? await monthVisitsOf(rt.platform.db, facilityCode, id, m, true) : await facilityMonthVisits(rt.platform.db, facilityCode, m, true);
  await audit(rt, ctx, 'billing-visits', [...new Set(rows.map((r) => r.patientKey))], `visits ${m}`);
  return rows.map((v) => ({
    name: 'visit',
    part: [
      { name: 'id', valueString: v.id },
      { name: 'patient', valueReference: { reference: `Patient/${v.patientKey}`, display: v.patient.name ?? '' } },
      { name: 'date', valueDate: v.date },
      { name: 'encounter', valueCode: v.result.encounter },
      { name: 'totalPoints', valueInteger: v.result.totalPoints },
      { name: 'patientYen', valueInteger: v.result.copay.patientYen },
      { name: 'cancelled', valueBoolean: v.cancelledAt !== null },
      ...(v.cancelReason ? [{ name: 'cancelReason', valueString: v.cancelReason }] : []),
    ],
  }));
}

export async function visitReceipt(rt: BillingRuntime, ctx: RequestContext, id: string, format: string): Promise<OutParam[]> {
  const facilityCode = await billingFacility(rt, ctx, '$billing-receipt');
  if (format !== 'html' && format !== 'pdf') throw badRequest(`format は html か pdf です（${format}）`, `format is html or pdf (${format})`, ['format']);
  const v = await ownVisit(rt, facilityCode, id);
  const c = { facility: v.facility, patient: v.patient, visit: v.visit, history: [] };
  const data = format === 'pdf' ? Buffer.from(await receiptPdf(c, v.result)) : Buffer.from(receiptHtml(c, v.result), 'utf8');
  await audit(rt, ctx, 'billing-receipt', [v.patientKey], `receipt ${v.id}`);
  return [
    {
      name: 'receipt',
      valueAttachment: {
        contentType: format === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8',
        data: data.toString('base64'),
        title: `領収証・明細書 ${v.date}`,
      },
    },
  ];
}

export async function cancelRecordedVisit(rt: BillingRuntime, ctx: RequestContext, id: string, reason: string): Promise<OutParam[]> {
  const facilityCode = await billingFacility(rt, ctx, '$billing-cancel');
  const why = reason.trim();
  if (!why || why.length > 200) throw badRequest('取消の理由を200字以内で入力してください', 'a reason (at most 200 characters) is required', ['reason']);
  const v = await ownVisit(rt, facilityCode, id);
  if (v.cancelledAt) throw conflict('この受診は既に取り消されています', 'the visit is already cancelled');
  const month = await monthVisitsOf(rt.platform.db, facilityCode, v.patientKey, v.date.slice(0, 7));
  const last = month.at(-1);
  if (last && last.id !== v.id)
    throw conflict(
      `後の受診（${last.date}）が会計済みのため取り消せません。後の受診から順に取り消してください`,
      `a later visit (${last.date}) is recorded; cancel the later visits first`,
    );
  const by = ctx.principal.user ? `${ctx.principal.user.name}（${ctx.principal.user.id}）` : ctx.principal.clientId;
  await rt.platform.repo.transaction(
    async (session) => {
      if (!(await cancelVisit(session.tx, facilityCode, v.id, by, why, rt.clock())))
        throw conflict('この受診は既に取り消されています', 'the visit is already cancelled');
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'U', 'billing-cancel', '0', v.patientKey, [`Patient/${v.patientKey}`], { outcomeDesc: `cancel ${v.id}: ${why}` }),
        ),
      );
    },
    { trusted: true },
  );
  return [{ name: 'cancelled', valueBoolean: true }];
}

/** The month's claim: each patient's visits (per insurance) calculated again in order, as one receipt (レセプト). */
export async function monthClaim(rt: BillingRuntime, ctx: RequestContext, month: string, payer: string): Promise<OutParam[]> {
  const facilityCode = await billingFacility(rt, ctx, '$billing-claim');
  const m = checkMonth(month);
  if (payer !== 'shaho' && payer !== 'kokuho') throw badRequest('payer は shaho（社保）か kokuho（国保）です', 'payer is shaho or kokuho', ['payer']);
  const rows = (await facilityMonthVisits(rt.platform.db, facilityCode, m, false)).filter((v) => claimPayerOf(v.patient.insurance) === payer);
  if (rows.length === 0) throw notFound(`${m} の${payer === 'shaho' ? '社保' : '国保'}の会計済みの受診`);
  const groups = new Map<string, RecordedVisit[]>();
  for (const v of rows) {
    const key = `${v.patientKey}|${v.patient.insurance?.insurerNumber ?? '-'}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const master = rt.master();
  const visits = [...groups.values()].flatMap((vs) => {
    const last = vs[vs.length - 1];
    const c = { facility: last.facility, patient: last.patient, visit: last.visit, history: vs.slice(0, -1).map((v) => v.visit) };
    return calculateMonth(master, c).map(({ visit, result }) => ({ visitCase: { ...c, visit, history: [] }, result }));
  });
  let file: ReturnType<typeof claimFile>;
  try {
    file = claimFile({ facility: rows[0].facility, month: m, payer, visits });
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    const at = /^visits\[(\d+)\]/.exec(e.path);
    const v = at ? visits[Number(at[1])] : undefined;
    const who = v ? `（Patient/${v.visitCase.patient.id ?? ''} ${v.visitCase.visit.date} の受診）` : '';
    throw unprocessable(`請求ファイルを作れません: ${e.message}${who}`, `cannot write the claim file: ${e.en}`, ['month']);
  }
  await audit(rt, ctx, 'billing-claim', [...new Set(rows.map((r) => r.patientKey))], `claim ${m}`);
  return [
    {
      name: 'claim',
      valueAttachment: { contentType: 'text/plain; charset=Shift_JIS', data: Buffer.from(file.bytes).toString('base64'), title: `RECEIPTC.UKE ${m}` },
    },
    { name: 'receipts', valueInteger: file.receipts },
    { name: 'totalPoints', valueInteger: file.totalPoints },
    ...file.notes.map((n) => ({ name: 'note', valueString: n })),
  ];
}
