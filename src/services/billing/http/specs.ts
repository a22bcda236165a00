/** The fee calculation's FHIR operation, described once (OperationSpec): definition, routes and checks follow. */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import type { OperationParameter, OperationSpec } from '../../../platform/router/operations/operation-spec.ts';

type Part = Omit<OperationParameter, 'use'>;
const part = (name: string, type: string, documentation: string, min = 1): Part => ({ name, min, max: '1', type, documentation });
const opt = (name: string, type: string, documentation: string) => part(name, type, documentation, 0);
const inp = (p: Part, label: string): OperationParameter => ({ ...p, use: 'in', label });
const out = (name: string, type: string, documentation: string, min = 1, max = '1'): OperationParameter => ({
  name,
  use: 'out',
  min,
  max,
  type,
  documentation,
});
const group = (name: string, documentation: string, parts: Part[], min = 0): OperationParameter => ({
  name,
  use: 'out',
  min,
  max: '*',
  documentation,
  part: parts,
});

const calculate: OperationSpec = {
  id: 'billing-calculate',
  code: 'calculate',
  url: `${TSUNAGU_CANONICAL}/OperationDefinition/billing-calculate`,
  title: '診療報酬の算定と窓口負担 / Fee points and window payment of a visit',
  description:
    'Calculates one outpatient visit at a bedless clinic (医科外来): fee points from the fee master in force on the visit date ' +
    '(初診・再診, time and age additions, 判断料, counting limits, 包括, 背反, まるめ), points × 10 yen, and the window payment ' +
    'split into insurer, public programmes, local subsidies and patient with the high-cost cap reduced by the month’s earlier ' +
    'visits. The case (facility, patient with insurance and 公費, the visit and the month’s earlier visits) is a JSON document: see docs/billing.md.',
  system: true,
  instance: false,
  affectsState: true,
  parameters: [
    {
      name: 'case',
      use: 'in',
      min: 0,
      max: '1',
      type: 'string',
      documentation: 'the visit case as JSON (docs/billing.md); or patient and the visit below',
      label: '算定の入力（case）',
    },
    inp(opt('patient', 'string', 'Patient/id of a patient this clinic received (資格確認) on the visit date: eligibility from that reception'), '患者'),
    inp(opt('date', 'date', 'visit date (default today, Japan time)'), '診療日'),
    inp(opt('time', 'string', 'reception time HH:MM (for 時間外・休日・深夜)'), '受付時刻'),
    inp(opt('holiday', 'boolean', 'the date is a holiday (Sundays and 12/29–1/3 are recognised)'), '休日'),
    inp(opt('encounter', 'code', 'auto | first | revisit | none'), '初診・再診'),
    inp(opt('continuingTreatment', 'boolean', 'treatment continues from the last visit (default true)'), '治療継続'),
    inp(opt('manyTimes', 'boolean', '多数回該当'), '多数回該当'),
    {
      name: 'item',
      use: 'in',
      min: 0,
      max: '*',
      documentation: 'an item entered',
      label: '診療行為',
      part: [part('code', 'string', '診療行為コード (9 digits)'), opt('count', 'integer', 'times (default 1)')],
    },
    {
      name: 'diagnosis',
      use: 'in',
      min: 0,
      max: '*',
      documentation: '傷病名 of the visit (the claim needs at least one per patient)',
      label: '傷病名',
      part: [
        opt('code', 'string', '傷病名コード (7 digits); absent: 未コード化傷病名'),
        part('name', 'string', '傷病名'),
        opt('startDate', 'date', '診療開始日'),
        opt('main', 'boolean', '主傷病'),
      ],
    },
    {
      name: 'publicExpense',
      use: 'in',
      min: 0,
      max: '*',
      documentation: 'the monthly cap on a 公費 recipient certificate the reception answered, and what was already paid elsewhere (上限額管理票)',
      label: '公費の上限額',
      part: [
        part('payerNumber', 'string', '公費負担者番号'),
        opt('monthlyCapYen', 'integer', '自己負担上限月額'),
        opt('alreadyPaidYen', 'integer', '他の医療機関等で支払済みの額'),
      ],
    },
    {
      name: 'localSubsidy',
      use: 'in',
      min: 0,
      max: '*',
      documentation: 'a local subsidy (地単公費) on the patient’s recipient card',
      label: '地方公費',
      part: [
        part('payerNumber', 'string', '公費負担者番号'),
        opt('recipientNumber', 'string', '受給者番号'),
        opt('name', 'string', 'name'),
        opt('perVisitYen', 'integer', 'the patient pays this per visit'),
        opt('ratio', 'integer', 'or this share in tenths'),
        opt('monthlyCapYen', 'integer', 'monthly cap'),
        opt('maxChargedVisits', 'integer', 'visits charged a month'),
      ],
    },
    inp(
      opt('fromPrescriptions', 'boolean', 'add 処方箋料 and 一般名処方加算 for the e-prescriptions this clinic issued to the patient that day (default true)'),
      '処方箋から算定',
    ),
    inp(opt('record', 'boolean', 'store the visit as charged (会計): the month’s claim is made from recorded visits; default false (an estimate)'), '会計する'),
    out('visit', 'string', 'the recorded visit’s id (record = true)', 0),
    out('encounter', 'code', 'first | revisit | same-day-revisit | none'),
    out('totalPoints', 'integer', '合計点数'),
    out('totalYen', 'integer', '総医療費 (points × 10)'),
    out('patientYen', 'integer', '窓口負担額: what the patient pays for this visit'),
    out('insuranceCopayYen', 'integer', '一部負担金 under the insurance alone (before programmes)'),
    out('capYen', 'integer', 'the monthly high-cost cap in force, if any', 0),
    out('age', 'integer', 'age on the visit date'),
    group('line', 'a billed line (レセ電 SI)', [
      part('code', 'code', '診療行為コード'),
      part('name', 'string', '名称'),
      part('section', 'code', '診療識別'),
      part('points', 'integer', 'points per time'),
      part('count', 'integer', 'times'),
      part('total', 'integer', 'points × count'),
      part('origin', 'code', 'entered | added'),
      opt('rule', 'code', 'the rule that added or priced it'),
      { name: 'bundled', min: 0, max: '*', type: 'code', documentation: 'codes billed together (まるめ)' },
    ]),
    group('removed', 'an entered item not billed, with why', [
      part('code', 'code', '診療行為コード'),
      part('name', 'string', '名称'),
      part('rule', 'code', 'rule id'),
      part('text', 'string', 'why, in Japanese'),
    ]),
    group(
      'share',
      'who pays what',
      [
        part('payer', 'code', 'insurer | public | local | patient'),
        opt('number', 'string', '保険者番号 / 公費負担者番号'),
        part('name', 'string', 'Japanese name'),
        part('yen', 'integer', 'amount'),
        part('rule', 'code', 'rule id'),
        part('text', 'string', 'the rule, in Japanese'),
      ],
      1,
    ),
    group(
      'rule',
      'every rule applied, with its source',
      [part('id', 'code', 'rule id'), part('text', 'string', 'what it did'), part('source', 'string', 'notice or programme rule')],
      1,
    ),
    out('master', 'string', 'the fee master used (sample or an imported file)'),
  ],
};

const billingOp = (code: string, title: string, description: string, parameters: OperationParameter[], affectsState: boolean): OperationSpec => ({
  id: code,
  code,
  url: `${TSUNAGU_CANONICAL}/OperationDefinition/${code}`,
  title,
  description,
  system: true,
  instance: false,
  affectsState,
  parameters,
  staffAction: 'reception',
});

const visitParts: Part[] = [
  part('id', 'string', 'visit id'),
  part('patient', 'Reference', 'the patient'),
  part('date', 'date', '診療日'),
  part('encounter', 'code', 'first | revisit | same-day-revisit | none'),
  part('totalPoints', 'integer', '合計点数'),
  part('patientYen', 'integer', '窓口負担額'),
  part('cancelled', 'boolean', '取消済み'),
  opt('cancelReason', 'string', '取消の理由'),
];

const visits = billingOp(
  'billing-visits',
  '会計済みの受診 / Recorded visits of a month',
  'The visits this clinic recorded in a month (all patients, or one), with cancelled ones marked.',
  [inp(part('month', 'string', 'YYYY-MM'), '診療年月'), inp(opt('patient', 'string', 'Patient/id'), '患者'), group('visit', 'a recorded visit', visitParts)],
  false,
);

const receipt = billingOp(
  'billing-receipt',
  '領収証・明細書 / Receipt and itemised statement',
  'The receipt and itemised statement of a recorded visit, as HTML or PDF.',
  [
    inp(part('visit', 'string', 'visit id'), '受診'),
    inp(opt('format', 'code', 'html | pdf (default html)'), '形式'),
    out('receipt', 'Attachment', 'the document'),
  ],
  false,
);

const cancel = billingOp(
  'billing-cancel',
  '会計の取消 / Cancel a recorded visit',
  'Cancels a recorded visit (the patient’s latest of its month): kept with who, when and why, and left out of the claim.',
  [
    inp(part('visit', 'string', 'visit id'), '受診'),
    inp(part('reason', 'string', 'why (at most 200 characters)'), '取消の理由'),
    out('cancelled', 'boolean', 'true'),
  ],
  true,
);

const claim = billingOp(
  'billing-claim',
  '月の請求ファイル / The month’s claim file',
  'The month’s claim in the レセプト電算処理システム record format (Shift_JIS), from the visits this clinic recorded: see docs/billing.md for the records written.',
  [
    inp(part('month', 'string', 'YYYY-MM'), '診療年月'),
    inp(opt('payer', 'code', 'shaho (社会保険診療報酬支払基金, default) | kokuho (国民健康保険団体連合会)'), '審査支払機関'),
    out('claim', 'Attachment', 'RECEIPTC.UKE'),
    out('receipts', 'integer', 'receipts (レセプト) in the file'),
    out('totalPoints', 'integer', 'total points'),
    out('note', 'string', 'what was written differently from the records (a name in its everyday form), to check', 0, '*'),
  ],
  false,
);

export const BILLING_SPECS = { calculate, visits, receipt, cancel, claim } as const;
