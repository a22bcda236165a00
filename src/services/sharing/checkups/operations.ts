/** The check-up report operations, described once (OperationSpec): definitions, routes and checks follow. */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import type { OperationSpec } from '../../../platform/router/operations/operation-spec.ts';

const url = (id: string) => `${TSUNAGU_CANONICAL}/OperationDefinition/${id}`;

export const CHECKUP_SPECS: Record<string, OperationSpec> = {
  'register-checkup-report': {
    id: 'register-checkup-report',
    staffAction: 'record',
    code: 'register-checkup-report',
    url: url('register-checkup-report'),
    title: '健診結果報告書の登録 / Registration of a health check-up report (JP_Bundle_eCheckupGeneral)',
    description:
      'The check-up provider (a facility, by its 医療機関コード, which must be the report’s custodian or author Organization) registers a JP_Bundle_eCheckupGeneral document. Validated whole against the eCheckupReport profile, the person resolved from the Patient’s JP_Insurance_memberID and birth date; refused whole with every issue (422), nothing stored. Its Composition, Observations, DiagnosticReports and attachments are stored labelled with the consent category checkup (insurers within membership, facilities with the check-up consent, the person). A report registered before under the same Composition.identifier becomes a new version. The person is notified (topic checkup-registered).',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'resource', use: 'in', min: 1, max: '1', type: 'Bundle', documentation: 'the JP_Bundle_eCheckupGeneral', label: '登録する健診結果報告書' },
      { name: 'report', use: 'out', min: 1, max: '1', type: 'Reference', documentation: 'the stored Composition' },
      { name: 'kind', use: 'out', min: 1, max: '1', type: 'code', documentation: 'specific | elderly | employer | school | other' },
      { name: 'checkupDate', use: 'out', min: 1, max: '1', type: 'date', documentation: 'the check-up date (受診日)' },
      { name: 'version', use: 'out', min: 1, max: '1', type: 'integer', documentation: '1, then 2 … for re-registrations' },
      { name: 'status', use: 'out', min: 1, max: '1', type: 'code', documentation: 'created | updated' },
      { name: 'result', use: 'out', min: 0, max: '*', type: 'Reference', documentation: 'the stored results and attachments' },
    ],
  },
  'checkup-reports': {
    id: 'checkup-reports',
    staffAction: 'view-shared',
    code: 'checkup-reports',
    url: url('checkup-reports'),
    title: '健診結果報告書の閲覧 / The check-up reports of a patient',
    description:
      'Reports in force (5 years from the check-up date) as a searchset Bundle: each Composition (match) followed by its results (include), newest first. The person: all; the registering provider: its own; other facilities and pharmacies: with the patient’s check-up consent there (otherwise an OperationOutcome entry says so); insurers: their members’ reports dated within the membership. Every view is audited with its basis.',
    system: false,
    resource: ['Patient'],
    instance: true,
    affectsState: false,
    parameters: [{ name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle', documentation: 'searchset of the reports' }],
  },
  'withdraw-checkup-report': {
    id: 'withdraw-checkup-report',
    staffAction: 'record',
    code: 'withdraw-checkup-report',
    url: url('withdraw-checkup-report'),
    title: '健診結果報告書の取下げ / Withdrawal of a check-up report',
    description: 'The registering provider withdraws one of its reports (by its Composition); it leaves every view.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'report', use: 'in', min: 1, max: '1', type: 'Reference', documentation: 'the report’s Composition', label: '取り下げる報告書' },
      { name: 'withdrawn', use: 'out', min: 1, max: '1', type: 'Reference', documentation: 'the withdrawn report' },
    ],
  },
};
