/**
 * Long texts in indexed elements (a 3,000-character name, a 5,000-character identifier, a long canonical URL) are
 * stored and found exactly; index entries hold their first characters only (a btree row has a size limit, which
 * made such writes fail with a server error on PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';
import { patient } from '../helpers/fixtures.ts';

/** Text that does not compress (a repeated character would fit an index entry compressed). */
function randomText(length: number, seed: number, from = 0x4e00, span = 0x5000): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += String.fromCodePoint(from + (x % span));
  }
  return out;
}

describe.each(ENGINES)('long indexed values (%s)', (engine) => {
  let s: TestServer;
  let token = '';
  const ids = (b: { entry?: { resource: { id: string } }[] }) => (b.entry ?? []).map((e) => e.resource.id).sort();
  const get = async (url: string) => {
    const r = await s.request({ method: 'GET', url, token });
    expect(r.statusCode, r.body).toBe(200);
    return json(r);
  };

  beforeAll(async () => {
    s = await startTestServer(engine);
    token = (await s.addClient({ kind: 'facility', scopes: ['system/*.cruds'] })).token;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('finds names, identifiers and URIs longer than an index entry, and only the exact ones', async () => {
    const long = randomText(3000, 1);
    const twin = long.slice(0, 2999) + (long.endsWith('高') ? '髙' : '高'); // same first 200 characters, different end
    const id = randomText(5000, 2, 0x41, 26);
    const create = async (family: string, identifier: string) => {
      const r = await s.request({ method: 'POST', url: '/fhir/Patient', token, body: patient({ family, identifier }) });
      expect(r.statusCode, r.body.slice(0, 300)).toBe(201);
      return json(r).id as string;
    };
    const a = await create(long, id);
    const b = await create(twin, `${id.slice(0, 4999)}Y`);
    expect(ids(await get(`/fhir/Patient?family=${encodeURIComponent(long.slice(0, 5))}`))).toEqual([a, b].sort());
    expect(ids(await get(`/fhir/Patient?family:exact=${encodeURIComponent(long)}`))).toEqual([a]);
    expect(ids(await get(`/fhir/Patient?family=${encodeURIComponent(long.slice(0, 2500))}`))).toEqual([a, b].sort());
    expect(ids(await get(`/fhir/Patient?family=${encodeURIComponent(twin)}`))).toEqual([b]);
    expect(ids(await get(`/fhir/Patient?identifier=${id}`))).toEqual([a]);
    expect(ids(await get(`/fhir/Patient?identifier=urn:oid:1.2.392.100495.20.3.51.11312345679|${id}`))).toEqual([a]);

    const url = `https://example.jp/fhir/CodeSystem/${randomText(3000, 3, 0x61, 26)}`;
    const cs = await s.request({
      method: 'POST',
      url: '/fhir/CodeSystem',
      token,
      body: { resourceType: 'CodeSystem', url, status: 'active', content: 'not-present', description: randomText(3000, 4) },
    });
    expect(cs.statusCode, cs.body.slice(0, 300)).toBe(201);
    expect(ids(await get(`/fhir/CodeSystem?url=${encodeURIComponent(url)}`))).toEqual([json(cs).id]);
    expect(ids(await get(`/fhir/CodeSystem?url=${encodeURIComponent(`${url}b`)}`))).toEqual([]);
    expect(ids(await get(`/fhir/CodeSystem?url:below=${encodeURIComponent(url.slice(0, 2500))}`))).toEqual([json(cs).id]);
  });

  it('finds a reference by a URL longer than an index entry', async () => {
    const base = `https://example.jp/${randomText(3000, 5, 0x61, 26)}/fhir`;
    const ref = `${base}/Patient/p1`;
    const obs = await s.request({
      method: 'POST',
      url: '/fhir/Observation',
      token,
      body: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: ref } },
    });
    expect(obs.statusCode, obs.body.slice(0, 300)).toBe(201);
    expect(ids(await get(`/fhir/Observation?subject=${encodeURIComponent(ref)}`))).toEqual([json(obs).id]);
    expect(ids(await get(`/fhir/Observation?patient=${encodeURIComponent(ref)}`))).toEqual([json(obs).id]);
    expect(ids(await get(`/fhir/Observation?subject=${encodeURIComponent(`${base}/Patient/p2`)}`))).toEqual([]);
  });
});
