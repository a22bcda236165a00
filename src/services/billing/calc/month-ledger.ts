/** What was billed earlier in the month (the patient at this facility), for counting limits, 背反 and 包括. */
import type { FeeLine } from '../model/types.ts';
import { weekKey } from './dates.ts';

interface Billed {
  date: string;
  code: string;
  count: number;
}

export class MonthLedger {
  private readonly billed: Billed[] = [];
  private readonly visitDates: string[] = [];

  /** Records a priced visit (its lines and the codes billed inside bundles). */
  record(date: string, lines: FeeLine[]): void {
    this.visitDates.push(date);
    for (const l of lines) {
      this.billed.push({ date, code: l.code, count: l.count });
      for (const c of l.bundledCodes ?? []) if (c !== l.code) this.billed.push({ date, code: c, count: 1 });
    }
  }

  /** Earlier visits on `date`. */
  visitsOn(date: string): number {
    return this.visitDates.filter((d) => d === date).length;
  }

  /** Earlier visits in the month `YYYY-MM`. */
  monthVisits(month: string): number {
    return this.visitDates.filter((d) => d.startsWith(month)).length;
  }

  /** How many times `code` was billed in the unit holding `date` ('year' counts this month only: see docs). */
  count(code: string, unit: 'day' | 'week' | 'month' | 'year', date: string): number {
    const week = unit === 'week' ? weekKey(date) : '';
    let n = 0;
    for (const b of this.billed) {
      if (b.code !== code) continue;
      if (unit === 'day' && b.date !== date) continue;
      if (unit === 'week' && weekKey(b.date) !== week) continue;
      n += b.count;
    }
    return n;
  }

  /** Whether `code` was billed on `date` ('day' / 'same-time') or in the month. */
  has(code: string, scope: 'day' | 'month' | 'week' | 'same-time', date: string): boolean {
    if (scope === 'same-time') return false;
    return this.count(code, scope, date) > 0;
  }

  /** The latest date `code` was billed this month, before or on `date`. */
  lastDateOf(code: string, date: string): string | undefined {
    let last: string | undefined;
    for (const b of this.billed) if (b.code === code && b.date <= date && (!last || b.date > last)) last = b.date;
    return last;
  }

  /** Codes billed on `date`. */
  codesOn(date: string): string[] {
    return this.billed.filter((b) => b.date === date).map((b) => b.code);
  }
}
