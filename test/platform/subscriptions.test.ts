import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { loadConformanceSync } from '../../src/platform/conformance/index.ts';
import { BACKPORT, WEBSOCKET_PATH } from '../../src/platform/subscriptions/index.ts';
import { Dispatcher } from '../../src/platform/subscriptions/dispatcher.ts';
import { subscriptionSettings } from '../../src/platform/subscriptions/settings.ts';
import type { Database } from '../../src/platform/storage/database.ts';
import { ENGINES } from '../helpers/engines.ts';
import { observation, patient } from '../helpers/fixtures.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';
import { startReceiver, waitFor } from '../helpers/receiver.ts';

type Json = Record<string, any>;

const topicUrl = (name: string) => `https://tsunagu.example.jp/fhir/SubscriptionTopic/test-${name}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The status Parameters of a notification Bundle, as name → value (notification events as a list). */
function statusOf(bundle: Json) {
  const params: Json[] = bundle.entry[0].resource.parameter;
  const value = (name: string) => {
    const p = params.find((x) => x.name === name);
    return p && (p.valueCode ?? p.valueString ?? p.valueCanonical ?? p.valueReference?.reference);
  };
  const events = params
    .filter((p) => p.name === 'notification-event')
    .map((p) => ({
      number: p.part.find((x: Json) => x.name === 'event-number')?.valueString,
      focus: p.part.find((x: Json) => x.name === 'focus')?.valueReference?.reference,
    }));
  return { type: value('type'), status: value('status'), since: value('events-since-subscription-start'), topic: value('topic'), events };
}

function subscription(topic: string, channel: Json, opts: { content?: string; filter?: string; status?: string } = {}): Json {
  return {
    resourceType: 'Subscription',
    status: opts.status ?? 'requested',
    reason: '新しい情報の通知（テスト）',
    criteria: topic,
    ...(opts.filter ? { _criteria: { extension: [{ url: BACKPORT.filterCriteria, valueString: opts.filter }] } } : {}),
    channel: {
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: BACKPORT.payloadContent, valueCode: opts.content ?? 'id-only' }] },
      ...channel,
    },
  };
}

describe.each(ENGINES)('subscriptions on %s', (engine) => {
  let s: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let clinic: TestClient;
  let other: TestClient;
  let patientId: string;
  let obsId: string;
  const CLINIC = 'facility:1312345679';

  beforeAll(async () => {
    s = await startTestServer(engine);
    // The receivers of these tests listen on this machine (an operator's TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS=1).
    s.t.platform.subscriptions.settings.allowPrivateEndpoints = true;
    Object.assign(s.t.platform.subscriptions.settings, { pollMs: 40, retryMs: 20, retryMaxMs: 80, attempts: 3 });
    for (const name of ['main', 'ws', 'fail', 'deny', 'patient', 'filter', 'outage'])
      s.t.platform.subscriptions.topics.register({
        url: topicUrl(name),
        title: `テスト ${name}`,
        description: 'A test topic',
        resourceTypes: ['Observation'],
        filters: [{ resourceType: 'Observation', parameter: 'code', description: 'the test code' }],
      });
    receiver = await startReceiver();
    clinic = await s.addClient({ kind: 'facility', scopes: ['system/*.*'] });
    other = await s.addClient({ kind: 'facility', facilityCode: '1310000003', scopes: ['system/*.*'] });
    patientId = json(await post('/fhir/Patient', patient())).id;
    obsId = json(await post('/fhir/Observation', observation(`Patient/${patientId}`))).id;
  });
  afterAll(async () => {
    await s?.close();
    await receiver?.close();
  });

  const post = (url: string, body: unknown, token = clinic.token, headers?: Record<string, string>) => s.request({ method: 'POST', url, body, token, headers });
  const get = (url: string, token = clinic.token) => s.request({ method: 'GET', url, token });
  const publish = (topic: string, opts: { q?: import('../../src/platform/storage/database.ts').Queryable; owners?: string[]; patient?: string } = {}) =>
    s.t.platform.subscriptions.publish(opts.q, {
      topic: topicUrl(topic),
      focus: `Observation/${obsId}`,
      patientKey: patientId,
      audience: { ownerKeys: opts.owners ?? [CLINIC], patientId: opts.patient },
    });
  const count = async (table: string) => (await s.t.platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  /** Creates a rest-hook Subscription to `path` and waits for its handshake to make it active. */
  const activeRestHook = async (topic: string, path: string, token = clinic.token, opts: { filter?: string } = {}) => {
    const r = await post(
      '/fhir/Subscription',
      subscription(topicUrl(topic), { type: 'rest-hook', endpoint: receiver.url(path), header: ['X-Api-Key: secret'] }, opts),
      token,
    );
    expect(r.statusCode, r.body).toBe(201);
    const id = json(r).id as string;
    await waitFor(async () => json(await get(`/fhir/Subscription/${id}`, token)).status === 'active', 'status active');
    return id;
  };

  it('lists the topics and Subscription support in the CapabilityStatement', async () => {
    const cs = json(await s.request({ method: 'GET', url: '/fhir/metadata' }));
    expect(cs.instantiates).toContain(BACKPORT.serverCapability);
    const entry = cs.rest[0].resource.find((r: Json) => r.type === 'Subscription');
    expect(entry.extension).toContainEqual({ url: BACKPORT.topicCanonical, valueCanonical: topicUrl('main') });
    expect(entry.supportedProfile).toContain(BACKPORT.subscriptionProfile);
    expect(entry.operation.map((o: Json) => o.name)).toEqual(expect.arrayContaining(['events', 'get-ws-binding-token', 'status']));
    expect(entry.interaction.map((i: Json) => i.code)).not.toContain('patch');
    // Still a valid R4 CapabilityStatement (R4 has no SubscriptionStatus resource: the status is a Parameters).
    const oo = loadConformanceSync({ packages: [] }).validate(cs);
    const errors = (oo.issue ?? []).filter((i) => i.severity === 'error' && i.expression?.[0]?.includes('rest[0].resource'));
    expect(errors.map((i) => `${i.expression?.[0]}: ${i.diagnostics}`)).toEqual([]);
    expect(JSON.stringify(cs)).not.toContain('SubscriptionStatus');
  });

  it('hand-shakes a rest-hook, then delivers an event published in a transaction (number, focus, headers, audit)', async () => {
    const created = await post(
      '/fhir/Subscription',
      subscription(topicUrl('main'), { type: 'rest-hook', endpoint: receiver.url('/main'), header: ['X-Api-Key: secret'] }),
    );
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created).status).toBe('requested');
    const id = json(created).id;
    const handshake = await waitFor(() => receiver.got('/main')[0], 'handshake');
    expect(handshake.headers['content-type']).toBe('application/fhir+json');
    expect(handshake.headers['x-api-key']).toBe('secret');
    expect(handshake.body).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    expect(handshake.body.entry[0].resource.resourceType).toBe('Parameters');
    expect(statusOf(handshake.body)).toMatchObject({ type: 'handshake', status: 'requested', since: '0', topic: topicUrl('main') });
    await waitFor(async () => json(await get(`/fhir/Subscription/${id}`)).status === 'active', 'status active');

    await s.t.platform.repo.transaction(async (session) => {
      expect(await publish('main', { q: session.tx })).toBe(1);
    });
    const note = await waitFor(() => receiver.got('/main').find((n) => statusOf(n.body).type === 'event-notification'), 'event notification');
    const st = statusOf(note.body);
    expect(st).toMatchObject({ since: '1', status: 'active' });
    expect(st.events).toEqual([{ number: '1', focus: expect.stringMatching(new RegExp(`/Observation/${obsId}$`)) }]);
    expect(note.body.entry[1]).toMatchObject({ fullUrl: expect.stringMatching(new RegExp(`/Observation/${obsId}$`)), request: { method: 'GET' } });
    expect(note.body.entry[1].resource).toBeUndefined();
    // Recorded in the person's access log like a read by the subscriber.
    const audits = await s.t.platform.db.query<{ facility_code: string; entities: string[] }>(
      `SELECT facility_code, entities FROM audit_events WHERE patient_key = $1 AND detail LIKE '%subscription-notification%'`,
      [patientId],
    );
    expect(audits.rows.some((a) => a.facility_code === '1312345679' && a.entities.includes(`Subscription/${id}`))).toBe(true);

    // A rolled-back publish stores and sends nothing: the next event is number 2.
    await expect(
      s.t.platform.repo.transaction(async (session) => {
        await publish('main', { q: session.tx });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await publish('main');
    const second = await waitFor(() => receiver.got('/main').filter((n) => statusOf(n.body).type === 'event-notification')[1], 'second event');
    expect(statusOf(second.body).events.map((e) => e.number)).toEqual(['2']);
    await sleep(200);
    expect(receiver.got('/main').filter((n) => statusOf(n.body).type === 'event-notification')).toHaveLength(2);

    // $status and $events.
    const status = json(await get(`/fhir/Subscription/${id}/$status`));
    expect(status).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(statusOf({ entry: [status.entry[0]] })).toMatchObject({ type: 'query-status', status: 'active', since: '2' });
    const all = json(await get('/fhir/Subscription/$status'));
    expect(all.entry.length).toBeGreaterThanOrEqual(1);
    const events = json(await get(`/fhir/Subscription/${id}/$events?eventsSinceNumber=1`));
    expect(events.type).toBe('history');
    expect(statusOf(events)).toMatchObject({ type: 'query-event' });
    expect(statusOf(events).events.map((e) => e.number)).toEqual(['1', '2']);
    expect(statusOf(json(await get(`/fhir/Subscription/${id}/$events?eventsSinceNumber=2`))).events.map((e) => e.number)).toEqual(['2']);
    expect(statusOf(json(await get(`/fhir/Subscription/${id}/$events?content=empty`))).events[0].focus).toBeUndefined();
  });

  it('filters by the criteria extension', async () => {
    await activeRestHook('filter', '/filter-hit', clinic.token, { filter: 'Observation?code=http://loinc.org|2823-3' });
    await activeRestHook('filter', '/filter-miss', clinic.token, { filter: 'Observation?code=http://loinc.org|0000-0' });
    expect(await publish('filter')).toBe(1);
    await waitFor(() => receiver.got('/filter-hit').find((n) => statusOf(n.body).type === 'event-notification'), 'filtered event');
    expect(receiver.got('/filter-miss').filter((n) => statusOf(n.body).type === 'event-notification')).toHaveLength(0);
  });

  it('delivers only to the audience, and hides a Subscription from other organisations', async () => {
    const mine = await activeRestHook('deny', '/deny-clinic');
    const theirs = await activeRestHook('deny', '/deny-other', other.token);
    await publish('deny');
    await waitFor(() => receiver.got('/deny-clinic').find((n) => statusOf(n.body).type === 'event-notification'), 'clinic event');
    await sleep(200);
    expect(receiver.got('/deny-other').filter((n) => statusOf(n.body).type === 'event-notification')).toHaveLength(0);

    const as = other.token;
    expect((await get(`/fhir/Subscription/${mine}`, as)).statusCode).toBe(404);
    expect((await get(`/fhir/Subscription/${mine}/_history`, as)).statusCode).toBe(404);
    expect((await get(`/fhir/Subscription/${mine}/_history/1`, as)).statusCode).toBe(404);
    const search = json(await get('/fhir/Subscription?_total=accurate', as));
    expect((search.entry ?? []).map((e: Json) => e.resource.id)).toEqual([theirs]);
    expect(json(await get(`/fhir/Subscription?_id=${mine}&_summary=count`, as)).total).toBe(0);
    expect(json(await get('/fhir/Subscription?_summary=count', as)).total).toBe(1);
    const history = json(await get('/fhir/Subscription/_history', as));
    expect((history.entry ?? []).every((e: Json) => e.resource?.id !== mine && !String(e.fullUrl).endsWith(mine))).toBe(true);
    expect((await get(`/fhir/Subscription/${mine}/$status`, as)).statusCode).toBe(404);
    expect((await get(`/fhir/Subscription/${mine}/$events`, as)).statusCode).toBe(404);
    expect((await get(`/fhir/Subscription/${mine}/$get-ws-binding-token`, as)).statusCode).toBe(404);
    expect(json(await get('/fhir/Subscription/$status', as)).entry.map((e: Json) => statusOf({ entry: [e] }).status)).toHaveLength(1);
    expect((await s.request({ method: 'DELETE', url: `/fhir/Subscription/${mine}`, token: as })).statusCode).toBe(404);
    const body = { ...json(await get(`/fhir/Subscription/${mine}`)), channel: { type: 'rest-hook', endpoint: receiver.url('/stolen') } };
    expect((await s.request({ method: 'PUT', url: `/fhir/Subscription/${mine}`, token: as, body })).statusCode).toBe(403);
    // The owner still reads it, unchanged.
    expect(json(await get(`/fhir/Subscription/${mine}`)).channel.endpoint).toBe(receiver.url('/deny-clinic'));
  });

  it('binds a websocket with a token and pushes events', async () => {
    await s.t.app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(s.t.app.server.address() as AddressInfo).port}`;
    const created = await post('/fhir/Subscription', subscription(topicUrl('ws'), { type: 'websocket' }));
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created).status).toBe('active');
    const id = json(created).id;
    const res = await fetch(`${origin}/fhir/Subscription/${id}/$get-ws-binding-token`, { headers: { authorization: `Bearer ${clinic.token}` } });
    const out = (await res.json()) as Json;
    const param = (name: string) => out.parameter.find((p: Json) => p.name === name);
    expect(param('subscription').valueString).toBe(id);
    expect(param('websocket-url').valueUrl).toBe(`ws://127.0.0.1:${new URL(origin).port}${WEBSOCKET_PATH}`);

    const ws = new WebSocket(param('websocket-url').valueUrl);
    const messages: Json[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(`bind-with-token ${param('token').valueString}`);
    await waitFor(() => messages.find((m) => statusOf(m).type === 'handshake'), 'websocket handshake');
    await publish('ws');
    const note = await waitFor(() => messages.find((m) => statusOf(m).type === 'event-notification'), 'websocket event');
    expect(statusOf(note).events).toEqual([{ number: '1', focus: expect.stringMatching(new RegExp(`/Observation/${obsId}$`)) }]);
    ws.close();

    // A token that does not verify closes the connection.
    const bad = new WebSocket(param('websocket-url').valueUrl);
    await new Promise((resolve) => bad.once('open', resolve));
    const closed = new Promise<number>((resolve) => bad.once('close', (code) => resolve(code)));
    bad.send('bind-with-token not-a-token');
    expect(await closed).toBe(1008);
  });

  it('lets a patient subscribe to their own events, unseen by the clinic', async () => {
    const me = await s.addClient({ kind: 'patient', patientId, scopes: ['patient/Subscription.cruds', 'patient/*.rs'] });
    const id = await activeRestHook('patient', '/patient', me.token);
    expect((await get(`/fhir/Subscription/${id}`)).statusCode).toBe(404);
    await publish('patient', { owners: [], patient: patientId });
    await waitFor(() => receiver.got('/patient').find((n) => statusOf(n.body).type === 'event-notification'), 'patient event');
    expect(json(await get(`/fhir/Subscription/${id}/$status`, me.token)).total).toBe(1);
  });

  it('refuses bad Subscriptions with a 400 in Japanese, storing nothing', async () => {
    const before = [await count('resources'), await count('subscriptions')];
    const rest = (endpoint: string) => ({ type: 'rest-hook', endpoint });
    const cases: [Json, RegExp][] = [
      [subscription('https://elsewhere.example/SubscriptionTopic/x', rest(receiver.url('/x'))), /トピック/],
      [subscription(topicUrl('main'), { type: 'email', endpoint: 'mailto:a@example.jp' }), /通知の方法/],
      [subscription(topicUrl('main'), rest('http://example.com/hook')), /https/],
      [subscription(topicUrl('main'), rest('ftp://127.0.0.1/hook')), /https/],
      [subscription(topicUrl('main'), rest('not a url')), /URL/],
      [subscription(topicUrl('main'), { type: 'rest-hook' }), /通知先/],
      [subscription(topicUrl('main'), rest(receiver.url('/x')), { content: 'full-resource' }), /full-resource/],
      [subscription(topicUrl('main'), { ...rest(receiver.url('/x')), header: ['Content-Type: text/plain'] }), /ヘッダー/],
      [subscription(topicUrl('main'), rest(receiver.url('/x')), { filter: 'Observation?subject=Patient/1' }), /絞り込め/],
      [subscription(topicUrl('main'), rest(receiver.url('/x')), { filter: 'Patient?name=x' }), /対象ではありません/],
    ];
    for (const [body, ja] of cases) {
      const r = await post('/fhir/Subscription', body);
      expect(r.statusCode, r.body).toBe(400);
      const oo = json(r);
      expect(oo.resourceType).toBe('OperationOutcome');
      expect(oo.issue[0].details.text).toMatch(ja);
    }
    // Not as a plain create inside a transaction Bundle either (it would bypass the checks).
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: subscription(topicUrl('main'), rest(receiver.url('/x'))), request: { method: 'POST', url: 'Subscription' } }],
    };
    const tx = await post('/fhir', bundle);
    expect(tx.statusCode).toBe(403);
    expect(json(tx).issue[0].details.text).toMatch(/Subscription/);
    const patch = await s.request({
      method: 'PATCH',
      url: '/fhir/Subscription/x1',
      token: clinic.token,
      body: [],
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(patch.statusCode).toBe(405);
    expect([await count('resources'), await count('subscriptions')]).toEqual(before);

    // At most TSUNAGU_SUBSCRIPTION_MAX_PER_OWNER per registrant.
    const settings = s.t.platform.subscriptions.settings;
    const pharmacy = await s.addClient({ kind: 'pharmacy', scopes: ['system/*.*'] });
    settings.maxPerOwner = 1;
    try {
      const ws = subscription(topicUrl('main'), { type: 'websocket' });
      expect((await post('/fhir/Subscription', ws, pharmacy.token)).statusCode).toBe(201);
      const over = await post('/fhir/Subscription', ws, pharmacy.token);
      expect(over.statusCode).toBe(422);
      expect(json(over).issue[0].details.text).toMatch(/1 件まで/);
    } finally {
      settings.maxPerOwner = 100;
    }
  });

  it('retries a receiver that is down, then sets error; a new start delivers the events kept meanwhile', async () => {
    receiver.answer.set('/fail', 500);
    const r = await post('/fhir/Subscription', subscription(topicUrl('fail'), { type: 'rest-hook', endpoint: receiver.url('/fail') }));
    const id = json(r).id;
    const failed = await waitFor(async () => {
      const sub = json(await get(`/fhir/Subscription/${id}`));
      return sub.status === 'error' ? sub : undefined;
    }, 'status error');
    expect(failed.error).toMatch(/届きませんでした/);
    expect(receiver.got('/fail').length).toBe(3);
    expect(receiver.got('/fail').every((n) => statusOf(n.body).type === 'handshake')).toBe(true);
    // An event while in error is kept (not sent)...
    expect(await publish('fail')).toBe(1);
    await sleep(200);
    expect(receiver.got('/fail').length).toBe(3);
    // ... and delivered after the receiver is back and the client asks for a new start.
    receiver.answer.delete('/fail');
    const restart = await s.request({ method: 'PUT', url: `/fhir/Subscription/${id}`, token: clinic.token, body: { ...failed, status: 'requested' } });
    expect(restart.statusCode, restart.body).toBe(200);
    expect(json(restart).status).toBe('requested');
    expect(json(restart).error).toBeUndefined();
    const note = await waitFor(() => receiver.got('/fail').find((n) => statusOf(n.body).type === 'event-notification'), 'event after restart');
    expect(statusOf(note.body).events.map((e) => e.number)).toEqual(['1']);
  });

  it('takes a Subscription in a batch entry and sends heartbeats at its period', async () => {
    const channel = {
      type: 'rest-hook',
      endpoint: receiver.url('/heartbeat'),
      extension: [{ url: BACKPORT.heartbeatPeriod, valueUnsignedInt: 1 }],
    };
    const batch = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [{ resource: subscription(topicUrl('main'), channel), request: { method: 'POST', url: 'Subscription' } }],
    };
    const r = json(await post('/fhir', batch));
    expect(r.entry[0].response.status).toMatch(/^201/);
    const beat = await waitFor(() => receiver.got('/heartbeat').find((n) => statusOf(n.body).type === 'heartbeat'), 'heartbeat', 5000);
    expect(statusOf(beat.body)).toMatchObject({ status: 'active', since: '0' });
  });

  it('delivers an event committed before a database outage once the database is back', async () => {
    await activeRestHook('outage', '/outage');
    const db = s.t.platform.db as Database & Record<string, unknown>;
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const down = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    };
    await s.t.platform.repo.transaction(async (session) => {
      await publish('outage', { q: session.tx });
    });
    // The dispatcher looks a moment after the commit: the database is away by then.
    const { query, transaction } = db;
    db.query = down;
    db.transaction = down;
    try {
      await sleep(300);
      expect(receiver.got('/outage').filter((n) => statusOf(n.body).type === 'event-notification')).toHaveLength(0);
    } finally {
      db.query = query;
      db.transaction = transaction;
    }
    const note = await waitFor(() => receiver.got('/outage').find((n) => statusOf(n.body).type === 'event-notification'), 'event after the outage');
    expect(statusOf(note.body).events.map((e) => e.number)).toEqual(['1']);
    expect(quiet).toHaveBeenCalledWith(expect.stringMatching(/database unavailable/));
    quiet.mockRestore();
  });

  it('a Subscription past its end turns off (row and resource) and receives nothing more', async () => {
    const created = await post('/fhir/Subscription', {
      ...subscription(topicUrl('ws'), { type: 'websocket' }),
      end: new Date(Date.now() + 1500).toISOString(),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = json(created).id;
    expect(json(created).status).toBe('active');
    await waitFor(async () => (json(await get(`/fhir/Subscription/${id}`)).status === 'off' ? true : undefined), 'status off after end');
    const row = await s.t.platform.db.query<{ status: string }>('SELECT status FROM subscriptions WHERE id = $1', [id]);
    expect(row.rows[0].status).toBe('off');
  });

  it('a deleted Subscription stops receiving and its row goes', async () => {
    const id = await activeRestHook('main', '/deleted');
    expect((await s.request({ method: 'DELETE', url: `/fhir/Subscription/${id}`, token: clinic.token })).statusCode).toBe(204);
    expect((await s.t.platform.db.query('SELECT 1 FROM subscriptions WHERE id = $1', [id])).rowCount).toBe(0);
    await publish('main');
    await sleep(200);
    expect(receiver.got('/deleted').filter((n) => statusOf(n.body).type === 'event-notification')).toHaveLength(0);
  });
});

describe('subscription dispatcher', () => {
  it('survives failing steps (database away), goes on, and leaves no timer after close', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let calls = 0;
    const db = { query: async () => ({ rows: [], rowCount: 0 }) } as unknown as Database;
    const d = new Dispatcher(
      db,
      { ...subscriptionSettings(), pollMs: 5 },
      {
        restHooks: async () => {
          calls++;
          if (calls <= 3) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          return 0;
        },
        websockets: async () => undefined,
      },
    );
    d.start();
    await waitFor(() => calls >= 6, 'steps after the failures', 5000);
    await d.close();
    const after = calls;
    await sleep(100);
    expect(calls).toBe(after);
    expect(quiet).toHaveBeenCalledWith(expect.stringMatching(/database unavailable/));
    quiet.mockRestore();
  });
});
