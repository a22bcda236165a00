/** The person and identity of a document being sent: the Bundle.identifier, one person across attached documents. */
import type { Issue } from '../../../platform/fhir/outcome.ts';
import type { DocumentPerson } from '../registration/document-checks.ts';

/** Bundle.identifier.value (the profile requires it; the validator reports a Bundle without one). */
export function documentIdOf(bundle: Record<string, unknown>): string {
  const v = (bundle.identifier as { value?: unknown } | undefined)?.value;
  return typeof v === 'string' ? v.normalize('NFKC').trim() : '';
}

/** An attached document about another person than the letter is refused. */
export function samePersonIssue(letter: DocumentPerson, attached: DocumentPerson, path: string): Issue | undefined {
  if (letter.patientId === attached.patientId) return undefined;
  return {
    severity: 'error',
    code: 'business-rule',
    ja: '添付の退院時サマリーの患者が診療情報提供書の患者と一致しません',
    en: 'the attached discharge summary is about another patient than the referral letter',
    expression: [path],
  };
}
