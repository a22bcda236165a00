/**
 * Conditional read (http://hl7.org/fhir/R4/http.html#cread): `If-None-Match` (ETags, weak comparison, `*`) and
 * `If-Modified-Since` (an HTTP date, compared to the second). As in RFC 7232 §6, `If-Modified-Since` is ignored when
 * `If-None-Match` is present, and so is a date that does not parse.
 */
import { etagOf, type StoredResource } from '../store/stored-resource.ts';

const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

export function notModified(headers: Record<string, string | undefined>, stored: StoredResource): boolean {
  const noneMatch = headers['if-none-match'];
  if (noneMatch !== undefined) {
    const current = opaque(etagOf(stored));
    return noneMatch.split(',').some((t) => t.trim() === '*' || opaque(t) === current);
  }
  const since = headers['if-modified-since'];
  if (since === undefined) return false;
  const at = Date.parse(since);
  if (Number.isNaN(at)) return false;
  return Math.floor(stored.lastUpdated.getTime() / 1000) <= Math.floor(at / 1000);
}
