/**
 * The Backport IG's operations on Subscription, registered in the operation registry (so the CapabilityStatement and
 * the OperationDefinitions agree): `$status` (type and instance), `$events` (instance: the stored events, to catch
 * up) and `$get-ws-binding-token` (a token to bind a websocket). Every Subscription named is read through the
 * repository first: another organisation's answers 404, as for a read.
 */
import { randomUUID } from 'node:crypto';
import { ownerKey, type RequestContext } from '../auth/principal.ts';
import { badRequest, forbidden, notFound } from '../fhir/errors.ts';
import type { OperationRegistry } from '../router/operations/operation-registry.ts';
import type { OperationSpec } from '../router/operations/operation-spec.ts';
import type { ParamReader } from '../router/operations/parameters.ts';
import { BACKPORT, type PayloadContent } from './backport.ts';
import { issueBindingToken } from './binding-token.ts';
import type { SubscriptionDeps } from './deps.ts';
import { notificationBundle, statusParameters } from './notification.ts';
import { eventsOf, loadRow, loadRows, type SubscriptionRow } from './rows.ts';
import { WEBSOCKET_PATH } from './websocket-hub.ts';

const param = (name: string, use: 'in' | 'out', min: number, max: string, type: string, documentation: string, label?: string) => ({
  name,
  use,
  min,
  max,
  type,
  documentation,
  label,
});

export const STATUS_SPEC: OperationSpec = {
  id: 'backport-subscription-status',
  code: 'status',
  url: BACKPORT.statusOperation,
  title: 'Subscription status (通知の状態)',
  description: 'The status of Subscriptions as backport-subscription-status-r4 Parameters in a searchset Bundle: status, events since start, the last error.',
  system: false,
  resource: ['Subscription'],
  type: true,
  instance: true,
  affectsState: false,
  parameters: [
    param('id', 'in', 0, '*', 'id', "Type level: the Subscriptions to report on (default: all of the caller's).", 'Subscription の ID'),
    param('status', 'in', 0, '*', 'code', 'Type level: only Subscriptions with these statuses.', '状態'),
    param('return', 'out', 1, '1', 'Bundle', 'A searchset Bundle of backport-subscription-status-r4 Parameters (type query-status).'),
  ],
};

export const EVENTS_SPEC: OperationSpec = {
  id: 'backport-subscription-events',
  code: 'events',
  url: BACKPORT.eventsOperation,
  title: 'Subscription events (通知済みイベントの取得)',
  description: 'The stored events of a Subscription, numbered from 1, as a notification Bundle of type query-event (at most 100 per call).',
  system: false,
  resource: ['Subscription'],
  instance: true,
  affectsState: false,
  parameters: [
    param('eventsSinceNumber', 'in', 0, '1', 'string', 'The first event number (inclusive); default 1.', '開始イベント番号'),
    param('eventsUntilNumber', 'in', 0, '1', 'string', 'The last event number (inclusive); default the newest.', '終了イベント番号'),
    param('content', 'in', 0, '1', 'code', 'empty or id-only (full-resource is not offered); default the subscription’s.', '通知の内容'),
    param('return', 'out', 1, '1', 'Bundle', 'A backport-subscription-notification-r4 Bundle (type history).'),
  ],
};

export const WS_TOKEN_SPEC: OperationSpec = {
  id: 'backport-subscription-get-ws-binding-token',
  code: 'get-ws-binding-token',
  url: BACKPORT.wsTokenOperation,
  title: 'Websocket binding token (websocket 接続用トークン)',
  description: `A short-lived token for websocket Subscriptions: connect to websocket-url (${WEBSOCKET_PATH}) and send "bind-with-token <token>".`,
  system: false,
  resource: ['Subscription'],
  type: true,
  instance: true,
  affectsState: false,
  parameters: [
    param('id', 'in', 0, '*', 'id', "Type level: the Subscriptions to bind (default: all of the caller's websocket Subscriptions).", 'Subscription の ID'),
    param('token', 'out', 1, '1', 'string', 'The token to send as "bind-with-token <token>".'),
    param('expiration', 'out', 1, '1', 'dateTime', 'When the token stops being accepted.'),
    param('subscription', 'out', 0, '*', 'string', 'The Subscriptions the token binds.'),
    param('websocket-url', 'out', 1, '1', 'url', 'Where to connect.'),
  ],
};

/** The events one $events call returns at most. */
const EVENTS_PER_CALL = 100;

export function registerSubscriptionOperations(operations: OperationRegistry, deps: SubscriptionDeps): void {
  const { repo } = deps;
  const db = repo.db;

  /** The row of a Subscription the caller may read (404 as for a read otherwise). */
  const readable = async (ctx: RequestContext, id: string): Promise<SubscriptionRow> => {
    await repo.read(ctx, 'Subscription', id);
    const row = await loadRow(db, id);
    if (!row) throw notFound(`Subscription/${id}`);
    return row;
  };
  /** The caller's own Subscriptions (type level without ids). */
  const own = async (ctx: RequestContext): Promise<SubscriptionRow[]> => {
    const d = repo.deps.policy.scopeDecision(ctx, 'Subscription', 'search');
    if (!d.allow) throw forbidden(d.ja, d.en);
    const ids = await db.query<{ id: string }>('SELECT id FROM subscriptions WHERE owner = $1 ORDER BY id LIMIT 1000', [ownerKey(ctx.principal)]);
    return loadRows(
      db,
      ids.rows.map((r) => r.id),
    );
  };
  const idsOf = (input: ParamReader, id: string | undefined) => (id ? [id] : input.strings('id'));

  operations.register(STATUS_SPEC, async ({ context, input, id }) => {
    const ctx = await context();
    const ids = idsOf(input, id);
    let rows = ids.length ? await Promise.all(ids.map((i) => readable(ctx, i))) : await own(ctx);
    const statuses = input.strings('status');
    if (!id && statuses.length) rows = rows.filter((r) => statuses.includes(r.status));
    const entry = rows.map((r) => ({
      fullUrl: `urn:uuid:${randomUUID()}`,
      resource: statusParameters(r, 'query-status', [], r.content),
      search: { mode: 'match' },
    }));
    return { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: entry.length, entry } };
  });

  operations.register(EVENTS_SPEC, async ({ context, input, id }) => {
    const ctx = await context();
    const row = await readable(ctx, id!);
    const count = Number(row.events_count);
    const number = (name: string, fallback: number) => {
      const v = input.string(name);
      if (v === undefined) return fallback;
      if (!/^\d{1,15}$/.test(v)) throw badRequest(`${name} はイベント番号（0以上の整数）です`, `${name} must be an event number`, [input.path(name)]);
      return Number(v);
    };
    const from = Math.max(1, number('eventsSinceNumber', 1));
    const to = Math.min(count, number('eventsUntilNumber', count));
    const asked = input.string('content');
    const content: PayloadContent = asked === 'empty' || asked === 'id-only' ? asked : row.content;
    const events = from <= to ? await eventsOf(db, row.id, from, to, EVENTS_PER_CALL) : [];
    if (content === 'id-only') {
      const byPerson = new Map<string, string[]>();
      for (const e of events) if (e.patient_key) byPerson.set(e.patient_key, [...(byPerson.get(e.patient_key) ?? []), e.focus]);
      const records = [...byPerson].map(([pk, focuses]) =>
        repo.auditRecord(ctx, 'R', 'subscription-events', '0', pk, [...new Set(focuses), `Subscription/${row.id}`]),
      );
      if (records.length) await deps.readAudit.write(records);
    }
    return { status: 200, body: notificationBundle(row, 'query-event', events, content) };
  });

  operations.register(WS_TOKEN_SPEC, async ({ req, context, input, id }) => {
    const ctx = await context();
    const ids = idsOf(input, id);
    const rows = ids.length
      ? await Promise.all(ids.map((i) => readable(ctx, i)))
      : (await own(ctx)).filter((r) => r.channel === 'websocket' && r.status !== 'off');
    if (rows.length === 0)
      throw badRequest('websocket で通知を受ける Subscription がありません', 'there is no websocket Subscription to bind', ['Parameters.id']);
    for (const r of rows)
      if (r.channel !== 'websocket' || r.status === 'off')
        throw badRequest(
          `Subscription/${r.id} は websocket で通知を受ける有効な Subscription ではありません`,
          `Subscription/${r.id} is not an active websocket Subscription`,
          ['Parameters.id'],
        );
    const claims = { clientId: ctx.principal.clientId, owner: ownerKey(ctx.principal), subscriptions: rows.map((r) => r.id) };
    const { token, expires } = await issueBindingToken(deps.key, claims, deps.settings.wsTokenSeconds);
    const base = new URL(req.base);
    const wsUrl = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${WEBSOCKET_PATH}`;
    return {
      parameters: [
        { name: 'token', valueString: token },
        { name: 'expiration', valueDateTime: expires.toISOString() },
        ...claims.subscriptions.map((s) => ({ name: 'subscription', valueString: s })),
        { name: 'websocket-url', valueUrl: wsUrl },
      ],
    };
  });
}
