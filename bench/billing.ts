/**
 * The fee calculation (src/services/billing): a month of a clinic — 2,000 visits of 700 patients (1 to 6 visits each,
 * items drawn from the sample master: 初診・再診, 外来管理加算, 特定疾患療養管理料, 処方箋料, tests with their 判断料 and
 * まるめ, time additions, children and elderly, caps and 公費) — calculated in process:
 *   - the window path: every visit with its month's earlier visits (what $calculate does at the desk), visits/s;
 *   - the month path: each patient's visits in one pass (what the claim does), visits/s;
 *   - the claim file of the 2,000 visits (レセ電, Shift_JIS);
 *   - the floor: the master lookups of the same items alone (the least any calculation must do), for the ratio.
 * Target (issue 16): well under a second per 1,000 visits.
 *
 *   npx tsx bench/billing.ts [--quick]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateMonth, calculateVisit, checkCase, claimFile, claimPayerOf, sampleFeeMaster, type VisitCase } from '../src/services/billing/index.ts';
import type { PatientInput, VisitInput } from '../src/services/billing/model/types.ts';
import { seededRandom } from './seeded-random.ts';

export interface BillingBenchResult {
  visits: number;
  patients: number;
  windowPath: { seconds: number; visitsPerSecond: number; msPer1000: number };
  monthPath: { seconds: number; visitsPerSecond: number; msPer1000: number };
  claimFile: { seconds: number; receipts: number; bytes: number; msPer1000: number };
  floor: { seconds: number; lookupsPerSecond: number; msPer1000Visits: number };
  /** window path time ÷ floor time. */
  windowOverFloor: number;
}

const ITEMS = {
  management: ['112011010', '113001810'],
  prescription: ['120002910', '120004270'],
  tests: ['160008010', '160010010', '160054710', '160000310', '160095710'],
  biochem: ['160017410', '160019010', '160019210', '160019310', '160019410', '160020910', '160022510', '160022610', '160020410', '160023410'],
};

function patientOf(rand: () => number, i: number): PatientInput {
  const kind = rand();
  const birthDate = kind < 0.1 ? '2021-06-15' : kind < 0.3 ? '1952-03-10' : kind < 0.45 ? '1945-08-20' : '1980-01-01';
  const kouki = birthDate === '1945-08-20';
  return {
    id: `p${i}`,
    name: `患者 ${i}`,
    birthDate,
    sex: i % 2 ? 'male' : 'female',
    insurance: {
      insurerNumber: kouki ? '39131234' : '06132013',
      copayRatio: kouki ? 1 : 3,
      limitCategory: kind > 0.9 ? 'u70-e' : null,
      ...(birthDate === '1952-03-10' ? { elderly: { copayRatio: 2 } } : {}),
    },
    publicExpenses: kind > 0.97 ? [{ payerNumber: '54136015', recipientNumber: '1234566', monthlyCapYen: 5000 }] : [],
    localSubsidies: birthDate === '2021-06-15' ? [{ payerNumber: '88132019', recipientNumber: '7654321', perVisitYen: 200 }] : [],
  };
}

function visitOf(rand: () => number, date: string): VisitInput {
  const items: string[] = [];
  const pick = (list: string[], p: number) => {
    for (const c of list) if (rand() < p) items.push(c);
  };
  pick(ITEMS.management, 0.4);
  pick(ITEMS.prescription, 0.6);
  pick(ITEMS.tests, 0.25);
  if (rand() < 0.2) items.push(...ITEMS.biochem.slice(0, 4 + Math.floor(rand() * 7)));
  const hour = rand() < 0.1 ? 19 : 9 + Math.floor(rand() * 8);
  return {
    date,
    time: `${String(hour).padStart(2, '0')}:30`,
    lastVisitDate: '2025-03-10',
    items: items.map((code) => ({ code })),
    diagnoses: [{ code: '8833421', name: '高血圧症', main: true }],
  };
}

/** 2,000 visits of 700 patients in April 2025 (weekdays), each patient's visits in date order. */
function month(total: number): VisitCase[][] {
  const rand = seededRandom(16);
  const days = Array.from({ length: 30 }, (_, i) => `2025-04-${String(i + 1).padStart(2, '0')}`).filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() !== 0);
  const patients = Math.round(total * 0.35);
  const counts = Array.from({ length: patients }, () => 1);
  for (let left = total - patients; left > 0; left--) counts[Math.floor(rand() * patients)]++;
  return counts.map((n, i) => {
    const patient = patientOf(rand, i);
    const dates = Array.from({ length: n }, () => days[Math.floor(rand() * days.length)]).sort();
    const visits = dates.map((d) => visitOf(rand, d));
    return visits.map((visit, k) => checkCase({ facility: { code: '1310000003', name: 'つなぐ内科クリニック' }, patient, visit, history: visits.slice(0, k) }));
  });
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

export async function benchBilling(opts: { quick?: boolean } = {}): Promise<BillingBenchResult> {
  const total = opts.quick ? 400 : 2000;
  const master = sampleFeeMaster();
  const cases = month(total);
  const visits = cases.reduce((n, c) => n + c.length, 0);
  // warm-up (JIT, the Shift_JIS table)
  for (const c of cases.slice(0, 20)) calculateVisit(master, c[c.length - 1]);

  let t0 = performance.now();
  for (const patient of cases) for (const c of patient) calculateVisit(master, c);
  const windowSeconds = seconds(t0);

  t0 = performance.now();
  const results = cases.flatMap((patient) =>
    calculateMonth(master, patient[patient.length - 1]).map(({ visit, result }) => ({ visitCase: { ...patient[0], visit, history: [] }, result })),
  );
  const shaho = results.filter((v) => claimPayerOf(v.visitCase.patient.insurance) === 'shaho');
  const monthSeconds = seconds(t0);

  claimFile({ facility: cases[0][0].facility, month: '2025-04', payer: 'shaho', visits: shaho.slice(0, 50) });
  t0 = performance.now();
  const file = claimFile({ facility: cases[0][0].facility, month: '2025-04', payer: 'shaho', visits: shaho });
  const kokuho = claimFile({ facility: cases[0][0].facility, month: '2025-04', payer: 'kokuho', visits: results.filter((v) => !shaho.includes(v)) });
  const claimSeconds = seconds(t0);

  // floor: only the master lookups of every entered item and the basic fee, once per visit
  let lookups = 0;
  t0 = performance.now();
  for (const patient of cases)
    for (const c of patient) {
      master.item('112007410', c.visit.date);
      lookups++;
      for (const it of c.visit.items) {
        master.item(it.code, c.visit.date);
        lookups++;
      }
    }
  const floorSeconds = seconds(t0);

  const per1000 = (s: number) => Math.round((s / visits) * 1000 * 1000 * 10) / 10;
  return {
    visits,
    patients: cases.length,
    windowPath: { seconds: windowSeconds, visitsPerSecond: Math.round(visits / windowSeconds), msPer1000: per1000(windowSeconds) },
    monthPath: { seconds: monthSeconds, visitsPerSecond: Math.round(visits / monthSeconds), msPer1000: per1000(monthSeconds) },
    claimFile: {
      seconds: claimSeconds,
      receipts: file.receipts + kokuho.receipts,
      bytes: file.bytes.length + kokuho.bytes.length,
      msPer1000: per1000(claimSeconds),
    },
    floor: { seconds: floorSeconds, lookupsPerSecond: Math.round(lookups / floorSeconds), msPer1000Visits: per1000(floorSeconds) },
    windowOverFloor: Math.round((windowSeconds / floorSeconds) * 10) / 10,
  };
}

export function billingTable(r: BillingBenchResult): Record<string, string | number>[] {
  return [
    {
      measure: 'window path ($calculate: each visit with its month)',
      visits: r.visits,
      'visits/s': r.windowPath.visitsPerSecond,
      'ms per 1,000 visits': r.windowPath.msPer1000,
    },
    {
      measure: 'month path (each patient in one pass)',
      visits: r.visits,
      'visits/s': r.monthPath.visitsPerSecond,
      'ms per 1,000 visits': r.monthPath.msPer1000,
    },
    {
      measure: `claim files 社保+国保 (${r.claimFile.receipts} receipts, ${Math.round(r.claimFile.bytes / 1024)} KiB)`,
      visits: r.visits,
      'visits/s': Math.round(r.visits / r.claimFile.seconds),
      'ms per 1,000 visits': r.claimFile.msPer1000,
    },
    {
      measure: `floor: master lookups only (window ÷ floor = ${r.windowOverFloor}×)`,
      visits: r.visits,
      'visits/s': Math.round(r.visits / r.floor.seconds),
      'ms per 1,000 visits': r.floor.msPer1000Visits,
    },
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchBilling({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(r, null, 2));
}
