/**
 * The patch interaction (http://hl7.org/fhir/R4/http.html#patch): `PATCH [type]/[id]` and `PATCH [type]?criteria`
 * with a JSON Patch (an array, `application/json-patch+json`), a FHIRPath Patch (a Parameters resource) or — in
 * Bundle entries — a Binary holding the JSON Patch. The patch applies to the current version and the result is
 * written by `Repository.update` naming that version, so it is validated like any update (422), `If-Match` is
 * honoured (412), and a write that came in between makes the patch apply again to the newer version (unless the
 * client named one). resourceType and id cannot be patched; meta.versionId and lastUpdated are the server's.
 *
 * Nothing of the resource is looked at before the caller is known to be allowed to update it: the access policy is
 * asked first on the stored version (the same question `update` asks), so a refused patch answers exactly as a
 * refused update (403, recorded) — a failing `test` operation cannot probe another organisation's data.
 */
import type { RequestContext } from '../auth/principal.ts';
import { badRequest, forbidden, gone, notFound, preconditionFailed, FhirError } from '../fhir/errors.ts';
import { isValidId } from '../fhir/references.ts';
import { assertResourceType } from '../fhir/resource-shape.ts';
import { DEFAULT_JSON_LIMITS, parseJsonBody } from '../http/json-body.ts';
import { parseIfMatch, type Repository, type WriteResult, type WriteSession } from '../store/repository.ts';
import { etagOf, relativeRef, type StoredResource } from '../store/stored-resource.ts';
import { applyFhirPathPatch, isFhirPathPatch } from './fhirpath-patch.ts';
import type { FhirRequest } from './fhir-request.ts';
import { applyJsonPatch } from './json-patch.ts';

type Json = Record<string, unknown>;
type Patcher = (resource: Json) => Json;

export const JSON_PATCH = 'application/json-patch+json';

/** Times a patch is applied again when the resource changed between reading and writing it. */
const ATTEMPTS = 3;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The JSON Patch inside a Binary (a batch or transaction entry). */
function binaryPatch(binary: Json): unknown {
  const type = typeof binary.contentType === 'string' ? binary.contentType.split(';')[0].trim().toLowerCase() : '';
  if (type !== JSON_PATCH)
    throw badRequest(`Binary の contentType は ${JSON_PATCH} です`, `a Binary patch must have contentType ${JSON_PATCH}`, ['Binary.contentType']);
  const data = typeof binary.data === 'string' ? binary.data.replace(/\s+/g, '') : undefined;
  if (data === undefined || !BASE64.test(data) || data.length % 4 === 1)
    throw badRequest('Binary.data は base64 の JSON Patch です', 'Binary.data must hold the JSON Patch in base64', ['Binary.data']);
  return parseJsonBody(Buffer.from(data, 'base64'), DEFAULT_JSON_LIMITS);
}

/** What the body asks to change: checked before anything is looked up (400 for something that is no patch). */
function patcherOf(req: FhirRequest): Patcher {
  const body = req.body;
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (Array.isArray(body)) return (r) => applyJsonPatch(r, body);
  if (contentType === JSON_PATCH)
    throw badRequest('JSON Patch の本文は操作の配列です', 'a JSON Patch document (application/json-patch+json) is an array of operations');
  if (isFhirPathPatch(body)) return (r) => applyFhirPathPatch(r, body);
  if (isObject(body) && body.resourceType === 'Binary') {
    const operations = binaryPatch(body);
    return (r) => applyJsonPatch(r, operations);
  }
  throw badRequest(
    'PATCH の本文は JSON Patch（application/json-patch+json）か FHIRPath Patch（Parameters）です',
    'the body of a PATCH must be a JSON Patch (application/json-patch+json) or a FHIRPath Patch (a Parameters resource)',
  );
}

/** The question `update` asks of the stored version, asked before the patch looks at it; refusals recorded. */
async function authorize(repo: Repository, ctx: RequestContext, current: StoredResource, session: WriteSession | undefined): Promise<void> {
  if (session?.trusted) return;
  let parsed: Json | undefined;
  const stored = current.content ? () => (parsed ??= JSON.parse(current.content!) as Json) : undefined;
  const d = await repo.deps.policy.check({
    ctx,
    interaction: 'update',
    resourceType: current.resourceType,
    patientKey: current.patientKey,
    resource: stored,
    owner: current.owner,
    stored,
    q: session?.tx,
  });
  if (d.allow) return;
  const entity = relativeRef(current);
  if (!session) throw await repo.deny(ctx, 'update', current.patientKey, entity, d.ja, d.en);
  // Inside a transaction the refusal is recorded once it has ended (the embedded engine has one connection).
  const record = repo.auditRecord(ctx, 'U', 'update', '4', current.patientKey, [entity], { outcomeDesc: d.en });
  if (session.denials) session.denials.push(record);
  else void repo.deps.readAudit.write([record]).catch(() => undefined);
  throw forbidden(d.ja, d.en);
}

function keepIdentity(patched: Json, type: string, id: string): void {
  if (patched.resourceType !== type || patched.id !== id)
    throw badRequest('パッチで resourceType と id は変更できません', `a patch may not change resourceType or id (${type}/${id})`, [`${type}.id`]);
}

/** Patches `type/id` for the caller of `req` (a REST request or a Bundle entry with its session). */
export async function patchResource(repo: Repository, req: FhirRequest, type: string, id: string): Promise<WriteResult> {
  assertResourceType(type);
  const patcher = patcherOf(req);
  const ctx = await req.context();
  const scope = repo.deps.policy.scopeDecision(ctx, type, 'update');
  if (!scope.allow) throw forbidden(scope.ja, scope.en);
  if (!isValidId(id)) throw notFound(`${type}/${id}`);
  const header = req.headers['if-match'];
  const expected = header !== undefined ? parseIfMatch(header) : undefined;
  const session = req.entry?.session;
  for (let attempt = 1; ; attempt++) {
    const current = await repo.loadCurrent(session?.tx ?? repo.db, type, id, session !== undefined);
    if (!current) throw notFound(`${type}/${id}`);
    if (expected !== undefined && current.versionId !== expected)
      throw preconditionFailed(
        `版が一致しません (指定 ${expected}, 現在 ${current.versionId})`,
        `version conflict: If-Match ${expected}, current ${current.versionId}`,
      );
    await authorize(repo, ctx, current, session);
    if (current.deleted) throw gone(`${type}/${id}`);
    const patched = patcher(JSON.parse(current.content!) as Json);
    keepIdentity(patched, type, id);
    try {
      return await repo.update(ctx, type, id, patched, { ifMatch: etagOf(current), session });
    } catch (err) {
      const raced = err instanceof FhirError && err.status === 412 && expected === undefined && !session;
      if (!raced || attempt >= ATTEMPTS) throw err;
    }
  }
}
