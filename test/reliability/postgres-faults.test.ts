/**
 * Finding 11: a dropped PostgreSQL connection must not kill the server. Tsunagu runs in this process on a scratch
 * database behind a TCP proxy (helpers/fault-server.ts) under concurrent creates, updates and reads over HTTP,
 * while the test (1) terminates the server's backends with pg_terminate_backend, (2) plays a database restart —
 * every connection cut, new ones refused for 3 s — and (3) a 10-second outage. Each time: no uncaught exception
 * or unhandled rejection, every answer is 2xx or a 503 OperationOutcome (transient, Japanese text) with
 * Retry-After — no 500, no hang —, the server recovers by itself, and every acknowledged write is readable.
 * A connection lost during COMMIT is a 503 saying the outcome is unknown, never an acknowledgement. `GET /healthz`
 * answers 503 during the outage and 200 after. TSUNAGU_FAULT_STATS=1 prints each fault's figures.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../../src/platform/http/error-handler.ts';
import { healthRoutes } from '../../src/platform/http/health-routes.ts';
import { postgresReachable } from '../helpers/engines.ts';
import { drive, missingAcknowledged, newRecord, secondsUntilRecovered, type LoadRecord } from './helpers/fhir-load.ts';
import { startFaultServer, type FaultServer } from './helpers/fault-server.ts';

const reachable = await postgresReachable();
if (!reachable && process.env.TSUNAGU_REQUIRE_PG === '1') throw new Error('PostgreSQL is required (TSUNAGU_REQUIRE_PG=1)');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Uncaught exceptions and unhandled rejections while the tests run (either would have ended the real server). */
const crashes: string[] = [];
const onUncaught = (err: unknown) => crashes.push(`uncaught: ${(err as Error)?.stack ?? err}`);
const onUnhandled = (err: unknown) => crashes.push(`unhandled rejection: ${(err as Error)?.stack ?? err}`);

/** Every request that started and ended inside the fault got a 503, at once (refused connections fail fast). */
function expectUnavailableDuring(
  rec: { answers: { start: number; end: number; status: number }[] },
  faultStart: number,
  faultEnd: number,
  atLeast: number,
): void {
  const during = rec.answers.filter((a) => a.start > faultStart + 200 && a.end < faultEnd);
  expect(during.length).toBeGreaterThanOrEqual(atLeast);
  expect(during.filter((a) => a.status !== 503)).toEqual([]);
  expect(Math.max(...during.map((a) => a.end - a.start))).toBeLessThan(2500);
}

/** What holds after every fault. */
async function expectSurvived(s: FaultServer, rec: LoadRecord) {
  if (process.env.TSUNAGU_FAULT_STATS)
    console.log(
      JSON.stringify({
        answers: rec.answers.length,
        unavailable: rec.unavailable.length,
        acknowledged: rec.acknowledged.size,
        slowestMs: Math.round(Math.max(...rec.answers.map((a) => a.end - a.start))),
      }),
    );
  expect(crashes).toEqual([]);
  expect(rec.failures).toEqual([]); // every request got an answer within 20 s
  expect(rec.unexpected).toEqual([]); // only 2xx and 503
  for (const u of rec.unavailable) {
    expect(u).toMatchObject({ retryAfter: '5', code: 'transient' });
    expect(u.contentType).toContain('application/fhir+json');
    expect(u.ja).toMatch(/データベース/);
    expect(u.en).toBeTruthy();
  }
  expect(await secondsUntilRecovered(s.origin, s.token, 15)).toBeLessThan(15);
  expect(rec.acknowledged.size).toBeGreaterThan(0);
  expect(await missingAcknowledged(s.origin, s.token, rec)).toEqual([]);
}

describe.skipIf(!reachable)('PostgreSQL faults under load (in-process server, TCP proxy, scratch database)', () => {
  let s: FaultServer;
  beforeAll(async () => {
    process.on('uncaughtExceptionMonitor', onUncaught);
    process.on('unhandledRejection', onUnhandled);
    s = await startFaultServer();
  });
  afterAll(async () => {
    await s?.close();
    process.off('uncaughtExceptionMonitor', onUncaught);
    process.off('unhandledRejection', onUnhandled);
  });

  it('terminating the server backends under load: 503 while they die, then recovery, nothing acknowledged lost', async () => {
    const rec = newRecord();
    let stop = false;
    const load = drive({ origin: s.origin, token: s.token, workers: 8, stop: () => stop }, rec);
    let terminated = 0;
    for (let round = 0; round < 6; round++) {
      await sleep(1200);
      terminated += await s.terminateBackends();
    }
    await sleep(1000);
    stop = true;
    await load;
    expect(crashes).toEqual([]);
    expect(terminated).toBeGreaterThan(0);
    expect(rec.unavailable.length).toBeGreaterThan(0);
    await expectSurvived(s, rec);
  }, 60_000);

  it('a database restart (all connections cut, refused for 3 s): fast 503s, then recovery by itself', async () => {
    const rec = newRecord();
    let stop = false;
    const load = drive({ origin: s.origin, token: s.token, workers: 8, stop: () => stop }, rec);
    await sleep(1500);
    const faultStart = performance.now();
    await s.proxy.outage(3000);
    const faultEnd = performance.now();
    await sleep(2000);
    stop = true;
    await load;
    expect(crashes).toEqual([]);
    expectUnavailableDuring(rec, faultStart, faultEnd, 1);
    await expectSurvived(s, rec);
  }, 60_000);

  it('a connection lost during COMMIT is never acknowledged: 503 saying the outcome is unknown', async () => {
    const headers = { authorization: `Bearer ${s.token}`, 'content-type': 'application/fhir+json' };
    const body = (given: string, id?: string) => JSON.stringify({ resourceType: 'Patient', ...(id ? { id } : {}), name: [{ family: '確定', given: [given] }] });
    const created = await fetch(`${s.origin}/fhir/Patient`, { method: 'POST', headers, body: body('一') });
    const { id } = (await created.json()) as { id: string };
    // An update runs in a transaction; its COMMIT reaches the database, the answer never comes back.
    s.proxy.cutReplyTo((chunk) => chunk[0] === 0x51 && chunk.includes('COMMIT'));
    const update = await fetch(`${s.origin}/fhir/Patient/${id}`, { method: 'PUT', headers, body: body('二', id) });
    expect(update.status).toBe(503);
    expect(update.headers.get('retry-after')).toBe('5');
    const oo = (await update.json()) as { issue: { code: string; details: { text: string }; diagnostics: string }[] };
    expect(oo.issue[0].code).toBe('transient');
    expect(oo.issue[0].details.text).toContain('書き込まれたか確認');
    expect(oo.issue[0].diagnostics).toContain('may or may not have been applied');
    // It did commit here; the client was told it cannot know, never that it failed or succeeded.
    const read = await fetch(`${s.origin}/fhir/Patient/${id}`, { headers });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { meta: { versionId: string } }).meta.versionId).toBe('2');
    expect(crashes).toEqual([]);
  }, 60_000);

  it('a 10-second outage: every request in it is a 503 with Retry-After, /healthz too; afterwards all is back', async () => {
    const health = Fastify();
    registerErrorHandler(health);
    await healthRoutes(health, { db: s.db });
    expect((await health.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok', database: 'postgres' });
    const rec = newRecord();
    let stop = false;
    const load = drive({ origin: s.origin, token: s.token, workers: 8, stop: () => stop }, rec);
    await sleep(1000);
    const faultStart = performance.now();
    const outage = s.proxy.outage(10_000);
    await sleep(3000);
    const down = await health.inject({ method: 'GET', url: '/healthz' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'transient' }] });
    await outage;
    const faultEnd = performance.now();
    await sleep(2000);
    stop = true;
    await load;
    expect(crashes).toEqual([]);
    expectUnavailableDuring(rec, faultStart, faultEnd, 101);
    await expectSurvived(s, rec);
    expect((await health.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await health.close();
  }, 60_000);
});
