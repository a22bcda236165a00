/**
 * `$emergency-health-card`: the patient issues their own summary, a facility only with consent to both reader groups;
 * the card verifies offline against the JWKS the server publishes, shows the issue date, and a tampered one is refused.
 * Both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCardError, fromNumericQr, toNumericQr, verifyHealthCard } from '../../src/services/emergency/index.ts';
import { CLINIC } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { valueNamed } from '../portal/portal-world.ts';
import { emergencyWorld, type EmergencyWorld } from './emergency-world.ts';

type Json = Record<string, any>;

describe.each(ENGINES)('the emergency summary card (%s)', (engine) => {
  let ew: EmergencyWorld;
  let jwks: { keys: Json[] };
  let qr: string;
  const issue = (token: string, patient?: string) => ew.op(token, 'emergency-health-card', patient ? [{ name: 'patient', valueString: patient }] : []);

  beforeAll(async () => {
    ew = await emergencyWorld(engine);
    const res = await ew.request({ method: 'GET', url: '/shc/.well-known/jwks.json' });
    expect(res.statusCode).toBe(200);
    jwks = json(res);
  }, 240_000);
  afterAll(async () => ew?.close());

  it('publishes public keys only, without a token', () => {
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of jwks.keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
      expect(k.d).toBeUndefined();
    }
  });

  it('the patient issues their own; it verifies with no network and carries the summary', async () => {
    const r = await issue(ew.clients.carol);
    expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(201);
    qr = valueNamed(r.body, 'qr') as string;
    expect(qr.startsWith('shc:/')).toBe(true);
    expect(String(valueNamed(r.body, 'qrSvg'))).toContain('<svg');
    const issuer = valueNamed(r.body, 'issuer') as string;
    expect(issuer).toMatch(/\/shc$/);
    const realFetch = globalThis.fetch;
    globalThis.fetch = (() => {
      throw new Error('no network during verification');
    }) as typeof fetch;
    try {
      const card = await verifyHealthCard(qr, jwks as never, { issuer });
      expect(card.issuedAt.toISOString().slice(0, 16)).toBe((valueNamed(r.body, 'issuedAt') as string).slice(0, 16));
      expect(card.summary.patient.name).toContain('𠮷田');
      expect(card.summary.allergies.map((a) => a.text)).toContain('ペニシリン系抗菌薬');
      expect(card.summary.drugs.some((d) => d.text.includes('ワルファリン') && d.riskClass?.includes('抗凝固'))).toBe(true);
      expect(card.summary.drugs.some((d) => d.text.includes('古いアムロジピン'))).toBe(false); // not current
      expect(card.summary.diagnoses.map((d) => d.text)).toEqual(['慢性腎不全']); // 未提供 left out
      expect(card.summary.infections).toHaveLength(1);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('a tampered card, another issuer or an unknown key is refused', async () => {
    const jws = fromNumericQr(qr);
    const [h, p, s] = jws.split('.');
    const flipped = `${h}.${p.slice(0, 10)}${p[10] === 'A' ? 'B' : 'A'}${p.slice(11)}.${s}`;
    await expect(verifyHealthCard(toNumericQr(flipped), jwks as never)).rejects.toBeInstanceOf(HealthCardError);
    await expect(verifyHealthCard(qr, jwks as never, { issuer: 'https://evil.example/shc' })).rejects.toMatchObject({ code: 'issuer' });
    await expect(verifyHealthCard(qr, { keys: [] })).rejects.toMatchObject({ code: 'unknown-key' });
  });

  it("a facility issues one only with the patient's consent to both groups; others never", async () => {
    const none = await issue(ew.staff.doctor, ew.carol.id);
    expect(none.status).toBe(403);
    expect(none.body.issue[0].details.text).toContain('同意');
    await ew.readerConsent(ew.carol.id, CLINIC, 'medication');
    expect((await issue(ew.staff.doctor, ew.carol.id)).status).toBe(403); // one group is not enough
    await ew.readerConsent(ew.carol.id, CLINIC, 'surgery');
    expect((await issue(ew.staff.doctor, ew.carol.id)).status).toBe(201);
    expect((await issue(ew.staff.otherDoctor, ew.carol.id)).status).toBe(403);
    const other = await issue(ew.tokens.bob, ew.carol.id);
    expect(other.status).toBe(404);
    for (const token of [ew.clients.ambulance, ew.tokens.insurer, ew.clients.team13]) expect((await issue(token, ew.carol.id)).status).toBe(403);
    expect((await issue(ew.staff.doctor)).status).toBe(403);
  });

  it("each issue is in the person's access log", async () => {
    const log = await ew.op(ew.clients.carol, 'access-log', undefined, 'GET');
    const parts = ((log.body.parameter ?? []) as Json[])
      .filter((x) => x.name === 'access')
      .map((x) => Object.fromEntries(x.part.map((y: Json) => [y.name, y.valueString ?? y.valueCode ?? y.valueBoolean])));
    expect(parts.some((a) => a.operation === 'emergency-health-card' && a.facilityCode === CLINIC)).toBe(true);
  });
});
