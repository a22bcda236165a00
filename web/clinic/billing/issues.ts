/**
 * 入力エラーの置き場所: a refusal's OperationOutcome issues (Japanese `details.text`, the field in `expression`) placed
 * next to the field of the form they name. Field keys are the form's own (`item:<code>`, `extra:<key>`, `diag:<key>`,
 * `time`, `public:<payerNumber>`, …); `general` holds what names no field of the form. Pure, no DOM.
 */
import { ApiError, textOf } from '../../shared/errors.ts';
import type { Text } from '../../shared/text.ts';

export interface Issue {
  text: Text;
  expression: string[];
}

interface RawIssue {
  details?: { text?: string };
  diagnostics?: string;
  expression?: unknown;
}

/** Every issue of a refusal; a failure without an OperationOutcome is one issue with the plain message. */
export function issuesOf(e: unknown): Issue[] {
  const body = e instanceof ApiError ? (e.body as { resourceType?: string; issue?: RawIssue[] } | undefined) : undefined;
  if (body?.resourceType === 'OperationOutcome' && Array.isArray(body.issue)) {
    const found = body.issue
      .filter((i) => i.details?.text || i.diagnostics)
      .map((i) => ({
        text: { ja: i.details?.text ?? i.diagnostics ?? '', en: i.diagnostics ?? i.details?.text ?? '' },
        expression: Array.isArray(i.expression) ? i.expression.filter((x): x is string => typeof x === 'string') : [],
      }));
    if (found.length) return found;
  }
  return [{ text: textOf(e), expression: [] }];
}

/** Errors by field key. */
export type FieldErrors = Record<string, Text[]>;

/**
 * Places issues: `place(expression)` names the form's field for an expression (undefined: none of the form's), and
 * the issue goes to `general`.
 */
export function placeIssues(issues: Issue[], place: (expression: string) => string | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.expression.map(place).find((k) => k !== undefined) ?? 'general';
    out[key] = [...(out[key] ?? []), issue.text];
  }
  return out;
}

/** The index in `expression` after `list[`, e.g. indexIn('visit.items[2].code', 'items') = 2. */
export function indexIn(expression: string, list: string): number | undefined {
  const m = new RegExp(`(?:^|\\.)${list}\\[(\\d+)\\]`).exec(expression);
  return m ? Number(m[1]) : undefined;
}
