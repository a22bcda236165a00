/** The sharing service's FHIR operations, described once (OperationSpec): definitions, routes and checks follow. */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';
import type { OperationSpec } from '../../../platform/router/operations/operation-spec.ts';

const url = (id: string) => `${TSUNAGU_CANONICAL}/OperationDefinition/${id}`;

const ITEM_OUT = [
  { name: 'reference', min: 1, max: '1', type: 'Reference', documentation: 'the stored item' },
  { name: 'kind', min: 1, max: '1', type: 'code', documentation: 'diagnosis | infection | drug-allergy | other-allergy | lab | prescription' },
  { name: 'identifier', min: 1, max: '1', type: 'string', documentation: 'its business identifier (system|value)' },
  { name: 'status', min: 1, max: '1', type: 'code', documentation: 'created | updated (re-registration: a new version)' },
];

export const SHARING_SPECS: Record<string, OperationSpec> = {
  'register-clinical-information': {
    id: 'register-clinical-information',
    staffAction: 'record',
    code: 'register-clinical-information',
    url: url('register-clinical-information'),
    title: '6情報の登録 / Registration of the clinical information (JP_Bundle_CLINS)',
    description:
      'A facility registers diagnoses, infections, allergies and lab results (and prescriptions) of one patient as a JP_Bundle_CLINS of one category. Validated against the JP-CLINS profile, codes and flags checked, the patient resolved from JP_Insurance_memberID and birth date; refused whole with every issue (422), nothing stored. An item with a business identifier the facility registered before becomes a new version.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'resource', use: 'in', min: 1, max: '1', type: 'Bundle', documentation: 'the JP_Bundle_CLINS', label: '登録する Bundle' },
      { name: 'registered', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'how many items were stored' },
      { name: 'item', use: 'out', min: 0, max: '*', documentation: 'one per stored item, in Bundle order', part: ITEM_OUT },
    ],
  },
  'clinical-information': {
    id: 'clinical-information',
    staffAction: 'view-shared',
    code: 'clinical-information',
    url: url('clinical-information'),
    title: '6情報の閲覧 / The shared clinical information of a patient',
    description:
      'Items in force of the patient as a searchset Bundle. Facilities and pharmacies: their own items, and other facilities’ items of the consent groups the patient permitted there (surgery: diagnoses, infections; medication: allergies, labs, prescriptions), never UNDELIVERED ones, held items only under consent given after the hold; refused groups are named in an OperationOutcome entry. The patient: everything except UNINFORMED. Every view is audited with its basis.',
    system: false,
    resource: ['Patient'],
    instance: true,
    affectsState: false,
    parameters: [
      { name: 'kind', use: 'in', min: 0, max: '*', type: 'code', documentation: 'only these kinds (comma-separated in GET)', label: '種類' },
      { name: '_count', use: 'in', min: 0, max: '1', type: 'integer', documentation: 'items per page (default 100, at most 1000)', label: '件数' },
      { name: '_offset', use: 'in', min: 0, max: '1', type: 'integer', documentation: 'items to skip (the paging links carry it)', label: '開始位置' },
      { name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle', documentation: 'searchset of the items' },
    ],
  },
  'withdraw-clinical-information': {
    id: 'withdraw-clinical-information',
    staffAction: 'record',
    code: 'withdraw-clinical-information',
    url: url('withdraw-clinical-information'),
    title: '6情報の取下げ / Withdrawal of an item',
    description: 'The registering facility withdraws one of its items (by reference, or by resourceType and business identifier value); it leaves every view.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'item', use: 'in', min: 0, max: '1', type: 'Reference', documentation: 'the item', label: '取り下げる項目' },
      { name: 'resourceType', use: 'in', min: 0, max: '1', type: 'code', documentation: 'Condition | Observation | AllergyIntolerance | MedicationRequest' },
      { name: 'identifier', use: 'in', min: 0, max: '1', type: 'string', documentation: 'the business identifier value (resourceInstance-identifier)' },
      { name: 'withdrawn', use: 'out', min: 1, max: '1', type: 'Reference', documentation: 'the withdrawn item' },
    ],
  },
  'hold-clinical-information': {
    id: 'hold-clinical-information',
    code: 'hold-clinical-information',
    url: url('hold-clinical-information'),
    title: '閲覧保留 / Put viewing on hold',
    description:
      'The patient holds one item (item) or a consent group (group: surgery | medication | checkup, optionally at one facility): facilities then see it only under consent given after the hold.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'item', use: 'in', min: 0, max: '1', type: 'Reference', documentation: 'one item', label: '保留する項目' },
      { name: 'group', use: 'in', min: 0, max: '1', type: 'code', documentation: 'surgery | medication | checkup', label: '同意区分' },
      { name: 'facility', use: 'in', min: 0, max: '1', type: 'string', documentation: '医療機関コード (group holds: only there)', label: '医療機関コード' },
      { name: 'hold', use: 'out', min: 1, max: '1', type: 'string', documentation: 'the hold id (to release it)' },
    ],
  },
  'release-clinical-information-hold': {
    id: 'release-clinical-information-hold',
    code: 'release-clinical-information-hold',
    url: url('release-clinical-information-hold'),
    title: '閲覧保留の解除 / Release a hold',
    description: 'The patient ends a hold; consents given before it open again while valid.',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'hold', use: 'in', min: 1, max: '1', type: 'string', documentation: 'the hold id', label: '保留ID' },
      { name: 'released', use: 'out', min: 1, max: '1', type: 'boolean', documentation: 'true' },
    ],
  },
  'purge-expired-clinical-information': {
    id: 'purge-expired-clinical-information',
    code: 'purge-expired-clinical-information',
    url: url('purge-expired-clinical-information'),
    title: '保存期間経過分の削除 / Purge of expired items',
    description: 'Operators: deletes items past their retention and erases letters past their time (idempotent; also run on a schedule).',
    system: true,
    instance: false,
    affectsState: true,
    parameters: [
      { name: 'purged', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'how many items were deleted' },
      { name: 'erasedLetters', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'how many referral letters / discharge summaries were erased' },
      { name: 'purgedCheckups', use: 'out', min: 1, max: '1', type: 'integer', documentation: 'how many check-up reports past 5 years were deleted' },
    ],
  },
};
