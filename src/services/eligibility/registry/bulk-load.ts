/**
 * Loading an insurer's bulk file (資格情報一括登録): the streaming parser yields good records and bad lines;
 * good records go to the registry in chunks (each chunk one transaction), bad lines are reported with their
 * line number and every reason — no good line is lost because of a bad one, and a re-run of the same file
 * changes nothing (records are keyed by 保険者番号+記号+番号+枝番+資格取得年月日).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import { parseBulkBatches, readBulkFileBatches, type BulkLine } from './bulk-file.ts';
import { REGISTRY_CHUNK, applyRecords, type RegistryItem } from './registry-store.ts';

export interface LineError {
  line: number;
  reason_ja: string;
  reason_en: string;
  /** Column names concerned, when known. */
  columns?: string[];
}

export interface LoadReport {
  /** Data lines read (header excluded). */
  lines: number;
  created: number;
  updated: number;
  unchanged: number;
  /** New persons (Patients) among the created records. */
  newPersons: number;
  errors: LineError[];
  /** A bad header (or empty file): nothing was loaded. */
  fatal?: LineError;
  seconds: number;
}

export interface LoadProgress {
  bytes?: number;
  totalBytes?: number;
  lines: number;
  errors: number;
}

function emptyReport(): LoadReport {
  return { lines: 0, created: 0, updated: 0, unchanged: 0, newPersons: 0, errors: [], seconds: 0 };
}

/** Feeds parsed batches to the registry; `onProgress` after each chunk. */
export async function loadBulkLines(
  platform: ServicePlatform,
  ctx: RequestContext,
  batches: AsyncIterable<BulkLine[]>,
  onProgress?: (p: LoadProgress) => void,
): Promise<LoadReport> {
  const started = performance.now();
  const report = emptyReport();
  let pending: RegistryItem[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    for (const o of await applyRecords(platform, ctx, items)) {
      if (o.status === 'error') report.errors.push({ line: o.line, reason_ja: o.reason_ja, reason_en: o.reason_en });
      else {
        report[o.status]++;
        if (o.newPerson) report.newPersons++;
      }
    }
  };
  for await (const batch of batches) {
    for (const l of batch) {
      if (l.kind === 'error' && l.fatal) {
        report.fatal = { line: l.line, reason_ja: l.reason_ja, reason_en: l.reason_en };
        report.seconds = (performance.now() - started) / 1000;
        return report;
      }
      report.lines++;
      if (l.kind === 'error') {
        const columns = [...new Set(l.problems.map((p) => p.column).filter((c): c is NonNullable<typeof c> => !!c))];
        report.errors.push({ line: l.line, reason_ja: l.reason_ja, reason_en: l.reason_en, ...(columns.length ? { columns } : {}) });
      } else pending.push({ line: l.line, record: l.record, previousInsuredKey: l.previousInsuredKey });
      if (pending.length >= REGISTRY_CHUNK) {
        await flush();
        onProgress?.({ lines: report.lines, errors: report.errors.length });
      }
    }
  }
  await flush();
  onProgress?.({ lines: report.lines, errors: report.errors.length });
  // Fresh statistics after a large load, so reception lookups are planned as index probes from the start.
  if (report.created + report.updated >= 1000) await platform.db.query('ANALYZE elig_records, elig_person_links, elig_insurers');
  report.errors.sort((a, b) => a.line - b.line);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** Loads a bulk file from disk, reporting bytes read for a progress bar. */
export async function loadBulkFile(platform: ServicePlatform, ctx: RequestContext, path: string, onProgress?: (p: LoadProgress) => void): Promise<LoadReport> {
  let bytes = 0;
  let totalBytes = 0;
  const batches = readBulkFileBatches(path, {
    onProgress: (read, total) => {
      bytes = read;
      totalBytes = total;
    },
  });
  return loadBulkLines(platform, ctx, batches, (p) => onProgress?.({ ...p, bytes, totalBytes }));
}

/** Loads a bulk file given as text (the HTTP endpoint). */
export function loadBulkText(platform: ServicePlatform, ctx: RequestContext, text: string): Promise<LoadReport> {
  async function* once() {
    yield Buffer.from(text, 'utf8');
  }
  return loadBulkLines(platform, ctx, parseBulkBatches(once()));
}
