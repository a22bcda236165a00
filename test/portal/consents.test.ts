/**
 * The portal's consents: $my-consents lists what the person chose, $grant-consent permits a facility of the directory
 * (consent.decide then allows it, the clinic's view opens), Consent/[id]/$revoke closes it, a group hold closes it
 * until a new consent at the reader; who may call (the person only) and bad input — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { japanDate } from '../../src/platform/master-files/japan-date.ts';
import { ENGINES } from '../helpers/engines.ts';
import { VALID_DIR, readExample, readdress } from '../sharing/clins-examples.ts';
import { storedRefs } from '../sharing/sharing-world.ts';
import { CLINIC, CLOSED_CLINIC, OTHER_CLINIC, PHARMACY, UNKNOWN_CLINIC, partsOf, portalWorld, type Json, type PortalWorld } from './portal-world.ts';

const DAY = 86_400_000;
const CONDITION = readExample(VALID_DIR, 'Condition-Example-JP-Condition-eCS-03.json');

describe.each(ENGINES)('portal consents (%s)', (engine) => {
  let pw: PortalWorld;
  let diagnosis = '';
  const until = (days: number) => japanDate(new Date(pw.clock.now.getTime() + days * DAY));
  const grant = (token: string, facility: string, categories: string[], untilDay: string, extra: Json[] = []) =>
    pw.op(token, 'grant-consent', [
      { name: 'facility', valueString: facility },
      ...categories.map((c) => ({ name: 'category', valueCode: c })),
      { name: 'until', valueDate: untilDay },
      ...extra,
    ]);
  const auditSubtypes = async (patientId: string) => {
    await pw.w.s.t.platform.readAudit.drain();
    const res = await pw.request({ method: 'GET', url: `/fhir/AuditEvent?patient=Patient/${patientId}&_sort=-date&_count=100`, token: pw.tokens.operator });
    return (JSON.parse(res.body).entry ?? []).map((e: Json) => ({
      subtype: e.resource.subtype?.[0]?.code as string,
      outcome: e.resource.outcome as string,
      policy: e.resource.agent?.[0]?.policy as string[] | undefined,
      kind: e.resource.source?.type?.[0]?.code as string,
    }));
  };

  beforeAll(async () => {
    pw = await portalWorld(engine);
    // OTHER_CLINIC registers a diagnosis of alice (surgery group): CLINIC may see it only with alice's consent.
    const r = { ...readdress(CONDITION, pw.alice, OTHER_CLINIC, `portal-dx-${engine}`), recordedDate: `${pw.clock.now.toISOString().slice(0, 19)}+00:00` };
    const res = await pw.register(pw.tokens.other, pw.clins(pw.alice, 'Condition', [r], OTHER_CLINIC));
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(201);
    diagnosis = storedRefs(res.body)[0];
  }, 180_000);
  afterAll(async () => pw?.close());

  it('lists nothing at first, and audits the read as the person’s own', async () => {
    const res = await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET');
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Parameters');
    expect(partsOf(res.body, 'consent')).toEqual([]);
    const log = await auditSubtypes(pw.alice.id);
    expect(log.find((e: Json) => e.subtype === 'my-consents')).toMatchObject({ outcome: '0', policy: ['patient'] });
  });

  it('grants a consent: decide allows it, the clinic sees the category, my-consents lists it', async () => {
    expect((await pw.view(pw.tokens.clinic, pw.alice.id, '?kind=diagnosis')).refs).not.toContain(diagnosis);
    const res = await grant(pw.tokens.alice, CLINIC, ['surgery', 'medication'], until(30));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const granted = partsOf(res.body, 'consent');
    expect(granted).toHaveLength(2);
    for (const c of granted)
      expect(c).toMatchObject({
        facilityCode: CLINIC,
        facilityName: 'つなぐ内科クリニック',
        facilityKind: 'facility',
        decision: 'permit',
        policy: 'portal',
        state: 'active',
      });
    expect(granted.map((c) => c.category).sort()).toEqual(['medication', 'surgery']);
    // Valid to the end of the chosen Japan day.
    expect(new Date(granted[0].validTo).getTime()).toBe(new Date(`${until(31)}T00:00:00+09:00`).getTime());
    const decided = await pw.w.s.t.platform.consent.decide({ patientId: pw.alice.id, grantee: `facility:${CLINIC}`, category: 'surgery' });
    expect(decided.allow).toBe(true);
    expect((await pw.view(pw.tokens.clinic, pw.alice.id, '?kind=diagnosis')).refs).toContain(diagnosis);
    const listed = partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'consent');
    expect(listed.map((c) => c.id).sort()).toEqual(granted.map((c) => c.id).sort());
    // The Consent resource says policy portal.
    const consent = await pw.request({ method: 'GET', url: `/fhir/Consent/${granted[0].id}`, token: pw.tokens.alice });
    expect(JSON.parse(consent.body).policy[0].uri).toMatch(/policy\/portal-consent$/);
  });

  it('a new grant of the same category there replaces the earlier one', async () => {
    const before = partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'consent').find((c) => c.category === 'surgery')!;
    pw.clock.now = new Date(pw.clock.now.getTime() + 1000);
    const res = await grant(pw.tokens.alice, CLINIC, ['surgery'], until(60));
    expect(res.status).toBe(201);
    const listed = partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'consent');
    expect(listed[0]).toMatchObject({ category: 'surgery', state: 'active', policy: 'portal' });
    expect(listed.find((c) => c.id === before.id)).toMatchObject({ state: 'replaced' });
  });

  it('a pharmacy of the directory can be granted', async () => {
    const res = await grant(pw.tokens.alice, PHARMACY, ['medication'], until(7));
    expect(res.status).toBe(201);
    expect(partsOf(res.body, 'consent')[0]).toMatchObject({ facilityKind: 'pharmacy', facilityName: 'つなぐ薬局' });
  });

  it('revoke (Consent/[id]/$revoke) closes the category to the clinic', async () => {
    const surgery = partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'consent').find(
      (c) => c.category === 'surgery' && c.state === 'active' && c.facilityCode === CLINIC,
    )!;
    const res = await pw.request({ method: 'POST', url: `/fhir/Consent/${surgery.id}/$revoke`, token: pw.tokens.alice, body: { resourceType: 'Parameters' } });
    expect(res.statusCode, res.body).toBe(200);
    // $revoke runs on the real clock; the views on the test clock.
    pw.clock.now = new Date(Math.max(Date.now(), pw.clock.now.getTime()) + 1000);
    expect((await pw.view(pw.tokens.clinic, pw.alice.id, '?kind=diagnosis')).refs).not.toContain(diagnosis);
    const listed = partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'consent');
    expect(listed.find((c) => c.id === surgery.id)).toMatchObject({ state: 'revoked' });
  });

  it('a group hold closes it; a consent at the reader given after the hold opens it again', async () => {
    pw.clock.now = new Date(pw.clock.now.getTime() + 1000);
    const readerConsent = await pw.readerConsent(pw.alice.id, CLINIC, 'surgery');
    expect((await pw.view(pw.tokens.clinic, pw.alice.id, '?kind=diagnosis')).refs).toContain(diagnosis);
    pw.clock.now = new Date(pw.clock.now.getTime() + 1000);
    const hold = await pw.op(pw.tokens.alice, 'hold-clinical-information', [{ name: 'group', valueCode: 'surgery' }]);
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    expect((await pw.view(pw.tokens.clinic, pw.alice.id, '?kind=diagnosis')).refs).not.toContain(diagnosis);
    const listed = await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET');
    expect(partsOf(listed.body, 'hold')).toEqual([expect.objectContaining({ category: 'surgery' })]);
    expect(partsOf(listed.body, 'hold')[0].facilityCode).toBeUndefined();
    expect(partsOf(listed.body, 'consent').find((c) => c.id === readerConsent)).toMatchObject({ policy: 'outpatient', state: 'active' });
    // A new consent at the reader, given after the hold, opens it again.
    pw.clock.now = new Date(pw.clock.now.getTime() + 1000);
    await pw.readerConsent(pw.alice.id, CLINIC, 'surgery');
    expect((await pw.view(pw.tokens.clinic, pw.alice.id, '?kind=diagnosis')).refs).toContain(diagnosis);
    const release = await pw.op(pw.tokens.alice, 'release-clinical-information-hold', [{ name: 'hold', valueString: partsOf(listed.body, 'hold')[0].id }]);
    expect(release.status).toBe(200);
    expect(partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'hold')).toEqual([]);
  });

  it('lists item holds', async () => {
    const hold = await pw.op(pw.tokens.alice, 'hold-clinical-information', [{ name: 'item', valueReference: { reference: diagnosis } }]);
    expect(hold.status).toBe(201);
    const items = partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'itemHold');
    expect(items).toEqual([expect.objectContaining({ kind: 'diagnosis', item: { reference: diagnosis } })]);
  });

  it.each([
    ['a facility', 'clinic'],
    ['a pharmacy', 'pharmacy'],
    ['an insurer', 'insurer'],
    ['an operator', 'operator'],
  ] as const)('refuses %s (403)', async (_label, who) => {
    for (const [name, method] of [
      ['my-consents', 'GET'],
      ['access-log', 'GET'],
      ['my-letters', 'GET'],
      ['my-data', 'GET'],
      ['my-data-pdf', 'GET'],
    ] as const) {
      const res = await pw.op(pw.tokens[who], name, undefined, method, `?patient=Patient/${pw.alice.id}`);
      expect(res.status, `${name} ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.body.issue[0].details.text).toMatch(/本人/);
    }
    const res = await grant(pw.tokens[who], CLINIC, ['surgery'], until(3));
    expect(res.status).toBe(403);
  });

  it('another patient naming alice gets 404, recorded in alice’s log', async () => {
    for (const name of ['my-consents', 'access-log', 'my-letters', 'my-data', 'my-data-pdf']) {
      const res = await pw.op(pw.tokens.bob, name, undefined, 'GET', `?patient=Patient/${pw.alice.id}`);
      expect(res.status, name).toBe(404);
      const absent = await pw.op(pw.tokens.bob, name, undefined, 'GET', '?patient=Patient/no-such-person');
      expect(absent.status).toBe(404);
      expect(absent.body.issue[0].code).toBe(res.body.issue[0].code);
    }
    const g = await grant(pw.tokens.bob, CLINIC, ['surgery'], until(3), [{ name: 'patient', valueString: `Patient/${pw.alice.id}` }]);
    expect(g.status).toBe(404);
    const log = await auditSubtypes(pw.alice.id);
    expect(log.filter((e: Json) => e.subtype === 'my-consents' && e.outcome === '4').length).toBeGreaterThan(0);
    // Bob naming himself is fine.
    expect((await pw.op(pw.tokens.bob, 'my-consents', undefined, 'GET', `?patient=Patient/${pw.bob.id}`)).status).toBe(200);
  });

  it('refuses without a token (401)', async () => {
    const res = await pw.request({ method: 'GET', url: '/fhir/$my-consents' });
    expect(res.statusCode).toBe(401);
  });

  it.each([
    ['a malformed code', '12345', ['surgery'], 0, 400, /10桁/],
    ['a bad check digit', '1312345670', ['surgery'], 0, 400, /検証番号/],
    ['a facility not in the directory', UNKNOWN_CLINIC, ['surgery'], 0, 404, /施設名簿にありません/],
    ['a closed facility', CLOSED_CLINIC, ['surgery'], 0, 422, /廃止・休止中/],
    ['an unknown category', CLINIC, ['everything'], 0, 400, /同意区分/],
    ['a day in the past', CLINIC, ['surgery'], -1, 400, /有効期限/],
    ['more than 365 days ahead', CLINIC, ['surgery'], 367, 400, /有効期限/],
  ] as const)('grant-consent refuses %s', async (_label, facility, categories, days, status, ja) => {
    const before = partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'consent').length;
    const res = await grant(pw.tokens.alice, facility, [...categories], until(days));
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.issue[0].details.text).toMatch(ja);
    expect(res.body.issue[0].diagnostics).toMatch(/[a-z]/);
    expect(res.body.issue[0].expression?.[0]).toMatch(/^Parameters\.(facility|category|until)/);
    // Nothing was recorded.
    expect(partsOf((await pw.op(pw.tokens.alice, 'my-consents', undefined, 'GET')).body, 'consent')).toHaveLength(before);
  });

  it('grant-consent refuses a missing until, a bad date and a missing category (400 with the expression)', async () => {
    const noUntil = await pw.op(pw.tokens.alice, 'grant-consent', [
      { name: 'facility', valueString: CLINIC },
      { name: 'category', valueCode: 'surgery' },
    ]);
    expect(noUntil.status).toBe(400);
    const badDate = await grant(pw.tokens.alice, CLINIC, ['surgery'], '2026-02-30');
    expect(badDate.status).toBe(400);
    expect(badDate.body.issue[0].expression?.[0]).toMatch(/until/);
    const noCategory = await pw.op(pw.tokens.alice, 'grant-consent', [
      { name: 'facility', valueString: CLINIC },
      { name: 'until', valueDate: until(3) },
    ]);
    expect(noCategory.status).toBe(400);
  });
});
