/**
 * The custom operations of the eligibility service: listed in the CapabilityStatement (`/fhir/metadata`) and
 * served as OperationDefinition resources at `/fhir/OperationDefinition/<id>`.
 */
import type { ServiceOperation } from '../../platform/service.ts';
import { TSUNAGU_CANONICAL } from './fhir-codes.ts';

interface P {
  name: string;
  use: 'in' | 'out';
  min: number;
  max: string;
  type?: string;
  documentation: string;
}

interface OpSpec {
  id: string;
  code: string;
  title: string;
  description: string;
  system: boolean;
  resource?: string[];
  instance: boolean;
  affectsState: boolean;
  parameters: P[];
}

const RESULT: P[] = [
  { name: 'result', use: 'out', min: 1, max: '1', type: 'boolean', documentation: 'true when eligible on the visit date' },
  { name: 'code', use: 'out', min: 1, max: '1', type: 'Coding', documentation: `eligible, or the reason (${TSUNAGU_CANONICAL}/CodeSystem/eligibility-reason): expired-certificate, revoked, untrusted-ca, bad-signature, replayed-challenge, expired-challenge, not-linked, superseded, lost, not-yet-valid, no-record (card), no-match (number input: nothing registered, or the branch or birth date differs), too-many-attempts (number input: the number is locked after repeated failed lookups, whether or not anyone holds it), repeated-number (bulk pre-check: a second birth date for one number and branch), invalid-number, invalid-date …` },
  { name: 'stage', use: 'out', min: 0, max: '1', type: 'code', documentation: 'card | link | eligibility | input — where a refusal happened' },
  { name: 'message', use: 'out', min: 1, max: '1', type: 'string', documentation: 'Japanese message for the desk' },
  { name: 'diagnostics', use: 'out', min: 1, max: '1', type: 'string', documentation: 'English message' },
  { name: 'visitDate', use: 'out', min: 1, max: '1', type: 'date', documentation: 'the date eligibility was decided for' },
  { name: 'visit', use: 'out', min: 0, max: '1', type: 'string', documentation: 'visit token (person identified); $reader-consent needs a card visit' },
  { name: 'patient', use: 'out', min: 0, max: '1', type: 'Patient', documentation: 'the person (JP_Patient), names exactly as registered' },
  { name: 'coverage', use: 'out', min: 0, max: '1', type: 'Coverage', documentation: 'the Coverage (JP_Coverage) in force on the visit date' },
  { name: 'eligibility', use: 'out', min: 0, max: '1', documentation: 'summary: insurerNumber, symbol, number, branch, relationship, copayRatio, limitCategory, elderlyCopayRatio, specificDisease, publicExpense' },
  { name: 'displayName', use: 'out', min: 0, max: '1', type: 'string', documentation: 'only with nameDisplay=bmp: the name with ● for characters the client cannot display' },
  { name: 'outcome', use: 'out', min: 0, max: '1', type: 'OperationOutcome', documentation: 'the refusal as an OperationOutcome (Japanese details.text, English diagnostics)' },
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
    description: 'Verifies the card signature over the challenge (certificate chain to a configured CA, validity, revocation, single use), maps the certificate to the person and returns the eligibility on the visit date or the precise reason it is not available. Audited.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'challenge', use: 'in', min: 1, max: '1', type: 'string', documentation: 'from $card-challenge' },
      { name: 'signature', use: 'in', min: 1, max: '1', type: 'string', documentation: 'base64url signature by the card (RSASSA-PKCS1-v1_5/SHA-256 or ECDSA P-256 P1363)' },
      { name: 'certificate', use: 'in', min: 1, max: '1', type: 'string', documentation: '利用者証明用電子証明書, base64 DER' },
      { name: 'chain', use: 'in', min: 0, max: '*', type: 'string', documentation: 'intermediate CA certificates, base64 DER' },
      { name: 'method', use: 'in', min: 1, max: '1', type: 'code', documentation: 'pin | face — how the reader verified the holder' },
      { name: 'visitDate', use: 'in', min: 0, max: '1', type: 'date', documentation: 'default: today (Japan time)' },
      { name: 'nameDisplay', use: 'in', min: 0, max: '1', type: 'code', documentation: 'exact (default) | bmp — add displayName with ● for undisplayable characters' },
      ...RESULT,
    ],
  },
  {
    id: 'verify-insurance',
    code: 'verify-insurance',
    title: '保険証・資格確認書の番号による資格確認 / Eligibility by insurance number',
    description: 'Eligibility by 保険者番号・記号・番号・枝番 and birth date, as printed on a health insurance card or a 資格確認書 (same number format). Audited. Number input is limited per client (TSUNAGU_NUMBER_LOOKUPS_PER_HOUR, 429 with Retry-After beyond) and per number (TSUNAGU_NUMBER_FAILURES_PER_DAY failed lookups lock it for 24 hours: too-many-attempts).',
    system: true,
    instance: false,
    affectsState: false,
    parameters: [
      { name: 'source', use: 'in', min: 0, max: '1', type: 'code', documentation: 'insurance-card (default) | eligibility-certificate (資格確認書)' },
      { name: 'insurerNumber', use: 'in', min: 1, max: '1', type: 'string', documentation: '保険者番号 (6 or 8 digits; check digit verified)' },
      { name: 'symbol', use: 'in', min: 0, max: '1', type: 'string', documentation: '記号' },
      { name: 'number', use: 'in', min: 1, max: '1', type: 'string', documentation: '番号' },
      { name: 'branch', use: 'in', min: 0, max: '1', type: 'string', documentation: '枝番 (2 digits)' },
      { name: 'birthDate', use: 'in', min: 1, max: '1', type: 'date', documentation: '生年月日' },
      { name: 'visitDate', use: 'in', min: 0, max: '1', type: 'date', documentation: 'default: today (Japan time)' },
      { name: 'nameDisplay', use: 'in', min: 0, max: '1', type: 'code', documentation: 'exact (default) | bmp' },
      ...RESULT,
    ],
  },
  {
    id: 'bulk-precheck',
    code: 'bulk-precheck',
    title: '一括照会 / Bulk pre-check of booked patients',
    description: 'Eligibility of up to 1000 booked patients by insurance number and birth date; one result entry per input entry, in order. Audited per entry. Each entry counts against the per-client limit of number input (429 with Retry-After, nothing looked up); one birth date per number and branch (repeated-number for the others).',
    system: true,
    instance: false,
    affectsState: false,
    parameters: [
      { name: 'entry', use: 'in', min: 1, max: '1000', documentation: 'parts: ref, insurerNumber, symbol, number, branch, birthDate, visitDate, source' },
      { name: 'entry', use: 'out', min: 0, max: '*', documentation: 'parts: ref, result, code, stage, message, diagnostics, patientReference, coverageReference, eligibility' },
    ],
  },
  {
    id: 'reader-consent',
    code: 'reader-consent',
    title: 'カードリーダーでの閲覧同意 / Consent at the reader',
    description: 'Records the patient’s choices (medication, surgery, checkup, ehr6: true/false) for a card visit as JP_Consent resources scoped to the facility and the visit: outpatient 24 hours, inpatient/home-care until the given date (≤ 366 days). A new choice replaces the earlier one of the same category.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'visit', use: 'in', min: 1, max: '1', type: 'string', documentation: 'visit token from $verify-card' },
      { name: 'medication', use: 'in', min: 0, max: '1', type: 'boolean', documentation: '薬剤情報・診療情報' },
      { name: 'surgery', use: 'in', min: 0, max: '1', type: 'boolean', documentation: '手術情報' },
      { name: 'checkup', use: 'in', min: 0, max: '1', type: 'boolean', documentation: '健診情報' },
      { name: 'ehr6', use: 'in', min: 0, max: '1', type: 'boolean', documentation: '電子カルテ情報（6情報）' },
      { name: 'setting', use: 'in', min: 0, max: '1', type: 'code', documentation: 'outpatient (default) | inpatient | home-care' },
      { name: 'until', use: 'in', min: 0, max: '1', type: 'date', documentation: 'end of the stay (inpatient / home-care)' },
      { name: 'consent', use: 'out', min: 1, max: '*', type: 'Consent', documentation: 'the recorded consents' },
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
    description: 'Every eligibility period of the person across insurers (Coverage resources, newest first) with the Patient. For the person, their insurers and operators.',
    system: false,
    resource: ['Patient'],
    instance: true,
    affectsState: false,
    parameters: [{ name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle', documentation: 'searchset: Patient, then Coverage by period' }],
  },
  {
    id: 'import-shared-information',
    code: 'import-shared-information',
    title: 'レセプト・健診情報の取込み / Import of receipt and check-up information',
    description: 'Insurers (their members) and operators load MedicationDispense (薬剤情報), Procedure (診療・手術情報) and Observation (特定健診) resources naming the person by the JP-CLINS insured-person identifier; they are labelled with their consent category. All or nothing.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'resource', use: 'in', min: 1, max: '1', type: 'Bundle', documentation: 'collection of MedicationDispense / Procedure / Observation' },
      { name: 'return', use: 'out', min: 1, max: '1', type: 'Parameters', documentation: 'created references with their category' },
    ],
  },
];

export const OPERATION_DEFINITIONS: Record<string, Record<string, unknown>> = Object.fromEntries(
  SPECS.map((s) => [
    s.id,
    {
      resourceType: 'OperationDefinition',
      id: s.id,
      url: `${TSUNAGU_CANONICAL}/OperationDefinition/${s.id}`,
      name: s.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
      title: s.title,
      status: 'active',
      kind: 'operation',
      description: s.description,
      affectsState: s.affectsState,
      code: s.code,
      ...(s.resource ? { resource: s.resource } : {}),
      system: s.system,
      type: false,
      instance: s.instance,
      parameter: s.parameters.map((p) => ({ name: p.name, use: p.use, min: p.min, max: p.max, ...(p.type ? { type: p.type } : {}), documentation: p.documentation })),
    },
  ]),
);

export const ELIGIBILITY_OPERATIONS: ServiceOperation[] = SPECS.map((s) => ({
  name: s.code,
  definition: `${TSUNAGU_CANONICAL}/OperationDefinition/${s.id}`,
  ...(s.resource ? { resourceTypes: s.resource } : {}),
  documentation: `${s.title}. ${s.description}`,
}));
