/**
 * $access-log: who looked at the person's data — a clinic's $clinical-information view with its consent basis and the
 * doctor signed in, a read under an emergency access (platform.consent.emergency) flagged emergency, refusals kept, the person's
 * own accesses left out, 未告知 items never named; from / count and bad input — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/platform/auth/principal.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { CONSENT_CATEGORY_SYSTEM } from '../../src/platform/consent/categories.ts';
import { japanDate } from '../../src/platform/master-files/japan-date.ts';
import { readFile } from 'node:fs/promises';
import { codeOf as authCodeOf, authorizeQuery, exchange, pkcePair, postSignIn, signInStaff } from '../helpers/app-sign-in.ts';
import { ENGINES } from '../helpers/engines.ts';
import { VALID_DIR, readExample, readdress, withFlags } from '../sharing/clins-examples.ts';
import { storedRefs } from '../sharing/sharing-world.ts';
import { CLINIC, OTHER_CLINIC, THIRD_CLINIC, partsOf, portalWorld, valueNamed, type Json, type PortalWorld } from './portal-world.ts';

const CONDITION = readExample(VALID_DIR, 'Condition-Example-JP-Condition-eCS-03.json');
const PASSWORD = 'shinryo2026abc';

describe.each(ENGINES)('the access log (%s)', (engine) => {
  let pw: PortalWorld;
  let doctor = '';
  let plain = '';
  let uninformed = '';
  let readerConsent = '';
  let emergencyConsent = '';
  const log = async (query = '') => {
    await pw.w.s.t.platform.readAudit.drain();
    const res = await pw.op(pw.tokens.alice, 'access-log', undefined, 'GET', query);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    return { accesses: partsOf(res.body, 'access'), emergencyCount: valueNamed(res.body, 'emergencyCount') as number, raw: JSON.stringify(res.body) };
  };

  beforeAll(async () => {
    pw = await portalWorld(engine);
    const recent = `${pw.clock.now.toISOString().slice(0, 19)}+00:00`;
    const dx = (id: string) => ({ ...readdress(CONDITION, pw.alice, OTHER_CLINIC, `log-${id}-${engine}`), recordedDate: recent });
    const res = await pw.register(pw.tokens.other, pw.clins(pw.alice, 'Condition', [dx('plain'), withFlags(dx('uninformed'), 'UNINFORMED')], OTHER_CLINIC));
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(201);
    [plain, uninformed] = storedRefs(res.body);
    await pw.w.s.t.platform.staff.add({
      facilityCode: CLINIC,
      facilityKind: 'facility',
      login: 'yamada',
      displayName: '山田 太郎',
      role: 'doctor',
      password: PASSWORD,
    });
    doctor = (await signInStaff(pw.w.s.t.app, { facility: CLINIC, login: 'yamada', password: PASSWORD })).access_token;
    readerConsent = await pw.readerConsent(pw.alice.id, CLINIC, 'surgery');
  }, 180_000);
  afterAll(async () => pw?.close());

  it('shows the clinic’s $clinical-information view with the doctor, the consent basis and the category', async () => {
    const view = await pw.view(doctor, pw.alice.id, '?kind=diagnosis');
    expect(view.status, JSON.stringify(view.body).slice(0, 300)).toBe(200);
    expect(view.refs).toContain(plain);
    const { accesses } = await log();
    const a = accesses.find((x) => x.operation === 'clinical-information' && x.facilityCode === CLINIC);
    expect(a).toMatchObject({
      facilityName: 'つなぐ内科クリニック',
      clientKind: 'facility',
      staffRole: 'doctor',
      staffName: '山田 太郎',
      action: 'operation',
      basis: 'consent',
      consent: readerConsent,
      purpose: 'TREAT',
      emergency: false,
      outcome: 'allowed',
      what: 'Patient/$clinical-information surgery',
    });
  });

  it('flags an emergency access (platform.consent.emergency) and counts it', async () => {
    const platform = pw.w.s.t.platform;
    const ctx: RequestContext = {
      principal: { clientId: 'er', name: 'ER', kind: 'facility', facilityCode: THIRD_CLINIC, scopes: parseScopes('system/*.*') },
      purpose: 'ETREAT',
    };
    const from = pw.clock.now;
    const [c] = await platform.repo.transaction(
      (session) =>
        platform.consent.emergency(session, ctx, {
          patientId: pw.alice.id,
          recipient: { kind: 'facility', code: THIRD_CLINIC, name: '第三病院' },
          categories: ['surgery'],
          from,
          until: new Date(from.getTime() + 3600_000),
          reason: 'unconscious',
        }),
      { trusted: true },
    );
    emergencyConsent = c.consentId;
    // The emergency grant opens data labelled with the category (a record OTHER_CLINIC keeps through the FHIR API).
    const obs = await pw.request({
      method: 'POST',
      url: '/fhir/Observation',
      token: pw.tokens.other,
      body: {
        resourceType: 'Observation',
        meta: { security: [{ system: CONSENT_CATEGORY_SYSTEM, code: 'surgery' }] },
        status: 'final',
        code: { text: '手術記録' },
        subject: { reference: `Patient/${pw.alice.id}` },
        effectiveDateTime: new Date().toISOString(),
        valueString: '虫垂切除術',
      },
    });
    expect(obs.statusCode, obs.body.slice(0, 300)).toBe(201);
    const read = await pw.request({ method: 'GET', url: `/fhir/Observation/${JSON.parse(obs.body).id}`, token: pw.tokens.third });
    expect(read.statusCode, read.body.slice(0, 300)).toBe(200);
    const { accesses, emergencyCount } = await log();
    const a = accesses.find((x) => x.action === 'read' && x.facilityCode === THIRD_CLINIC);
    expect(a).toMatchObject({
      facilityName: '第三病院',
      basis: 'emergency',
      consent: emergencyConsent,
      emergency: true,
      outcome: 'allowed',
      what: 'Observation (surgery)',
    });
    expect(emergencyCount).toBeGreaterThanOrEqual(1);
    expect(emergencyCount).toBe(accesses.filter((x) => x.emergency).length);
    // The emergency Consent is listed with policy emergency.
    const consents = partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'consent');
    expect(consents.find((x) => x.id === emergencyConsent)).toMatchObject({ policy: 'emergency', facilityName: '第三病院' });
  });

  it('keeps refusals: a facility without consent, another patient', async () => {
    const refused = await pw.request({ method: 'GET', url: `/fhir/Condition/${plain.split('/')[1]}`, token: pw.tokens.clinic });
    expect(refused.statusCode).toBe(404);
    const bob = await pw.request({ method: 'GET', url: `/fhir/Patient/${pw.alice.id}`, token: pw.tokens.bob });
    expect(bob.statusCode).toBe(404);
    const { accesses } = await log();
    expect(accesses.some((x) => x.facilityCode === CLINIC && x.action === 'read' && x.outcome === 'refused' && x.basis === 'none')).toBe(true);
    expect(accesses.some((x) => x.clientKind === 'patient' && x.outcome === 'refused')).toBe(true);
  });

  it('leaves out the person’s own accesses', async () => {
    await pw.request({ method: 'GET', url: `/fhir/Patient/${pw.alice.id}`, token: pw.tokens.alice });
    await pw.view(pw.tokens.alice, pw.alice.id);
    const { accesses } = await log();
    expect(accesses.some((x) => x.clientKind === 'patient' && x.outcome === 'allowed')).toBe(false);
    expect(accesses.some((x) => x.operation === 'access-log' || x.operation === 'my-consents')).toBe(false);
  });

  it('never names a 未告知 item, though the registrant’s reading of it stays in the log', async () => {
    const read = await pw.request({ method: 'GET', url: `/fhir/Condition/${uninformed.split('/')[1]}`, token: pw.tokens.other });
    expect(read.statusCode).toBe(200);
    const { accesses, raw } = await log();
    expect(raw).not.toContain(uninformed.split('/')[1]);
    expect(accesses.some((x) => x.facilityCode === OTHER_CLINIC && x.action === 'read' && x.basis === 'registrant')).toBe(true);
    // The operator's view of the log names it (the person's view does not).
    await pw.w.s.t.platform.readAudit.drain();
    const op = await pw.request({ method: 'GET', url: `/fhir/AuditEvent?patient=Patient/${pw.alice.id}&_count=200`, token: pw.tokens.operator });
    expect(op.body).toContain(uninformed.split('/')[1]);
  });

  it('works with the portal sign-in (card + PIN), whose own reads are left out too', async () => {
    const issued = await pw.w.card(pw.alice.id);
    const { verifier, challenge } = pkcePair();
    const query = authorizeQuery({ clientId: 'tsunagu-portal', challenge });
    const r = await postSignIn(pw.w.s.t.app, query, { method: 'card', cardFile: await readFile(issued.path, 'utf8'), pin: '1234' });
    expect(r.statusCode).toBe(303);
    const signedIn = await exchange(pw.w.s.t.app, query, authCodeOf(r).code!, verifier);
    expect(signedIn.scope).toContain('launch/patient');
    // A wrong PIN with the person's card is a refusal the person sees.
    const wrong = await postSignIn(pw.w.s.t.app, query, { method: 'card', cardFile: await readFile(issued.path, 'utf8'), pin: '9999' });
    expect(wrong.statusCode).toBe(401);
    const token = signedIn.access_token;
    await pw.request({ method: 'GET', url: `/fhir/Patient/${pw.alice.id}`, token });
    await pw.w.s.t.platform.readAudit.drain();
    const res = await pw.op(token, 'access-log', undefined, 'GET');
    expect(res.status).toBe(200);
    const accesses = partsOf(res.body, 'access');
    expect(accesses.some((x) => x.clientKind === 'patient' && x.outcome === 'allowed')).toBe(false);
    expect(accesses.some((x) => x.operation === 'sign-in' && x.outcome === 'refused')).toBe(true);
    for (const name of ['my-consents', 'my-letters']) expect((await pw.op(token, name, undefined, 'GET')).status, name).toBe(200);
  });

  it('newest first; from and count', async () => {
    const { accesses } = await log();
    const times = accesses.map((a) => a.at as string);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await log('?count=2')).accesses).toHaveLength(2);
    const tomorrow = japanDate(new Date(Date.now() + 2 * 86_400_000));
    expect((await log(`?from=${tomorrow}`)).accesses).toEqual([]);
    expect((await log(`?from=${japanDate(new Date(Date.now() - 86_400_000))}`)).accesses.length).toBe(accesses.length);
  });

  it('audits the person’s reading of the log', async () => {
    await log();
    await pw.w.s.t.platform.readAudit.drain();
    const res = await pw.request({ method: 'GET', url: `/fhir/AuditEvent?patient=Patient/${pw.alice.id}&_count=5`, token: pw.tokens.operator });
    const events = (JSON.parse(res.body).entry as Json[]).map((e) => e.resource);
    expect(events.find((e) => e.subtype[0].code === 'access-log')?.agent[0].policy).toEqual(['patient']);
  });

  it.each([
    ['?count=0', /件数/],
    ['?count=1001', /件数/],
    ['?count=abc', /./],
    ['?from=2026-13-01', /開始日/],
    ['?from=yesterday', /./],
  ])('bad input %s → 400', async (query, ja) => {
    const res = await pw.op(pw.tokens.alice, 'access-log', undefined, 'GET', query);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].details.text).toMatch(ja);
    expect(res.body.issue[0].expression?.[0] ?? '').toMatch(/count|from/);
  });
});
