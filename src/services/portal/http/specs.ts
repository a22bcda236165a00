/** The portal's FHIR operations, described once (OperationSpec): definitions, routes and checks follow. */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import type { OperationParameter, OperationSpec } from '../../../platform/router/operations/operation-spec.ts';

const url = (id: string) => `${TSUNAGU_CANONICAL}/OperationDefinition/${id}`;
type Part = Omit<OperationParameter, 'use'>;
const one = (name: string, type: string, documentation: string): Part => ({ name, min: 1, max: '1', type, documentation });
const opt = (name: string, type: string, documentation: string): Part => ({ name, min: 0, max: '1', type, documentation });

const PATIENT_IN: OperationParameter = {
  name: 'patient',
  use: 'in',
  min: 0,
  max: '1',
  type: 'string',
  documentation: 'the person (Patient/<id> or <id>); only the signed-in person — another answers 404',
  label: '本人',
};

const CONSENT_OUT: OperationParameter = {
  name: 'consent',
  use: 'out',
  min: 0,
  max: '*',
  documentation: 'one per consent, newest first',
  part: [
    one('id', 'id', 'the Consent id'),
    one('facilityCode', 'string', '医療機関コード of the facility or pharmacy'),
    one('facilityName', 'string', 'its name (the facility directory, else the name recorded with the consent)'),
    one('facilityKind', 'code', 'facility | pharmacy'),
    one('category', 'code', 'medication | surgery | checkup'),
    one('decision', 'code', 'permit | deny'),
    one('policy', 'code', 'outpatient | inpatient | home-care | portal | emergency'),
    one('givenAt', 'instant', 'when the choice was made'),
    one('validFrom', 'instant', 'start of validity'),
    one('validTo', 'instant', 'end of validity'),
    one('state', 'code', 'active | expired | revoked | replaced'),
  ],
};

export const PORTAL_SPECS: Record<string, OperationSpec> = {
  'my-consents': {
    id: 'my-consents',
    code: 'my-consents',
    url: url('my-consents'),
    title: '同意の一覧 / My consents and holds',
    description:
      'The signed-in patient: every consent given (at the reader, in the portal, emergency accesses) with its facility, category, validity and state, the group holds (閲覧保留) and the item holds in force. Newest first. Patients only (403 for anyone else).',
    system: true,
    instance: false,
    affectsState: false,
    parameters: [
      PATIENT_IN,
      CONSENT_OUT,
      {
        name: 'hold',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'a group hold in force',
        part: [
          one('id', 'string', 'the hold id (release with $release-clinical-information-hold)'),
          one('category', 'code', 'medication | surgery | checkup'),
          opt('facilityCode', 'string', 'held at this facility only (absent: everywhere)'),
          opt('facilityName', 'string', 'its name'),
          one('since', 'instant', 'when the hold was placed'),
        ],
      },
      {
        name: 'itemHold',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'an item hold in force',
        part: [
          one('id', 'string', 'the hold id'),
          one('item', 'Reference', 'the held item'),
          one('kind', 'code', 'diagnosis | infection | drug-allergy | other-allergy | lab | prescription'),
          one('since', 'instant', 'when the hold was placed'),
        ],
      },
    ],
  },
  'grant-consent': {
    id: 'grant-consent',
    code: 'grant-consent',
    url: url('grant-consent'),
    title: 'ポータルでの同意 / Consent given in the portal',
    description:
      'The signed-in patient permits an open facility or pharmacy of the directory to view one or more categories until a date (today to today + 365 days). Each is a Consent with policy portal; it replaces an earlier active choice of the same category there. Revoke with Consent/[id]/$revoke.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      PATIENT_IN,
      {
        name: 'facility',
        use: 'in',
        min: 1,
        max: '1',
        type: 'string',
        documentation: '医療機関コード (10 digits) of a facility or pharmacy',
        label: '医療機関コード',
      },
      { name: 'category', use: 'in', min: 1, max: '*', type: 'code', documentation: 'medication | surgery | checkup (repeat for several)', label: '同意区分' },
      { name: 'until', use: 'in', min: 1, max: '1', type: 'date', documentation: 'last day of validity (YYYY-MM-DD, today .. today + 365)', label: '有効期限' },
      CONSENT_OUT,
    ],
  },
  'access-log': {
    id: 'access-log',
    code: 'access-log',
    url: url('access-log'),
    title: '閲覧履歴 / Who looked at my data',
    description:
      "The signed-in patient: accesses to their data by anyone but themself, newest first — facility, staff role and name, what, the basis (consent, registrant, emergency …), the purpose, and refusals. Emergency accesses are flagged; references to data withheld from the person are left out. Built from the platform's audit log.",
    system: true,
    instance: false,
    affectsState: false,
    parameters: [
      PATIENT_IN,
      { name: 'from', use: 'in', min: 0, max: '1', type: 'date', documentation: 'accesses on or after this day (YYYY-MM-DD, Japan time)', label: '開始日' },
      { name: 'count', use: 'in', min: 0, max: '1', type: 'integer', documentation: 'at most this many (default 100, at most 1000)', label: '件数' },
      {
        name: 'access',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one per access, newest first',
        part: [
          one('at', 'instant', 'when'),
          opt('facilityCode', 'string', '医療機関コード / 保険者番号 of the organisation'),
          opt('facilityName', 'string', 'its name (the facility directory)'),
          one('clientKind', 'code', 'facility | pharmacy | insurer | operator | municipality | patient | …'),
          opt('staffRole', 'code', 'doctor | dentist | nurse | clerk | pharmacist | privacy-officer'),
          opt('staffName', 'string', 'the staff member signed in'),
          opt('proxyName', 'string', '代理人: the proxy who read as the person'),
          one('action', 'code', 'read | search | operation | create | update | delete'),
          opt('operation', 'code', 'the operation (e.g. clinical-information)'),
          one('what', 'string', 'resource types or the view'),
          one('basis', 'code', 'consent | registrant | emergency | disaster | membership | operator | addressee | none | other'),
          opt('consent', 'id', 'the Consent id of a consent or emergency basis'),
          opt('purpose', 'code', 'purpose of use (TREAT, ETREAT …)'),
          one('emergency', 'boolean', 'an emergency, ambulance or disaster access (purpose ETREAT or DISASTER, or an emergency basis)'),
          one('outcome', 'code', 'allowed | refused'),
        ],
      },
      { name: 'emergencyCount', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'how many of the accesses are emergency accesses' },
    ],
  },
  'my-letters': {
    id: 'my-letters',
    code: 'my-letters',
    url: url('my-letters'),
    title: '紹介状の送付記録 / Letters sent about me',
    description:
      'The signed-in patient: that a referral letter or discharge summary about them was sent — kind, sender, addressee, when, state; never its content (national rule).',
    system: true,
    instance: false,
    affectsState: false,
    parameters: [
      PATIENT_IN,
      {
        name: 'letter',
        use: 'out',
        min: 0,
        max: '*',
        documentation: 'one per letter, newest first',
        part: [
          one('id', 'id', 'the letter id'),
          one('kind', 'code', 'referral | discharge-summary'),
          one('senderCode', 'string', '医療機関コード of the sender'),
          one('senderName', 'string', 'its name'),
          one('addresseeCode', 'string', '医療機関コード of the addressee'),
          one('addresseeName', 'string', 'its name'),
          one('sentAt', 'instant', 'when it was sent'),
          one('state', 'code', 'sent | received | acknowledged | erased'),
        ],
      },
    ],
  },
  'my-data': {
    id: 'my-data',
    code: 'my-data',
    url: url('my-data'),
    title: '本人データのダウンロード / Download of my data (FHIR)',
    description:
      'The signed-in patient: their own data as one collection Bundle (Patient, coverage, consents, the 6 information in force except 未告知, patient summaries, check-up reports, prescriptions and dispensings), as an attachment.',
    system: true,
    instance: false,
    affectsState: false,
    parameters: [PATIENT_IN, { name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle', documentation: 'a collection Bundle' }],
  },
  'my-data-pdf': {
    id: 'my-data-pdf',
    code: 'my-data-pdf',
    url: url('my-data-pdf'),
    title: '本人データの印刷用PDF / My data as a printable PDF',
    description: 'The signed-in patient: the same data as $my-data as a printable Japanese document (application/pdf, A4, page numbers), as an attachment.',
    system: true,
    instance: false,
    affectsState: false,
    parameters: [PATIENT_IN, { name: 'return', use: 'out', min: 1, max: '1', type: 'Binary', documentation: 'the PDF (application/pdf)' }],
  },
};
