/** Collects validation issues (one per severity, code, location and message) for an OperationOutcome. */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { outcome, type Issue, type IssueCode, type IssueSeverity } from '../fhir/outcome.ts';
import { msg, type Message } from './messages.ts';

const RANK: Record<string, number> = { fatal: 0, error: 1, warning: 2, information: 3 };

export class IssueCollector {
  private readonly seen = new Set<string>();
  readonly issues: Issue[] = [];
  private readonly keys: (string | undefined)[] = [];
  private readonly remote: boolean[] = [];
  errorCount = 0;
  /** Errors about other resources (unresolved references, referenced resources not conforming). */
  remoteErrorCount = 0;

  /**
   * `key` identifies the finding when its wording may vary (an invariant's human text differs per
   * profile); `remote` marks findings about another resource than the one at `location`.
   */
  add(severity: IssueSeverity, code: IssueCode, message: Message, location: string, opts: { key?: string; remote?: boolean } = {}): void {
    const key = `${severity}\u0000${location}\u0000${opts.key ?? message.en}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (severity === 'error' || severity === 'fatal') {
      this.errorCount++;
      if (opts.remote) this.remoteErrorCount++;
    }
    this.keys.push(opts.key);
    this.remote.push(opts.remote === true);
    this.issues.push({ severity, code, ja: message.ja, en: message.en, expression: location ? [location] : undefined });
  }

  error(code: IssueCode, message: Message, location: string): void {
    this.add('error', code, message, location);
  }

  warning(code: IssueCode, message: Message, location: string): void {
    this.add('warning', code, message, location);
  }

  info(code: IssueCode, message: Message, location: string): void {
    this.add('information', code, message, location);
  }

  /** Copies another collector's issues (e.g. from a nested conformance check). */
  merge(other: IssueCollector): void {
    for (let n = 0; n < other.issues.length; n++) {
      const i = other.issues[n];
      this.add(i.severity, i.code, { ja: i.ja, en: i.en }, i.expression?.[0] ?? '', { key: other.keys[n], remote: other.remote[n] });
    }
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  /** Errors about the element itself, not about resources it references. */
  get hasLocalErrors(): boolean {
    return this.errorCount - this.remoteErrorCount > 0;
  }

  /** Issues sorted by severity (stable), as an OperationOutcome. An empty result says so explicitly. */
  toOutcome(): OperationOutcome {
    const sorted = [...this.issues].sort((a, b) => (RANK[a.severity] ?? 9) - (RANK[b.severity] ?? 9));
    if (!sorted.length) {
      const ok = msg.validationPassed();
      sorted.push({ severity: 'information', code: 'informational', ja: ok.ja, en: ok.en });
    }
    return outcome(sorted);
  }
}
