/**
 * Errors of a case: each names the input path (FHIRPath-like, e.g. `visit.items[2].code`) and answers as an
 * OperationOutcome (400 for a malformed case, 422 when a well-formed case cannot be calculated).
 */
import { FhirError } from '../../../platform/fhir/errors.ts';

/** A malformed case (a missing or wrongly typed field). */
export const caseInvalid = (ja: string, en: string, path: string) => FhirError.of(400, 'invalid', ja, en, [path]);

/** A code the master does not know. */
export const unknownCode = (ja: string, en: string, path: string) => FhirError.of(422, 'code-invalid', ja, en, [path]);

/** A well-formed case that breaks a rule (a code not billable on that date, a visit outside the eligibility). */
export const notCalculable = (ja: string, en: string, path: string) => FhirError.of(422, 'business-rule', ja, en, [path]);
