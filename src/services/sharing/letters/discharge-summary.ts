/**
 * Checks of a discharge summary (退院時サマリー, JP_Bundle_eDischargeSummary) the service forwards — attached to a
 * referral letter or sent alone under a cover letter: validated whole against the profile, from the caller (its
 * custodian Organization carries the caller's 医療機関コード), without an electronic signature (the national design
 * signs referral letters only). A summary names no addressee: the referral letter or the sender's request does.
 */
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { PROFILES } from '../model/fhir-codes.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { documentBundle, documentValidationErrors, type Entry } from '../registration/document-checks.ts';
import { checkSender, compositionOf } from './letter-parties.ts';

type Json = Record<string, unknown>;

export interface CheckedSummary {
  bundle: Json;
  entries: Entry[];
  /** The service's own findings, then the validator's — their paths relative to `where`. */
  issues: Issue[];
  validation: OperationOutcomeIssue[];
}

/** `Bundle.entry[0]…` as a path inside the request (`Parameters.parameter.where(name='dischargeSummary').resource.entry[0]…`). */
const relocate = (paths: string[] | undefined, where: string) => paths?.map((p) => (p.startsWith('Bundle') ? `${where}${p.slice('Bundle'.length)}` : p));

export function checkDischargeSummary(rt: SharingRuntime, body: unknown, sender: string, where: string): CheckedSummary {
  const { bundle, entries } = documentBundle(body, PROFILES.dischargeSummary, 'JP_Bundle_eDischargeSummary', 'document');
  const validation = documentValidationErrors(rt.platform, bundle, PROFILES.dischargeSummary).map((i) => ({
    ...i,
    details: { text: `退院時サマリー: ${i.details?.text ?? i.diagnostics ?? ''}` },
    diagnostics: `discharge summary: ${i.diagnostics ?? i.details?.text ?? ''}`,
    expression: relocate(i.expression, where),
  }));
  const issues: Issue[] = [];
  if (bundle.signature !== undefined)
    issues.push({
      severity: 'error',
      code: 'business-rule',
      ja: '退院時サマリーには電子署名を付けません（電子署名は診療情報提供書に付けます）',
      en: 'a discharge summary carries no electronic signature (sign the referral letter instead)',
      expression: ['Bundle.signature'],
    });
  const composition = compositionOf(entries, issues);
  if (composition) checkSender(entries, composition, sender, issues, { fromSection: false });
  for (const i of issues) {
    i.ja = `退院時サマリー: ${i.ja}`;
    i.en = `discharge summary: ${i.en}`;
    i.expression = relocate(i.expression, where);
  }
  return { bundle, entries, issues, validation };
}
