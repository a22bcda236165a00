/**
 * 代理人 in the portal, on every engine: a parent signs in with their own card, sees whom they may act for, switches
 * the session to the child (the token's patient; the parent stays its user and is in the child's access log), and
 * back; a person they are not registered for, a staff session, an ended registration and bad registrations are
 * refused — and a refused switch leaves the session working.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PatientProxies, ProxyInputError } from '../../src/platform/auth/proxies/patient-proxies.ts';
import { authorizeQuery, codeOf, exchange, pkcePair, postForm, postSignIn, type SignedIn } from '../helpers/app-sign-in.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { CLINIC, eligibilityWorld, personRecord, type EligibilityWorld } from './service-fixtures.ts';

type Tokens = SignedIn & {
  tsunagu_user: SignedIn['tsunagu_user'] & { proxies?: { patientId: string; name: string; relation: string }[]; actingFor?: { patientId: string } };
};

describe.each(ENGINES)('a proxy (代理人) in the portal (%s)', (engine) => {
  let w: EligibilityWorld;
  let proxies: PatientProxies;
  let parent: string;
  let child: string;
  let stranger: string;
  let registration: string;
  beforeAll(async () => {
    w = await eligibilityWorld(engine);
    const reg = await w.register([
      personRecord({ person_link_key: 'proxy-parent', number: '701', family_name: '𠮷田', given_name: '花子' }),
      personRecord({ person_link_key: 'proxy-child', number: '702', family_name: '齋藤', given_name: '健太', birth_date: '2018-05-01' }),
      personRecord({ person_link_key: 'proxy-stranger', number: '703', family_name: '山田', given_name: '太郎' }),
    ]);
    [parent, child, stranger] = reg.results.map((r) => (r.patient ?? '').split('/')[1]);
    proxies = w.s.t.platform.proxies;
    const r = await proxies.add({
      proxyId: parent,
      proxyName: '𠮷田 花子',
      patientId: child,
      patientName: '齋藤 健太',
      relation: 'parent',
      validFrom: '2018-05-01',
      validTo: '2036-04-30',
      registeredBy: 'test',
    });
    registration = r.id;
  });
  afterAll(async () => w?.close());

  async function signInParent(): Promise<Tokens> {
    const card = await w.card(parent);
    const { verifier, challenge } = pkcePair();
    const query = authorizeQuery({ clientId: 'tsunagu-portal', challenge });
    const r = await postSignIn(w.s.t.app, query, { method: 'card', cardFile: await readFile(card.path, 'utf8'), pin: '1234' });
    return (await exchange(w.s.t.app, query, codeOf(r).code!, verifier)) as Tokens;
  }

  const refresh = (t: { refresh_token: string }, patient?: string) =>
    postForm(w.s.t.app, '/auth/token', { grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'tsunagu-portal', patient });

  const read = (token: string, id: string) => w.request({ method: 'GET', url: `/fhir/Patient/${id}`, token });

  it('the sign-in names the people one may act for; the switch makes the child the token’s patient, the parent its user', async () => {
    const own = await signInParent();
    expect(own.patient).toBe(parent);
    expect(own.tsunagu_user.proxies).toEqual([{ patientId: child, name: '齋藤 健太', relation: 'parent', relationName: '親権者' }]);
    expect(own.tsunagu_user.actingFor).toBeUndefined();
    expect((await read(own.access_token, child)).statusCode).toBe(404);

    const switched = await refresh(own, child);
    expect(switched.statusCode).toBe(200);
    const asChild = JSON.parse(switched.body) as Tokens;
    expect(asChild.patient).toBe(child);
    expect(asChild.tsunagu_user).toMatchObject({
      id: parent,
      name: '𠮷田 花子',
      patientId: child,
      actingFor: { patientId: child, name: '齋藤 健太', relation: 'parent' },
    });
    expect((asChild as unknown as { fhirUser: string }).fhirUser).toMatch(new RegExp(`/fhir/Patient/${parent}$`));
    expect(json(await read(asChild.access_token, child)).id).toBe(child);
    // The parent's own record is not in the child's context.
    expect((await read(asChild.access_token, parent)).statusCode).toBe(404);

    // A plain refresh stays with the child; asking for oneself switches back.
    const still = JSON.parse((await refresh(asChild)).body) as Tokens;
    expect(still.patient).toBe(child);
    const back = JSON.parse((await refresh(still, parent)).body) as Tokens;
    expect(back.patient).toBe(parent);
    expect(back.tsunagu_user.actingFor).toBeUndefined();
    expect(json(await read(back.access_token, parent)).id).toBe(parent);

    // The child's access log names the parent as the one who read.
    await w.s.t.platform.readAudit.drain();
    const log = await w.s.addClient({ kind: 'patient', patientId: child, scopes: ['patient/*.rs'] });
    const events = json(await w.request({ method: 'GET', url: `/fhir/AuditEvent?patient=Patient/${child}&_count=200`, token: log.token })).entry ?? [];
    const byParent = events.filter((e: { resource: { agent: { who?: { identifier?: { value?: string } } }[] } }) =>
      e.resource.agent.some((a) => a.who?.identifier?.value === parent),
    );
    expect(byParent.length).toBeGreaterThan(0);
  });

  it('a person one is not registered for is refused, and the session goes on', async () => {
    const own = await signInParent();
    const refused = await refresh(own, stranger);
    expect(refused.statusCode).toBe(400);
    expect(json(refused)).toMatchObject({ error: 'invalid_grant' });
    expect(json(refused).error_description).toContain('proxy');
    const ok = await refresh(own);
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body).patient).toBe(parent);
  });

  it('a staff sign-in cannot ask for a patient', async () => {
    if (!(await w.s.t.platform.facilities.get(CLINIC))) await w.s.t.platform.facilities.add({ code: CLINIC, name: 'つなぐ内科クリニック', kind: 'facility' });
    await w.s.t.platform.staff.add({
      facilityCode: CLINIC,
      facilityKind: 'facility',
      login: 'proxy-nurse',
      displayName: '看護 花子',
      role: 'nurse',
      password: 'correct horse battery 1',
    });
    const { verifier, challenge } = pkcePair();
    const query = authorizeQuery({ clientId: 'tsunagu-clinic', challenge });
    const r = await postSignIn(w.s.t.app, query, { method: 'staff', facility: CLINIC, login: 'proxy-nurse', password: 'correct horse battery 1' });
    const staff = await exchange(w.s.t.app, query, codeOf(r).code!, verifier);
    const asked = await postForm(w.s.t.app, '/auth/token', {
      grant_type: 'refresh_token',
      refresh_token: staff.refresh_token,
      client_id: 'tsunagu-clinic',
      patient: child,
    });
    expect(asked.statusCode).toBe(400);
    expect(json(asked).error).toBe('invalid_request');
  });

  it('an ended registration ends the acting at the next refresh; the parent can still return to themself', async () => {
    const extra = await proxies.add({
      proxyId: stranger,
      proxyName: '山田 太郎',
      patientId: child,
      patientName: '齋藤 健太',
      relation: 'delegate',
      validFrom: '2020-01-01',
      registeredBy: 'test',
    });
    const card = await w.card(stranger);
    const { verifier, challenge } = pkcePair();
    const query = authorizeQuery({ clientId: 'tsunagu-portal', challenge });
    const r = await postSignIn(w.s.t.app, query, { method: 'card', cardFile: await readFile(card.path, 'utf8'), pin: '1234' });
    const own = await exchange(w.s.t.app, query, codeOf(r).code!, verifier);
    const asChild = JSON.parse((await refresh(own, child)).body) as Tokens;
    expect(asChild.patient).toBe(child);
    expect(await proxies.end(extra.id)).toBe(true);
    expect(await proxies.end(extra.id)).toBe(false);
    const next = await refresh(asChild);
    expect(next.statusCode).toBe(400);
    expect(json(next).error_description).toContain('ended');
    const home = await refresh(asChild, stranger);
    expect(home.statusCode).toBe(200);
    expect(JSON.parse(home.body).patient).toBe(stranger);
    expect(JSON.parse(home.body).tsunagu_user.proxies).toEqual([]);
  });

  it('bad registrations are refused with the reason', async () => {
    const base = {
      proxyId: parent,
      proxyName: 'a',
      patientId: child,
      patientName: 'b',
      relation: 'parent' as const,
      validFrom: '2020-01-01',
      registeredBy: 'test',
    };
    await expect(proxies.add(base)).rejects.toThrow(ProxyInputError); // overlaps the registration of beforeAll
    await expect(proxies.add({ ...base, patientId: parent })).rejects.toThrow(/own proxy/);
    await expect(proxies.add({ ...base, patientId: stranger, relation: 'friend' as never })).rejects.toThrow(/relation/);
    await expect(proxies.add({ ...base, patientId: stranger, validFrom: '2020-02-30' })).rejects.toThrow(/date/);
    await expect(proxies.add({ ...base, patientId: stranger, validTo: '2019-01-01' })).rejects.toThrow(/before/);
    expect((await proxies.ofPerson(child)).map((p) => p.id)).toContain(registration);
  });
});
