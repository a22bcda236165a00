/**
 * The SAMPLE fee master shipped in ./sample (see its README.md): a few dozen rows of the 令和6年度 診療報酬点数表 in
 * the official file layouts, for tests and the demo — not for billing. Read once and cached.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FeeMaster } from '../model/types.ts';
import { readBundleStepsCsv } from './bundle-steps-reader.ts';
import { expandInclusions, type FeeMasterData, feeMasterFrom } from './fee-master.ts';
import { readFeeMasterCsv } from './items-reader.ts';
import type { ReadResult } from './read-result.ts';
import { readCountLimitTableCsv, readExclusionTableCsv, readInclusionTableCsv, readSupportTableCsv } from './relations-reader.ts';

/** The sample files, by role (paths inside src/services/billing/master/sample). */
export const SAMPLE_FILES = {
  items: 's_sample.csv',
  support: '01_support.csv',
  inclusions: '02_inclusions.csv',
  exclusionsDay: '03-1_exclusions_day.csv',
  exclusionsMonth: '03-2_exclusions_month.csv',
  countLimits: '05_count_limits.csv',
  bundleSteps: 'bundle_steps.csv',
} as const;

export const SAMPLE_DESCRIPTION = 'サンプル医科診療行為マスター（令和6年度・令和8年度の一部、テスト・デモ用 / SAMPLE, not for billing）';

/** The absolute path of a sample file. */
export function samplePath(name: string): string {
  return fileURLToPath(new URL(`./sample/${name}`, import.meta.url));
}

/** Every row of a sample file; a refused row is a bug in the sample and throws. */
function rowsOf<T>(name: string, read: (data: Uint8Array, source: string) => ReadResult<T>): T[] {
  const result = read(readFileSync(samplePath(name)), `sample/${name}`);
  if (result.refused.length || result.skipped.length || result.erased.length) {
    const first = result.refused[0] ?? result.skipped[0];
    throw new Error(`サンプルマスター ${name} に読めない行があります: ${first ? `${first.line} 行目 ${first.reason}` : '抹消行'}`);
  }
  return result.rows;
}

/** The sample's data (items, relations, まるめ steps) as plain rows. */
export function sampleFeeMasterData(): FeeMasterData {
  const source = (name: string) => ({ source: `${SAMPLE_DESCRIPTION} sample/${name}` });
  return {
    items: rowsOf(SAMPLE_FILES.items, (d) => readFeeMasterCsv(d)).map((i) => ({
      ...i,
      source: i.validFrom >= '2026-06-01' ? 'サンプル: 医科診療行為マスター 令和8年度版' : 'サンプル: 令和6年厚生労働省告示第57号（令和6年度 診療報酬点数表）',
    })),
    countLimits: rowsOf(SAMPLE_FILES.countLimits, (d) => readCountLimitTableCsv(d, source(SAMPLE_FILES.countLimits))),
    exclusions: [
      ...rowsOf(SAMPLE_FILES.exclusionsDay, (d) => readExclusionTableCsv(d, 'day')),
      ...rowsOf(SAMPLE_FILES.exclusionsMonth, (d) => readExclusionTableCsv(d, 'month')),
    ],
    inclusions: expandInclusions(
      rowsOf(SAMPLE_FILES.support, (d) => readSupportTableCsv(d)),
      rowsOf(SAMPLE_FILES.inclusions, (d) => readInclusionTableCsv(d)),
    ),
    bundleSteps: rowsOf(SAMPLE_FILES.bundleSteps, (d) => readBundleStepsCsv(d)),
  };
}

let cached: FeeMaster | undefined;
/** The sample master (cached after the first call). */
export function sampleFeeMaster(): FeeMaster {
  cached ??= feeMasterFrom(sampleFeeMasterData(), SAMPLE_DESCRIPTION);
  return cached;
}
