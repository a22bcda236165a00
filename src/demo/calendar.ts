/**
 * The demo's time. Every date of the world is counted back from one "today" (an option, so tests are deterministic);
 * while seeding, the services' clock travels to the day of each event — a prescription registered and dispensed
 * three years ago is checked against its own 使用期限 on that day — and returns to the real time afterwards.
 */
import { japanDate } from '../platform/master-files/japan-date.ts';

const DAY = 86_400_000;
const JST = 9 * 3_600_000;

/** The clock the demo's services read: the travelled time while an event is being seeded, the real time otherwise. */
export class DemoClock {
  private at: Date | undefined;
  /** Pass as a service's `clock`. */
  readonly get = (): Date => this.at ?? new Date();
  travel(to: Date | undefined): void {
    this.at = to;
  }
}

/** Dates relative to the demo's today (Japan calendar). */
export class DemoCalendar {
  /** Today's date in Japan, YYYY-MM-DD. */
  readonly today: string;

  constructor(readonly now: Date) {
    this.today = japanDate(now);
  }

  /** The date `days` days before today. */
  daysAgo(days: number): string {
    return japanDate(new Date(this.now.getTime() - days * DAY));
  }

  /** The same day of the month `months` months ago (clamped to the month's last day). */
  monthsAgo(months: number, dayOffset = 0): string {
    const [y, m, d] = this.today.split('-').map(Number);
    const target = new Date(Date.UTC(y, m - 1 - months, 1));
    const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(d, last));
    return new Date(target.getTime() + dayOffset * DAY).toISOString().slice(0, 10);
  }

  /** A birth date `years` years (and `days` more days) before today: the person is `years` old. */
  bornYearsAgo(years: number, days = 0): string {
    const [y, m, d] = this.today.split('-').map(Number);
    const birthday = new Date(Date.UTC(y - years, m - 1, Math.min(d, 28)));
    return new Date(birthday.getTime() - days * DAY).toISOString().slice(0, 10);
  }

  /**
   * The instant `date` (YYYY-MM-DD) at `time` (hh:mm) Japan time, never after now: a time still to come today is a
   * minute ago — but not before the day began (just after midnight, a minute ago was yesterday).
   */
  instant(date: string, time = '10:00'): Date {
    const t = new Date(`${date}T${time}:00+09:00`);
    if (t.getTime() <= this.now.getTime()) return t;
    const dayStart = new Date(`${date}T00:00:00+09:00`).getTime();
    return new Date(Math.max(dayStart, this.now.getTime() - 60_000));
  }

  /** `instant` as a FHIR dateTime with the +09:00 offset. */
  dateTime(date: string, time = '10:00'): string {
    const t = this.instant(date, time);
    return `${new Date(t.getTime() + JST).toISOString().slice(0, 19)}+09:00`;
  }
}
