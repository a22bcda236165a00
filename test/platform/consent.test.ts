/**
 * Consent as the platform's shared capability (src/platform/consent), on every engine: a permit opens the category
 * to the facility, a hold suspends it and a release opens it again, revocation by whom it may be, emergency access
 * for its time only, and the Consent records closed to clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/platform/auth/principal.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { CONSENT_CATEGORY_SYSTEM } from '../../src/platform/consent/categories.ts';
import type { ConsentChoice } from '../../src/platform/consent/consents.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';
import { observation } from '../helpers/fixtures.ts';

const CLINIC = '1312345679';
const OTHER = '1311234569';

describe.each(ENGINES)('consent capability (%s)', (engine) => {
  let s: TestServer;
  const tok: Record<string, string> = {};
  let patientId = '';
  let checkup = '';
  const ctxOf = (code: string): RequestContext => ({
    principal: { clientId: `reader-${code}`, name: `clinic ${code}`, kind: 'facility', facilityCode: code, scopes: parseScopes('system/*.*') },
    purpose: 'TREAT',
  });
  const choice = (over: Partial<ConsentChoice> = {}): ConsentChoice => ({
    patientId,
    recipient: { kind: 'facility', code: CLINIC, name: 'つなぐ内科' },
    category: 'checkup',
    decision: 'permit',
    validFrom: new Date(),
    validTo: new Date(Date.now() + 3600_000),
    policy: 'outpatient',
    ...over,
  });
  const record = (c: ConsentChoice, code = CLINIC) =>
    s.t.platform.repo.transaction((session) => s.t.platform.consent.record(session, ctxOf(code), c), { trusted: true });
  const read = (who: string) => s.request({ method: 'GET', url: `/fhir/Observation/${checkup}`, token: tok[who] });

  beforeAll(async () => {
    s = await startTestServer(engine);
    for (const [name, kind, code, scopes] of [
      ['clinic', 'facility', CLINIC, ['system/*.rs']],
      ['other', 'facility', OTHER, ['system/*.rs', 'system/Consent.cruds']],
      ['operator', 'operator', undefined, ['system/*.*']],
    ] as const)
      tok[name] = (await s.addClient({ kind, facilityCode: code, scopes: [...scopes] })).token;
    patientId = json(
      await s.request({ method: 'POST', url: '/fhir/Patient', token: tok.operator, body: { resourceType: 'Patient', name: [{ family: '同意' }] } }),
    ).id;
    tok.person = (await s.addClient({ kind: 'patient', patientId, scopes: ['patient/*.rs'] })).token;
    const obs = { ...observation(`Patient/${patientId}`), meta: { security: [{ system: CONSENT_CATEGORY_SYSTEM, code: 'checkup' }] } };
    checkup = json(await s.request({ method: 'POST', url: '/fhir/Observation', token: tok.operator, body: obs })).id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a permit opens the category to that facility only; decide gives the reason otherwise', async () => {
    expect((await read('clinic')).statusCode).toBe(404);
    const r = await record(choice());
    expect(JSON.parse(r.content)).toMatchObject({ resourceType: 'Consent', status: 'active', provision: { type: 'permit' } });
    expect((await read('clinic')).statusCode).toBe(200);
    expect((await read('other')).statusCode).toBe(404);
    expect(await s.t.platform.consent.decide({ patientId, grantee: `facility:${CLINIC}`, category: 'checkup' })).toMatchObject({
      allow: true,
      consentId: r.consentId,
    });
    expect(await s.t.platform.consent.decide({ patientId, grantee: `facility:${OTHER}`, category: 'checkup' })).toMatchObject({
      allow: false,
      code: 'no-consent',
    });
    // Recording needs a trusted session (a service's own operation).
    await expect(s.t.platform.repo.transaction((session) => s.t.platform.consent.record(session, ctxOf(CLINIC), choice()))).rejects.toThrow(/trusted/);
  });

  it('a hold by the patient suspends it at once; a release opens it again', async () => {
    const patient: RequestContext = {
      principal: { clientId: 'p', name: 'p', kind: 'patient', patientId, scopes: parseScopes('patient/*.rs') },
      purpose: 'PATRQT',
    };
    await expect(s.t.platform.consent.hold(ctxOf(CLINIC), { patientId, category: 'checkup' })).rejects.toThrow();
    const hold = await s.t.platform.consent.hold(patient, { patientId, category: 'checkup' });
    expect((await read('clinic')).statusCode).toBe(404);
    expect(await s.t.platform.consent.decide({ patientId, grantee: `facility:${CLINIC}`, category: 'checkup' })).toMatchObject({ allow: false, code: 'held' });
    await s.t.platform.consent.release(patient, hold);
    expect((await read('clinic')).statusCode).toBe(200);
  });

  it('while held, only a consent given after the hold opens it again (閲覧保留)', async () => {
    const patient: RequestContext = {
      principal: { clientId: 'p', name: 'p', kind: 'patient', patientId, scopes: parseScopes('patient/*.rs') },
      purpose: 'PATRQT',
    };
    const hold = await s.t.platform.consent.hold(patient, { patientId, category: 'checkup' });
    expect((await read('clinic')).statusCode).toBe(404);
    await new Promise((r) => setTimeout(r, 5));
    const fresh = await record(choice());
    expect((await read('clinic')).statusCode).toBe(200);
    expect(await s.t.platform.consent.decide({ patientId, grantee: `facility:${CLINIC}`, category: 'checkup' })).toMatchObject({
      allow: true,
      consentId: fresh.consentId,
    });
    await s.t.platform.consent.release(patient, hold);
    expect((await read('clinic')).statusCode).toBe(200);
  });

  it('revocation: not by another facility; by the patient at once', async () => {
    const current = await s.t.platform.consent.decide({ patientId, grantee: `facility:${CLINIC}`, category: 'checkup' });
    if (!current.allow) throw new Error('expected a consent');
    await expect(s.t.platform.consent.revoke(ctxOf(OTHER), current.consentId)).rejects.toMatchObject({ status: 403 });
    const person: RequestContext = {
      principal: { clientId: 'p', name: 'p', kind: 'patient', patientId, scopes: parseScopes('patient/*.rs') },
      purpose: 'PATRQT',
    };
    const content = JSON.parse(await s.t.platform.consent.revoke(person, current.consentId));
    expect(content.status).toBe('inactive');
    expect((await read('clinic')).statusCode).toBe(404);
    expect(await s.t.platform.consent.decide({ patientId, grantee: `facility:${CLINIC}`, category: 'checkup' })).toMatchObject({
      allow: false,
      code: 'revoked',
    });
  });

  it('emergency access opens the categories for its time only', async () => {
    const recipient = { kind: 'facility' as const, code: OTHER, name: '救急病院' };
    const emergency = (from: Date, until: Date) =>
      s.t.platform.repo.transaction(
        (session) =>
          s.t.platform.consent.emergency(session, ctxOf(OTHER), { patientId, recipient, categories: ['checkup'], from, until, reason: 'unconscious' }),
        { trusted: true },
      );
    await emergency(new Date(Date.now() - 7200_000), new Date(Date.now() - 3600_000));
    expect((await read('other')).statusCode).toBe(404);
    const [e] = await emergency(new Date(), new Date(Date.now() + 3600_000));
    expect(JSON.parse(e.content).provision.purpose[0].code).toBe('ETREAT');
    expect((await read('other')).statusCode).toBe(200);
  });

  it('clients cannot create, change or delete the Consent records', async () => {
    const list = json(await s.request({ method: 'GET', url: `/fhir/Consent?patient=Patient/${patientId}`, token: tok.operator }));
    const consent = list.entry[0].resource;
    expect(
      (await s.request({ method: 'PUT', url: `/fhir/Consent/${consent.id}`, token: tok.operator, body: { ...consent, status: 'active' } })).statusCode,
    ).toBe(403);
    expect((await s.request({ method: 'DELETE', url: `/fhir/Consent/${consent.id}`, token: tok.operator })).statusCode).toBe(403);
    const forged = { ...consent, id: undefined };
    expect((await s.request({ method: 'POST', url: '/fhir/Consent', token: tok.other, body: forged })).statusCode).toBe(403);
  });
});
