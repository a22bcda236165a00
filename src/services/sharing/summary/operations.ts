/** The patient summary operations, described once (OperationSpec): definitions, routes and checks follow. */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import type { OperationSpec } from '../../../platform/router/operations/operation-spec.ts';

const url = (id: string) => `${TSUNAGU_CANONICAL}/OperationDefinition/${id}`;

export const SUMMARY_SPECS: Record<string, OperationSpec> = {
  'register-patient-summary': {
    id: 'register-patient-summary',
    staffAction: 'record',
    code: 'register-patient-summary',
    url: url('register-patient-summary'),
    title: '患者サマリーの登録 / Registration of a patient summary (JP_Bundle_ePCS)',
    description:
      'A facility registers a JP_Bundle_ePCS document for one person: main and secondary diagnoses and the care plan / advice. Validated whole against the JP-CLINS profile, the person resolved from the Patient’s JP_Insurance_memberID and birth date, the author Organization, Bundle.identifier and JP_eCS_InstitutionNumber must name the caller, no UNINFORMED diagnosis; refused whole with every issue (422), nothing stored. A new registration replaces the facility’s earlier summary of the person (a new version).',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'resource', use: 'in', min: 1, max: '1', type: 'Bundle', documentation: 'the JP_Bundle_ePCS', label: '登録する患者サマリー' },
      { name: 'summary', use: 'out', min: 1, max: '1', type: 'Reference', documentation: 'the stored Composition (the same across versions)' },
      { name: 'version', use: 'out', min: 1, max: '1', type: 'integer', documentation: '1, then 2 … for each replacement' },
      { name: 'status', use: 'out', min: 1, max: '1', type: 'code', documentation: 'created | updated' },
      { name: 'entry', use: 'out', min: 0, max: '*', type: 'Reference', documentation: 'the stored diagnoses and care plan' },
    ],
  },
  'patient-summary': {
    id: 'patient-summary',
    staffAction: 'view-shared',
    code: 'patient-summary',
    url: url('patient-summary'),
    title: '患者サマリーの閲覧 / The patient summary',
    description:
      'For the person: a collection Bundle of every facility’s summary (Composition, main and secondary diagnoses, care plan) and the person’s allergies, infections, labs and prescriptions of the 6 information in force, except UNINFORMED ones; each entry names its part (extension patient-summary-part). A facility sees only the summaries it registered. Audited.',
    system: false,
    resource: ['Patient'],
    instance: true,
    affectsState: false,
    parameters: [{ name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle', documentation: 'collection of the summary' }],
  },
};
