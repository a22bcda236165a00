/**
 * 検査値の推移: HbA1c, LDL-C and eGFR over time, from the shared lab results (6情報) and the check-up reports, matched
 * by the JLAC10 analyte code (the first 5 characters of the 17-digit code; names and local codes differ by facility).
 * Pure.
 */
import type { CheckupReport } from './checkups.ts';
import type { SharedItem } from './clinical.ts';

export interface TrendPoint {
  /** YYYY-MM-DD. */
  date: string;
  value: number;
  /** 医療機関コード of a lab result, or undefined for a check-up. */
  facilityCode?: string;
  /** The check-up provider's name (check-ups). */
  provider?: string;
  source: 'lab' | 'checkup';
}

export interface Trend {
  key: 'hba1c' | 'ldl' | 'egfr';
  /** Display name (both languages read the same). */
  name: string;
  unit: string;
  /** The reference range people compare with (基準値), when known. */
  low?: number;
  high?: number;
  /** Oldest first. */
  points: TrendPoint[];
}

export const TREND_TESTS: { key: Trend['key']; name: string; analyte: string; unit: string }[] = [
  { key: 'hba1c', name: 'HbA1c', analyte: '3D046', unit: '%' },
  { key: 'ldl', name: 'LDL-C', analyte: '3F077', unit: 'mg/dL' },
  { key: 'egfr', name: 'eGFR', analyte: '8A065', unit: 'mL/min/1.73m2' },
];

const parseRange = (range: string | undefined): { low?: number; high?: number } => {
  const m = range?.match(/^\s*([\d.]*)\s*[–-]\s*([\d.]*)\s*$/);
  if (!m) return {};
  return { low: m[1] ? Number(m[1]) : undefined, high: m[2] ? Number(m[2]) : undefined };
};

/** The trends that have at least one value (tests without any are left out). */
export function labTrends(labs: SharedItem[], checkups: CheckupReport[] = []): Trend[] {
  const out: Trend[] = [];
  for (const t of TREND_TESTS) {
    const points: TrendPoint[] = [];
    let unit: string | undefined;
    let range: { low?: number; high?: number } = {};
    for (const l of labs) {
      if (l.kind !== 'lab' || l.analyte !== t.analyte || l.numeric === undefined || !l.date) continue;
      points.push({ date: l.date, value: l.numeric, facilityCode: l.facilityCode, source: 'lab' });
      unit ??= l.unit;
      if (range.low === undefined && range.high === undefined) range = parseRange(l.range);
    }
    for (const c of checkups) {
      const n = c.numbers.get(t.analyte);
      if (!n || !c.date) continue;
      points.push({ date: c.date, value: n.value, provider: c.provider, source: 'checkup' });
      unit ??= n.unit;
    }
    if (!points.length) continue;
    points.sort((a, b) => a.date.localeCompare(b.date) || a.source.localeCompare(b.source));
    out.push({ key: t.key, name: t.name, unit: unit ?? t.unit, ...range, points });
  }
  return out;
}
