/** FHIR search semantics on every engine: parameter types, prefixes, modifiers, chains, includes, sorting, paging. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';
import { observation, organization, patient } from '../helpers/fixtures.ts';

describe.each(ENGINES)('search on %s', (engine) => {
  let s: TestServer;
  let admin: TestClient;
  const ids: Record<string, string> = {};

  const get = (url: string) => s.request({ method: 'GET', url, token: admin.token });
  const ids_of = (bundle: { entry?: { resource: { id: string }; search: { mode: string } }[] }, mode = 'match') =>
    (bundle.entry ?? [])
      .filter((e) => e.search.mode === mode)
      .map((e) => e.resource.id)
      .sort();
  const search = async (url: string) => {
    const r = await get(url);
    expect(r.statusCode, r.body).toBe(200);
    return json(r);
  };

  beforeAll(async () => {
    s = await startTestServer(engine);
    admin = await s.addClient({ kind: 'operator', scopes: ['system/*.*'] });
    const create = async (name: string, body: unknown) => {
      const r = await s.request({ method: 'POST', url: `/fhir/${(body as { resourceType: string }).resourceType}`, token: admin.token, body });
      expect(r.statusCode, r.body).toBe(201);
      ids[name] = json(r).id;
    };
    await create('org', organization('つなぐ総合病院', '1312345679'));
    await create('yamada', {
      ...patient({ family: '山田', given: '太郎', kanaFamily: 'ヤマダ', birthDate: '1970-05-15', identifier: 'A001' }),
      managingOrganization: { reference: `Organization/${ids.org}` },
    });
    await create('suzuki', patient({ family: '鈴木', given: '花子', kanaFamily: 'スズキ', birthDate: '1985-12-01', gender: 'female', identifier: 'A002' }));
    await create('takahashi', patient({ family: '髙橋', given: '一郎', kanaFamily: 'タカハシ', birthDate: '2001', identifier: 'A003' }));
    await create('k1', observation(`Patient/${ids.yamada}`, { value: 3.4, date: '2024-01-10T09:00:00+09:00' }));
    await create('k2', observation(`Patient/${ids.yamada}`, { value: 5.6, date: '2024-03-10T09:00:00+09:00' }));
    await create('k3', observation(`Patient/${ids.suzuki}`, { value: 4.4, date: '2024-02-01T09:00:00+09:00', status: 'preliminary' }));
    await create('egfr', observation(`Patient/${ids.suzuki}`, { code: '33914-3', value: 60, date: '2023-12-24' }));
  });
  afterAll(async () => {
    await s?.close();
  });

  it('token: code, system|code, |code and :not', async () => {
    expect(ids_of(await search('/fhir/Patient?gender=female'))).toEqual([ids.suzuki]);
    expect(ids_of(await search('/fhir/Patient?identifier=urn:oid:1.2.392.100495.20.3.51.11312345679|A001'))).toEqual([ids.yamada]);
    expect(ids_of(await search('/fhir/Patient?identifier=urn:oid:other|A001'))).toEqual([]);
    expect(ids_of(await search('/fhir/Observation?code=http://loinc.org|2823-3'))).toEqual([ids.k1, ids.k2, ids.k3].sort());
    expect(ids_of(await search('/fhir/Observation?status:not=final'))).toEqual([ids.k3]);
    expect(ids_of(await search('/fhir/Observation?code=|2823-3'))).toEqual([]);
  });

  it('string: prefix, case and kana-insensitive, :exact, :contains', async () => {
    expect(ids_of(await search('/fhir/Patient?family=山'))).toEqual([ids.yamada]);
    // Hiragana query finds a katakana name; half-width kana too.
    expect(ids_of(await search(`/fhir/Patient?name=${encodeURIComponent('すずき')}`))).toEqual([ids.suzuki]);
    expect(ids_of(await search(`/fhir/Patient?name=${encodeURIComponent('ｽｽﾞｷ')}`))).toEqual([ids.suzuki]);
    // 髙 (old form) is not folded into 高: a search for the exact old form finds it.
    expect(ids_of(await search(`/fhir/Patient?family:exact=${encodeURIComponent('髙橋')}`))).toEqual([ids.takahashi]);
    expect(ids_of(await search(`/fhir/Patient?family:exact=${encodeURIComponent('髙')}`))).toEqual([]);
    expect(ids_of(await search(`/fhir/Patient?name:contains=${encodeURIComponent('花')}`))).toEqual([ids.suzuki]);
    expect(ids_of(await search('/fhir/Organization?name=つなぐ'))).toEqual([ids.org]);
  });

  it('date: precision ranges and every prefix', async () => {
    expect(ids_of(await search('/fhir/Patient?birthdate=1970'))).toEqual([ids.yamada]);
    expect(ids_of(await search('/fhir/Patient?birthdate=1970-05'))).toEqual([ids.yamada]);
    expect(ids_of(await search('/fhir/Patient?birthdate=1970-05-16'))).toEqual([]);
    expect(ids_of(await search('/fhir/Patient?birthdate=ge1985-01-01'))).toEqual([ids.suzuki, ids.takahashi].sort());
    expect(ids_of(await search('/fhir/Patient?birthdate=lt1985-12-01'))).toEqual([ids.yamada]);
    expect(ids_of(await search('/fhir/Patient?birthdate=le1985-12-01'))).toEqual([ids.yamada, ids.suzuki].sort());
    expect(ids_of(await search('/fhir/Patient?birthdate=gt2001-06-01'))).toEqual([ids.takahashi]); // 2001 extends past June
    expect(ids_of(await search('/fhir/Patient?birthdate=sa2000-12-31'))).toEqual([ids.takahashi]);
    expect(ids_of(await search('/fhir/Patient?birthdate=eb1971'))).toEqual([ids.yamada]);
    expect(ids_of(await search('/fhir/Patient?birthdate=ne1970'))).toEqual([ids.suzuki, ids.takahashi].sort());
    expect(ids_of(await search('/fhir/Observation?date=ge2024-02-01&date=lt2024-03-11'))).toEqual([ids.k2, ids.k3].sort());
    // Instants in another zone: 2024-01-10T09:00+09:00 is 2024-01-10T00:00Z.
    expect(ids_of(await search(`/fhir/Observation?date=${encodeURIComponent('2024-01-10T00:00:00Z')}`))).toEqual([ids.k1]);
  });

  it('quantity and number prefixes with units', async () => {
    expect(ids_of(await search('/fhir/Observation?value-quantity=gt4|http://unitsofmeasure.org|mmol/L'))).toEqual([ids.k2, ids.k3, ids.egfr].sort());
    expect(ids_of(await search('/fhir/Observation?value-quantity=gt4&code=2823-3'))).toEqual([ids.k2, ids.k3].sort());
    expect(ids_of(await search('/fhir/Observation?value-quantity=ap60'))).toEqual([ids.egfr]);
    expect(ids_of(await search('/fhir/Observation?value-quantity=3.4||mmol/L'))).toEqual([ids.k1]);
    expect(ids_of(await search('/fhir/Observation?value-quantity=le4.4'))).toEqual([ids.k1, ids.k3].sort());
    expect(ids_of(await search('/fhir/Observation?value-quantity=gt4|http://unitsofmeasure.org|mg'))).toEqual([]);
  });

  it('reference: Type/id, plain id, :Type, and chains', async () => {
    expect(ids_of(await search(`/fhir/Observation?subject=Patient/${ids.yamada}`))).toEqual([ids.k1, ids.k2].sort());
    expect(ids_of(await search(`/fhir/Observation?patient=${ids.suzuki}`))).toEqual([ids.k3, ids.egfr].sort());
    expect(ids_of(await search(`/fhir/Observation?subject:Patient=${ids.suzuki}`))).toEqual([ids.k3, ids.egfr].sort());
    expect(ids_of(await search(`/fhir/Observation?subject:Patient.family=${encodeURIComponent('山田')}`))).toEqual([ids.k1, ids.k2].sort());
    expect(ids_of(await search(`/fhir/Observation?patient.identifier=A002`))).toEqual([ids.k3, ids.egfr].sort());
    // Two levels: Observation → Patient → Organization
    expect(ids_of(await search(`/fhir/Observation?patient.organization.name=${encodeURIComponent('つなぐ')}`))).toEqual([ids.k1, ids.k2].sort());
    const ambiguous = await get('/fhir/Observation?subject.name=x');
    expect(ambiguous.statusCode).toBe(400);
    expect(json(ambiguous).issue[0].diagnostics).toMatch(/several types/);
  });

  it("parameters answered from other parameters' rows (patient, combo-code, phonetic)", async () => {
    expect(ids_of(await search('/fhir/Observation?combo-code=2823-3'))).toEqual([ids.k1, ids.k2, ids.k3].sort());
    expect(ids_of(await search('/fhir/Observation?combo-value-quantity=gt50'))).toEqual([ids.egfr]);
    expect(ids_of(await search(`/fhir/Patient?phonetic=${encodeURIComponent('やまだ')}`))).toEqual([ids.yamada]);
    // patient= is subject= restricted to Patient targets.
    const group = await s.request({
      method: 'POST',
      url: '/fhir/Group',
      token: admin.token,
      body: { resourceType: 'Group', id: ids.yamada, type: 'person', actual: true },
    });
    expect(group.statusCode).toBe(201);
    await s.request({ method: 'POST', url: '/fhir/Observation', token: admin.token, body: observation(`Group/${json(group).id}`, { code: '99999-9' }) });
    expect(ids_of(await search(`/fhir/Observation?patient=${ids.yamada}`))).toEqual([ids.k1, ids.k2].sort());
    expect((await search(`/fhir/Observation?subject=${json(group).id}`)).total).toBe(1);
    // No rows are written for the derived parameters.
    const rows = await s.t.platform.db.query<{ n: number }>("SELECT count(*)::int AS n FROM sp_token WHERE param = 'combo-code'");
    expect(rows.rows[0].n).toBe(0);
  });

  it(':missing', async () => {
    expect(ids_of(await search('/fhir/Patient?organization:missing=false'))).toEqual([ids.yamada]);
    expect(ids_of(await search('/fhir/Patient?organization:missing=true'))).toEqual([ids.suzuki, ids.takahashi].sort());
  });

  it('_id, _lastUpdated and OR values', async () => {
    expect(ids_of(await search(`/fhir/Patient?_id=${ids.yamada},${ids.suzuki}`))).toEqual([ids.yamada, ids.suzuki].sort());
    expect((await search(`/fhir/Patient?_lastUpdated=gt2000-01-01`)).total).toBe(3);
    expect((await search(`/fhir/Patient?_lastUpdated=lt2000-01-01`)).total).toBe(0);
    expect(ids_of(await search('/fhir/Patient?gender=female,other'))).toEqual([ids.suzuki]);
  });

  it('_include and _revinclude', async () => {
    const b = await search(`/fhir/Observation?_id=${ids.k1}&_include=Observation:subject`);
    expect(ids_of(b)).toEqual([ids.k1]);
    expect(ids_of(b, 'include')).toEqual([ids.yamada]);
    const rev = await search(`/fhir/Patient?_id=${ids.suzuki}&_revinclude=Observation:subject`);
    expect(ids_of(rev, 'include')).toEqual([ids.k3, ids.egfr].sort());
    expect((await get('/fhir/Observation?_include=Observation:nonsense')).statusCode).toBe(400);
  });

  it('_sort ascending and descending', async () => {
    const asc = await search('/fhir/Patient?_sort=birthdate');
    expect(asc.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids.yamada, ids.suzuki, ids.takahashi]);
    const desc = await search('/fhir/Patient?_sort=-birthdate');
    expect(desc.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids.takahashi, ids.suzuki, ids.yamada]);
    const byValue = await search('/fhir/Observation?code=2823-3&_sort=-value-quantity');
    expect(byValue.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids.k2, ids.k3, ids.k1]);
  });

  it('_count, paging links, _total and _summary=count', async () => {
    // Without filters the total is only counted on request.
    expect((await search('/fhir/Patient?_sort=birthdate&_count=2')).total).toBeUndefined();
    const page1 = await search('/fhir/Patient?_sort=birthdate&_count=2&_total=accurate');
    expect(page1.total).toBe(3);
    expect(page1.entry).toHaveLength(2);
    const next = page1.link.find((l: { relation: string }) => l.relation === 'next').url as string;
    const page2 = await search(next.slice(next.indexOf('/fhir')));
    expect(page2.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids.takahashi]);
    expect(page2.link.find((l: { relation: string }) => l.relation === 'next')).toBeUndefined();
    expect(page2.link.find((l: { relation: string }) => l.relation === 'previous')).toBeDefined();
    const none = await search('/fhir/Patient?_total=none&_count=1');
    expect(none.total).toBeUndefined();
    const count = await search('/fhir/Patient?_summary=count');
    expect(count.total).toBe(3);
    expect(count.entry).toBeUndefined();
  });

  it('rejects unknown parameters and bad values with 400; lenient handling ignores with a warning', async () => {
    for (const url of [
      '/fhir/Patient?nmae=x',
      '/fhir/Patient?birthdate=yesterday',
      '/fhir/Patient?birthdate=2024-13-01',
      '/fhir/Patient?family:fuzzy=x',
      '/fhir/Patient?_count=-1',
      '/fhir/Patient?_sort=nonsense',
      '/fhir/Observation?value-quantity=abc',
      '/fhir/Patient?organization:missing=maybe',
      '/fhir/Patient?gender=',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(json(r).resourceType).toBe('OperationOutcome');
    }
    const r = await s.request({ method: 'GET', url: '/fhir/Patient?nmae=x&gender=female', token: admin.token, headers: { prefer: 'handling=lenient' } });
    const b = json(r);
    expect(ids_of(b)).toEqual([ids.suzuki]);
    expect(b.entry.find((e: { search: { mode: string } }) => e.search.mode === 'outcome').resource.issue[0].diagnostics).toMatch(/nmae/);
  });

  it('POST _search with a form body', async () => {
    const r = await s.t.app.inject({
      method: 'POST',
      url: '/fhir/Patient/_search',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'gender=female',
    });
    expect(ids_of(json(r))).toEqual([ids.suzuki]);
  });

  it('keeps the index in step with updates and deletes', async () => {
    const created = json(await s.request({ method: 'POST', url: '/fhir/Patient', token: admin.token, body: patient({ family: '変更前', identifier: 'CHG' }) }));
    await s.request({ method: 'PUT', url: `/fhir/Patient/${created.id}`, token: admin.token, body: { ...created, name: [{ family: '変更後' }] } });
    expect((await search(`/fhir/Patient?family=${encodeURIComponent('変更前')}`)).total).toBe(0);
    expect((await search(`/fhir/Patient?family=${encodeURIComponent('変更後')}`)).total).toBe(1);
    await s.request({ method: 'DELETE', url: `/fhir/Patient/${created.id}`, token: admin.token });
    expect((await search(`/fhir/Patient?family=${encodeURIComponent('変更後')}`)).total).toBe(0);
    const idx = await s.t.platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sp_string WHERE resource_id = $1', [created.id]);
    expect(idx.rows[0].n).toBe(0);
  });
});

describe('large result sets (ordered scan past the materialisation cap)', () => {
  it('pages correctly and omits the total once matches exceed the cap', async () => {
    const s = await startTestServer('pglite');
    try {
      s.t.platform.repo.deps.searchMaterializeCap = 2;
      const admin = await s.addClient({ kind: 'operator', scopes: ['system/*.*'] });
      for (const d of ['1990-01-01', '1991-01-01', '1992-01-01', '1993-01-01'])
        await s.request({ method: 'POST', url: '/fhir/Patient', token: admin.token, body: patient({ birthDate: d }) });
      const r1 = json(await s.request({ method: 'GET', url: '/fhir/Patient?gender=male&_sort=birthdate&_count=3', token: admin.token }));
      expect(r1.total).toBeUndefined();
      expect(r1.entry.map((e: { resource: { birthDate: string } }) => e.resource.birthDate)).toEqual(['1990-01-01', '1991-01-01', '1992-01-01']);
      expect(r1.link.some((l: { relation: string }) => l.relation === 'next')).toBe(true);
      const r2 = json(
        await s.request({ method: 'GET', url: '/fhir/Patient?gender=male&_sort=birthdate&_count=3&_offset=3&_total=accurate', token: admin.token }),
      );
      expect(r2.total).toBe(4);
      expect(r2.entry.map((e: { resource: { birthDate: string } }) => e.resource.birthDate)).toEqual(['1993-01-01']);
      // Under the cap the total is exact.
      const r3 = json(await s.request({ method: 'GET', url: '/fhir/Patient?birthdate=1990-01-01', token: admin.token }));
      expect(r3.total).toBe(1);
    } finally {
      await s.close();
    }
  });
});
