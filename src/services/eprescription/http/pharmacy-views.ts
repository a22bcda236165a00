/**
 * The pharmacy app's two views (specs.ts): $substitutes — the brands of a prescribed drug's generic it may hand over
 * instead (reference data, no personal data) — and $pharmacy-worklist — the pharmacy's own prescriptions of a day
 * (held and not yet registered, registered, cancelled), each listed prescription a read in its person's access log.
 */
import { badRequest, forbidden } from '../../../platform/fhir/errors.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import { preferredUri, isDrugSystem } from '../master/index.ts';
import { audited, callerOf } from '../model/access.ts';
import { prescriptionRef } from '../model/fhir-codes.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { substitutesOf } from '../pharmacy/substitutes.ts';
import { pharmacyWorklist, type WorklistEntry } from '../pharmacy/worklist.ts';
import { lineRows } from '../prescriptions/prescription-row.ts';
import { dispensedInUse, prescriptionParameter } from '../prescriptions/prescription-view.ts';
import { ERX_SPECS } from './specs.ts';

const opt = (name: string, value: unknown, key: string): OutParam[] => (value === undefined || value === null ? [] : [{ name, [key]: value }]);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function registerPharmacyViews(operations: OperationRegistry, rt: EprescriptionRuntime): void {
  operations.register(ERX_SPECS.substitutes, async ({ context, input }) => {
    const ctx = await context();
    const k = ctx.principal.kind;
    if (k !== 'pharmacy' && k !== 'facility') throw forbidden('医療機関・薬局の職員が使う情報です', 'for the staff of facilities and pharmacies');
    const code = input.requiredString('code', '薬剤コード').normalize('NFKC').trim();
    if (code.length > 20) throw badRequest('薬剤コードが長すぎます', 'the drug code is too long', [input.path('code')]);
    const s = substitutesOf(await rt.master(), code, input.string('system')?.trim() || undefined, rt.clock());
    return {
      parameters: [
        { name: 'generalCode', valueString: s.generalCode },
        ...opt('generalName', s.generalName, 'valueString'),
        ...s.drugs.map((d) => ({
          name: 'drug',
          part: [
            { name: 'system', valueCode: d.system },
            { name: 'code', valueString: d.code },
            { name: 'name', valueString: d.name },
            ...opt('unit', d.unit, 'valueString'),
            { name: 'prescribed', valueBoolean: d.prescribed },
            ...opt('validTo', d.validTo, 'valueDate'),
          ],
        })),
      ],
    };
  });

  operations.register(ERX_SPECS.worklist, async ({ context, input }) => {
    const ctx = await context();
    return audited(rt, ctx, 'pharmacy-worklist', 'R', async () => {
      const pharmacy = callerOf(ctx, ['pharmacy'], { ja: '薬局の処方箋一覧', en: 'the pharmacy’s list of prescriptions' });
      const day = input.string('date')?.trim() || japanDate(rt.clock());
      if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
        throw badRequest(`日付（date）は YYYY-MM-DD で指定してください: ${day}`, `date must be YYYY-MM-DD: ${day}`, [input.path('date')]);
      const entries = await pharmacyWorklist(rt.platform.db, pharmacy, day);
      const master = await rt.master();
      const today = japanDate(rt.clock());
      const out: OutParam[] = [];
      for (const e of entries) out.push(await entryParameter(rt, e, master, today));
      if (entries.length)
        await rt.platform.readAudit.write(
          entries.map((e) =>
            rt.platform.repo.auditRecord(ctx, 'R', 'pharmacy-worklist', '0', e.prescription.patient_key, [prescriptionRef(e.prescription.prescription_id)], {
              outcomeDesc: `${day}: ${e.status}`,
            }),
          ),
        );
      const count = (s: WorklistEntry['status']) => entries.filter((e) => e.status === s).length;
      const [unregistered, registered] = [count('unregistered'), count('registered')];
      return {
        parameters: [
          { name: 'date', valueDate: day },
          { name: 'unregistered', valueInteger: unregistered },
          { name: 'registered', valueInteger: registered },
          { name: 'cancelled', valueInteger: count('cancelled') },
          ...(registered + unregistered > 0
            ? [{ name: 'registeredShare', valueDecimal: Math.round((registered / (registered + unregistered)) * 1000) / 1000 }]
            : []),
          ...out,
        ],
      };
    });
  });
}

async function entryParameter(
  rt: EprescriptionRuntime,
  e: WorklistEntry,
  master: Awaited<ReturnType<EprescriptionRuntime['master']>>,
  today: string,
): Promise<OutParam> {
  const p = e.prescription;
  const d = e.dispensing;
  const view = prescriptionParameter(p, await lineRows(rt.platform.db, p.prescription_id), master, {
    today,
    dispensed: await dispensedInUse(rt.platform.db, p),
  });
  return {
    name: 'entry',
    part: [
      { name: 'status', valueCode: e.status },
      { name: 'patientName', valueString: e.patientName },
      { name: 'birthDate', valueDate: p.birth_date },
      ...opt('acceptedAt', p.state === 'accepted' && p.accepted_at ? new Date(p.accepted_at).toISOString() : undefined, 'valueDateTime'),
      ...(d
        ? [
            { name: 'dispensing', valueString: d.id },
            { name: 'dispensedOn', valueDate: d.dispensedOn },
            { name: 'version', valueInteger: d.version },
            { name: 'dispensingState', valueCode: d.state },
            { name: 'completesUse', valueBoolean: d.completesUse },
            { name: 'receipt', valueString: d.receipt },
            ...d.lines.map((l) => ({
              name: 'line',
              part: [
                { name: 'prescriptionLine', valueInteger: l.prescriptionLine },
                { name: 'code', valueCoding: { system: isDrugSystem(l.codeSystem) ? preferredUri(l.codeSystem) : l.codeSystem, code: l.code } },
                { name: 'name', valueString: l.name },
                { name: 'quantity', valueDecimal: l.quantity },
                { name: 'substituted', valueBoolean: l.substituted },
              ],
            })),
          ]
        : []),
      { ...view, name: 'prescription' },
    ],
  };
}
