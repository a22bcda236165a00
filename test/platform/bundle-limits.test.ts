/**
 * One big request must not stall everyone: entries per Bundle, items per array, values and nesting per body and
 * values per resource are capped (413 too-costly, naming the limit and where, nothing written); a transaction
 * validates its resources before it opens the database transaction, giving the event loop back between entries;
 * a client that sends its request slowly is cut off (408). On every engine.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/platform/config.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';
import { observation, patient } from '../helpers/fixtures.ts';

async function counts(s: TestServer): Promise<{ resources: number; versions: number; audits: number }> {
  const r = await s.t.platform.db.query<{ resources: number; versions: number; audits: number }>(
    `SELECT (SELECT count(*) FROM resources)::int AS resources, (SELECT count(*) FROM resource_versions)::int AS versions,
            (SELECT count(*) FROM audit_events)::int AS audits`,
  );
  return r.rows[0];
}

const post = (s: TestServer, c: TestClient, url: string, body: unknown) => s.request({ method: 'POST', url, token: c.token, body });

function expectTooCostly(r: { statusCode: number; body: string }, expression: string, limit: number): void {
  expect(r.statusCode, r.body.slice(0, 300)).toBe(413);
  const issue = json(r as never).issue[0];
  expect(issue.code).toBe('too-costly');
  expect(issue.expression).toEqual([expression]);
  expect(issue.diagnostics).toContain(String(limit));
  expect(issue.details.text).toContain(String(limit));
}

describe('documented defaults', () => {
  it('caps Bundles at 1,000 entries, arrays at 10,000 items and requests at 30 s', () => {
    const config = configFromEnv({});
    expect(config.bundleMaxEntries).toBe(1000);
    expect(config.maxArrayItems).toBe(10_000);
    expect(config.requestTimeout).toBe(30);
    const env = configFromEnv({ TSUNAGU_BUNDLE_MAX_ENTRIES: '50', TSUNAGU_MAX_ARRAY_ITEMS: '70', TSUNAGU_REQUEST_TIMEOUT: '5' });
    expect([env.bundleMaxEntries, env.maxArrayItems, env.requestTimeout]).toEqual([50, 70, 5]);
  });
});

describe.each(ENGINES)('request limits on %s', (engine) => {
  let s: TestServer;
  let admin: TestClient;
  let patientId: string;

  beforeAll(async () => {
    s = await startTestServer(engine);
    admin = await s.addClient({ kind: 'facility', scopes: ['system/*.*'] });
    patientId = json(await post(s, admin, '/fhir/Patient', patient())).id;
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('sizes', () => {
    it('refuses a Bundle over 1,000 entries with 413 before any work: nothing written, not even audit events', async () => {
      for (const type of ['batch', 'transaction']) {
        const before = await counts(s);
        const entry = Array.from({ length: 1001 }, () => ({ resource: patient(), request: { method: 'POST', url: 'Patient' } }));
        const r = await post(s, admin, '/fhir', { resourceType: 'Bundle', type, entry });
        expectTooCostly(r, 'Bundle.entry', 1000);
        expect(json(r).issue[0].diagnostics).toContain('TSUNAGU_BUNDLE_MAX_ENTRIES');
        expect(await counts(s)).toEqual(before);
      }
    });

    it('refuses an array over 10,000 items with 413 naming its path (a Patient with 10⁵ names)', async () => {
      const before = await counts(s);
      const many = await post(s, admin, '/fhir/Patient', { resourceType: 'Patient', name: Array.from({ length: 100_000 }, (_, i) => ({ family: `F${i}` })) });
      expectTooCostly(many, 'Patient.name', 10_000);
      const given = await post(s, admin, '/fhir/Patient', {
        resourceType: 'Patient',
        name: [{ family: 'x', given: Array.from({ length: 10_001 }, () => 'g') }],
      });
      expectTooCostly(given, 'Patient.name[0].given', 10_000);
      const inBundle = await post(s, admin, '/fhir', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Patient', telecom: Array.from({ length: 10_001 }, () => ({ system: 'phone', value: '1' })) },
            request: { method: 'POST', url: 'Patient' },
          },
        ],
      });
      expectTooCostly(inBundle, 'Bundle.entry[0].resource.telecom', 10_000);
      expect(await counts(s)).toEqual(before);
      // At the limit it is taken.
      const atLimit = await post(s, admin, '/fhir/Patient', {
        resourceType: 'Patient',
        name: [{ family: 'x', given: Array.from({ length: 10_000 }, () => 'g') }],
      });
      expect(atLimit.statusCode, atLimit.body.slice(0, 300)).toBe(201);
    });

    it('refuses more than 100,000 values in one resource, 1,000,000 in one body, 100 levels of nesting', async () => {
      const before = await counts(s);
      // Eleven arrays of 10,000 (each within the array limit): a resource too big to validate and index in one go.
      const wide = await post(s, admin, '/fhir/Patient', {
        resourceType: 'Patient',
        name: Array.from({ length: 11 }, () => ({ given: Array.from({ length: 10_000 }, () => 'g') })),
      });
      expectTooCostly(wide, 'Patient', 100_000);
      const huge = `{"resourceType":"Basic","extension":[${Array.from({ length: 101 }, () => `[${'0,'.repeat(9_999)}0]`).join(',')}]}`;
      const body = await s.request({ method: 'POST', url: '/fhir/Basic', token: admin.token, body: huge });
      expect(body.statusCode).toBe(413);
      expect(json(body).issue[0].diagnostics).toContain('more than 1000000 JSON values');
      const deep = await s.request({
        method: 'POST',
        url: '/fhir/Basic',
        token: admin.token,
        body: `{"resourceType":"Basic","extension":${'['.repeat(150)}${']'.repeat(150)}}`,
      });
      expect(deep.statusCode).toBe(413);
      expect(json(deep).issue[0].diagnostics).toContain('deeper than 100 levels');
      expect(await counts(s)).toEqual(before);
    });
  });

  describe('a big transaction leaves the connection and the event loop to others', () => {
    /** Records, for each validation, whether a database transaction was open at the time. */
    function watch() {
      const db = s.t.platform.db;
      const repo = s.t.platform.repo;
      const transaction = db.transaction;
      const validate = repo.deps.validate!;
      const seen = { validations: 0, insideTransaction: 0, transactions: 0, openedAt: [] as number[] };
      let validating!: () => void;
      const firstValidation = new Promise<void>((resolve) => (validating = resolve));
      let open = 0;
      db.transaction = (async (fn: never) => {
        seen.transactions++;
        seen.openedAt.push(performance.now());
        open++;
        try {
          return await transaction.call(db, fn);
        } finally {
          open--;
        }
      }) as typeof db.transaction;
      repo.deps.validate = (resource) => {
        seen.validations++;
        if (open > 0) seen.insideTransaction++;
        return validate(resource);
      };
      return {
        seen,
        firstValidation,
        /** Makes each validation take `ms` of CPU, like a profile-heavy resource. */
        slow(ms: number) {
          repo.deps.validate = (resource) => {
            const until = performance.now() + ms;
            while (performance.now() < until);
            validating();
            seen.validations++;
            if (open > 0) seen.insideTransaction++;
            return validate(resource);
          };
        },
        restore() {
          db.transaction = transaction;
          repo.deps.validate = validate;
        },
      };
    }

    const observations = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        resource: observation(`Patient/${patientId}`, { value: i }),
        request: { method: 'POST', url: 'Observation' },
      }));

    it('validates every resource before the database transaction opens', async () => {
      const w = watch();
      try {
        const entry = [...observations(30), { resource: { ...patient(), id: patientId }, request: { method: 'PUT', url: `Patient/${patientId}` } }];
        const r = await post(s, admin, '/fhir', { resourceType: 'Bundle', type: 'transaction', entry });
        expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
        expect(json(r).entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3))).toEqual([...Array(30).fill('201'), '200']);
        expect(w.seen.validations).toBe(31);
        expect(w.seen.insideTransaction).toBe(0);
        expect(w.seen.transactions).toBe(1);
        // A batch's updates validate before their own transactions too.
        const batch = await post(s, admin, '/fhir', {
          resourceType: 'Bundle',
          type: 'batch',
          entry: [{ resource: { ...patient(), id: patientId }, request: { method: 'PUT', url: `Patient/${patientId}` } }],
        });
        expect(json(batch).entry[0].response.status).toMatch(/^200/);
        expect(w.seen.insideTransaction).toBe(0);
      } finally {
        w.restore();
      }
    });

    it('never opens a transaction for a Bundle whose last resource is invalid', async () => {
      const w = watch();
      try {
        const before = await counts(s);
        const entry = [
          ...observations(40),
          { resource: { resourceType: 'Observation', status: 'no-such-status', code: { text: 'x' } }, request: { method: 'POST', url: 'Observation' } },
        ];
        const r = await post(s, admin, '/fhir', { resourceType: 'Bundle', type: 'transaction', entry });
        expect(r.statusCode).toBe(422);
        expect(json(r).issue[0].expression[0]).toBe('Bundle.entry[40]');
        expect(w.seen.transactions).toBe(0);
        expect(await counts(s)).toEqual(before);
      } finally {
        w.restore();
      }
    });

    it('serves another client while it validates', async () => {
      const w = watch();
      w.slow(3); // 200 entries: 0.6 s of validation
      try {
        const bundle = post(s, admin, '/fhir', { resourceType: 'Bundle', type: 'transaction', entry: observations(200) });
        await w.firstValidation; // the Bundle is being validated: now another client reads
        const read = await s.request({ method: 'GET', url: `/fhir/Patient/${patientId}`, token: admin.token });
        const readDone = performance.now();
        expect(read.statusCode).toBe(200);
        const r = await bundle;
        expect(r.statusCode).toBe(200);
        expect(w.seen.transactions).toBe(1);
        // The read was answered before the transaction even opened, well before the Bundle's end.
        expect(readDone).toBeLessThan(w.seen.openedAt[0]);
      } finally {
        w.restore();
      }
    });
  });
});

describe.each(ENGINES)('slow clients on %s', (engine) => {
  let s: TestServer;
  let port: number;

  beforeAll(async () => {
    s = await startTestServer(engine, { requestTimeout: 1 });
    await s.t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (s.t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Sends `text` on a fresh connection and waits (up to 5 s) for the server to answer and close it. */
  function stall(text: string): Promise<{ answer: string; ms: number; closed: boolean }> {
    return new Promise((resolve) => {
      const started = performance.now();
      let answer = '';
      let settled = false;
      const finish = (closed: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve({ answer, ms: performance.now() - started, closed });
      };
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      socket.on('data', (d) => (answer += d.toString('utf8')));
      socket.on('close', () => finish(true));
      socket.on('error', () => finish(true));
      const timer = setTimeout(() => finish(false), 5000);
    });
  }

  it('answers 408 with an OperationOutcome and closes when the body stalls', async () => {
    const r = await stall(
      'POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/fhir+json\r\nContent-Length: 1000\r\n\r\n{"resourceType":',
    );
    expect(r.closed).toBe(true);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(r.answer.slice(r.answer.indexOf('\r\n\r\n') + 4)).issue[0].code).toBe('timeout');
    expect(r.ms).toBeGreaterThan(900);
    expect(r.ms).toBeLessThan(3000);
  });

  it('answers 408 and closes when the headers stall', async () => {
    const r = await stall('GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    expect(r.closed).toBe(true);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(r.ms).toBeLessThan(3000);
  });

  it('still serves a client that sends its request in time', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/fhir/metadata`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { resourceType: string }).resourceType).toBe('CapabilityStatement');
  });

  it('sets the request, header, idle and keep-alive timeouts on the server', async () => {
    const server = s.t.app.server;
    expect(server.requestTimeout).toBe(1000);
    expect(server.headersTimeout).toBe(1000);
    expect(server.timeout).toBe(10_000);
    expect(server.keepAliveTimeout).toBe(72_000);
  });
});
