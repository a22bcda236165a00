/**
 * The checks every incoming resource passes before anything else looks at it: a JSON object, a known
 * resourceType, the type the URL names, an id of the right form. Full structural and profile validation is the
 * conformance engine's job (src/platform/conformance).
 */
import type { Resource } from '@medplum/fhirtypes';
import { badRequest } from './errors.ts';
import { r4ResourceTypes } from './base-definitions.ts';
import { isValidId } from './references.ts';

export function isKnownResourceType(type: string): boolean {
  return r4ResourceTypes().has(type);
}

export function assertResourceType(type: string): void {
  if (!isKnownResourceType(type))
    throw badRequest(`リソース型 ${type} はありません`, `unknown resource type '${type}'`);
}

export function checkResourceShape(body: unknown, expectedType?: string): Resource & Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('本文は FHIR リソース (JSON オブジェクト) である必要があります', 'the body must be a FHIR resource (a JSON object)');
  const res = body as Record<string, unknown>;
  if (typeof res.resourceType !== 'string')
    throw badRequest('resourceType がありません', 'resourceType is missing', ['resourceType']);
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
  return res as Resource & Record<string, unknown>;
}
