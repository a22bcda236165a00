/** The letter operations, described once (OperationSpec): definitions, routes and input checks follow from them. */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import type { OperationParameter, OperationSpec } from '../../../platform/router/operations/operation-spec.ts';

const url = (id: string) => `${TSUNAGU_CANONICAL}/OperationDefinition/${id}`;
type Param = Omit<OperationParameter, 'use'>;

const LETTER_IN: OperationParameter = {
  name: 'letter',
  use: 'in',
  min: 1,
  max: '1',
  type: 'string',
  documentation: 'the letter id (or Basic/<id>, the focus of the referral-received notification)',
  label: '紹介状 ID',
};

/** One letter's delivery state (inbox and status). */
const LETTER_PARTS: Param[] = [
  { name: 'id', min: 1, max: '1', type: 'string', documentation: 'the letter id' },
  { name: 'kind', min: 1, max: '1', type: 'code', documentation: 'referral | discharge-summary (sent alone under a generated cover letter)' },
  { name: 'sender', min: 1, max: '1', type: 'string', documentation: '医療機関コード of the sender' },
  { name: 'addressee', min: 1, max: '1', type: 'string', documentation: '医療機関コード of the addressee' },
  { name: 'state', min: 1, max: '1', type: 'code', documentation: 'sent | received | acknowledged | erased' },
  { name: 'sentAt', min: 1, max: '1', type: 'instant', documentation: 'when it was sent' },
  { name: 'receivedAt', min: 0, max: '1', type: 'instant', documentation: 'first retrieval by the addressee' },
  { name: 'acknowledgedAt', min: 0, max: '1', type: 'instant', documentation: 'receipt confirmed by the addressee' },
  { name: 'eraseAfter', min: 1, max: '1', type: 'instant', documentation: 'the content is erased then (6 months after sending, 7 days after receipt)' },
  { name: 'erasedAt', min: 0, max: '1', type: 'instant', documentation: 'when the content was erased' },
  { name: 'signed', min: 1, max: '1', type: 'boolean', documentation: 'the letter carries an electronic signature (Bundle.signature)' },
  { name: 'attachments', min: 1, max: '1', type: 'integer', documentation: 'DocumentReference / Binary entries and attached discharge summaries' },
  { name: 'dischargeSummary', min: 1, max: '1', type: 'boolean', documentation: 'a discharge summary comes with it' },
];

const SENT_OUT: OperationParameter[] = [
  { name: 'letter', use: 'out', min: 1, max: '1', type: 'string', documentation: 'the letter id' },
  { name: 'reference', use: 'out', min: 1, max: '1', type: 'Reference', documentation: 'Basic/<id>: the focus of notifications' },
  { name: 'addressee', use: 'out', min: 1, max: '1', type: 'string', documentation: '医療機関コード of the addressee' },
  { name: 'state', use: 'out', min: 1, max: '1', type: 'code', documentation: 'sent' },
  { name: 'eraseAfter', use: 'out', min: 1, max: '1', type: 'instant', documentation: 'erased then at the latest (6 months)' },
  { name: 'item', use: 'out', min: 0, max: '*', type: 'Reference', documentation: 'prescriptions of the letter stored as items of the 6 information' },
];

const spec = (id: string, title: string, description: string, affectsState: boolean, parameters: OperationParameter[]): OperationSpec => ({
  staffAction: id.startsWith('send-') ? 'send-letter' : 'view-shared',
  id,
  code: id,
  url: url(id),
  title,
  description,
  system: true,
  instance: false,
  affectsState,
  parameters,
});

export const LETTER_SPECS = {
  sendReferral: spec(
    'send-referral',
    '診療情報提供書の送信 / Send a referral letter (JP_Bundle_eReferral)',
    'A facility sends a referral letter to the addressee its Composition names (section 910, by 医療機関コード; mandatory), optionally with a discharge summary attached. Validated whole against JP_Bundle_eReferral; the sending organisation (section 920, custodian) must be the caller; the patient is resolved from JP_Insurance_memberID and birth date; prescriptions become items of the 6 information. Refused whole with every issue (422), nothing stored. The addressee is notified (topic referral-received). Kept 6 months, erased 7 days after receipt. Never shown to the patient.',
    true,
    [
      {
        name: 'letter',
        use: 'in',
        min: 1,
        max: '1',
        type: 'Bundle',
        documentation: 'the JP_Bundle_eReferral (or the Bundle alone as the body)',
        label: '診療情報提供書',
      },
      {
        name: 'dischargeSummary',
        use: 'in',
        min: 0,
        max: '1',
        type: 'Bundle',
        documentation: 'a JP_Bundle_eDischargeSummary attached',
        label: '退院時サマリー',
      },
      ...SENT_OUT,
    ],
  ),
  sendDischargeSummary: spec(
    'send-discharge-summary',
    '退院時サマリーの送信 / Send a discharge summary alone (JP_Bundle_eDischargeSummary)',
    'A facility sends a discharge summary alone to an addressee; the service wraps it in a generated cover letter (頭紙) that the addressee receives like a referral letter. The summary is validated whole, from the caller (custodian), without signature. Never shown to the patient.',
    true,
    [
      { name: 'dischargeSummary', use: 'in', min: 1, max: '1', type: 'Bundle', documentation: 'the JP_Bundle_eDischargeSummary', label: '退院時サマリー' },
      {
        name: 'addressee',
        use: 'in',
        min: 1,
        max: '1',
        type: 'string',
        documentation: '医療機関コード of the addressee (10 digits, check digit)',
        label: '宛先の医療機関コード',
      },
      { name: 'note', use: 'in', min: 0, max: '1', type: 'string', documentation: 'a message on the cover letter (備考・連絡情報)', label: '連絡事項' },
      ...SENT_OUT,
    ],
  ),
  inbox: spec(
    'referral-inbox',
    '紹介状の受信箱 / Letters addressed to the caller',
    'The letters addressed to the calling facility that are not erased, newest first, with their delivery state; no content (retrieve a letter with $retrieve-referral).',
    false,
    [
      { name: 'count', use: 'in', min: 0, max: '1', type: 'integer', documentation: 'at most this many (default 100, at most 1000)', label: '件数' },
      { name: 'letter', use: 'out', min: 0, max: '*', documentation: 'one per letter', part: LETTER_PARTS },
    ],
  ),
  retrieve: spec(
    'retrieve-referral',
    '紹介状の受け取り / Retrieve a letter',
    'The addressee gets the letter Bundle as sent (a referral letter, or the generated cover letter of a discharge summary) and any discharge summary. The first retrieval marks it received: its content is erased 7 days later. Audited as a read (basis addressee). Anyone else: 404.',
    true,
    [
      LETTER_IN,
      { name: 'letter', use: 'out', min: 1, max: '1', type: 'Bundle', documentation: 'the letter Bundle (JP_Bundle_eReferral as sent, or the cover letter)' },
      { name: 'dischargeSummary', use: 'out', min: 0, max: '1', type: 'Bundle', documentation: 'the discharge summary (attached, or under the cover letter)' },
      { name: 'state', use: 'out', min: 1, max: '1', type: 'code', documentation: 'received | acknowledged' },
      { name: 'eraseAfter', use: 'out', min: 1, max: '1', type: 'instant', documentation: 'the content is erased then' },
    ],
  ),
  acknowledge: spec(
    'acknowledge-referral',
    '紹介状の受領確認 / Acknowledge receipt of a letter',
    'The addressee confirms it received a letter it retrieved (idempotent). Anyone else: 404.',
    true,
    [
      LETTER_IN,
      { name: 'state', use: 'out', min: 1, max: '1', type: 'code', documentation: 'acknowledged' },
      { name: 'acknowledgedAt', use: 'out', min: 1, max: '1', type: 'instant', documentation: 'when' },
    ],
  ),
  status: spec(
    'referral-status',
    '紹介状の送信状況 / Delivery state of sent letters',
    'The sender sees the delivery state of one letter (letter; the addressee may ask too) or of its latest letters: sent, received, acknowledged, erased — never their content. Anyone else: 404.',
    false,
    [
      { ...LETTER_IN, min: 0 },
      { name: 'count', use: 'in', min: 0, max: '1', type: 'integer', documentation: 'at most this many (default 100, at most 1000)', label: '件数' },
      { name: 'letter', use: 'out', min: 0, max: '*', documentation: 'one per letter', part: LETTER_PARTS },
    ],
  ),
} satisfies Record<string, OperationSpec>;
