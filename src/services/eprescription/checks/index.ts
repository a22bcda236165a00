/**
 * Duplicate and contraindication checks (重複投薬・併用禁忌チェック) of the e-prescription service: the interaction
 * data (CSV import, table, shipped sample, in-memory index) and the check itself, independent of where prescriptions
 * are stored — a caller passes the lines. See README.md in this folder.
 */
export { type AlertKind, type CheckAlert, type ConflictingItem, isRedacted, type RedactedAlert, redactAlert } from './alerts.ts';
export { CHECK_WINDOW_DAYS, type CheckOptions, checkMedications } from './check.ts';
export type { TextEncoding } from '../../../platform/master-files/csv.ts';
export {
  type DrugKeys,
  type FacilityKind,
  type KeyFormat,
  keysFromYj,
  type LineSource,
  type MedicationLine,
  YJ_KEY_FORMAT,
} from './drug-keys.ts';
export {
  INTERACTION_CSV_COLUMNS,
  type ImportProgress,
  InteractionFileError,
  type ParseOptions,
  type ParseResult,
  parseInteractionCsv,
  type RefusedRow,
} from './import-csv.ts';
export { InteractionIndex } from './rule-index.ts';
export { type ImportCsvOptions, type ImportReport, InteractionRuleSet } from './rule-set.ts';
export type { ContraindicationRule, DuplicateClassRule, InteractionRule, RuleScope, RuleSide } from './rules.ts';
export { ruleIdentity } from './rules.ts';
export { SAMPLE_DATASET, sampleRules } from './samples.ts';
export { interactionsMigration } from './schema.ts';
export { deleteInteractionDataset, interactionDatasets, type LoadOptions, loadInteractionRules, type SaveOptions, saveInteractionRules } from './store.ts';
