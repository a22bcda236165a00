/**
 * The drug master (医薬品マスター) of the e-prescription service: codes in four systems, names by date, the keys of the
 * duplicate and interaction checks, importers of the official files, the table and the shipped sample.
 */
export { DRUG_SYSTEM_LABELS, DRUG_SYSTEM_URIS, DRUG_SYSTEMS, type DrugSystem, drugSystemOf, isDrugSystem, preferredUri } from './systems.ts';
export { dummyReason, malformedReason, type Reason } from './code-shape.ts';
export { checkKeysOf, classKeyOf, type DrugEntry, genericKeyOf, ingredientKeyOf, sameGeneric, withKeys } from './drug-entry.ts';
export type { DrugProblem, DrugProblemKind } from './problems.ts';
export { DrugMaster, type DrugLookup, guessSystem, isDrugProblem } from './drug-master.ts';
export { displayAgrees, normalizeDrugName } from './name-match.ts';
export {
  type DrugImportOptions,
  type DrugImportResult,
  GENERAL_NAME_COLUMNS,
  type GeneralNameColumns,
  parseGeneralNameMaster,
  parseReceiptDrugMaster,
  RECEIPT_MASTER_COLUMNS,
  type ReceiptMasterColumns,
} from './importers.ts';
export { deleteDrugSource, drugSources, loadDrugMaster, rowKey, type SaveDrugOptions, saveDrugEntries } from './store.ts';
export { drugMasterMigration } from './schema.ts';
export { sampleDrugEntries } from './samples.ts';
