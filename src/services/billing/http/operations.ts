/** The fee calculation's FHIR operation on the platform's registry (spec: specs.ts). */
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { calculateVisit } from '../calc/calculate.ts';
import { checkCase } from '../calc/case-check.ts';
import { caseInvalid } from '../model/errors.ts';
import type { CalculationResult, VisitInput } from '../model/types.ts';
import { calculateForPatient, type PatientVisitInput } from '../visits/calculate-for-patient.ts';
import type { BillingRuntime } from '../visits/runtime.ts';
import { cancelRecordedVisit, listVisits, monthClaim, visitReceipt } from '../visits/visit-operations.ts';
import { BILLING_SPECS } from './specs.ts';

/** The case parameter's JSON, parsed (a 400 naming `case` otherwise). */
export function parseCase(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw caseInvalid(`case: JSON として読めません（${(e as Error).message}）`, `case: not valid JSON (${(e as Error).message})`, 'case');
  }
}

const str = (name: string, v: string): OutParam => ({ name, valueString: v });
const code = (name: string, v: string): OutParam => ({ name, valueCode: v });
const int = (name: string, v: number): OutParam => ({ name, valueInteger: v });

/** The result as the operation's out parameters. */
export function resultParameters(r: CalculationResult): OutParam[] {
  return [
    code('encounter', r.encounter),
    int('totalPoints', r.totalPoints),
    int('totalYen', r.totalYen),
    int('patientYen', r.copay.patientYen),
    int('insuranceCopayYen', r.copay.insuranceCopayYen),
    ...(r.copay.capYen === null ? [] : [int('capYen', r.copay.capYen)]),
    int('age', r.copay.age),
    ...r.lines.map((l) => ({
      name: 'line',
      part: [
        code('code', l.code),
        str('name', l.name),
        code('section', l.section),
        int('points', l.points),
        int('count', l.count),
        int('total', l.total),
        code('origin', l.origin),
        ...(l.rule ? [code('rule', l.rule)] : []),
        ...(l.bundledCodes ?? []).map((c) => code('bundled', c)),
      ],
    })),
    ...r.removed.map((x) => ({ name: 'removed', part: [code('code', x.code), str('name', x.name), code('rule', x.rule), str('text', x.text)] })),
    ...r.copay.shares.map((s) => ({
      name: 'share',
      part: [
        code('payer', s.payer),
        ...(s.number ? [str('number', s.number)] : []),
        str('name', s.name),
        int('yen', s.yen),
        code('rule', s.rule),
        str('text', s.text),
      ],
    })),
    ...r.rules.map((x) => ({ name: 'rule', part: [code('id', x.id), str('text', x.text), str('source', x.source)] })),
    str('master', r.master),
  ];
}

const integer = (r: ParamReader, name: string): number | undefined => r.all(name)[0]?.value as number | undefined;

/** The visit and the desk's additions of a patient-based $calculate. */
function patientVisitInput(input: ParamReader, patientId: string): PatientVisitInput {
  const date = input.string('date');
  const time = input.string('time');
  const encounter = input.string('encounter');
  return {
    patientId,
    visit: {
      ...(date ? { date } : {}),
      ...(time ? { time } : {}),
      holiday: input.boolean('holiday') ?? false,
      ...(encounter ? { encounter: encounter as VisitInput['encounter'] } : {}),
      continuingTreatment: input.boolean('continuingTreatment') ?? true,
      items: input.parts('item').map((p) => ({ code: p.requiredString('code', '診療行為コード'), count: integer(p, 'count') ?? 1 })),
      diagnoses: input.parts('diagnosis').map((p) => {
        const code = p.string('code');
        const startDate = p.string('startDate');
        return { name: p.requiredString('name', '傷病名'), ...(code ? { code } : {}), ...(startDate ? { startDate } : {}), main: p.boolean('main') ?? false };
      }),
    },
    desk: {
      manyTimes: input.boolean('manyTimes') ?? false,
      caps: input.parts('publicExpense').map((p) => ({
        payerNumber: p.requiredString('payerNumber', '公費負担者番号'),
        ...(integer(p, 'monthlyCapYen') !== undefined ? { monthlyCapYen: integer(p, 'monthlyCapYen') } : {}),
        ...(integer(p, 'alreadyPaidYen') !== undefined ? { alreadyPaidYen: integer(p, 'alreadyPaidYen') } : {}),
      })),
      localSubsidies: input.parts('localSubsidy').map((p) => {
        const optional = {
          recipientNumber: p.string('recipientNumber'),
          name: p.string('name'),
          perVisitYen: integer(p, 'perVisitYen'),
          ratio: integer(p, 'ratio'),
          monthlyCapYen: integer(p, 'monthlyCapYen'),
          maxChargedVisits: integer(p, 'maxChargedVisits'),
        };
        return {
          payerNumber: p.requiredString('payerNumber', '公費負担者番号'),
          recipientNumber: '',
          ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
        };
      }),
    },
    record: input.boolean('record') ?? false,
    fromPrescriptions: input.boolean('fromPrescriptions') ?? true,
  };
}

export function registerBillingOperations(operations: OperationRegistry, rt: BillingRuntime): void {
  operations.register(BILLING_SPECS.calculate, async ({ context, input }) => {
    const ctx = await context();
    const caseText = input.string('case');
    const patient = input.string('patient');
    if ((caseText === undefined) === (patient === undefined))
      throw caseInvalid(
        'case（算定の入力）か patient（受付済みの患者）のどちらか一方を指定してください',
        'give either case or patient',
        caseText === undefined ? 'patient' : 'case',
      );
    if (caseText !== undefined) {
      if (input.boolean('record'))
        throw caseInvalid(
          'case による算定は会計（record）できません。受付済みの患者（patient）で会計してください',
          'a case cannot be recorded; record a received patient',
          'record',
        );
      return { parameters: resultParameters(calculateVisit(rt.master(), checkCase(parseCase(caseText)))) };
    }
    const { result, visitId } = await calculateForPatient(rt, ctx, patientVisitInput(input, patient as string));
    return { status: visitId ? 201 : 200, parameters: [...(visitId ? [str('visit', visitId)] : []), ...resultParameters(result)] };
  });
  operations.register(BILLING_SPECS.visits, async ({ context, input }) => ({
    parameters: await listVisits(rt, await context(), input.requiredString('month', '診療年月'), input.string('patient')),
  }));
  operations.register(BILLING_SPECS.receipt, async ({ context, input }) => ({
    parameters: await visitReceipt(rt, await context(), input.requiredString('visit', '受診'), input.string('format') ?? 'html'),
  }));
  operations.register(BILLING_SPECS.cancel, async ({ context, input }) => ({
    parameters: await cancelRecordedVisit(rt, await context(), input.requiredString('visit', '受診'), input.requiredString('reason', '取消の理由')),
  }));
  operations.register(BILLING_SPECS.claim, async ({ context, input }) => ({
    parameters: await monthClaim(rt, await context(), input.requiredString('month', '診療年月'), input.string('payer') ?? 'shaho'),
  }));
}
