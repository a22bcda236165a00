/**
 * OperationOutcome construction. Every error the platform returns is one of these.
 * Convention: `details.text` carries the Japanese message (for staff at the desk),
 * `diagnostics` the English one (for vendor developers), `expression` the FHIRPath location.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueSeverity = OperationOutcomeIssue['severity'];
export type IssueCode = OperationOutcomeIssue['code'];

export interface Issue {
  severity: IssueSeverity;
  code: IssueCode;
  /** Japanese message. */
  ja: string;
  /** English message. */
  en: string;
  /** FHIRPath location(s) of the problem, e.g. `Patient.birthDate`. */
  expression?: string[];
}

export function toOutcomeIssue(issue: Issue): OperationOutcomeIssue {
  const out: OperationOutcomeIssue = {
    severity: issue.severity,
    code: issue.code,
    details: { text: issue.ja },
    diagnostics: issue.en,
  };
  if (issue.expression?.length) out.expression = issue.expression;
  return out;
}

export function outcome(issues: Issue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues.map(toOutcomeIssue) };
}

export function informational(ja: string, en: string): OperationOutcome {
  return outcome([{ severity: 'information', code: 'informational', ja, en }]);
}

/** True when an OperationOutcome holds an error or fatal issue. */
export function hasErrors(oo: OperationOutcome): boolean {
  return (oo.issue ?? []).some((i) => i.severity === 'error' || i.severity === 'fatal');
}
