/**
 * The operations of the eligibility service, described once (OperationSpec): the registry serves their
 * OperationDefinitions at `/fhir/OperationDefinition/<id>`, lists them in the CapabilityStatement, checks the
 * input against them and the output the handlers write (fhir-operations.ts).
 */
import type { OperationParameter, OperationSpec } from '../../../platform/router/operations/operation-spec.ts';
import { TSUNAGU_CANONICAL } from '../model/fhir-codes.ts';

type P = OperationParameter;
type OpSpec = Omit<OperationSpec, 'url'>;

const RESULT: P[] = [
  { name: 'result', use: 'out', min: 1, max: '1', type: 'boolean', documentation: 'true when eligible on the visit date' },
  {
    name: 'code',
    use: 'out',
    min: 1,
    max: '1',
    type: 'Coding',
    documentation: `eligible, or the reason (${TSUNAGU_CANONICAL}/CodeSystem/eligibility-reason): expired-certificate, revoked, untrusted-ca, bad-signature, replayed-challenge, expired-challenge, not-linked, superseded, lost, not-yet-valid, no-record (card), no-match (number input: nothing registered, or the branch or birth date differs), too-many-attempts (number input: the number is locked after repeated failed lookups, whether or not anyone holds it), repeated-number (bulk pre-check: a second birth date for one number and branch), invalid-number, invalid-date …`,
  },
  { name: 'stage', use: 'out', min: 0, max: '1', type: 'code', documentation: 'card | link | eligibility | input — where a refusal happened' },
  { name: 'message', use: 'out', min: 1, max: '1', type: 'string', documentation: 'Japanese message for the desk' },
  { name: 'diagnostics', use: 'out', min: 1, max: '1', type: 'string', documentation: 'English message' },
  { name: 'visitDate', use: 'out', min: 1, max: '1', type: 'date', documentation: 'the date eligibility was decided for' },
  { name: 'visit', use: 'out', min: 0, max: '1', type: 'string', documentation: 'visit token (person identified); $reader-consent needs a card visit' },
  { name: 'patient', use: 'out', min: 0, max: '1', type: 'Patient', documentation: 'the person (JP_Patient), names exactly as registered' },
  { name: 'coverage', use: 'out', min: 0, max: '1', type: 'Coverage', documentation: 'the Coverage (JP_Coverage) in force on the visit date' },
  {
    name: 'eligibility',
    use: 'out',
    min: 0,
    max: '1',
    documentation: 'summary: insurerNumber, symbol, number, branch, relationship, copayRatio, limitCategory, elderlyCopayRatio, specificDisease, publicExpense',
  },
  {
    name: 'displayName',
    use: 'out',
    min: 0,
    max: '1',
    type: 'string',
    documentation: 'only with nameDisplay=bmp: the name with ● for characters the client cannot display',
  },
  {
    name: 'outcome',
    use: 'out',
    min: 0,
    max: '1',
    type: 'OperationOutcome',
    documentation: 'the refusal as an OperationOutcome (Japanese details.text, English diagnostics)',
  },
  {
    name: 'method',
    use: 'out',
    min: 1,
    max: '1',
    type: 'code',
    documentation: 'card-pin | card-face | insurance-card | eligibility-certificate — how the person was identified',
  },
  { name: 'patientReference', use: 'out', min: 0, max: '1', type: 'Reference', documentation: 'Patient/<id> of the identified person' },
  {
    name: 'coverageReference',
    use: 'out',
    min: 0,
    max: '1',
    type: 'Reference',
    documentation: 'the Coverage in force (bulk pre-check, instead of the resource)',
  },
  { name: 'recordConcerned', use: 'out', min: 0, max: '1', type: 'string', documentation: 'the eligibility record a refusal is about (lost, not yet valid)' },
  { name: 'certificateSerial', use: 'out', min: 0, max: '1', type: 'string', documentation: 'serial of the card certificate (card verification)' },
];

/** How a $bulk-precheck entry is given: the number input of one booked patient. */
const PRECHECK_ENTRY_IN: Omit<P, 'use'>[] = [
  { name: 'ref', min: 0, max: '1', type: 'string', documentation: 'the caller’s reference for the entry (default: its position)' },
  { name: 'source', min: 0, max: '1', type: 'code', documentation: 'insurance-card (default) | eligibility-certificate' },
  { name: 'insurerNumber', min: 1, max: '1', type: 'string', documentation: '保険者番号', label: '保険者番号' },
  { name: 'symbol', min: 0, max: '1', type: 'string', documentation: '記号' },
  { name: 'number', min: 1, max: '1', type: 'string', documentation: '番号', label: '番号' },
  { name: 'branch', min: 0, max: '1', type: 'string', documentation: '枝番' },
  { name: 'birthDate', min: 1, max: '1', type: 'date', documentation: '生年月日', label: '生年月日' },
  { name: 'visitDate', min: 0, max: '1', type: 'date', documentation: 'default: today (Japan time)' },
];

/** One answer of $bulk-precheck: the result parts without the embedded resources, with the entry's ref. */
const PRECHECK_ENTRY_OUT: Omit<P, 'use'>[] = [
  { name: 'ref', min: 1, max: '1', type: 'string', documentation: 'the entry’s ref' },
  ...RESULT.filter((p) => p.name !== 'patient' && p.name !== 'coverage').map(({ use: _use, ...p }) => p),
];

const SPECS: OpSpec[] = [
  {
    id: 'card-challenge',
    code: 'card-challenge',
    title: 'カード認証用チャレンジの発行 / Card challenge',
    description: 'Issues a single-use challenge (2 minutes) bound to the calling facility, to be signed by the My Number card at the reader.',
    system: true,
    instance: false,
    affectsState: false,
    parameters: [
      { name: 'challenge', use: 'out', min: 1, max: '1', type: 'string', documentation: 'the challenge; the card signs "tsunagu-card-auth/1\\n" + challenge' },
      { name: 'expires', use: 'out', min: 1, max: '1', type: 'instant', documentation: 'expiry' },
    ],
  },
  {
    id: 'verify-card',
    code: 'verify-card',
    title: 'マイナ保険証による資格確認 / Eligibility by My Number card',
    description:
      'Verifies the card signature over the challenge (certificate chain to a configured CA, validity, revocation, single use), maps the certificate to the person and returns the eligibility on the visit date or the precise reason it is not available. Audited.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'challenge', use: 'in', min: 1, max: '1', type: 'string', documentation: 'from $card-challenge', label: 'チャレンジ' },
      {
        name: 'signature',
        use: 'in',
        min: 1,
        max: '1',
        type: 'string',
        documentation: 'base64url signature by the card (RSASSA-PKCS1-v1_5/SHA-256 or ECDSA P-256 P1363)',
        label: 'カードの署名',
      },
      {
        name: 'certificate',
        use: 'in',
        min: 1,
        max: '1',
        type: 'string',
        documentation: '利用者証明用電子証明書, base64 DER',
        label: '利用者証明用電子証明書',
      },
      { name: 'chain', use: 'in', min: 0, max: '*', type: 'string', documentation: 'intermediate CA certificates, base64 DER' },
      {
        name: 'method',
        use: 'in',
        min: 1,
        max: '1',
        type: 'code',
        documentation: 'pin | face — how the reader verified the holder',
        label: '本人確認の方法（pin / face）',
      },
      { name: 'visitDate', use: 'in', min: 0, max: '1', type: 'date', documentation: 'default: today (Japan time)' },
      {
        name: 'nameDisplay',
        use: 'in',
        min: 0,
        max: '1',
        type: 'code',
        documentation: 'exact (default) | bmp — add displayName with ● for undisplayable characters',
      },
      ...RESULT,
    ],
  },
  {
    id: 'verify-insurance',
    code: 'verify-insurance',
    title: '保険証・資格確認書の番号による資格確認 / Eligibility by insurance number',
    description:
      'Eligibility by 保険者番号・記号・番号・枝番 and birth date, as printed on a health insurance card or a 資格確認書 (same number format). Audited. Number input is limited per client (TSUNAGU_NUMBER_LOOKUPS_PER_HOUR, 429 with Retry-After beyond) and per number (TSUNAGU_NUMBER_FAILURES_PER_DAY failed lookups lock it for 24 hours: too-many-attempts).',
    system: true,
    instance: false,
    affectsState: true, // the probe is audited and counted against the limits of number input
    parameters: [
      { name: 'source', use: 'in', min: 0, max: '1', type: 'code', documentation: 'insurance-card (default) | eligibility-certificate (資格確認書)' },
      {
        name: 'insurerNumber',
        use: 'in',
        min: 1,
        max: '1',
        type: 'string',
        documentation: '保険者番号 (6 or 8 digits; check digit verified)',
        label: '保険者番号',
      },
      { name: 'symbol', use: 'in', min: 0, max: '1', type: 'string', documentation: '記号' },
      { name: 'number', use: 'in', min: 1, max: '1', type: 'string', documentation: '番号', label: '番号' },
      { name: 'branch', use: 'in', min: 0, max: '1', type: 'string', documentation: '枝番 (2 digits)' },
      { name: 'birthDate', use: 'in', min: 1, max: '1', type: 'date', documentation: '生年月日', label: '生年月日' },
      { name: 'visitDate', use: 'in', min: 0, max: '1', type: 'date', documentation: 'default: today (Japan time)' },
      { name: 'nameDisplay', use: 'in', min: 0, max: '1', type: 'code', documentation: 'exact (default) | bmp' },
      ...RESULT,
    ],
  },
  {
    id: 'bulk-precheck',
    code: 'bulk-precheck',
    title: '一括照会 / Bulk pre-check of booked patients',
    description:
      'Eligibility of up to 1000 booked patients by insurance number and birth date; one result entry per input entry, in order. Audited per entry. Each entry counts against the per-client limit of number input (429 with Retry-After, nothing looked up); one birth date per number and branch (repeated-number for the others).',
    system: true,
    instance: false,
    affectsState: true, // the probe is audited and counted against the limits of number input
    parameters: [
      { name: 'entry', use: 'in', min: 1, max: '*', documentation: 'one booked patient (at most 1000)', part: PRECHECK_ENTRY_IN },
      { name: 'nameDisplay', use: 'in', min: 0, max: '1', type: 'code', documentation: 'exact (default) | bmp' },
      { name: 'total', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'entries answered' },
      { name: 'eligible', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'entries eligible on their visit date' },
      { name: 'ineligible', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'entries not eligible (or refused)' },
      { name: 'entry', use: 'out', min: 0, max: '*', documentation: 'one answer per entry, in order', part: PRECHECK_ENTRY_OUT },
    ],
  },
  {
    id: 'reader-consent',
    code: 'reader-consent',
    title: 'カードリーダーでの閲覧同意 / Consent at the reader',
    description:
      'Records the patient’s choices (medication: 診療＋お薬＋アレルギー等＋検査, surgery: 傷病名＋手術情報＋感染症, checkup: 健診情報 — true/false) for a card visit as JP_Consent resources scoped to the facility and the visit: outpatient 24 hours, inpatient/home-care until the given date (≤ 366 days). A new choice replaces the earlier one of the same category.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'visit', use: 'in', min: 1, max: '1', type: 'string', documentation: 'visit token from $verify-card', label: '受付情報（visit）' },
      { name: 'medication', use: 'in', min: 0, max: '1', type: 'boolean', documentation: '診療＋お薬＋アレルギー等＋検査' },
      { name: 'surgery', use: 'in', min: 0, max: '1', type: 'boolean', documentation: '傷病名＋手術情報＋感染症' },
      { name: 'checkup', use: 'in', min: 0, max: '1', type: 'boolean', documentation: '健診情報' },
      { name: 'setting', use: 'in', min: 0, max: '1', type: 'code', documentation: 'outpatient (default) | inpatient | home-care' },
      { name: 'until', use: 'in', min: 0, max: '1', type: 'date', documentation: 'end of the stay (inpatient / home-care)' },
      { name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle', documentation: 'collection of the recorded Consent resources (201)' },
    ],
  },
  {
    id: 'revoke',
    code: 'revoke',
    title: '同意の取消 / Revoke a consent',
    description: 'The patient (or the facility that recorded it) withdraws a reader consent; it becomes inactive at once.',
    system: false,
    resource: ['Consent'],
    instance: true,
    affectsState: true,
    parameters: [{ name: 'return', use: 'out', min: 1, max: '1', type: 'Consent', documentation: 'the consent, inactive' }],
  },
  ...(['medication-history', 'surgery-history', 'checkup-results'] as const).map((code) => ({
    id: code,
    code,
    title: { 'medication-history': '薬剤情報・診療情報の閲覧', 'surgery-history': '手術情報の閲覧', 'checkup-results': '特定健診情報の閲覧' }[code],
    description: `Shared information of one category for the patient, as a searchset Bundle. Facilities and pharmacies need a permitting consent at the reader (403 and an audit event otherwise). Every view is audited. Parameters from/to (dates) narrow the window (default ${code === 'checkup-results' ? 5 : 3} years).`,
    system: false,
    resource: ['Patient'],
    instance: true,
    affectsState: false,
    parameters: [
      { name: 'from', use: 'in' as const, min: 0, max: '1', type: 'date', documentation: 'first date' },
      { name: 'to', use: 'in' as const, min: 0, max: '1', type: 'date', documentation: 'last date (default today)' },
      { name: 'return', use: 'out' as const, min: 1, max: '1', type: 'Bundle', documentation: 'searchset' },
    ],
  })),
  {
    id: 'eligibility-history',
    code: 'eligibility-history',
    title: '資格履歴 / Eligibility history',
    description:
      'Every eligibility period of the person across insurers (Coverage resources, newest first) with the Patient. For the person, their insurers and operators.',
    system: false,
    resource: ['Patient'],
    instance: true,
    affectsState: false,
    parameters: [{ name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle', documentation: 'searchset: Patient, then Coverage by period' }],
  },
  {
    id: 'reception-history',
    code: 'reception-history',
    title: '受付の資格確認の履歴 / The facility’s reception history',
    description:
      'This facility’s (or pharmacy’s) own successful receptions — $verify-card and $verify-insurance that found the person eligible — done in the last 92 days (today included, Japan time), newest first, each with the eligibility the facility was answered then and the choices made at the reader for that visit. Another facility’s receptions are never included (as if there were none); callers other than facilities and pharmacies are refused. Without a filter: today’s receptions. Filters combine (AND). Paged: _count (1–100, default 50) and cursor (the next of the previous page). Every read is audited in the log of each person listed.',
    system: true,
    instance: false,
    affectsState: false,
    staffAction: 'reception',
    parameters: [
      { name: 'date', use: 'in', min: 0, max: '1', type: 'date', documentation: 'the visit date (YYYY-MM-DD) the receptions were for' },
      { name: 'patient', use: 'in', min: 0, max: '1', type: 'string', documentation: 'Patient/<id> (or the id)' },
      {
        name: 'name',
        use: 'in',
        min: 0,
        max: '1',
        type: 'string',
        documentation: 'a part of the 氏名 or the カナ氏名 (spaces, half/full width, hiragana/katakana and 髙/高-like variants ignored)',
      },
      { name: 'birthdate', use: 'in', min: 0, max: '1', type: 'date', documentation: '生年月日' },
      { name: '_count', use: 'in', min: 0, max: '1', type: 'integer', documentation: 'receptions per page, 1–100 (default 50)' },
      { name: 'cursor', use: 'in', min: 0, max: '1', type: 'string', documentation: 'the next of the previous page' },
      { name: 'count', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'receptions in this page' },
      { name: 'next', use: 'out', min: 0, max: '1', type: 'string', documentation: 'cursor of the next page, when there are more' },
      {
        name: 'reception',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one reception, newest first',
        part: [
          { name: 'received', min: 1, max: '1', type: 'instant', documentation: 'when the eligibility was answered' },
          { name: 'visitDate', min: 1, max: '1', type: 'date', documentation: 'the date eligibility was decided for' },
          { name: 'method', min: 1, max: '1', type: 'code', documentation: 'card-pin | card-face | insurance-card | eligibility-certificate' },
          { name: 'patient', min: 1, max: '1', type: 'Reference', documentation: 'Patient/<id>' },
          { name: 'name', min: 1, max: '1', type: 'string', documentation: '氏名 as answered (exactly as registered)' },
          { name: 'kana', min: 0, max: '1', type: 'string', documentation: 'カナ氏名 as answered' },
          { name: 'birthDate', min: 1, max: '1', type: 'date', documentation: '生年月日 as answered' },
          { name: 'gender', min: 1, max: '1', type: 'code', documentation: 'male | female | other | unknown' },
          { name: 'insurerName', min: 0, max: '1', type: 'string', documentation: 'the insurer’s name, when it is registered' },
          {
            name: 'eligibility',
            min: 1,
            max: '1',
            documentation:
              'as in $verify-card: insurerNumber, symbol, number, branch, relationship, acquiredOn, lostOn, copayRatio, limitCategory, elderlyCopayRatio, specificDisease, publicExpense',
          },
          {
            name: 'consent',
            min: 0,
            max: '1',
            documentation: 'the choices at the reader for this visit ($reader-consent)',
            part: [
              { name: 'medication', min: 0, max: '1', type: 'boolean', documentation: '診療＋お薬＋アレルギー等＋検査' },
              { name: 'surgery', min: 0, max: '1', type: 'boolean', documentation: '傷病名＋手術情報＋感染症' },
              { name: 'checkup', min: 0, max: '1', type: 'boolean', documentation: '健診情報' },
              { name: 'setting', min: 0, max: '1', type: 'code', documentation: 'outpatient | inpatient | home-care' },
              { name: 'until', min: 0, max: '1', type: 'date', documentation: 'end of the stay (inpatient / home-care)' },
              { name: 'recorded', min: 1, max: '1', type: 'instant', documentation: 'when the latest choice was recorded' },
            ],
          },
        ],
      },
    ],
  },
  {
    id: 'import-shared-information',
    code: 'import-shared-information',
    title: 'レセプト・健診情報の取込み / Import of receipt and check-up information',
    description:
      'Insurers (their members) and operators load MedicationDispense (薬剤情報), Procedure (診療・手術情報) and Observation (特定健診) resources naming the person by the JP-CLINS insured-person identifier; they are labelled with their consent category. All or nothing.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      {
        name: 'resource',
        use: 'in',
        min: 1,
        max: '1',
        type: 'Bundle',
        documentation: 'collection of MedicationDispense / Procedure / Observation',
        label: '取り込む Bundle',
      },
      { name: 'created', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'how many resources were created (201)' },
      {
        name: 'resource',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one per created resource',
        part: [
          { name: 'reference', min: 1, max: '1', type: 'Reference', documentation: 'the created resource' },
          { name: 'category', min: 1, max: '1', type: 'code', documentation: 'its consent category (medication, surgery, checkup)' },
        ],
      },
    ],
  },
];

/** The specs by code. */
export const ELIGIBILITY_SPECS: Record<string, OperationSpec> = Object.fromEntries(
  SPECS.map((s) => [s.code, { ...s, url: `${TSUNAGU_CANONICAL}/OperationDefinition/${s.id}` }]),
);
