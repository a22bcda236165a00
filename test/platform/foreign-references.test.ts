/**
 * A reference to another server (`http://example.org/fhir/Patient/23`) is indexed as that URL, never as our own
 * Patient/23: `patient=23` must not find it (vendor review), a search by the URL must.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';
import { observation, patient } from '../helpers/fixtures.ts';
import { migrate } from '../../src/platform/storage/migrate.ts';

describe.each(ENGINES)('references to other servers (%s)', (engine) => {
  let s: TestServer;
  let admin: TestClient;
  const ids: Record<string, string> = {};
  let foreignUrl = '';

  const matches = async (url: string, mode = 'match') => {
    const r = await s.request({ method: 'GET', url, token: admin.token });
    expect(r.statusCode, r.body).toBe(200);
    return ((json(r).entry ?? []) as { resource: { id: string }; search: { mode: string } }[])
      .filter((e) => e.search.mode === mode)
      .map((e) => e.resource.id)
      .sort();
  };
  const create = async (name: string, body: unknown) => {
    const r = await s.request({ method: 'POST', url: `/fhir/${(body as { resourceType: string }).resourceType}`, token: admin.token, body });
    expect(r.statusCode, r.body).toBe(201);
    ids[name] = json(r).id;
  };

  beforeAll(async () => {
    s = await startTestServer(engine);
    admin = await s.addClient({ kind: 'operator', scopes: ['system/*.*'] });
    await create('patient', patient({ family: '地元', identifier: 'L001' }));
    // The foreign server's Patient has the same id as ours: only the base tells them apart.
    foreignUrl = `http://example.org/fhir/Patient/${ids.patient}`;
    await create('local', observation(`Patient/${ids.patient}`));
    await create('foreign', observation(foreignUrl));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a local id or Type/id finds only references to this server', async () => {
    const p = ids.patient;
    for (const q of [`patient=${p}`, `subject=Patient/${p}`, `subject=${p}`, `subject:Patient=${p}`, `patient=Patient/${p}`])
      expect(await matches(`/fhir/Observation?${q}`), q).toEqual([ids.local]);
  });

  it('the absolute URL finds the resource that refers to it, and nothing else', async () => {
    const u = encodeURIComponent(foreignUrl);
    for (const q of [`patient=${u}`, `subject=${u}`, `subject:Patient=${u}`]) expect(await matches(`/fhir/Observation?${q}`), q).toEqual([ids.foreign]);
    expect(await matches(`/fhir/Observation?patient=${encodeURIComponent(`https://other.example.jp/fhir/Patient/${ids.patient}`)}`)).toEqual([]);
    expect(await matches(`/fhir/Observation?patient:missing=false`)).toEqual([ids.local, ids.foreign].sort());
  });

  it('chains, _include and _revinclude do not follow it to our Patient', async () => {
    expect(await matches(`/fhir/Observation?patient.family=${encodeURIComponent('地元')}`)).toEqual([ids.local]);
    expect(await matches(`/fhir/Observation?_id=${ids.foreign}&_include=Observation:subject`, 'include')).toEqual([]);
    expect(await matches(`/fhir/Observation?_id=${ids.local}&_include=Observation:subject`, 'include')).toEqual([ids.patient]);
    expect(await matches(`/fhir/Patient?_id=${ids.patient}&_revinclude=Observation:subject`, 'include')).toEqual([ids.local]);
  });

  it('is stored as a URL with the type it names, no local id', async () => {
    const rows = await s.t.platform.db.query<{ target_type: string | null; target_id: string | null; target_url: string | null }>(
      "SELECT target_type, target_id, target_url FROM sp_reference WHERE resource_id = $1 AND param = 'subject'",
      [ids.foreign],
    );
    expect(rows.rows).toEqual([{ target_type: 'Patient', target_id: null, target_url: foreignUrl }]);
  });

  it('migration 7 corrects rows indexed the old way (with the local id)', async () => {
    const db = s.t.platform.db;
    // The database as it was before migration 7, with the foreign reference indexed as Patient/<id>.
    await db.query("UPDATE sp_reference SET target_id = $1 WHERE resource_id = $2 AND param = 'subject'", [ids.patient, ids.foreign]);
    await db.query('DROP INDEX sp_reference_url');
    await db.query('DELETE FROM schema_migrations WHERE version = 7');
    expect(await matches(`/fhir/Observation?patient=${ids.patient}`)).toEqual([ids.local, ids.foreign].sort());
    expect(await migrate(db)).toEqual([7]);
    expect(await matches(`/fhir/Observation?patient=${ids.patient}`)).toEqual([ids.local]);
    expect(await matches(`/fhir/Observation?patient=${encodeURIComponent(foreignUrl)}`)).toEqual([ids.foreign]);
    // Local references are left as they were.
    const local = await db.query<{ target_id: string | null }>("SELECT target_id FROM sp_reference WHERE resource_id = $1 AND param = 'subject'", [ids.local]);
    expect(local.rows).toEqual([{ target_id: ids.patient }]);
  });
});
