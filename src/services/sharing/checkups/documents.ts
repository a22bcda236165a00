/**
 * The documents of the sharing service kept in the store — check-up reports (❷, checkups/) and patient summaries
 * (❹, summary/) — as index.ts registers them: their migrations and their operations.
 */
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { registerSummaryOperations } from '../summary/register.ts';
import { summariesMigration } from '../summary/schema.ts';
import { registerCheckupOperations } from './register.ts';
import { checkupsMigration } from './schema.ts';

export const documentMigrations = [checkupsMigration, summariesMigration];

export function registerDocumentOperations(operations: OperationRegistry, rt: SharingRuntime): void {
  registerCheckupOperations(operations, rt);
  registerSummaryOperations(operations, rt);
}
