/**
 * `$validate` (http://hl7.org/fhir/R4/resource-operation-validate.html) as a registered operation:
 * `POST [base]/$validate` and `POST [base]/[type]/$validate`. The body is the resource, or a Parameters with
 * `resource` and `profile`; `?profile=` works too. The answer is 200 with the OperationOutcome whether or not the
 * resource is valid; 400 when the body is not a resource at all or not of the URL's type. Any authenticated
 * caller may validate (it reads and writes nothing).
 */
import { badRequest } from '../fhir/errors.ts';
import type { OperationHandler } from '../router/operations/operation-registry.ts';
import type { OperationSpec } from '../router/operations/operation-spec.ts';
import type { Conformance } from './conformance.ts';

export const VALIDATE_SPEC: OperationSpec = {
  id: 'Resource-validate',
  code: 'validate',
  url: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
  title: 'リソースの検証 / Validate a resource',
  description: 'Validates against base R4 and the loaded IG profiles (meta.profile, the profile parameter or ?profile=).',
  system: true,
  resource: ['Resource'],
  type: true,
  instance: false,
  affectsState: false,
  parameters: [
    { name: 'resource', use: 'in', min: 0, max: '1', type: 'Resource', documentation: 'the resource to validate' },
    { name: 'mode', use: 'in', min: 0, max: '1', type: 'code', documentation: 'create | update | delete (the resource is validated as content either way)' },
    { name: 'profile', use: 'in', min: 0, max: '*', type: 'uri', documentation: 'profiles to validate against, beside meta.profile' },
    {
      name: 'return',
      use: 'out',
      min: 1,
      max: '1',
      type: 'OperationOutcome',
      documentation: 'the issues found (Japanese details.text, English diagnostics, FHIRPath expression)',
    },
  ],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateHandler(conformance: Conformance): OperationHandler {
  return async ({ req, context, input, type }) => {
    await context();
    const resource = input.all('resource')[0]?.resource;
    if (!isObject(resource) || typeof resource.resourceType !== 'string')
      throw badRequest('リクエスト本文が FHIR リソースではありません', 'the request body is not a FHIR resource (JSON object with resourceType)');
    if (type && resource.resourceType !== type)
      throw badRequest(
        `URL のリソース型 ${type} と本文の resourceType ${String(resource.resourceType)} が一致しません`,
        `the resource type in the URL (${type}) does not match the body's resourceType (${String(resource.resourceType)})`,
      );
    const profiles = [...input.strings('profile'), ...req.query.getAll('profile').filter((p) => p.length > 0)];
    return { status: 200, body: conformance.validate(resource, { profiles }) };
  };
}
