/**
 * The interaction data a running service checks against: loaded from the table once, indexed in memory
 * (rule-index.ts), and rebuilt after an import through it. A check never touches the database.
 *
 * Several nodes: an import on one node refreshes that node; the others call `refresh()` (e.g. on a schedule or a
 * notification) — until then they keep checking against the rules they loaded.
 */
import type { Database } from '../../../platform/storage/database.ts';
import type { TextEncoding } from '../../../platform/master-files/csv.ts';
import type { KeyFormat } from './drug-keys.ts';
import { type ImportProgress, parseInteractionCsv, type RefusedRow } from './import-csv.ts';
import { InteractionIndex } from './rule-index.ts';
import { loadInteractionRules, saveInteractionRules } from './store.ts';

export interface ImportCsvOptions {
  /** The import's name; by default its earlier rows are replaced (`replace: false` adds to them). */
  dataset: string;
  replace?: boolean;
  encoding?: TextEncoding;
  keyFormat?: KeyFormat;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportReport {
  dataset: string;
  /** Data rows in the file. */
  rows: number;
  /** Rules written (the good rows). */
  saved: number;
  refused: RefusedRow[];
  /** The index after the import: its combination and duplicate-class counts. */
  contraindications: number;
  duplicateClasses: number;
}

export class InteractionRuleSet {
  private current: Promise<InteractionIndex> | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: { samples?: boolean } = {},
  ) {}

  /** The index; loaded on first use, then kept. */
  index(): Promise<InteractionIndex> {
    if (!this.current) {
      const loading = this.load();
      this.current = loading;
      loading.catch(() => {
        if (this.current === loading) this.current = undefined; // a failed load is retried by the next call
      });
    }
    return this.current;
  }

  /** Reloads from the table; checks keep the previous index until the new one is ready. */
  async refresh(): Promise<InteractionIndex> {
    const next = await this.load();
    this.current = Promise.resolve(next);
    return next;
  }

  /**
   * Reads an interaction file, saves its good rows in one transaction (replacing the dataset's earlier rows unless
   * `replace: false`) and refreshes the index. Refused rows are reported with their line numbers; a file with no good
   * row changes nothing; a file that cannot be read at all throws InteractionFileError and changes nothing.
   */
  async importCsv(data: Uint8Array | string, opts: ImportCsvOptions): Promise<ImportReport> {
    if (!opts.dataset.trim()) throw new TypeError('dataset: a name is required');
    const parsed = parseInteractionCsv(data, { encoding: opts.encoding, keyFormat: opts.keyFormat, onProgress: opts.onProgress });
    let saved = 0;
    if (parsed.rules.length > 0) {
      saved = await this.db.transaction((tx) =>
        saveInteractionRules(tx, opts.dataset, parsed.rules, {
          replace: opts.replace !== false,
          batchSize: opts.batchSize,
          onProgress: (done, total) => opts.onProgress?.({ phase: 'save', done, total }),
        }),
      );
    }
    const index = saved > 0 ? await this.refresh() : await this.index();
    return {
      dataset: opts.dataset,
      rows: parsed.rows,
      saved,
      refused: parsed.refused,
      contraindications: index.contraindications,
      duplicateClasses: index.duplicateClassCount,
    };
  }

  private async load(): Promise<InteractionIndex> {
    return new InteractionIndex(await loadInteractionRules(this.db, { samples: this.options.samples !== false }));
  }
}
