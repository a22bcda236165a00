/**
 * The code checks of the EHR information-sharing service (電子カルテ情報共有サービス): which of the 5 information
 * an item is, whether its codes are in the lists and valid, the lists themselves (samples, IG CodeSystems,
 * imported official files) and their table.
 */
export { type Classified, classify, type ItemKind } from './item-kind.ts';
export { checkItemCodes } from './code-check.ts';
export { type CodeIssue, relativePath } from './code-issue.ts';
export { type CodeEntry, CodeLists, LIST_NAMES, type ListName, type Validity } from './code-lists.ts';
export { japanDate } from '../../../platform/master-files/japan-date.ts';
export { fromCodeSystems } from './code-systems.ts';
export { sampleEntries } from './samples.ts';
export {
  type ImportOptions,
  type ImportResult,
  parseDiseaseMaster,
  parseDrugMaster,
  parseJfagyList,
  parseJlac10List,
} from './importers.ts';
export { type TextEncoding, decodeText } from '../../../platform/master-files/csv.ts';
export { codeSources, deleteCodeSource, type LoadExtra, loadCodeLists, type SaveOptions, saveCodeEntries } from './code-store.ts';
export { codeTablesMigration } from './schema.ts';
export * as codeSystems from './systems.ts';
