/** Parsing FHIR reference strings (`Patient/123`, `Patient/123/_history/2`, absolute URLs, `urn:uuid:`). */

export interface ParsedReference {
  resourceType: string;
  id: string;
  versionId?: string;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;
const ABSOLUTE = /^https?:\/\/.+\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

/** Parses a literal reference; returns undefined for `#contained`, `urn:` and other non-resolvable forms. */
export function parseReference(reference: string | undefined): ParsedReference | undefined {
  if (!reference) return undefined;
  const m = RELATIVE.exec(reference) ?? ABSOLUTE.exec(reference);
  if (!m) return undefined;
  return m[3] ? { resourceType: m[1], id: m[2], versionId: m[3] } : { resourceType: m[1], id: m[2] };
}

/** FHIR `id` datatype: 1–64 of [A-Za-z0-9\-.]. */
export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}
