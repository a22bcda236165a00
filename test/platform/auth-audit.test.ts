/**
 * SMART backend-services token endpoint, patient compartment access, and the tamper-evident audit log
 * (including `tsunagu audit verify` detecting altered, deleted and truncated events).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signClientAssertion } from '../../cli/commands/client.ts';
import { verifyAuditLog } from '../../src/platform/audit/audit-verify.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';
import { observation, patient } from '../helpers/fixtures.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
// In-process requests (no listen): the token endpoint is at the configured port (8080) on localhost, whatever Host says.
const TOKEN_URL = 'http://localhost:8080/auth/token';

describe.each(ENGINES)('auth and audit on %s', (engine) => {
  let s: TestServer;
  let clinic: TestClient;
  let operator: TestClient;
  let patientA: string;
  let patientB: string;
  let obsB: string;

  const tokenRequest = (form: Record<string, string>) =>
    s.t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'localhost:80' },
      payload: new URLSearchParams(form).toString(),
    });

  beforeAll(async () => {
    s = await startTestServer(engine);
    clinic = await s.addClient({ kind: 'facility', scopes: ['system/*.read', 'system/*.write'], name: 'つなぐ内科クリニック' });
    operator = await s.addClient({ kind: 'operator', scopes: ['system/*.*'] });
    const create = async (body: unknown) =>
      json(await s.request({ method: 'POST', url: `/fhir/${(body as { resourceType: string }).resourceType}`, token: clinic.token, body })).id as string;
    patientA = await create(patient({ family: '甲', identifier: 'PA' }));
    patientB = await create(patient({ family: '乙', identifier: 'PB' }));
    await create(observation(`Patient/${patientA}`));
    obsB = await create(observation(`Patient/${patientB}`));
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('token endpoint (client credentials + JWT assertion)', () => {
    it('issues a scoped token that works on the API', async () => {
      const assertion = await signClientAssertion(clinic.privateJwk, clinic.client.clientId, TOKEN_URL);
      const r = await tokenRequest({
        grant_type: 'client_credentials',
        scope: 'system/Patient.read',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      });
      expect(r.statusCode, r.body).toBe(200);
      const body = json(r);
      expect(body.token_type).toBe('Bearer');
      expect(body.scope).toBe('system/Patient.read'); // granted in the form asked (v1 stays v1)
      expect((await s.request({ method: 'GET', url: `/fhir/Patient/${patientA}`, token: body.access_token })).statusCode).toBe(200);
      // Only what was granted: Observation is outside the scope.
      expect((await s.request({ method: 'GET', url: `/fhir/Observation/${obsB}`, token: body.access_token })).statusCode).toBe(403);
    });

    it('refuses a replayed assertion', async () => {
      const assertion = await signClientAssertion(clinic.privateJwk, clinic.client.clientId, TOKEN_URL);
      const form = { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion };
      expect((await tokenRequest(form)).statusCode).toBe(200);
      const again = await tokenRequest(form);
      expect(again.statusCode).toBe(401);
      expect(json(again).error_description).toMatch(/replay/);
    });

    it('refuses wrong audience, wrong key, unknown client, bad grant and scopes beyond the registration', async () => {
      const other = await s.addClient({ kind: 'facility', scopes: ['system/*.read'] });
      const cases: [Record<string, string>, number, string][] = [
        [{ client_assertion: await signClientAssertion(clinic.privateJwk, clinic.client.clientId, 'https://elsewhere/auth/token') }, 401, 'invalid_client'],
        [{ client_assertion: await signClientAssertion(other.privateJwk, clinic.client.clientId, TOKEN_URL) }, 401, 'invalid_client'],
        [{ client_assertion: await signClientAssertion(clinic.privateJwk, 'nobody', TOKEN_URL) }, 401, 'invalid_client'],
        [{ client_assertion: 'garbage' }, 401, 'invalid_client'],
        [
          { grant_type: 'password', client_assertion: await signClientAssertion(clinic.privateJwk, clinic.client.clientId, TOKEN_URL) },
          400,
          'unsupported_grant_type',
        ],
        [
          { scope: 'system/Patient.delete', client_assertion: await signClientAssertion(other.privateJwk, other.client.clientId, TOKEN_URL) },
          400,
          'invalid_scope',
        ],
        [{ scope: 'system/*.write', client_assertion: await signClientAssertion(other.privateJwk, other.client.clientId, TOKEN_URL) }, 400, 'invalid_scope'],
      ];
      for (const [override, status, error] of cases) {
        const r = await tokenRequest({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, ...override });
        expect(r.statusCode, JSON.stringify(override)).toBe(status);
        expect(json(r).error).toBe(error);
      }
    });
  });

  describe('patient compartment', () => {
    it('lets a patient read only their own data; denials are audited', async () => {
      const me = await s.addClient({ kind: 'patient', patientId: patientA, scopes: ['patient/*.read'] });
      expect((await s.request({ method: 'GET', url: `/fhir/Patient/${patientA}`, token: me.token })).statusCode).toBe(200);
      const denied = await s.request({ method: 'GET', url: `/fhir/Observation/${obsB}`, token: me.token });
      expect(denied.statusCode).toBe(404); // as if absent
      // Search is narrowed to the patient's own compartment.
      const all = json(await s.request({ method: 'GET', url: '/fhir/Observation', token: me.token }));
      expect(all.entry.every((e: { resource: { subject: { reference: string } } }) => e.resource.subject.reference === `Patient/${patientA}`)).toBe(true);
      const other = json(await s.request({ method: 'GET', url: `/fhir/Observation?subject=Patient/${patientB}`, token: me.token }));
      expect(other.total).toBe(0);
      // The refusal is in the audit log with outcome 4, visible to the operator.
      const log = json(await s.request({ method: 'GET', url: `/fhir/AuditEvent?patient=${patientB}&outcome=4`, token: operator.token }));
      expect(log.total).toBeGreaterThanOrEqual(1);
      expect(log.entry[0].resource.agent[0].who.identifier.value).toBe(me.client.clientId);
    });

    it('shows a patient who accessed their data, and nobody else’s', async () => {
      const me = await s.addClient({ kind: 'patient', patientId: patientB, scopes: ['patient/*.read'] });
      const log = json(await s.request({ method: 'GET', url: '/fhir/AuditEvent?_count=100', token: me.token }));
      expect(log.total).toBeGreaterThan(0);
      for (const e of log.entry) expect(e.resource.entity[0].what.reference).toBe(`Patient/${patientB}`);
      const actions = log.entry.map((e: { resource: { action: string } }) => e.resource.action);
      expect(actions).toContain('C');
      expect(actions).toContain('R');
      // AuditEvent cannot be written through the API.
      expect((await s.request({ method: 'POST', url: '/fhir/AuditEvent', token: operator.token, body: { resourceType: 'AuditEvent' } })).statusCode).toBe(405);
    });

    it('records reads with who, facility, purpose and the entity', async () => {
      await s.request({ method: 'GET', url: `/fhir/Observation/${obsB}`, token: clinic.token });
      const log = json(await s.request({ method: 'GET', url: `/fhir/AuditEvent?entity=Observation/${obsB}&action=R`, token: operator.token }));
      const ev = log.entry[0].resource;
      expect(ev.agent[0].who.display).toBe('つなぐ内科クリニック');
      expect(ev.agent[0].altId).toBe('1312345679');
      expect(ev.purposeOfEvent[0].coding[0].code).toBe('TREAT');
      expect(ev.outcome).toBe('0');
    });
  });

  describe('tamper evidence', () => {
    it('keeps every chain intact under concurrent creates and reads (grouped writes)', async () => {
      const created = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          s.request({ method: 'POST', url: '/fhir/Observation', token: clinic.token, body: observation(`Patient/${patientA}`, { value: i }) }),
        ),
      );
      expect(created.every((r) => r.statusCode === 201)).toBe(true);
      const ids = created.map((r) => json(r).id);
      expect(new Set(ids).size).toBe(40);
      const reads = await Promise.all(ids.map((id) => s.request({ method: 'GET', url: `/fhir/Observation/${id}`, token: clinic.token })));
      expect(reads.every((r) => r.statusCode === 200)).toBe(true);
      const audited = await s.t.platform.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'C' AND entities[1] LIKE 'Observation/%' AND patient_key = $1",
        [patientA],
      );
      expect(audited.rows[0].n).toBeGreaterThanOrEqual(40);
      expect((await verifyAuditLog(s.t.platform.db, s.t.platform.auditKey)).problems).toEqual([]);
    });

    it('verifies an intact log and detects an altered, a deleted and a truncated event', async () => {
      const { db, auditKey } = s.t.platform;
      const intact = await verifyAuditLog(db, auditKey);
      expect(intact.problems).toEqual([]);
      expect(intact.events).toBeGreaterThan(5);

      // Alter one event's details (e.g. hide who read the record).
      const victim = (
        await db.query<{ chain: number; seq: number; detail: string }>('SELECT chain, seq, detail FROM audit_events ORDER BY chain, seq LIMIT 1 OFFSET 2')
      ).rows[0];
      await db.query('UPDATE audit_events SET detail = replace(detail, $3, $4) WHERE chain = $1 AND seq = $2', [
        victim.chain,
        victim.seq,
        '"n":"',
        '"n":"someone else, not ',
      ]);
      const altered = await verifyAuditLog(db, auditKey);
      expect(altered.ok).toBe(false);
      expect(altered.problems).toContainEqual(expect.objectContaining({ chain: victim.chain, seq: victim.seq, kind: 'altered' }));
      await db.query('UPDATE audit_events SET detail = $3 WHERE chain = $1 AND seq = $2', [victim.chain, victim.seq, victim.detail]);
      expect((await verifyAuditLog(db, auditKey)).ok).toBe(true);

      // Altering an indexed column (not just the JSON) is detected too.
      await db.query("UPDATE audit_events SET patient_key = 'someone-else' WHERE chain = $1 AND seq = $2", [victim.chain, victim.seq]);
      expect((await verifyAuditLog(db, auditKey)).problems[0]).toMatchObject({ kind: 'altered', seq: victim.seq });
    });

    it('detects deleted and truncated events', async () => {
      const { db, auditKey } = s.t.platform;
      const chain = (await db.query<{ chain: number; seq: number }>('SELECT chain, seq FROM audit_chains WHERE seq >= 3 ORDER BY seq DESC LIMIT 1')).rows[0];
      await db.query('DELETE FROM audit_events WHERE chain = $1 AND seq = 2', [chain.chain]);
      const gap = await verifyAuditLog(db, auditKey);
      expect(gap.problems).toContainEqual(expect.objectContaining({ chain: chain.chain, kind: 'missing' }));
      await db.query('DELETE FROM audit_events WHERE chain = $1 AND seq = $2', [chain.chain, chain.seq]);
      const truncated = await verifyAuditLog(db, auditKey);
      expect(truncated.problems).toContainEqual(expect.objectContaining({ chain: chain.chain, kind: 'truncated' }));
    });

    it('refuses to write data when its audit event cannot be chained', async () => {
      const { db } = s.t.platform;
      const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM resources')).rows[0].n;
      const saved = (await db.query('SELECT chain, seq, head FROM audit_chains')).rows;
      await db.query('DELETE FROM audit_chains');
      try {
        const r = await s.request({ method: 'POST', url: '/fhir/Patient', token: clinic.token, body: patient() });
        expect(r.statusCode).toBe(500);
        expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM resources')).rows[0].n).toBe(before);
        // Reads fail closed as well: no data without its audit event.
        expect((await s.request({ method: 'GET', url: `/fhir/Patient/${patientA}`, token: clinic.token })).statusCode).toBe(500);
      } finally {
        for (const row of saved as { chain: number; seq: number; head: Uint8Array }[])
          await db.query('INSERT INTO audit_chains (chain, seq, head) VALUES ($1, $2, $3)', [row.chain, row.seq, row.head]);
      }
    });
  });
});

describe('tsunagu audit verify (CLI)', () => {
  it('exits 0 on an intact log and 1 with the problem listed after tampering', async () => {
    const run = promisify(execFile);
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-cli-'));
    const env = { ...process.env, TSUNAGU_DATA_DIR: dataDir, DATABASE_URL: '' };
    const cli = (...args: string[]) =>
      run('npx', ['tsx', 'cli/tsunagu.ts', ...args], { env, cwd: process.cwd() }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    // Write some audited data through the library on the same data directory.
    const { createTsunagu } = await import('../../src/app.ts');
    const { configFromEnv } = await import('../../src/platform/config.ts');
    const t = await createTsunagu(configFromEnv({ TSUNAGU_DATA_DIR: dataDir }));
    const { registerClient } = await import('../../src/platform/auth/clients.ts');
    const { generateClientKey } = await import('../../cli/commands/client.ts');
    const { parseScopes } = await import('../../src/platform/auth/scopes.ts');
    const c = await registerClient(t.platform.db, {
      name: 'x',
      kind: 'operator',
      scopes: ['system/*.*'],
      jwks: { keys: [(await generateClientKey()).publicJwk] },
    });
    const token = await t.platform.tokens.issue(c, parseScopes(c.scopes));
    for (let i = 0; i < 3; i++)
      await t.app.inject({
        method: 'POST',
        url: '/fhir/Patient',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
        payload: JSON.stringify(patient()),
      });
    await t.close();

    const ok = await cli('audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/intact: 3 events/);

    const t2 = await createTsunagu(configFromEnv({ TSUNAGU_DATA_DIR: dataDir }));
    await t2.platform.db.query("UPDATE audit_events SET client_id = 'someone-else' WHERE seq = 1");
    await t2.close();
    const bad = await cli('audit', 'verify');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/TAMPERED/);
    expect(bad.out).toMatch(/altered/);
  });
});
