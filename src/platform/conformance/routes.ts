/**
 * `$validate` operation (https://hl7.org/fhir/R4/resource-operation-validate.html):
 * `POST /fhir/$validate` and `POST /fhir/[type]/$validate`. The body is the resource, or a
 * Parameters with `resource` and optional `profile` parts; `?profile=` works too. The answer is
 * 200 with the OperationOutcome whether or not the resource is valid; 400 when the body is not a
 * resource at all.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { outcome } from '../fhir/outcome.ts';
import type { Conformance } from './conformance.ts';

export interface ValidateRoutesOptions {
  conformance: Conformance;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function validateRoutes(app: FastifyInstance, opts: ValidateRoutesOptions): Promise<void> {
  const { conformance } = opts;

  const handle = (req: FastifyRequest, reply: FastifyReply, type: string | undefined) => {
    const body = parseBody(req.body);
    const { resource, profiles } = unwrapParameters(body);
    const query = (req.query ?? {}) as Record<string, unknown>;
    const queryProfiles = ([] as unknown[]).concat(query.profile ?? []).filter((p): p is string => typeof p === 'string' && p.length > 0);
    if (!isObj(resource) || typeof resource.resourceType !== 'string') {
      return badRequest(reply, 'リクエスト本文が FHIR リソースではありません', 'The request body is not a FHIR resource (JSON object with resourceType)');
    }
    if (type && resource.resourceType !== type) {
      return badRequest(
        reply,
        `URL のリソース型 ${type} と本文の resourceType ${String(resource.resourceType)} が一致しません`,
        `The resource type in the URL (${type}) does not match the body's resourceType (${String(resource.resourceType)})`,
      );
    }
    const oo = conformance.validate(resource, { profiles: [...profiles, ...queryProfiles] });
    return reply.code(200).header('content-type', FHIR_JSON).send(oo);
  };

  app.post('/fhir/$validate', async (req, reply) => handle(req, reply, undefined));
  app.post<{ Params: { type: string } }>('/fhir/:type/$validate', async (req, reply) => {
    const type = req.params.type;
    if (!conformance.resourceTypes.has(type)) {
      return badRequest(reply, `${type} は FHIR R4 のリソース型ではありません`, `${type} is not a FHIR R4 resource type`);
    }
    return handle(req, reply, type);
  });
}

function parseBody(body: unknown): unknown {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  }
  if (Buffer.isBuffer(body)) return parseBody(body.toString('utf8'));
  return body;
}

/** A Parameters body carries the resource in `resource` and profiles in `profile` parts. */
function unwrapParameters(body: unknown): { resource: unknown; profiles: string[] } {
  if (!isObj(body) || body.resourceType !== 'Parameters' || !Array.isArray(body.parameter)) return { resource: body, profiles: [] };
  const params = body.parameter.filter(isObj);
  const resourcePart = params.find((p) => p.name === 'resource');
  if (!resourcePart) return { resource: body, profiles: [] }; // a Parameters resource to validate as such
  const profiles = params
    .filter((p) => p.name === 'profile')
    .map((p) => p.valueUri ?? p.valueCanonical ?? p.valueString)
    .filter((v): v is string => typeof v === 'string');
  return { resource: resourcePart.resource, profiles };
}

function badRequest(reply: FastifyReply, ja: string, en: string) {
  return reply
    .code(400)
    .header('content-type', FHIR_JSON)
    .send(outcome([{ severity: 'error', code: 'invalid', ja, en }]));
}
