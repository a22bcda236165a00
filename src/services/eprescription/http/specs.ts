/** The e-prescription service's FHIR operations, described once (OperationSpec): definitions, routes and checks follow. */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import type { OperationParameter, OperationSpec } from '../../../platform/router/operations/operation-spec.ts';

type Part = Omit<OperationParameter, 'use'>;
const url = (id: string) => `${TSUNAGU_CANONICAL}/OperationDefinition/${id}`;
const p = (name: string, type: string | undefined, documentation: string, min = 0, max = '1', part?: Part[]): Part => ({
  name,
  min,
  max,
  type,
  documentation,
  part,
});

const ALERT_PARTS: Part[] = [
  p('kind', 'code', 'duplicate-ingredient | duplicate-class | contraindicated', 1),
  p('line', 'integer', 'the line (1-based) of what was checked', 1),
  p('text', 'string', 'the alert for people (Japanese)', 1),
  p('redacted', 'boolean', 'true: without the patient’s consent only the kind is shown', 1),
  p('conflictingCode', 'string', 'the other drug’s code'),
  p('conflictingName', 'string', 'the other drug’s master name'),
  p('conflictingDate', 'date', 'its 交付日 / 調剤日'),
  p('facilityKind', 'code', 'medical | dental | pharmacy'),
  p('facility', 'string', 'the 医療機関コード / 薬局コード of the other drug'),
  p('facilityName', 'string', 'its name in the facility directory'),
  p('source', 'code', 'prescription | dispensing | receipt | same-prescription'),
  p('statement', 'string', 'the rule’s fact (package-insert statement)'),
  p('reference', 'string', 'where the fact is published'),
];
const UNCHECKED_OUT: OperationParameter = {
  name: 'unchecked',
  use: 'out',
  min: 0,
  max: '*',
  type: 'integer',
  documentation: 'lines (1-based) the check could not cover: the drug master has no ingredient / class key for their drug',
};
const alertOut = (documentation: string): OperationParameter => ({ name: 'alert', use: 'out', min: 0, max: '*', documentation, part: ALERT_PARTS });

const MEDICATION_PARTS: Part[] = [
  p('line', 'integer', 'line number', 1),
  p('code', 'Coding', 'the signed drug code', 1),
  p('name', 'string', 'the drug master’s name for the code on the 交付日 (never the sender’s text)', 1),
  p('quantity', 'decimal', 'prescribed quantity', 1),
  p('unit', 'string', 'unit', 1),
  p('remaining', 'decimal', 'left to dispense in the current use', 1),
  p('substitution', 'code', '後発品変更不可: 0 変更可, 1 後発品変更不可, 2 剤形変更不可, 3 含量規格変更不可', 1),
  p('days', 'integer', '投与日数'),
  p('freeText', 'string', 'the prescriber’s free text beside the drug, when it differs from the master name'),
  p('freeTextDiffers', 'boolean', 'true when freeText is present (shown after the master name, flagged)'),
];
const PRESCRIPTION_PARTS: Part[] = [
  p('id', 'string', '処方箋ID', 1),
  p('exchangeNumber', 'string', '引換番号 (6 digits)', 1),
  p('state', 'code', 'registered | accepted | completed | cancelled | expired', 1),
  p('kind', 'code', 'outpatient | in-house', 1),
  p('issuer', 'string', '発行医療機関の医療機関コード', 1),
  p('prescriber', 'string', '処方医 (as certified)', 1),
  p('issuedOn', 'date', '交付日', 1),
  p('validUntil', 'date', '使用期限', 1),
  p('usesAllowed', 'integer', '使用回数 (refill: up to 3)', 1),
  p('usesDone', 'integer', 'uses dispensed', 1),
  p('nextUseFrom', 'date', 'refill: the next use is accepted from'),
  p('nextUseUntil', 'date', 'refill: … until'),
  p('split', 'boolean', '分割指示', 1),
  p('acceptedBy', 'string', 'the pharmacy holding it (its own retrieval only)'),
  p('medication', undefined, 'one per line', 1, '*', MEDICATION_PARTS),
  p('alert', undefined, 'the check for this pharmacy (consent-dependent detail)', 0, '*', ALERT_PARTS),
  p('document', 'Bundle', 'the signed JP_Bundle_ePrescriptionData as registered'),
];
const prescriptionOut = (min = 1, max = '1'): OperationParameter => ({
  name: 'prescription',
  use: 'out',
  min,
  max,
  documentation: 'the prescription',
  part: PRESCRIPTION_PARTS,
});

const inString = (name: string, label: string, documentation: string, min = 0): OperationParameter => ({
  name,
  use: 'in',
  min,
  max: '1',
  type: 'string',
  label,
  documentation,
});
const PRESCRIPTION_IN = inString('prescription', '処方箋ID', 'the 処方箋ID', 1);
const EXCHANGE_IN: OperationParameter[] = [
  inString('exchangeNumber', '引換番号', '引換番号 (6 digits)'),
  inString('insuredNumber', '被保険者番号', 'the patient’s 被保険者個人識別子 保険者番号:記号:番号:枝番'),
  { name: 'birthDate', use: 'in', min: 0, max: '1', type: 'date', label: '生年月日', documentation: 'the patient’s birth date' },
];
const DISPENSE_IN: OperationParameter = {
  name: 'dispense',
  use: 'in',
  min: 1,
  max: '*',
  type: 'MedicationDispense',
  label: '調剤結果',
  documentation:
    'one MedicationDispense per drug handed over (status completed, medicationCodeableConcept, quantity; whenHandedOver; substitution.wasSubstituted for another brand)',
};
const DISPENSING_OUT: OperationParameter[] = [
  { name: 'dispensing', use: 'out', min: 1, max: '1', type: 'string', documentation: 'the dispensing result id' },
  { name: 'use', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'which use of the prescription (refill: 1–3)' },
  { name: 'completesUse', use: 'out', min: 1, max: '1', type: 'boolean', documentation: 'the use is complete (else more parts may follow: 分割調剤)' },
  { name: 'version', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'the result’s version (corrections add one)' },
  { name: 'state', use: 'out', min: 1, max: '1', type: 'code', documentation: 'registered | corrected | cancelled' },
  { name: 'prescriptionState', use: 'out', min: 1, max: '1', type: 'code', documentation: 'the prescription’s state after it' },
  { name: 'receipt', use: 'out', min: 1, max: '1', type: 'string', documentation: 'compact JWS signed by the service (keys at /eprescription/jwks)' },
];

const spec = (s: Omit<OperationSpec, 'url' | 'code' | 'system' | 'instance'> & { affectsState: boolean }): OperationSpec => ({
  ...s,
  code: s.id,
  url: url(s.id),
  system: true,
  instance: false,
});

export const ERX_SPECS = {
  check: spec({
    id: 'check-prescription',
    // the check is the prescriber's step before issuing: a 看護師 or 事務 does not run it (403)
    staffAction: 'prescribe',
    title: '重複投薬・併用禁忌チェック / Duplicate and contraindication check before issuing',
    description:
      'A facility checks what it is about to prescribe against the person’s prescriptions and dispensings of the last 100 days at other facilities: either the prescription itself (resource: a JP_Bundle_ePrescriptionData, signed or not; the person from its Coverage and Patient), or — while the doctor is still choosing — the drugs (medication) with the person’s insured number and birth date. Each alert names its kind; the conflicting drug, date and facility kind only with the patient’s consent (medication group) at the facility. The check is audited.',
    affectsState: true,
    parameters: [
      { name: 'resource', use: 'in', min: 0, max: '1', type: 'Bundle', label: '処方 Bundle', documentation: 'the prescription to check (or the three below)' },
      inString('insuredNumber', '被保険者番号', 'the person’s 被保険者個人識別子 保険者番号:記号:番号:枝番 (without resource)'),
      { name: 'birthDate', use: 'in', min: 0, max: '1', type: 'date', label: '生年月日', documentation: 'the person’s birth date (without resource)' },
      inString('patient', '患者', 'instead of insuredNumber and birthDate: the Patient id of a person received at the facility today'),
      {
        name: 'medication',
        use: 'in',
        min: 0,
        max: '*',
        type: 'CodeableConcept',
        label: '薬剤',
        documentation: 'the drugs to check, coded (without resource)',
      },
      { name: 'consent', use: 'out', min: 1, max: '1', type: 'boolean', documentation: 'the patient consents: details are shown' },
      alertOut('one per alert'),
      UNCHECKED_OUT,
    ],
  }),
  register: spec({
    id: 'register-prescription',
    staffAction: 'prescribe',
    title: '電子処方箋の登録 / Register a signed prescription',
    description:
      'A facility registers a JP_Bundle_ePrescriptionData signed by its 医師 or 歯科医師 (Bundle.signature, HPKI). Validated against the profile; every drug code checked against the drug master of the 交付日 and every display against the master name; the person resolved from the insurance Coverage and birth date; the signature, qualification, chain and revocation verified; the duplicate / contraindication check run — an alert refuses unless overrideReason is given. Returns the 処方箋ID and the 引換番号 for the patient. Refusals are 422 with every issue, nothing stored.',
    affectsState: true,
    parameters: [
      { name: 'resource', use: 'in', min: 1, max: '1', type: 'Bundle', label: '処方 Bundle', documentation: 'the signed prescription' },
      inString('overrideReason', '登録理由', 'why the prescription is registered despite the alerts'),
      { name: 'prescription', use: 'out', min: 1, max: '1', type: 'string', documentation: '処方箋ID' },
      { name: 'exchangeNumber', use: 'out', min: 1, max: '1', type: 'string', documentation: '引換番号 for the patient' },
      { name: 'patient', use: 'out', min: 1, max: '1', type: 'Reference', documentation: 'the person' },
      { name: 'validUntil', use: 'out', min: 1, max: '1', type: 'date', documentation: '使用期限' },
      { name: 'usesAllowed', use: 'out', min: 1, max: '1', type: 'integer', documentation: '使用回数' },
      alertOut('alerts the prescription was registered despite'),
      UNCHECKED_OUT,
    ],
  }),
  registerInHouse: spec({
    id: 'register-in-house-prescription',
    staffAction: 'prescribe',
    title: '院内処方の登録 / Register an in-house prescription with its dispensing',
    description:
      'A facility that dispenses itself (院内処方) registers the prescription (JP_Bundle_ePrescriptionData; a signature is verified when present, not required) together with its dispensing: the MedicationDispense list, or — none given — dispensed as prescribed. Codes, names, person and checks as for $register-prescription.',
    affectsState: true,
    parameters: [
      { name: 'resource', use: 'in', min: 1, max: '1', type: 'Bundle', label: '処方 Bundle', documentation: 'the prescription' },
      { ...DISPENSE_IN, min: 0 },
      inString('overrideReason', '登録理由', 'why the prescription is registered despite the alerts'),
      { name: 'prescription', use: 'out', min: 1, max: '1', type: 'string', documentation: '処方箋ID' },
      { name: 'dispensing', use: 'out', min: 1, max: '1', type: 'string', documentation: 'the dispensing result id' },
      { name: 'receipt', use: 'out', min: 1, max: '1', type: 'string', documentation: 'the service’s signed receipt' },
      alertOut('alerts the prescription was registered despite'),
      UNCHECKED_OUT,
    ],
  }),
  cancel: spec({
    id: 'cancel-prescription',
    staffAction: 'prescribe',
    title: '処方箋の取消 / Cancel a prescription',
    description: 'The issuing facility cancels its prescription before any dispensing (409 once a pharmacy holds it or a use was dispensed).',
    affectsState: true,
    parameters: [
      PRESCRIPTION_IN,
      inString('reason', '取消理由', 'why'),
      { name: 'state', use: 'out', min: 1, max: '1', type: 'code', documentation: 'cancelled' },
    ],
  }),
  retrieve: spec({
    id: 'retrieve-prescription',
    staffAction: 'reception',
    title: '処方箋の取得（薬局） / Retrieve a prescription (pharmacy)',
    description:
      'A pharmacy retrieves a prescription by 引換番号 + insured number + birth date (all must match; guessing is throttled), or every open prescription of a patient resolved at the card reader (patient) with the patient’s consent at the pharmacy. Names are the master’s for the signed codes on the 交付日; the check runs for the pharmacy (consent-dependent detail). Audited.',
    affectsState: true,
    parameters: [...EXCHANGE_IN, inString('patient', '患者', 'the Patient id from the card reader (instead of the exchange number)'), prescriptionOut(0, '*')],
  }),
  accept: spec({
    id: 'accept-prescription',
    staffAction: 'reception',
    title: '処方箋の受付（薬局） / Accept a prescription',
    description:
      'A pharmacy accepts (受付) a prescription for dispensing: it is then locked against every other pharmacy. Basis: the 引換番号 with insured number and birth date, or the patient’s consent at the pharmacy. A refill use only in its window; never more uses than allowed.',
    affectsState: true,
    parameters: [PRESCRIPTION_IN, ...EXCHANGE_IN, prescriptionOut()],
  }),
  release: spec({
    id: 'release-prescription',
    staffAction: 'reception',
    title: '受付の取消（薬局） / Release an accepted prescription',
    description: 'The accepting pharmacy gives the prescription back (no part of the current use dispensed).',
    affectsState: true,
    parameters: [PRESCRIPTION_IN, { name: 'state', use: 'out', min: 1, max: '1', type: 'code', documentation: 'registered' }],
  }),
  dispense: spec({
    id: 'dispense-prescription',
    staffAction: 'dispense',
    title: '調剤結果の登録 / Register the dispensing result',
    description:
      'The accepting pharmacy registers what it handed over (MedicationDispense): the same drug, or another brand of the same generic where the line allows it (substitution recorded); never more than prescribed (split dispensing adds the parts). The use completes when every line is filled or complete=true. Returns the service’s signed receipt and the check of what was dispensed.',
    affectsState: true,
    parameters: [
      PRESCRIPTION_IN,
      DISPENSE_IN,
      { name: 'complete', use: 'in', min: 0, max: '1', type: 'boolean', label: '調剤完了', documentation: 'end the use even if not every line is filled' },
      ...DISPENSING_OUT,
      alertOut('the check of what was dispensed'),
    ],
  }),
  correct: spec({
    id: 'correct-dispensing',
    staffAction: 'dispense',
    title: '調剤結果の訂正 / Correct a dispensing result',
    description: 'The pharmacy replaces its latest dispensing result of a prescription (a new version and receipt).',
    affectsState: true,
    parameters: [inString('dispensing', '調剤結果ID', 'the dispensing result id', 1), DISPENSE_IN, ...DISPENSING_OUT],
  }),
  cancelDispensing: spec({
    id: 'cancel-dispensing',
    staffAction: 'dispense',
    title: '調剤結果の取消 / Cancel a dispensing result',
    description: 'The pharmacy withdraws its latest dispensing result; a use it completed opens again, held by the pharmacy.',
    affectsState: true,
    parameters: [inString('dispensing', '調剤結果ID', 'the dispensing result id', 1), ...DISPENSING_OUT],
  }),
  copy: spec({
    id: 'prescription-copy',
    staffAction: 'reception',
    title: '処方内容（控え） / The printable copy for the patient',
    description:
      'The issuing facility or the patient gets the 処方内容（控え）: the 引換番号 as text and as a QR code, the drugs with their master names (HTML, for printing).',
    affectsState: false,
    parameters: [PRESCRIPTION_IN, { name: 'return', use: 'out', min: 1, max: '1', type: 'Binary', documentation: 'text/html' }],
  }),
  status: spec({
    id: 'prescription-status',
    staffAction: 'reception',
    title: '処方箋の状態 / Prescription status',
    description: 'The issuing facility sees the state of one of its prescriptions (dispensed? where held?); the patient sees all of theirs (with 引換番号).',
    affectsState: false,
    parameters: [
      inString('prescription', '処方箋ID', 'one prescription (facilities: this or patient)'),
      inString('patient', '患者', 'facilities: the Patient id — their own prescriptions of the person (with issuedOn: of that day)'),
      { name: 'issuedOn', use: 'in', min: 0, max: '1', type: 'date', label: '交付日', documentation: 'with patient: only prescriptions issued on this day' },
      prescriptionOut(0, '*'),
    ],
  }),
  searchDrugs: spec({
    id: 'search-drugs',
    staffAction: 'view-shared',
    title: '医薬品マスターの検索 / Search the drug master',
    description:
      'Facilities and pharmacies find products valid today by name (販売名 or 一般名, up to notation and カタカナ/ひらがな): the code, the master’s name — the name a prescription must carry — the unit and, when a general-name prescription is possible, the 一般名コード and its name. No personal data.',
    affectsState: false,
    parameters: [
      inString('q', '薬剤名', 'part of the name (at least 1 character)', 1),
      {
        name: 'drug',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one per product',
        part: [
          p('system', 'code', 'receipt | yj | hot9', 1),
          p('code', 'string', 'the product code', 1),
          p('name', 'string', 'the drug master’s name', 1),
          p('unit', 'string', '単位'),
          p('generalCode', 'string', '一般名コード (general-name prescription possible)'),
          p('generalName', 'string', 'the master’s name of the 一般名コード (【般】…)'),
          p('validTo', 'date', 'last day it may be prescribed (経過措置)'),
        ],
      },
    ],
  }),
  usageCodes: spec({
    id: 'usage-codes',
    staffAction: 'view-shared',
    title: '用法コード / The usage codes the service knows',
    description:
      'The JAMI 処方・注射オーダ標準用法規格 codes (urn:oid:1.2.392.200250.2.2.20.20) a prescription issued with $issue-prescription may use, with the times a day each means.',
    affectsState: false,
    parameters: [
      {
        name: 'usage',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one per code',
        part: [p('code', 'code', 'the 16-character code', 1), p('display', 'string', 'its display', 1), p('timesPerDay', 'integer', '1日の回数', 1)],
      },
    ],
  }),
  signingStatus: spec({
    id: 'signing-credential',
    staffAction: 'prescribe',
    title: '署名用電子証明書の状態 / The signed-in prescriber’s signing credential',
    description: 'Whether the signed-in 医師 / 歯科医師 has enrolled their HPKI credential for remote signing, and which certificate.',
    affectsState: false,
    parameters: [
      { name: 'enrolled', use: 'out', min: 1, max: '1', type: 'boolean', documentation: 'a credential is enrolled' },
      { name: 'holderName', use: 'out', min: 0, max: '1', type: 'string', documentation: 'the certificate’s 氏名' },
      { name: 'registrationNumber', use: 'out', min: 0, max: '1', type: 'string', documentation: '医籍 / 歯科医籍登録番号' },
      { name: 'notAfter', use: 'out', min: 0, max: '1', type: 'dateTime', documentation: 'the certificate’s end of validity' },
      { name: 'lockedUntil', use: 'out', min: 0, max: '1', type: 'dateTime', documentation: 'signing locked after wrong passphrases until' },
    ],
  }),
  enrolSigning: spec({
    id: 'enrol-signing-credential',
    staffAction: 'prescribe',
    title: '署名用電子証明書の登録 / Enrol one’s HPKI credential for remote signing',
    description:
      'The signed-in 医師 / 歯科医師 hands over their own HPKI credential once, with a signing passphrase: the key must sign, the certificate verify against the trusted HPKI with the account’s qualification, and its holder be the account’s person; another account’s certificate is refused (409). The platform keeps it sealed under the passphrase (modelled on the HPKIセカンド電子証明書).',
    affectsState: true,
    parameters: [
      inString('credential', '電子証明書ファイル', 'the credential file’s text (tsunagu-hpki-credential/1)', 1),
      inString('passphrase', '署名用パスフレーズ', 'at least 8 characters; asked at every signing', 1),
      { name: 'holderName', use: 'out', min: 1, max: '1', type: 'string', documentation: 'the certificate’s 氏名' },
      { name: 'registrationNumber', use: 'out', min: 0, max: '1', type: 'string', documentation: '医籍 / 歯科医籍登録番号' },
      { name: 'notAfter', use: 'out', min: 1, max: '1', type: 'dateTime', documentation: 'the certificate’s end of validity' },
    ],
  }),
  issue: spec({
    id: 'issue-prescription',
    staffAction: 'prescribe',
    title: '処方箋の発行（署名・登録） / Issue a prescription: written, signed with one’s own HPKI credential, registered',
    description:
      'The signed-in 医師 / 歯科医師 describes the drugs (master code, 1回量, 用法 code, 日数, 一般名処方, 後発品変更不可) for a patient their reception verified today; the service writes the JP_Bundle_ePrescriptionData (names and units from the drug master, the patient from the eligibility record in force, the prescriber from the certificate), signs it with the caller’s enrolled credential unlocked by their passphrase, and registers it as $register-prescription does (an alert refuses without overrideReason).',
    affectsState: true,
    parameters: [
      inString('patient', '患者', 'the Patient id of a person received (eligibility verified) at the facility today', 1),
      {
        name: 'line',
        use: 'in',
        min: 0,
        max: '20',
        label: '薬剤',
        documentation: 'one per drug (at least one; every bad line is reported at once)',
        part: [
          p('system', 'code', 'receipt | yj | hot9 (as $search-drugs answers; required)'),
          p('code', 'string', 'the product code (required)'),
          p('dose', 'decimal', '1回量 in the master’s unit (required, > 0)'),
          p('usage', 'code', 'JAMI 用法コード ($usage-codes; required)'),
          p('days', 'integer', '日数 (required, 1–365)'),
          p('generic', 'boolean', '一般名処方 (the product’s 一般名コード is prescribed)'),
          p('noSubstitution', 'boolean', '後発品変更不可'),
        ],
      },
      inString('passphrase', '署名用パスフレーズ', 'unlocks the caller’s own signing credential', 1),
      inString('overrideReason', '登録理由', 'why the prescription is issued despite the alerts'),
      inString('note', '備考', '処方箋備考'),
      { name: 'prescription', use: 'out', min: 1, max: '1', type: 'string', documentation: '処方箋ID' },
      { name: 'exchangeNumber', use: 'out', min: 1, max: '1', type: 'string', documentation: '引換番号 for the patient' },
      { name: 'patient', use: 'out', min: 1, max: '1', type: 'Reference', documentation: 'the person' },
      { name: 'issuedOn', use: 'out', min: 1, max: '1', type: 'date', documentation: '交付日' },
      { name: 'validUntil', use: 'out', min: 1, max: '1', type: 'date', documentation: '使用期限' },
      alertOut('alerts the prescription was issued despite'),
      UNCHECKED_OUT,
    ],
  }),
  substitutes: spec({
    id: 'substitutes',
    staffAction: 'view-shared',
    title: '代替調剤の候補 / Brands of the same generic (for 後発品への変更)',
    description:
      'A pharmacy asks which products valid today it may dispense for a prescribed drug as another brand of the same generic (代替調剤・後発医薬品への変更): the products whose 一般名コード (else the first 9 characters of the 薬価基準収載医薬品コード + ZZZ) is the prescribed drug’s — for a line prescribed by 一般名 its brands. Whether the line allows a change (後発品変更不可) is the prescription’s; $dispense-prescription checks both again. No personal data.',
    affectsState: false,
    parameters: [
      inString('code', '薬剤コード', 'the prescribed drug’s code (receipt, YJ, 一般名コード or HOT9)', 1),
      inString('system', 'コード体系', 'receipt | yj | general | hot9, or the coding’s URI (default: by the code’s shape)'),
      { name: 'generalCode', use: 'out', min: 1, max: '1', type: 'string', documentation: 'the generic (一般名コード) the products share' },
      { name: 'generalName', use: 'out', min: 0, max: '1', type: 'string', documentation: 'the master’s name of the 一般名コード (【般】…)' },
      {
        name: 'drug',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one per product of the generic valid today (the prescribed product too, marked)',
        part: [
          p('system', 'code', 'receipt | yj | hot9', 1),
          p('code', 'string', 'the product code', 1),
          p('name', 'string', 'the drug master’s name', 1),
          p('unit', 'string', '単位'),
          p('prescribed', 'boolean', 'true for the product named by code', 1),
          p('validTo', 'date', 'last day it may be dispensed (経過措置)'),
        ],
      },
    ],
  }),
  worklist: spec({
    id: 'pharmacy-worklist',
    staffAction: 'reception',
    title: '本日の処方箋（薬局） / The pharmacy’s prescriptions of a day',
    description:
      'A pharmacy’s own list of a day: the prescriptions it holds (accepted, the result not yet registered — 未登録 — including those accepted earlier), and those it registered a dispensing result for that day (registered, corrected or cancelled), with the counts and the share registered (the national goal: register nearly every result). Only the calling pharmacy’s own; another pharmacy’s are not listed (count 0). Each listed prescription is a read in its person’s access log.',
    affectsState: false,
    parameters: [
      { name: 'date', use: 'in', min: 0, max: '1', type: 'date', label: '日付', documentation: 'the day (Japan time; default today)' },
      { name: 'date', use: 'out', min: 1, max: '1', type: 'date', documentation: 'the day listed' },
      { name: 'unregistered', use: 'out', min: 1, max: '1', type: 'integer', documentation: '受付済み・調剤結果未登録' },
      { name: 'registered', use: 'out', min: 1, max: '1', type: 'integer', documentation: '調剤結果登録済み (that day)' },
      { name: 'cancelled', use: 'out', min: 1, max: '1', type: 'integer', documentation: '調剤結果取消 (that day)' },
      {
        name: 'registeredShare',
        use: 'out',
        min: 0,
        max: '1',
        type: 'decimal',
        documentation: 'registered / (registered + unregistered), 0–1; absent when both are 0',
      },
      {
        name: 'entry',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one per prescription',
        part: [
          p('status', 'code', 'unregistered | registered | cancelled', 1),
          p('patientName', 'string', 'the patient’s name as on the signed prescription', 1),
          p('birthDate', 'date', 'the patient’s birth date', 1),
          p('acceptedAt', 'dateTime', 'when the pharmacy accepted it (while it holds it)'),
          p('dispensing', 'string', 'the day’s latest dispensing result id'),
          p('dispensedOn', 'date', '調剤日'),
          p('version', 'integer', 'the result’s version'),
          p('dispensingState', 'code', 'registered | corrected | cancelled'),
          p('completesUse', 'boolean', 'the result completed the use'),
          p('receipt', 'string', 'the service’s signed receipt of the result'),
          p('line', undefined, 'the result’s lines', 0, '*', [
            p('prescriptionLine', 'integer', 'the prescription line it fills', 1),
            p('code', 'Coding', 'the drug handed over', 1),
            p('name', 'string', 'its master name', 1),
            p('quantity', 'decimal', 'quantity', 1),
            p('substituted', 'boolean', 'another brand of the same generic', 1),
          ]),
          p('prescription', undefined, 'the prescription (as $retrieve-prescription shows it, without the document)', 1, '1', PRESCRIPTION_PARTS),
        ],
      },
    ],
  }),
  history: spec({
    id: 'my-prescriptions',
    title: '処方・調剤履歴（本人） / My prescriptions and dispensings',
    description: 'The patient reads their own prescription and dispensing lines, newest first (facility, date, master name, quantity, substitution).',
    affectsState: false,
    parameters: [
      { name: 'from', use: 'in', min: 0, max: '1', type: 'date', label: '開始日', documentation: 'from this date' },
      {
        name: 'record',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one per line',
        part: [
          p('source', 'code', 'prescription | dispensing', 1),
          p('prescription', 'string', '処方箋ID', 1),
          p('dispensing', 'string', 'dispensing result id'),
          p('date', 'date', '交付日 / 調剤日', 1),
          p('facility', 'string', '医療機関コード / 薬局コード', 1),
          p('code', 'Coding', 'drug code', 1),
          p('name', 'string', 'master name', 1),
          p('quantity', 'decimal', 'quantity', 1),
          p('unit', 'string', 'unit', 1),
          p('days', 'integer', 'days'),
          p('substituted', 'boolean', 'another brand of the same generic was dispensed'),
        ],
      },
    ],
  }),
} satisfies Record<string, OperationSpec>;
