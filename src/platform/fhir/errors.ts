/** An error that maps to an HTTP status and an OperationOutcome. Thrown anywhere, rendered by the HTTP layer. */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { outcome, type Issue, type IssueCode } from './outcome.ts';

export class FhirError extends Error {
  readonly status: number;
  readonly outcome: OperationOutcome;
  readonly headers: Record<string, string>;

  constructor(status: number, oo: OperationOutcome, headers: Record<string, string> = {}) {
    super(oo.issue?.[0]?.diagnostics ?? `HTTP ${status}`);
    this.status = status;
    this.outcome = oo;
    this.headers = headers;
  }

  static of(status: number, code: IssueCode, ja: string, en: string, expression?: string[]): FhirError {
    return new FhirError(status, outcome([{ severity: 'error', code, ja, en, expression }]));
  }

  static fromIssues(status: number, issues: Issue[]): FhirError {
    return new FhirError(status, outcome(issues));
  }
}

export const badRequest = (ja: string, en: string, expression?: string[]) => FhirError.of(400, 'invalid', ja, en, expression);
export const unprocessable = (ja: string, en: string, expression?: string[]) => FhirError.of(422, 'processing', ja, en, expression);
export const notFound = (what: string) => FhirError.of(404, 'not-found', `${what} は見つかりません`, `${what} not found`);
export const gone = (what: string) => FhirError.of(410, 'deleted', `${what} は削除されています`, `${what} has been deleted`);
export const unauthorized = (ja = '認証が必要です', en = 'Authentication required') =>
  new FhirError(401, outcome([{ severity: 'error', code: 'login', ja, en }]), { 'www-authenticate': 'Bearer' });
export const forbidden = (ja: string, en: string) => FhirError.of(403, 'forbidden', ja, en);
export const conflict = (ja: string, en: string) => FhirError.of(409, 'conflict', ja, en);
export const preconditionFailed = (ja: string, en: string) => FhirError.of(412, 'conflict', ja, en);
