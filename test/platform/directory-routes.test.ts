/**
 * `GET /directory/facilities` (src/platform/http/directory-routes.ts): the facility directory for picking an addressee
 * — by name part, reading or code; active facilities only; code, name, kind and prefecture; at most 20 — for the staff
 * of facilities and pharmacies and their systems; patients for facilities and pharmacies (the portal); refused without a token, for insurers and operators, and
 * for a token without Organization read access; every bad input a 400 OperationOutcome. On every engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_MAX_RESULTS } from '../../src/platform/http/directory-routes.ts';
import { checkFacilityCodeShape } from '../../src/platform/identity/facility-code.ts';
import { signInStaff } from '../helpers/app-sign-in.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';

const CLINIC = '1312345679';
const HOSPITAL = '1310200124';
const CLOSED = '1310123458';
const PHARMACY = '1342345673';
const PASSWORD = 'shinryo2026abc';

/** A 10-digit 医療機関コード with its check digit, from the first nine digits. */
function validCode(nine: string): string {
  for (let d = 0; d <= 9; d++) if (!checkFacilityCodeShape(`${nine}${d}`)) return `${nine}${d}`;
  throw new Error(`no check digit for ${nine}`);
}

describe.each(ENGINES)('GET /directory/facilities (%s)', (engineName) => {
  let s: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    s = await startTestServer(engineName);
    const f = s.t.platform.facilities;
    await f.add({
      code: CLINIC,
      name: 'つなぐ内科クリニック',
      kana: 'ツナグナイカクリニック',
      kind: 'facility',
      prefecture: '東京都',
      address: '東京都千代田区',
    });
    await f.add({
      code: HOSPITAL,
      name: 'さくら総合病院',
      kana: 'サクラソウゴウビョウイン',
      kind: 'facility',
      prefecture: '東京都',
      address: '東京都文京区本郷',
    });
    await f.add({ code: CLOSED, name: 'さくら台診療所', kana: 'サクラダイシンリョウジョ', kind: 'facility', prefecture: '東京都' });
    await f.setActive(CLOSED, false);
    await f.add({ code: PHARMACY, name: 'さくら薬局', kind: 'pharmacy', prefecture: '東京都' });
    await f.add({ code: '01130012', name: 'さくら健康保険組合', kind: 'insurer', prefecture: '東京都' });
    // More than a page of clinics named alike.
    for (let i = 0; i < 25; i++)
      await f.add({ code: validCode(`13105${String(i).padStart(4, '0')}`), name: `みどり医院 第${i + 1}`, kind: 'facility', prefecture: '東京都' });
    for (const [role, login] of [
      ['doctor', 'yamada'],
      ['clerk', 'suzuki'],
    ] as const)
      await s.t.platform.staff.add({ facilityCode: CLINIC, facilityKind: 'facility', login, displayName: login, role, password: PASSWORD });
    tokens.doctor = (await signInStaff(s.t.app, { facility: CLINIC, login: 'yamada', password: PASSWORD })).access_token;
    tokens.clerk = (await signInStaff(s.t.app, { facility: CLINIC, login: 'suzuki', password: PASSWORD })).access_token;
    tokens.facility = (await s.addClient({ kind: 'facility', scopes: ['system/*.cruds'], facilityCode: HOSPITAL })).token;
    tokens.pharmacy = (await s.addClient({ kind: 'pharmacy', scopes: ['system/*.rs'], facilityCode: PHARMACY })).token;
    tokens.noOrganization = (await s.addClient({ kind: 'facility', scopes: ['system/Observation.rs'], facilityCode: HOSPITAL })).token;
    tokens.patient = (await s.addClient({ kind: 'patient', scopes: ['patient/*.rs'], patientId: 'p1' })).token;
    tokens.insurer = (await s.addClient({ kind: 'insurer', scopes: ['system/*.cruds'], facilityCode: '01130012' })).token;
    tokens.operator = (await s.addClient({ kind: 'operator', scopes: ['system/*.cruds'] })).token;
  }, 120_000);
  afterAll(() => s?.close());

  const search = (query: string, token: string | undefined = tokens.doctor) =>
    s.request({ method: 'GET', url: `/directory/facilities${query}`, token: token || undefined });

  it('a doctor finds the hospital by name part: code, name, kind, prefecture — nothing more; closed facilities left out', async () => {
    const r = await search(`?q=${encodeURIComponent('さくら')}&kind=facility`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const body = json(r);
    expect(body).toEqual({ facilities: [{ code: HOSPITAL, name: 'さくら総合病院', kind: 'facility', prefecture: '東京都' }], more: false });
  });

  it('by code, by code part, by reading (half-width katakana too), and the pharmacy kind on request', async () => {
    expect(json(await search(`?q=${HOSPITAL}`)).facilities.map((f: { code: string }) => f.code)).toEqual([HOSPITAL]);
    expect(json(await search('?q=1310200')).facilities.map((f: { code: string }) => f.code)).toEqual([HOSPITAL]);
    expect(json(await search(`?q=${encodeURIComponent('ｻｸﾗｿｳｺﾞｳ')}`)).facilities.map((f: { code: string }) => f.code)).toEqual([HOSPITAL]);
    const both = json(await search(`?q=${encodeURIComponent('さくら')}&kind=facility,pharmacy`));
    expect(both.facilities.map((f: { name: string }) => f.name)).toEqual(['さくら総合病院', 'さくら薬局']);
    expect(json(await search(`?q=${CLOSED}`)).facilities).toEqual([]);
  });

  it('at most 20, with `more`; a smaller limit on request', async () => {
    const all = json(await search(`?q=${encodeURIComponent('みどり医院')}`));
    expect(all.facilities).toHaveLength(DIRECTORY_MAX_RESULTS);
    expect(all.more).toBe(true);
    const few = json(await search(`?q=${encodeURIComponent('みどり医院')}&limit=5`));
    expect(few.facilities).toHaveLength(5);
    expect(few.more).toBe(true);
  });

  it('every staff role and the systems of facilities and pharmacies may search', async () => {
    for (const who of ['clerk', 'facility', 'pharmacy']) expect((await search(`?q=${encodeURIComponent('さくら')}`, tokens[who])).statusCode, who).toBe(200);
  });

  it('a patient may search facilities and pharmacies (the portal), not check-up providers', async () => {
    expect((await search(`?q=${encodeURIComponent('さくら')}&kind=facility,pharmacy`, tokens.patient)).statusCode).toBe(200);
    expect((await search(`?q=${encodeURIComponent('さくら')}&kind=checkup`, tokens.patient)).statusCode).toBe(403);
  });

  it('refused: no token (401), an insurer, an operator, a token without Organization access (403)', async () => {
    const none = await search(`?q=${encodeURIComponent('さくら')}`, '');
    expect(none.statusCode).toBe(401);
    expect(json(none).resourceType).toBe('OperationOutcome');
    const forged = await search(`?q=${encodeURIComponent('さくら')}`, 'not-a-token');
    expect(forged.statusCode).toBe(401);
    for (const who of ['insurer', 'operator', 'noOrganization']) {
      const r = await search(`?q=${encodeURIComponent('さくら')}`, tokens[who]);
      expect(r.statusCode, who).toBe(403);
      const oo = json(r);
      expect(oo.resourceType).toBe('OperationOutcome');
      expect(oo.issue[0].details.text).toMatch(/施設名簿/);
      expect(r.body).not.toContain('さくら総合病院');
    }
  });

  it('bad input: a 400 OperationOutcome in Japanese, nothing found', async () => {
    const bad = [
      '',
      '?q=',
      '?q=%20%20',
      `?q=${'あ'.repeat(41)}`,
      `?q=${encodeURIComponent('さくら%')}`,
      `?q=${encodeURIComponent("さくら' OR 1=1 --")}`,
      `?q=${encodeURIComponent('<script>')}`,
      '?q=%E3%81%95%00',
      `?q=${encodeURIComponent('さくら')}&kind=insurer`,
      `?q=${encodeURIComponent('さくら')}&kind=hospital`,
      `?q=${encodeURIComponent('さくら')}&limit=0`,
      `?q=${encodeURIComponent('さくら')}&limit=21`,
      `?q=${encodeURIComponent('さくら')}&limit=abc`,
      `?q=a&q=b`,
      `?q=${encodeURIComponent('さくら')}&patient=1`,
    ];
    for (const query of bad) {
      const r = await search(query);
      expect(r.statusCode, query).toBe(400);
      const oo = json(r);
      expect(oo.resourceType, query).toBe('OperationOutcome');
      expect(oo.issue[0].details.text, query).toMatch(/[ぁ-んァ-ン一-龥]/);
    }
    expect(json(await search(`?q=${encodeURIComponent('さくら　総合')}`)).facilities).toEqual([]);
    expect((await search(`?q=${encodeURIComponent('（医）さくら・総合-病院 & 1.')}`)).statusCode).toBe(200);
  });
});
