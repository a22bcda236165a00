/**
 * The patient compartment (http://hl7.org/fhir/R4/compartmentdefinition-patient.html) as searches see it:
 * `[base]/Patient/[id]/[type]?params` is the search `[type]?params` with the compartment criterion added
 * (`_compartment=Patient/[id]`, src/platform/search/search-request.ts), so the access policy, paging and audit are
 * those of any search. AuditEvent, though in the compartment, is the audit log's (`AuditEvent?patient=`).
 */
import { badRequest } from '../fhir/errors.ts';
import { r4PatientCompartmentParams, r4ResourceTypes } from '../fhir/base-definitions.ts';
import { assertResourceType } from '../fhir/resource-shape.ts';
import { COMPARTMENT_PARAM } from '../search/search-request.ts';

let types: string[] | undefined;

/** The Patient, then every other R4 type of the patient compartment (AuditEvent aside), alphabetically. */
export function patientCompartmentTypes(): readonly string[] {
  types ??= ['Patient', ...[...r4ResourceTypes()].filter((t) => t !== 'Patient' && t !== 'AuditEvent' && r4PatientCompartmentParams(t).length > 0).sort()];
  return types;
}

/** A type a compartment search may name (400 otherwise). */
export function assertCompartmentType(type: string): void {
  assertResourceType(type);
  if (type === 'AuditEvent')
    throw badRequest(
      '患者の監査記録は AuditEvent?patient=Patient/[id] で検索してください',
      "a patient's audit log is searched with AuditEvent?patient=Patient/[id]",
    );
  if (!patientCompartmentTypes().includes(type))
    throw badRequest(`${type} は患者コンパートメントに含まれません`, `${type} is not in the Patient compartment`, [type]);
}

/**
 * A search query from a client: the compartment criterion is the router's, never the client's (400, or dropped
 * under lenient handling, like any unknown parameter).
 */
export function clientSearchQuery(query: URLSearchParams, lenient: boolean): URLSearchParams {
  if (!query.has(COMPARTMENT_PARAM)) return query;
  if (!lenient) throw badRequest(`${COMPARTMENT_PARAM} には対応していません`, `${COMPARTMENT_PARAM} is not supported (search Patient/[id]/[type] instead)`);
  const out = new URLSearchParams(query);
  out.delete(COMPARTMENT_PARAM);
  return out;
}

/** The search query of `Patient/[id]/[type]?query`. */
export function compartmentQuery(patientId: string, query: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(query);
  out.append(COMPARTMENT_PARAM, `Patient/${patientId}`);
  return out;
}
