/**
 * How database failures reach a client: connection-level errors (refused, reset, terminated, timeouts, SQLSTATE
 * 08xxx / 57P01-03 / 53300) are "database unavailable" — 503, Retry-After, a transient OperationOutcome with
 * Japanese text —, data exceptions (SQLSTATE class 22, raised here by a real PostgreSQL in PGlite) are a 400, any
 * other database error stays a 500; the group committer does not retry a batch item by item when the database is
 * unavailable (every item gets the failure at once).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../../src/platform/http/error-handler.ts';
import { isConnectionError, isDataException } from '../../src/platform/storage/database.ts';
import { openPglite } from '../../src/platform/storage/pglite-engine.ts';
import type { Database } from '../../src/platform/storage/database.ts';
import { GroupCommitter } from '../../src/platform/storage/group-committer.ts';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('connection-level errors', () => {
  it.each([
    ['refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['happy-eyeballs refusal', new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], '')],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['connect timeout', new Error('timeout exceeded when trying to connect')],
    ['dead client', new Error('Client has encountered a connection error and is not queryable')],
    ['admin shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown', pgError('57P02')],
    ['starting up', pgError('57P03', 'the database system is starting up')],
    ['connection exception', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['wrapped', Object.assign(new Error('write failed'), { cause: pgError('57P01') })],
  ])('%s is a connection error', (_what, err) => expect(isConnectionError(err)).toBe(true));

  it.each([
    ['unique violation', pgError('23505')],
    ['syntax error', pgError('42601')],
    ['division by zero', pgError('22012')],
    ['plain error', new Error('audit chain 3 is missing: nothing written')],
    ['not an error', 'ECONNREFUSED'],
  ])('%s is not', (_what, err) => expect(isConnectionError(err)).toBe(false));

  it('class 22 is a data exception, nothing else', () => {
    expect(isDataException(pgError('22021'))).toBe(true);
    expect(isDataException(pgError('22003'))).toBe(true);
    expect(isDataException(pgError('23505'))).toBe(false);
    expect(isDataException(new Error('22003'))).toBe(false);
  });
});

describe('HTTP answers to database errors', () => {
  let db: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await openPglite(undefined);
    app = Fastify({ logger: false });
    registerErrorHandler(app);
    app.get('/divide', async () => (await db.query('SELECT 1 / 0')).rows);
    app.get('/out-of-range', async () => (await db.query('SELECT 2147483647::int + 1')).rows);
    app.get('/bad-bytes', async () => (await db.query('SELECT convert_from($1::bytea, $2)', [Buffer.from([0x66, 0xff]), 'UTF8'])).rows);
    app.get('/missing-table', async () => (await db.query('SELECT * FROM no_such_table')).rows);
    app.get('/refused', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    app.get('/terminated', async () => {
      throw pgError('57P01', 'terminating connection due to administrator command');
    });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it.each(['/divide', '/out-of-range', '/bad-bytes'])('%s (SQLSTATE 22xxx) is a 400 OperationOutcome', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    const issue = res.json().issue[0];
    expect(issue).toMatchObject({ severity: 'error', code: 'invalid' });
    expect(issue.details.text).toMatch(/データベースに保存できない値/);
    expect(issue.diagnostics).toMatch(/the database refused a value/);
  });

  it.each(['/refused', '/terminated'])('%s is a 503 with Retry-After and a transient OperationOutcome', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    const issue = res.json().issue[0];
    expect(issue).toMatchObject({
      severity: 'error',
      code: 'transient',
      details: { text: 'データベースに接続できません。しばらくしてから再試行してください' },
    });
    expect(issue.diagnostics).toContain('the database is unavailable');
  });

  it('any other database error stays a 500 (a server fault, not the request)', async () => {
    const res = await app.inject({ method: 'GET', url: '/missing-table' });
    expect(res.statusCode).toBe(500);
    expect(res.json().issue[0].code).toBe('exception');
  });
});

describe('group commit while the database is unavailable', () => {
  it('fails the whole batch at once instead of retrying each item alone', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((r) => (release = r));
    const g = new GroupCommitter<number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await first; // holds the queue so the next items form one batch
        throw new Error('Connection terminated unexpectedly');
      },
      { parallel: 1 },
    );
    const waits = [g.submit([0]), ...[1, 2, 3, 4].map((n) => g.submit([n]))];
    release();
    const results = await Promise.allSettled(waits);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(batches).toEqual([[0], [1, 2, 3, 4]]);
  });
});
