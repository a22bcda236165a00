/**
 * A FHIR interaction as the router sees it, independent of the HTTP server: the REST API, the entries of batch and
 * transaction Bundles and service operations all come in as a FhirRequest and leave as a FhirResponse
 * (http://hl7.org/fhir/R4/http.html). The Fastify adapter (src/platform/http/fastify-fhir.ts) is the only place
 * that knows about HTTP.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { RequestContext } from '../auth/principal.ts';
import type { Validated, WriteSession } from '../store/repository.ts';

export type FhirMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FhirRequest {
  method: FhirMethod;
  /** Path below the FHIR base without leading or trailing slash: '', 'metadata', 'Patient/1/_history', '$validate' … */
  path: string;
  query: URLSearchParams;
  /** Request headers that matter to FHIR, lower-case names (if-match, if-none-exist, if-none-match, prefer, accept …). */
  headers: Record<string, string | undefined>;
  /** The parsed body (a resource, Parameters, a JSON Patch array, form fields), when there is one. */
  body?: unknown;
  /** The FHIR base URL, for links and locations (e.g. https://tsunagu.example.jp/fhir). */
  base: string;
  /** Who is calling; resolved by the adapter on first use (public routes never ask). */
  context(): Promise<RequestContext>;
  /** Set only for the entries of a batch or transaction Bundle, by the Bundle processor. */
  entry?: BundleEntryContext;
}

export interface BundleEntryContext {
  /** Inside a transaction: the session every write joins. */
  session?: WriteSession;
  /** A create's id, assigned before the transaction (references to its fullUrl were rewritten to it). */
  assignedId?: string;
  /** The resource was validated before the transaction opened (the outcome to reuse). */
  validated?: Validated;
}

export interface FhirResponse {
  status: number;
  /** JSON text (stored resources are served as stored) or an object; absent for 204 / 304 / return=minimal. */
  body?: string | object;
  headers?: Record<string, string>;
  /** Warnings of a write (validation), for Prefer: return=OperationOutcome and Bundle entry responses. */
  outcome?: OperationOutcome;
}

/** A request made by the platform itself on the caller's behalf (Bundle entries): same caller, same base. */
export function innerRequest(
  outer: Pick<FhirRequest, 'base' | 'context'>,
  init: Pick<FhirRequest, 'method' | 'path' | 'query'> & Partial<FhirRequest>,
): FhirRequest {
  return { headers: {}, ...init, base: outer.base, context: outer.context };
}
