/**
 * The shipped SAMPLE of interaction data (samples/interactions.csv): well-known 併用禁忌 pairs, each with the
 * package-insert statement and where it is published, and one sample duplicate class. Not an official database — an
 * operator imports one (rule-set.ts importCsv); the sample stays loaded beside it unless turned off.
 */
import { readFileSync } from 'node:fs';
import { parseInteractionCsv } from './import-csv.ts';
import type { InteractionRule } from './rules.ts';

export const SAMPLE_DATASET = 'sample';

let cached: InteractionRule[] | undefined;

/** The sample rules; throws when the sample file has a refused row (a defect of the shipped file, caught by tests). */
export function sampleRules(): InteractionRule[] {
  if (!cached) {
    const file = new URL('./samples/interactions.csv', import.meta.url);
    const { rules, refused } = parseInteractionCsv(readFileSync(file, 'utf8'));
    if (refused.length > 0) throw new Error(`${file.pathname}: ${refused.map((r) => `line ${r.line}: ${r.reason}`).join('; ')}`);
    cached = rules.map((r) => ({ ...r, dataset: SAMPLE_DATASET }));
  }
  return cached;
}
