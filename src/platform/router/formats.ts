/**
 * The formats the FHIR API speaks (http://hl7.org/fhir/R4/http.html#mime-type, #version-parameter): FHIR R4 JSON
 * only. `_format` (which overrides Accept), the Accept header and a `fhirVersion` parameter of Accept or
 * Content-Type asking for anything else get 406 Not Acceptable. Accepted: `_format=json` and the JSON media types,
 * the wildcards (any type, any application type), no Accept at all; `fhirVersion=4.0` (or 4.0.x).
 *
 * Written here rather than with `negotiator`: that library matches media-type parameters exactly (an Accept of
 * `application/fhir+json; charset=utf-8` would match nothing) and does not report them, while the rule FHIR needs is
 * about one parameter, fhirVersion.
 */
import { FhirError } from '../fhir/errors.ts';

const JSON_MEDIA = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);
const JSON_FORMATS = new Set(['json', ...JSON_MEDIA]);
const ANY = new Set(['*/*', 'application/*']);

interface MediaRange {
  type: string;
  q: number;
  fhirVersion?: string;
}

function parseRange(text: string): MediaRange {
  const [type, ...params] = text.split(';');
  const range: MediaRange = { type: type.trim().toLowerCase(), q: 1 };
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    const value = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (name === 'q') range.q = Number.isNaN(Number(value)) ? 0 : Number(value);
    else if (name === 'fhirversion') range.fhirVersion = value;
  }
  return range;
}

const r4 = (v: string | undefined) => v === undefined || v === '4.0' || v.startsWith('4.0.');

function notAcceptable(what: string, en: string): FhirError {
  return FhirError.of(
    406,
    'not-supported',
    `${what} では応答できません。FHIR R4 の JSON（application/fhir+json）を指定してください`,
    `${en}: this server speaks FHIR R4 (fhirVersion 4.0) JSON only (application/fhir+json, _format=json)`,
  );
}

/** Throws 406 unless the request may be answered in FHIR R4 JSON. */
export function assertAcceptable(headers: Record<string, string | undefined>, query: URLSearchParams): void {
  const contentType = headers['content-type'];
  if (contentType !== undefined) {
    const version = parseRange(contentType).fhirVersion;
    if (!r4(version)) throw notAcceptable(`FHIR バージョン ${version}`, `Content-Type asks for fhirVersion ${version}`);
  }
  const format = query.get('_format');
  if (format !== null) {
    // An unencoded `+` arrives as a space (`_format=application/fhir+json`).
    const range = parseRange(format.replace(/ /g, '+'));
    if (!JSON_FORMATS.has(range.type)) throw notAcceptable(`形式 ${format.slice(0, 60)}`, `_format=${format.slice(0, 60)}`);
    if (!r4(range.fhirVersion)) throw notAcceptable(`FHIR バージョン ${range.fhirVersion}`, `_format asks for fhirVersion ${range.fhirVersion}`);
    return;
  }
  const accept = headers.accept;
  if (accept === undefined || accept.trim() === '') return;
  const ranges = accept
    .split(',')
    .filter((t) => t.trim() !== '')
    .map(parseRange);
  if (ranges.some((r) => r.q > 0 && (JSON_MEDIA.has(r.type) || ANY.has(r.type)) && r4(r.fhirVersion))) return;
  throw notAcceptable(`Accept: ${accept.slice(0, 80)}`, `no acceptable format in Accept: ${accept.slice(0, 80)}`);
}
