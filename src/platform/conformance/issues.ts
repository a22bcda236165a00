/** Collects validation issues (one per severity, code, location and message) for an OperationOutcome. */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { outcome, type Issue, type IssueCode, type IssueSeverity } from '../fhir/outcome.ts';
import { msg, type Message } from './messages.ts';

const RANK: Record<string, number> = { fatal: 0, error: 1, warning: 2, information: 3 };

export class IssueCollector {
  private readonly seen = new Set<string>();
  readonly issues: Issue[] = [];
  errorCount = 0;

  add(severity: IssueSeverity, code: IssueCode, message: Message, location: string): void {
    const key = `${severity}\u0000${location}\u0000${message.en}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (severity === 'error' || severity === 'fatal') this.errorCount++;
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
    for (const i of other.issues) this.add(i.severity, i.code, { ja: i.ja, en: i.en }, i.expression?.[0] ?? '');
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
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
