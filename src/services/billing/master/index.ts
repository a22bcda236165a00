/**
 * The fee master of the billing service (医科診療行為マスター + 医科電子点数表): readers of the official files, the
 * import into the service's tables, the in-memory master the calculation reads, and the shipped sample.
 */
export { decodeMasterText, type MasterEncoding, parseCsv, type CsvRecord } from './csv.ts';
export {
  BUNDLE_GROUP_NAMES,
  COUNT_UNITS,
  EXCLUSION_SCOPE_NAMES,
  JUDGEMENT_GROUP_NAMES,
  SPECIAL_AGE_CODES,
  exclusionScopeOfFileName,
} from './codes.ts';
export type { MasterRowReport, ReadOptions, ReadResult } from './read-result.ts';
export { ITEM_COLUMNS, ITEM_MIN_FIELDS, readFeeMasterCsv } from './items-reader.ts';
export {
  type InclusionLink,
  type InclusionMember,
  readCountLimitTableCsv,
  readExclusionTableCsv,
  readInclusionTableCsv,
  readSupportTableCsv,
} from './relations-reader.ts';
export { BUNDLE_STEP_HEADER, readBundleStepsCsv } from './bundle-steps-reader.ts';
export { expandInclusions, type FeeMasterData, feeMasterFrom } from './fee-master.ts';
export {
  type FeeMasterFiles,
  type ImportOptions,
  type ImportResult,
  type ImportRowReport,
  importFeeMaster,
  loadFeeMaster,
  type MasterFileInput,
  MasterImportError,
} from './store.ts';
export { SAMPLE_DESCRIPTION, SAMPLE_FILES, sampleFeeMaster, sampleFeeMasterData, samplePath } from './sample.ts';
export { billingMigration } from '../schema/schema.ts';
