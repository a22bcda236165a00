/**
 * Micro-benchmark of the duplicate and contraindication check (src/services/eprescription/checks): 1,000 checks of a
 * patient with 60 active medications against 3,000 generated 併用禁忌 pairs (10% of them class-level) and 40 duplicate
 * classes, in process (no database: the rules are indexed in memory once, as the service does). Two shapes:
 * a new prescription of 5 lines against the 60, and all 60 lines re-checked against each other and the history.
 * Not part of bench/run.ts (the bench target — p99 < 20 ms at 50 concurrent callers — is measured there
 * through the service once it exists).
 *
 *   npx tsx bench/eprescription-checks.ts [--checks N]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkMedications, InteractionIndex, type InteractionRule, type MedicationLine, redactAlert } from '../src/services/eprescription/checks/index.ts';
import { seededRandom } from './seeded-random.ts';

export interface CheckBenchResult {
  pairs: number;
  indexBuildMs: number;
  scenarios: { name: string; candidates: number; history: number; checks: number; alertsPerCheck: number; p50Ms: number; p99Ms: number; maxMs: number }[];
}

const random = seededRandom;

const CLASSES = 400;
const INGREDIENTS = 2000; // unique keys: class (i mod 400) and the last 3 digits of i repeat only every 2,000
const classKey = (c: number) => String(1000 + c);
const ingredientKey = (i: number) => `${classKey(i % CLASSES)}${String(i).padStart(3, '0').slice(-3)}`;

function generateRules(rand: () => number, pairs: number): InteractionRule[] {
  const rules: InteractionRule[] = [];
  const seen = new Set<string>();
  while (rules.length < pairs) {
    const a = Math.floor(rand() * INGREDIENTS);
    const b = Math.floor(rand() * INGREDIENTS);
    const classLevel = rand() < 0.1;
    const key = classLevel ? `${a}|c${b % CLASSES}` : `${Math.min(a, b)}|${Math.max(a, b)}`;
    if (a === b || seen.has(key)) continue;
    seen.add(key);
    rules.push({
      kind: 'contraindicated',
      a: { scope: 'ingredient', key: ingredientKey(a) },
      b: classLevel ? { scope: 'class', key: classKey(b % CLASSES) } : { scope: 'ingredient', key: ingredientKey(b) },
      statement: 'generated',
    });
  }
  for (let c = 0; c < 40; c++) rules.push({ kind: 'duplicate-class', therapeuticClass: classKey(c * 10) });
  return rules;
}

function line(rand: () => number, daysBack: number, i: number): MedicationLine {
  const ing = Math.floor(rand() * INGREDIENTS);
  const key = ingredientKey(ing);
  const date = new Date(Date.UTC(2026, 3, 11) - daysBack * 86_400_000).toISOString().slice(0, 10);
  return {
    drug: { code: `${key}F${String(i % 10)}${String(ing).padStart(3, '0').slice(-3)}`, ingredient: key, therapeuticClass: key.slice(0, 4), name: `薬${ing}` },
    date,
    facilityKind: i % 3 === 0 ? 'pharmacy' : 'medical',
    facilityCode: `13${String(1000000 + (i % 7)).padStart(8, '0')}`,
    source: i % 3 === 0 ? 'dispensing' : 'prescription',
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export function benchEprescriptionChecks(opts: { checks?: number } = {}): CheckBenchResult {
  const checks = opts.checks ?? 1000;
  const rand = random(20260411);
  const rules = generateRules(rand, 3000);
  const t0 = performance.now();
  const index = new InteractionIndex(rules);
  const indexBuildMs = performance.now() - t0;

  const scenarios: CheckBenchResult['scenarios'] = [];
  for (const [name, candidateCount] of [
    ['new prescription (5 lines) vs 60 active', 5],
    ['all 60 re-checked vs 60 active', 60],
  ] as const) {
    const patients = Array.from({ length: 50 }, () => ({
      history: Array.from({ length: 60 }, (_, i) => line(rand, Math.floor(rand() * 100), i)),
      candidates: Array.from({ length: candidateCount }, (_, i) => line(rand, 0, i)),
    }));
    for (let w = 0; w < 200; w++) {
      const p = patients[w % patients.length];
      checkMedications(p.candidates, p.history, index, { at: '2026-04-11' });
    }
    const times: number[] = [];
    let alerts = 0;
    for (let n = 0; n < checks; n++) {
      const p = patients[n % patients.length];
      const start = performance.now();
      const found = checkMedications(p.candidates, p.history, index, { at: '2026-04-11' });
      for (const a of found) redactAlert(a, { consent: n % 2 === 0 });
      times.push(performance.now() - start);
      alerts += found.length;
    }
    times.sort((a, b) => a - b);
    scenarios.push({
      name,
      candidates: candidateCount,
      history: 60,
      checks,
      alertsPerCheck: alerts / checks,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      maxMs: times[times.length - 1],
    });
  }
  return { pairs: index.contraindications, indexBuildMs, scenarios };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const i = process.argv.indexOf('--checks');
  const result = benchEprescriptionChecks({ checks: i > 0 ? Number(process.argv[i + 1]) : undefined });
  console.log(`e-prescription checks: ${result.pairs} contraindicated pairs indexed in ${result.indexBuildMs.toFixed(1)} ms`);
  for (const s of result.scenarios) {
    console.log(
      `  ${s.name.padEnd(42)} ${s.checks} checks  p50 ${s.p50Ms.toFixed(3)} ms  p99 ${s.p99Ms.toFixed(3)} ms  max ${s.maxMs.toFixed(3)} ms  (${s.alertsPerCheck.toFixed(1)} alerts/check)`,
    );
  }
}
