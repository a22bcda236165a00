/**
 * The checks every incoming resource passes before anything else looks at it: a JSON object, a known
 * resourceType, the type the URL names, an id of the right form, a bounded size. Full structural and profile
 * validation is the conformance engine's job (src/platform/conformance). Also the text rule every string that
 * enters the platform follows (bodies, query strings, headers used as queries).
 */
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, badRequest } from './errors.ts';
import { r4ResourceTypes } from './base-definitions.ts';
import { isValidId } from './references.ts';

declare global {
  interface String {
    /** ES2024; Node 20 has it. */
    isWellFormed(): boolean;
  }
}

/** Most JSON values (objects, arrays, primitives) in one resource: bounds the validation and index work of a write. */
export const MAX_RESOURCE_NODES = 100_000;

export function isKnownResourceType(type: string): boolean {
  return r4ResourceTypes().has(type);
}

export function assertResourceType(type: string): void {
  if (!isKnownResourceType(type)) throw badRequest(`リソース型 ${type} はありません`, `unknown resource type '${type}'`);
}

/** C0 control characters but tab, LF and CR (FHIR strings: http://hl7.org/fhir/R4/datatypes.html#string). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/**
 * Why a string may not enter the platform — a NUL or another control character (but tab, CR, LF), or a lone
 * surrogate (not Unicode text: it cannot be stored as UTF-8) — or undefined when it may.
 */
export function textProblem(s: string): { ja: string; en: string } | undefined {
  const m = CONTROL.exec(s);
  if (m) {
    const cp = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return { ja: `制御文字 (${cp}) は使えません`, en: `control character ${cp} is not allowed` };
  }
  if (!s.isWellFormed())
    return { ja: '対になっていないサロゲート (不正な Unicode) は使えません', en: 'a lone surrogate (not well-formed Unicode) is not allowed' };
  return undefined;
}

/** Counts JSON values up to `limit` (stops early). */
function countNodes(value: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length && n <= limit) {
    const v = stack.pop();
    n++;
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
    else for (const k in v) stack.push((v as Record<string, unknown>)[k]);
  }
  return n;
}

export function checkResourceShape(body: unknown, expectedType?: string): Resource & Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('本文は FHIR リソース (JSON オブジェクト) である必要があります', 'the body must be a FHIR resource (a JSON object)');
  const res = body as Record<string, unknown>;
  if (typeof res.resourceType !== 'string') throw badRequest('resourceType がありません', 'resourceType is missing', ['resourceType']);
  assertResourceType(res.resourceType);
  if (expectedType && res.resourceType !== expectedType)
    throw badRequest(
      `本文の resourceType (${res.resourceType}) が URL の型 (${expectedType}) と一致しません`,
      `resourceType ${res.resourceType} does not match the URL type ${expectedType}`,
      ['resourceType'],
    );
  if (res.id !== undefined && !isValidId(res.id))
    throw badRequest(`id ${String(res.id)} の形式が正しくありません`, `id '${String(res.id)}' is not a valid FHIR id`, [`${res.resourceType}.id`]);
  if (res.meta !== undefined && (typeof res.meta !== 'object' || res.meta === null || Array.isArray(res.meta)))
    throw badRequest('meta はオブジェクトです', 'meta must be an object', [`${res.resourceType}.meta`]);
  if (countNodes(res, MAX_RESOURCE_NODES) > MAX_RESOURCE_NODES)
    throw FhirError.of(
      413,
      'too-costly',
      `リソースが大きすぎます (値は ${MAX_RESOURCE_NODES} 個まで)`,
      `the resource has more than ${MAX_RESOURCE_NODES} JSON values`,
      [res.resourceType],
    );
  return res as Resource & Record<string, unknown>;
}
