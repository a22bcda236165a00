/** The demo's calendar: events of today are never in the future, nor — just after midnight in Japan — yesterday. */
import { describe, expect, it } from 'vitest';
import { DemoCalendar } from '../../src/demo/calendar.ts';

describe('DemoCalendar.instant', () => {
  it('a time already past today is kept; a time to come is a minute ago', () => {
    const cal = new DemoCalendar(new Date('2026-12-02T03:00:00Z')); // 12:00 in Japan
    expect(cal.instant('2026-12-02', '10:30').toISOString()).toBe('2026-12-02T01:30:00.000Z');
    expect(cal.instant('2026-12-02', '15:00').toISOString()).toBe('2026-12-02T02:59:00.000Z');
    expect(cal.instant('2026-11-30', '15:00').toISOString()).toBe('2026-11-30T06:00:00.000Z');
  });

  it('in the first minute of the Japanese day, a time to come is the day’s start, not yesterday', () => {
    const cal = new DemoCalendar(new Date('2026-12-02T15:00:20Z')); // 00:00:20 on 3 December in Japan
    expect(cal.today).toBe('2026-12-03');
    const t = cal.instant(cal.today, '10:30');
    expect(t.toISOString()).toBe('2026-12-02T15:00:00.000Z');
    expect(cal.dateTime(cal.today, '10:30')).toBe('2026-12-03T00:00:00+09:00');
    expect(t.getTime()).toBeLessThanOrEqual(cal.now.getTime());
  });
});
