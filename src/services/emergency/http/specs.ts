/** The emergency service's FHIR operations, described once (OperationSpec): definitions, routes and checks follow. */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import type { OperationParameter, OperationSpec } from '../../../platform/router/operations/operation-spec.ts';
import { EMERGENCY_REASON_CODES } from '../model/reasons.ts';

type Part = Omit<OperationParameter, 'use'>;
const part = (name: string, type: string, documentation: string, min = 1, max = '1'): Part => ({ name, min, max, type, documentation });
const opt = (name: string, type: string, documentation: string) => part(name, type, documentation, 0);
const many = (name: string, type: string, documentation: string) => part(name, type, documentation, 0, '*');
const input = (p: Part, label?: string): OperationParameter => ({ ...p, use: 'in', ...(label ? { label } : {}) });
const output = (p: Part): OperationParameter => ({ ...p, use: 'out' });
const group = (name: string, min: number, max: string, documentation: string, parts: Part[]): Part => ({ name, min, max, documentation, part: parts });

const REASON_IN = [
  input(part('reason', 'code', `why consent cannot be obtained: ${EMERGENCY_REASON_CODES.join(' | ')}`), '理由'),
  input(opt('reasonText', 'string', 'free text (required for other; at most 500 characters)'), '理由の説明'),
];
const PERSON_IN = [
  input(opt('certificate', 'string', '利用者証明用電子証明書 read from the card without the PIN (PEM or base64 DER)'), 'カードの電子証明書'),
  input(opt('name', 'string', '氏名 in kanji or kana (spaces ignored), with birthDate'), '氏名'),
  input(opt('birthDate', 'date', '生年月日'), '生年月日'),
  input(opt('sex', 'code', 'male | female | other | unknown'), '性別'),
  input(opt('postalCode', 'string', '郵便番号 (7 digits) to narrow the candidates'), '郵便番号'),
  input(opt('patient', 'string', 'the candidate chosen (Patient id), with the same details'), '候補'),
];

const ACCESS_PARTS: Part[] = [
  part('id', 'string', 'the access id'),
  part('mode', 'code', 'emergency | ambulance | disaster'),
  part('patient', 'Reference', 'the person'),
  part('reason', 'code', 'the coded reason'),
  part('reasonDisplay', 'string', 'its Japanese name'),
  opt('reasonText', 'string', 'the free text'),
  part('identifiedBy', 'code', 'card | demographics'),
  part('organisation', 'string', 'the facility, ambulance or team'),
  opt('staffName', 'string', 'the staff member who declared it'),
  part('start', 'instant', 'declared at'),
  part('end', 'instant', 'open until (or ended at)'),
  part('views', 'integer', 'views made'),
  part('reviewState', 'code', 'pending | confirmed | flagged'),
  opt('reviewNote', 'string', "the reviewer's note"),
  opt('reviewedBy', 'string', 'the reviewer'),
  opt('patientName', 'string', "the person's name (review list only)"),
];
const ACCESS_OUT = (min: number, max: string) => output(group('access', min, max, 'the access', ACCESS_PARTS));

const ESSENTIAL_OUT: OperationParameter[] = [
  output({ name: 'patientRecord', min: 0, max: '1', type: 'Patient', documentation: 'the person' }),
  output(
    group('alert', 0, '*', 'what to know first', [
      part('code', 'code', 'antithrombotic | high-risk | dialysis | transplant | bleeding-disorder | drug-allergy | infection'),
      part('text', 'string', 'Japanese text'),
    ]),
  ),
  output(
    group('drug', 0, '*', 'medication of the last months, newest first', [
      part('name', 'string', 'drug name'),
      opt('code', 'Coding', 'drug code'),
      part('date', 'date', 'prescribed / dispensed on'),
      part('source', 'code', 'prescription | dispensing | shared-prescription | receipt'),
      opt('facility', 'string', 'facility or pharmacy'),
      opt('days', 'integer', 'days supplied'),
      opt('quantity', 'string', 'quantity'),
      part('current', 'boolean', 'still being taken (date + days reaches today)'),
      opt('riskClass', 'code', 'antithrombotic | high-risk'),
      opt('riskLabel', 'string', 'the class name'),
    ]),
  ),
  output({ name: 'allergy', min: 0, max: '*', type: 'AllergyIntolerance', documentation: 'allergies and drug contraindications' }),
  output({ name: 'diagnosis', min: 0, max: '*', type: 'Condition', documentation: 'diagnoses' }),
  output({ name: 'infection', min: 0, max: '*', type: 'Observation', documentation: 'infections' }),
  output({ name: 'lab', min: 0, max: '*', type: 'Observation', documentation: 'the latest result of each lab test (emergency only)' }),
  output(
    group('procedure', 0, '*', 'surgery, dialysis, transplant (emergency only)', [
      part('tag', 'code', 'surgery | dialysis | transplant'),
      { name: 'record', min: 1, max: '1', type: 'Procedure', documentation: 'the record' },
    ]),
  ),
];

const CANDIDATE_OUT = output(
  group('candidate', 0, '*', 'people who match (two or three): choose one and call again with patient', [
    part('patient', 'Reference', 'the candidate'),
    part('name', 'string', '氏名'),
    part('kana', 'string', 'カナ氏名'),
    part('birthDate', 'date', '生年月日'),
    part('sex', 'code', '性別'),
    opt('postalCodeMatches', 'boolean', 'the postal code matched the record'),
  ]),
);

const DISASTER_OUT = (min: number, max: string) =>
  output(
    group('disaster', min, max, 'a declared disaster', [
      part('id', 'string', 'its id'),
      part('name', 'string', 'its name'),
      many('prefecture', 'Coding', '都道府県 (01–47)'),
      part('start', 'instant', 'from'),
      part('end', 'instant', 'until'),
      part('inForce', 'boolean', 'in force now'),
    ]),
  );

function spec(
  code: string,
  title: string,
  description: string,
  affectsState: boolean,
  parameters: OperationParameter[],
  extra: Partial<OperationSpec> = {},
): OperationSpec {
  return {
    id: code,
    code,
    url: `${TSUNAGU_CANONICAL}/OperationDefinition/${code}`,
    title,
    description,
    system: true,
    instance: false,
    affectsState,
    parameters,
    ...extra,
  };
}

export const EMERGENCY_SPECS = {
  access: spec(
    'emergency-access',
    '救急時医療情報閲覧の開始 / Declare an emergency view',
    "A facility's 医師 (signed in) declares an emergency with a coded reason and identifies the person by the card read without the PIN, or by name, birth date and sex (+ postal code). One match opens a time-limited access (201, `access`) to the essential set through $emergency-view; two or three return `candidate`s to choose from; more or none are refused (422). The person is notified; everything is audited with purpose ETREAT.",
    true,
    [
      ...REASON_IN,
      ...PERSON_IN,
      input(opt('hours', 'integer', 'hours the access stays open (1 to TSUNAGU_EMERGENCY_HOURS, default the maximum)'), '閲覧時間'),
      ACCESS_OUT(0, '1'),
      CANDIDATE_OUT,
    ],
  ),
  view: spec(
    'emergency-view',
    '救急時医療情報の閲覧 / Emergency view',
    "The essential set of the person of the facility's open emergency access: current drugs and ~6 months of medication with antithrombotics and high-risk classes highlighted, surgery / transplant / dialysis, allergies, infections, diagnoses, the latest labs. Any 医師 of the declaring facility, until the access ends (then 403); another organisation's access answers 404. Audited per view (ETREAT).",
    false,
    [input(part('access', 'string', 'the access id'), '救急時閲覧のID'), ACCESS_OUT(1, '1'), ...ESSENTIAL_OUT],
  ),
  end: spec(
    'end-emergency-access',
    '救急時閲覧の終了 / End an emergency view early',
    "The declaring facility's 医師 closes the access before its time.",
    true,
    [input(part('access', 'string', 'the access id'), '救急時閲覧のID'), ACCESS_OUT(1, '1')],
  ),
  reviews: spec(
    'emergency-reviews',
    '救急時閲覧の確認一覧 / Review list',
    "The facility's emergency, ambulance and disaster accesses, newest first, for its 個人情報保護管理者 (or its system client) to confirm or flag.",
    false,
    [input(opt('state', 'code', 'pending | confirmed | flagged'), '確認状態'), input(opt('from', 'date', 'from this date'), '開始日'), ACCESS_OUT(0, '*')],
  ),
  review: spec(
    'review-emergency-access',
    '救急時閲覧の確認 / Review an access',
    "Confirm (妥当) or flag (要確認, with a note) one of the facility's accesses; not by the doctor who made it.",
    true,
    [
      input(part('access', 'string', 'the access id'), '救急時閲覧のID'),
      input(part('decision', 'code', 'confirmed | flagged'), '確認結果'),
      input(opt('note', 'string', 'why (required for flagged)'), 'メモ'),
      ACCESS_OUT(1, '1'),
    ],
  ),
  report: spec(
    'emergency-report',
    '救急時閲覧の利用状況 / Operator report',
    'Operators: accesses per organisation and mode in a period, with the people concerned, flagged and pending counts.',
    false,
    [
      input(opt('from', 'date', 'from'), '開始日'),
      input(opt('to', 'date', 'until (exclusive)'), '終了日'),
      output(
        group('organisation', 0, '*', 'one per organisation and mode', [
          part('grantee', 'string', 'kind:code'),
          part('name', 'string', 'name'),
          part('mode', 'code', 'emergency | ambulance | disaster'),
          part('accesses', 'integer', 'accesses'),
          part('people', 'integer', 'distinct people'),
          part('flagged', 'integer', 'flagged'),
          part('pending', 'integer', 'not yet reviewed'),
        ]),
      ),
    ],
  ),
  mine: spec(
    'my-emergency-accesses',
    '救急時・災害時の閲覧履歴 / My emergency accesses',
    'The signed-in patient: every access to their data without consent (emergency, ambulance, disaster), newest first.',
    false,
    [ACCESS_OUT(0, '*')],
  ),
  ambulance: spec(
    'ambulance-lookup',
    '救急隊による照会 / Ambulance lookup',
    'Ambulance clients only: from the card (certificate read without the PIN; or name, birth date and sex matching exactly one person), the eligibility in force and ~6 months of medication. Nothing else. Recorded, notified, audited (ETREAT).',
    true,
    [
      ...REASON_IN,
      ...PERSON_IN.filter((p) => p.name !== 'patient' && p.name !== 'postalCode'),
      ACCESS_OUT(1, '1'),
      output(part('eligible', 'boolean', 'an eligibility record is in force today')),
      output(
        group('eligibility', 0, '*', 'records in force', [
          part('insurerNumber', 'string', '保険者番号'),
          part('relationship', 'code', 'insured | dependant'),
          part('copayRatio', 'integer', '負担割合 (%)'),
          part('validFrom', 'date', '資格取得日'),
          opt('limitCategory', 'string', '限度額適用区分'),
          many('specificDisease', 'string', '特定疾病'),
        ]),
      ),
      ...ESSENTIAL_OUT.filter((p) => ['patientRecord', 'alert', 'drug'].includes(p.name)),
    ],
  ),
  declareDisaster: spec(
    'declare-disaster',
    '災害の宣言 / Declare a disaster',
    'Operators: a disaster for prefectures (01–47 or names) and a period (at most 180 days); it ends by itself.',
    true,
    [
      input(part('name', 'string', "the disaster's name"), '災害名'),
      input(part('prefecture', 'string', 'a prefecture (repeat)', 1, '*'), '都道府県'),
      input(part('start', 'dateTime', 'from'), '開始'),
      input(part('end', 'dateTime', 'until'), '終了'),
      DISASTER_OUT(1, '1'),
    ],
  ),
  endDisaster: spec('end-disaster', '災害の終了 / End a disaster early', 'Operators: ends a declared disaster now.', true, [
    input(part('disaster', 'string', 'its id'), '災害のID'),
    DISASTER_OUT(1, '1'),
  ]),
  disasters: spec('disasters', '宣言中の災害 / Declared disasters', 'Anyone signed in: disasters in force or to come (all=true: also ended ones).', false, [
    input(opt('all', 'boolean', 'include ended ones'), 'すべて'),
    DISASTER_OUT(0, '*'),
  ]),
  disasterView: spec(
    'disaster-view',
    '災害時の閲覧 / Disaster view',
    "While a disaster is declared for the caller's prefecture: a facility or pharmacy there, or a medical team deployed there, identifies a person by name and birth date (sex optional; candidates to choose from) and sees diagnoses, allergies and drug contraindications, infections and ~6 months of medication, without consent. Recorded, notified, audited (DISASTER).",
    true,
    [
      ...PERSON_IN.filter((p) => p.name !== 'certificate'),
      DISASTER_OUT(1, '1'),
      CANDIDATE_OUT,
      ACCESS_OUT(0, '1'),
      ...ESSENTIAL_OUT.filter((p) => !['lab', 'procedure'].includes(p.name)),
    ],
  ),
  healthCard: spec(
    'emergency-health-card',
    '救急用サマリーの発行 / Issue the emergency summary (SMART Health Card)',
    "The patient (their own) or a facility with the patient's consent to both reader groups: allergies, current drugs, main diagnoses and infections as a SMART Health Card (compact JWS, DEFLATE, shc:/ numeric QR) signed by the platform's key (JWKS at [issuer]/.well-known/jwks.json), verifiable offline.",
    true,
    [
      input(opt('patient', 'string', 'the person (a facility names them; a patient may omit it)'), '患者'),
      output(part('jws', 'string', 'the compact JWS')),
      output(part('qr', 'string', 'the QR content (shc:/…)')),
      output(part('qrSvg', 'string', 'the QR image (SVG)')),
      output(part('qrVersion', 'integer', 'QR version')),
      output(part('issuer', 'uri', 'iss')),
      output(part('issuedAt', 'instant', 'issue date (nbf)')),
      output(part('summary', 'Bundle', 'the signed Bundle')),
    ],
  ),
} satisfies Record<string, OperationSpec>;
