/**
 * Writes of Subscription resources (create, update, conditional update, delete, conditional delete — REST and
 * batch / transaction entries alike): the resource is checked (subscription-request.ts), its status set by the
 * server, and written through the repository with every usual access check, together with its delivery row in one
 * transaction. Reads, searches and history are the ordinary ones (only the registrant sees a Subscription:
 * AccessPolicy.readOnlyByOwner). PATCH is refused: a patched channel would bypass the checks.
 */
import { ownerKey, type RequestContext } from '../auth/principal.ts';
import { forbidden, FhirError } from '../fhir/errors.ts';
import { newId } from '../fhir/ids.ts';
import type { FhirRequest, FhirResponse } from '../router/fhir-request.ts';
import { ifNoneExistQuery, written } from '../router/rest-routes.ts';
import type { FhirRouter } from '../router/router.ts';
import { conditionalTarget } from '../store/search-executor.ts';
import type { WriteSession } from '../store/repository.ts';
import { etagOf } from '../store/stored-resource.ts';
import { actorOf, type SubscriptionDeps } from './deps.ts';
import { loadRow, ownedCount, removeRow, writeRow } from './rows.ts';
import { parseSubscription, subscriptionStatus } from './subscription-request.ts';
import { subscriptionWrite } from './write-guard.ts';

const TYPE = 'Subscription';

export function registerSubscriptionRoutes(router: FhirRouter, deps: SubscriptionDeps): void {
  const { repo } = deps;
  /** The entry's transaction, or one of its own; the write guard lets the writes through. */
  const inSession = <T>(req: FhirRequest, run: (session: WriteSession) => Promise<T>): Promise<T> =>
    subscriptionWrite(() => (req.entry?.session ? run(req.entry.session) : repo.transaction(run)));
  const scoped = (ctx: RequestContext, interaction: 'create' | 'update' | 'delete') => {
    const d = repo.deps.policy.scopeDecision(ctx, TYPE, interaction);
    if (!d.allow) throw forbidden(d.ja, d.en);
  };
  /** A new Subscription within the registrant's allowance (TSUNAGU_SUBSCRIPTION_MAX_PER_OWNER). */
  const withinQuota = async (session: WriteSession, ctx: RequestContext) => {
    const max = deps.settings.maxPerOwner;
    if ((await ownedCount(session.tx, ownerKey(ctx.principal))) >= max)
      throw FhirError.of(422, 'too-costly', `Subscription は1つの登録者につき ${max} 件までです`, `a registrant may hold at most ${max} Subscriptions`);
  };

  router.add('POST', TYPE, async (req) => {
    const ctx = await req.context();
    scoped(ctx, 'create');
    const { resource, spec } = parseSubscription(req.body, deps);
    const status = subscriptionStatus(spec, undefined);
    const ifNoneExist = ifNoneExistQuery(req.headers['if-none-exist']);
    const r = await inSession(req, async (session) => {
      await withinQuota(session, ctx);
      const res = await repo.create(ctx, { ...resource, status }, { type: TYPE, session, ifNoneExist, id: req.entry?.assignedId });
      if (res.status === 201) await writeRow(session.tx, { id: res.stored.id, owner: res.stored.owner, status, baseUrl: req.base, actor: actorOf(ctx) }, spec);
      return res;
    });
    deps.wake();
    return written(req, r);
  });

  const update = async (req: FhirRequest, ctx: RequestContext, id: string, body: unknown): Promise<FhirResponse> => {
    scoped(ctx, 'update');
    const { resource, spec } = parseSubscription(body, deps);
    const r = await inSession(req, async (session) => {
      const prev = await loadRow(session.tx, id, true);
      if (!prev) await withinQuota(session, ctx);
      const status = subscriptionStatus(spec, prev);
      const res = await repo.update(ctx, TYPE, id, { ...resource, status }, { ifMatch: req.headers['if-match'], session });
      await writeRow(session.tx, { id, owner: res.stored.owner, status, baseUrl: req.base, actor: actorOf(ctx) }, spec);
      return res;
    });
    deps.wake();
    return written(req, r);
  };
  router.add('PUT', `${TYPE}/:id`, async (req, p) => update(req, await req.context(), p.id, req.body));
  // Conditional update: as the generic one (no match: created, with the body's id or a new one).
  router.add('PUT', TYPE, async (req) => {
    const ctx = await req.context();
    const match = await conditionalTarget(repo, ctx, TYPE, req.query, 'update', req.entry?.session);
    const body = req.body as Record<string, unknown> | undefined;
    const id = match?.id ?? (typeof body?.id === 'string' ? body.id : newId());
    return update(req, ctx, id, body && typeof body === 'object' && body.id === undefined ? { ...body, id } : body);
  });

  const remove = async (req: FhirRequest, ctx: RequestContext, id: string): Promise<FhirResponse> => {
    const deleted = await inSession(req, async (session) => {
      const d = await repo.delete(ctx, TYPE, id, { session });
      await removeRow(session.tx, id);
      return d;
    });
    return { status: 204, headers: deleted ? { etag: etagOf(deleted) } : undefined };
  };
  router.add('DELETE', `${TYPE}/:id`, async (req, p) => remove(req, await req.context(), p.id));
  router.add('DELETE', TYPE, async (req) => {
    const ctx = await req.context();
    const match = await conditionalTarget(repo, ctx, TYPE, req.query, 'delete', req.entry?.session);
    return match ? remove(req, ctx, match.id) : { status: 204 };
  });

  const noPatch = async (): Promise<FhirResponse> => {
    throw FhirError.of(
      405,
      'not-supported',
      'Subscription はパッチで変更できません。PUT で全体を送ってください',
      'Subscriptions cannot be patched (the channel is checked whole): send the whole resource with PUT',
    );
  };
  router.add('PATCH', `${TYPE}/:id`, noPatch);
  router.add('PATCH', TYPE, noPatch);
}
