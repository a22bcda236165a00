/**
 * The background dispatcher (通知配信): every poll interval — sooner when woken after a publish, at once again while
 * there is more work — it delivers due rest-hook notifications, pushes to bound websockets and, hourly, drops
 * events past retention. A failing step (the database away) is retried with a growing pause, never crashing the
 * process and never losing an event (events are rows; only a 2xx moves a subscription past them). `close` stops the
 * timer, cuts deliveries in flight and waits for the step under way: no timer is left.
 */
import { isDatabaseUnavailable } from '../storage/db-unavailable.ts';
import type { Database } from '../storage/database.ts';
import { CLAIM_LIMIT } from './rest-hook-deliveries.ts';
import type { SubscriptionSettings } from './settings.ts';

const CLEANUP_EVERY_MS = 3_600_000;
/** Longest pause between steps while the database is away. */
const MAX_BACKOFF_MS = 10_000;

export interface DispatcherSteps {
  /** rest-hook deliveries; returns how many subscriptions were worked on. */
  restHooks(): Promise<number>;
  websockets(): Promise<void>;
}

export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private closed = false;
  private again = false;
  private failuresInRow = 0;
  private lastCleanup = 0;
  private lastError: string | undefined;

  constructor(
    private readonly db: Database,
    private readonly settings: SubscriptionSettings,
    private readonly steps: DispatcherSteps,
  ) {}

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.schedule(0);
  }

  /** Asks for a step soon (after a publish; a publish in a transaction not yet committed is found by the next poll). */
  wake(): void {
    if (!this.started || this.closed) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), ms);
    this.timer.unref();
  }

  private run(): void {
    this.again = false;
    this.running = this.step().finally(() => {
      this.running = undefined;
      if (this.closed) return;
      const pause = this.failuresInRow
        ? Math.min(this.settings.pollMs * 2 ** this.failuresInRow, Math.max(MAX_BACKOFF_MS, this.settings.pollMs))
        : this.settings.pollMs;
      this.schedule(this.again && !this.failuresInRow ? 0 : pause);
    });
  }

  private async step(): Promise<void> {
    try {
      const worked = await this.steps.restHooks();
      await this.steps.websockets();
      if (Date.now() - this.lastCleanup >= CLEANUP_EVERY_MS) await this.cleanup();
      if (worked >= CLAIM_LIMIT) this.again = true;
      if (this.lastError) console.error('通知配信が回復しました / subscription delivery running again');
      this.failuresInRow = 0;
      this.lastError = undefined;
    } catch (err) {
      this.failuresInRow++;
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.lastError && !this.closed)
        console.error(`通知配信を一時停止しています / subscription delivery paused${isDatabaseUnavailable(err) ? ' (database unavailable)' : ''}: ${message}`);
      this.lastError = message;
    }
  }

  /** Events older than the retention period go (a subscription's count keeps its numbers). */
  private async cleanup(): Promise<void> {
    await this.db.query('DELETE FROM subscription_events WHERE recorded < now() - make_interval(days => $1)', [this.settings.retentionDays]);
    this.lastCleanup = Date.now();
  }

  /** Stops: no new step; waits for the one under way. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
