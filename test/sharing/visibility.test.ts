/**
 * The visibility matrix of the 6 information: every viewer × every state × every kind asserted allow or deny through
 * `Patient/[id]/$clinical-information`, with its audit event and basis — on both engines. States: plain, 未告知
 * (UNINFORMED), 未提供 (UNDELIVERED), 長期保存 past the retention (LTS), expired, held (閲覧保留), withdrawn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { VALID_DIR, readExample, readdress, withFlags } from './clins-examples.ts';
import { CLINIC, OTHER_CLINIC, THIRD_CLINIC, sharingWorld, storedRefs, type SharingWorld } from './sharing-world.ts';
import { dischargeSummary, prescription, referral } from './letter-examples.ts';
import { json } from '../helpers/tsunagu.ts';

type Json = Record<string, unknown>;
const DAY = 86_400_000;
const CONDITION = readExample(VALID_DIR, 'Condition-Example-JP-Condition-eCS-03.json');
const LAB = readExample(VALID_DIR, 'Observation-Example-JP-Obs-LabResult-eCS-K.json');
const ALLERGY = readExample(VALID_DIR, 'AllergyIntolerance-Example-JP-Allergy-eCS-02.json');

/** An infection result: the lab example coded with a JLAC10 code of the infection list (HBs抗原, S/CO). */
function infection(): Json {
  const r = structuredClone(LAB);
  r.code = {
    coding: [
      { system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS', code: '10000500', display: 'HBs抗原' },
      { system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS', code: '5F016141002305151', display: 'HBs抗原(S/CO)' },
      { system: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits', code: '5F016141002305151', display: 'HBs抗原(S/CO)' },
    ],
    text: 'HBs抗原',
  };
  return r;
}

interface LogEntry {
  subtype: string;
  outcome: string;
  policy?: string[];
  entities: string[];
}

/** The person's newest access-log events (newest first), as an operator reads them (the person's own view leaves out 未告知 items). */
async function recentAudit(sw: SharingWorld, patientId: string): Promise<LogEntry[]> {
  await sw.w.s.t.platform.readAudit.drain();
  const res = await sw.request({ method: 'GET', url: `/fhir/AuditEvent?patient=Patient/${patientId}&_sort=-date&_count=50`, token: sw.tokens.operator });
  return (JSON.parse(res.body).entry ?? []).map((e: { resource: Record<string, any> }) => ({
    subtype: e.resource.subtype?.[0]?.code as string,
    outcome: e.resource.outcome as string,
    policy: e.resource.agent?.[0]?.policy as string[] | undefined,
    entities: ((e.resource.entity ?? []) as { what?: { reference?: string } }[]).map((x) => x.what?.reference ?? '').filter(Boolean),
  }));
}

const dated = (r: Json, field: string, at: Date): Json => ({ ...r, [field]: `${at.toISOString().slice(0, 19)}+00:00` });

type Viewer = 'registrant' | 'surgery' | 'medication' | 'none' | 'patient';
type State = 'plain' | 'UNINFORMED' | 'UNDELIVERED' | 'LTS-old' | 'expired' | 'held' | 'withdrawn';

describe.each(ENGINES)('who sees which item (%s)', (engine) => {
  let sw: SharingWorld;
  /** `${kind}:${state}` → stored reference. */
  const items = new Map<string, string>();
  const t0 = new Date();
  let letterId = '';
  let summaryId = '';

  async function put(kind: string, state: State, resource: Json, category: string, field: string, at: Date): Promise<void> {
    let r = dated(readdress(resource, sw.alice, CLINIC, `${kind}-${state}-${engine}`), field, at);
    if (state === 'UNINFORMED' || state === 'UNDELIVERED') r = withFlags(r, state);
    if (state === 'LTS-old') r = withFlags(r, 'LTS');
    const res = await sw.register(sw.tokens.clinic, sw.clins(sw.alice, category, [r]));
    expect(res.status, `${kind}:${state} ${JSON.stringify(res.body).slice(0, 500)}`).toBe(201);
    items.set(`${kind}:${state}`, storedRefs(res.body)[0]);
  }

  beforeAll(async () => {
    sw = await sharingWorld(engine);
    sw.clock.now = t0;
    const recent = new Date(t0.getTime() - 30 * DAY);
    const sixYears = new Date(t0.getTime() - 6 * 365 * DAY);
    for (const state of ['plain', 'UNINFORMED', 'UNDELIVERED', 'held', 'withdrawn'] as State[])
      await put('diagnosis', state, CONDITION, 'Condition', 'recordedDate', recent);
    await put('diagnosis', 'LTS-old', CONDITION, 'Condition', 'recordedDate', sixYears);
    await put('diagnosis', 'expired', CONDITION, 'Condition', 'recordedDate', sixYears);
    for (const state of ['plain', 'held', 'withdrawn'] as State[]) await put('infection', state, infection(), 'Observation', 'effectiveDateTime', recent);
    await put('infection', 'LTS-old', infection(), 'Observation', 'effectiveDateTime', sixYears);
    await put('infection', 'expired', infection(), 'Observation', 'effectiveDateTime', sixYears);
    for (const state of ['plain', 'held', 'withdrawn'] as State[]) await put('allergy', state, ALLERGY, 'AllergyIntolerance', 'recordedDate', recent);
    await put('allergy', 'LTS-old', ALLERGY, 'AllergyIntolerance', 'recordedDate', sixYears);
    await put('allergy', 'expired', ALLERGY, 'AllergyIntolerance', 'recordedDate', sixYears);
    // Labs: 1 year or the latest 3 of the same test — the oldest of four potassium results, 2 years old, is out.
    await put('lab', 'expired', LAB, 'Observation', 'effectiveDateTime', new Date(t0.getTime() - 730 * DAY));
    for (const [n, days] of [300, 200, 20].entries())
      await put('lab', n === 2 ? 'plain' : (`old-${n}` as State), LAB, 'Observation', 'effectiveDateTime', new Date(t0.getTime() - days * DAY));
    for (const state of ['held', 'withdrawn'] as State[])
      await put('lab', state, { ...LAB, code: { ...(LAB.code as Json), text: `K ${state}` } }, 'Observation', 'effectiveDateTime', recent);
    // Prescriptions come from a referral letter CLINIC → THIRD (kept 100 days or the latest 3 prescription dates).
    const rx = (days: number) => ({ ...prescription(sw.alice, CLINIC), authoredOn: new Date(t0.getTime() - days * DAY).toISOString() });
    const rxStates: [string, number][] = [
      ['plain', 10],
      ['held', 20],
      ['withdrawn', 30],
      ['old-a', 150],
      ['expired', 200],
    ];
    const sent = await sw.request({
      method: 'POST',
      url: '/fhir/$send-referral',
      token: sw.tokens.clinic,
      body: {
        resourceType: 'Parameters',
        parameter: [
          {
            name: 'letter',
            resource: referral(
              sw.alice,
              CLINIC,
              THIRD_CLINIC,
              rxStates.map(([, d]) => rx(d)),
            ),
          },
        ],
      },
    });
    expect(sent.statusCode, sent.body.slice(0, 1000)).toBe(201);
    const out = json(sent).parameter as { name: string; valueString?: string; valueReference?: { reference: string } }[];
    letterId = out.find((p) => p.name === 'letter')!.valueString!;
    const rxRefs = out.filter((p) => p.name === 'item').map((p) => p.valueReference!.reference);
    expect(rxRefs).toHaveLength(rxStates.length);
    for (const [n, [state]] of rxStates.entries()) items.set(`prescription:${state}`, rxRefs[n]);
    const summary = await sw.request({
      method: 'POST',
      url: '/fhir/$send-discharge-summary',
      token: sw.tokens.clinic,
      body: {
        resourceType: 'Parameters',
        parameter: [
          { name: 'dischargeSummary', resource: dischargeSummary(sw.alice, CLINIC) },
          { name: 'addressee', valueString: THIRD_CLINIC },
        ],
      },
    });
    expect(summary.statusCode, summary.body.slice(0, 1000)).toBe(201);
    summaryId = (json(summary).parameter as { name: string; valueString?: string }[]).find((p) => p.name === 'letter')!.valueString!;
    // Consents before the holds: OTHER the surgery group, THIRD the medication group.
    await sw.consent(sw.alice.id, OTHER_CLINIC, 'surgery');
    await sw.consent(sw.alice.id, THIRD_CLINIC, 'medication');
    sw.clock.now = new Date(t0.getTime() + 1000);
    for (const kind of ['diagnosis', 'infection', 'allergy', 'lab', 'prescription']) {
      const res = await sw.request({
        method: 'POST',
        url: '/fhir/$hold-clinical-information',
        token: sw.tokens.alice,
        body: { resourceType: 'Parameters', parameter: [{ name: 'item', valueReference: { reference: items.get(`${kind}:held`) } }] },
      });
      expect(res.statusCode, res.body).toBe(201);
      const [type, _id] = items.get(`${kind}:withdrawn`)!.split('/');
      const w = await sw.request({
        method: 'POST',
        url: '/fhir/$withdraw-clinical-information',
        token: sw.tokens.clinic,
        body: { resourceType: 'Parameters', parameter: [{ name: 'item', valueReference: { reference: items.get(`${kind}:withdrawn`) } }] },
      });
      expect(w.statusCode, `${type} ${w.body}`).toBe(200);
    }
    sw.clock.now = new Date(t0.getTime() + 2000);
  }, 300_000);
  afterAll(async () => sw?.close());

  const TOKEN: Record<Viewer, () => string> = {
    registrant: () => sw.tokens.clinic,
    surgery: () => sw.tokens.other,
    medication: () => sw.tokens.third,
    none: () => sw.tokens.pharmacy,
    patient: () => sw.tokens.alice,
  };
  const GROUP: Record<string, 'surgery' | 'medication'> = {
    diagnosis: 'surgery',
    infection: 'surgery',
    allergy: 'medication',
    lab: 'medication',
    prescription: 'medication',
  };

  /** The rule, written out: may `viewer` see an item of `kind` in `state`? */
  function expected(viewer: Viewer, kind: string, state: string): boolean {
    if (state === 'expired' || state === 'withdrawn') return false;
    if (viewer === 'registrant') return true;
    if (viewer === 'patient') return state !== 'UNINFORMED';
    if (viewer === 'none') return false;
    if (GROUP[kind] !== viewer) return false;
    return state !== 'UNDELIVERED' && state !== 'held';
  }

  it.each(['registrant', 'surgery', 'medication', 'none', 'patient'] as Viewer[])('viewer %s: every kind × state as the rules say', async (viewer) => {
    const refs = (await sw.view(TOKEN[viewer](), sw.alice.id, '?_count=1000')).refs;
    const seen = new Set(refs);
    for (const [key, ref] of items) {
      const [kind, state] = key.split(':');
      expect(seen.has(ref), `${viewer} × ${key}`).toBe(expected(viewer, kind, state));
    }
    // The view's AuditEvent names exactly what was shown, with its bases.
    const views = (await recentAudit(sw, sw.alice.id)).filter((e) => e.subtype === 'clinical-information' && e.outcome === '0');
    const shownIn = (e: { entities: string[] }) => e.entities.filter((x) => !x.startsWith('Patient/'));
    const event = views.find((e) => shownIn(e).length === refs.length && refs.every((r) => shownIn(e).some((x) => x.endsWith(r))));
    expect(event, `${viewer}: an AuditEvent of the view`).toBeDefined();
    const BASIS: Record<Viewer, RegExp> = { registrant: /^registrant$/, surgery: /^Consent\//, medication: /^Consent\//, none: /./, patient: /^patient$/ };
    if (refs.length)
      expect(
        (event!.policy ?? []).every((p) => BASIS[viewer].test(p) || p === 'registrant'),
        `${viewer}: ${event!.policy}`,
      ).toBe(true);
  });

  it.each(['referral letter', 'discharge summary'])('a %s reaches its addressee only: the sender sees its state, everyone else an absent one', async (what) => {
    const id = what === 'referral letter' ? letterId : summaryId;
    const on = (token: string, op: string) =>
      sw.request({ method: 'POST', url: `/fhir/$${op}`, token, body: { resourceType: 'Parameters', parameter: [{ name: 'letter', valueString: id }] } });
    expect((await on(sw.tokens.third, 'retrieve-referral')).statusCode).toBe(200);
    expect((await on(sw.tokens.clinic, 'referral-status')).statusCode).toBe(200);
    expect((await on(sw.tokens.clinic, 'retrieve-referral')).statusCode).toBe(403);
    for (const token of [sw.tokens.other, sw.tokens.pharmacy, sw.tokens.alice, sw.tokens.kyokai, sw.tokens.kumiai, sw.tokens.operator])
      for (const op of ['retrieve-referral', 'acknowledge-referral', 'referral-status']) expect((await on(token, op)).statusCode, op).toBe(404);
    // The addressee's retrieval is in the person's access log with its basis.
    const log = await auditOf(sw.w, sw.alice.id);
    expect(
      log.some((e) => e.outcome === '0' && e.agent === THIRD_CLINIC && (e.policy ?? []).includes('addressee') && e.entities.some((x) => x.includes(id))),
    ).toBe(true);
  });

  it('insurers (the member’s and another), a municipality-like caller, an operator and another patient have no view', async () => {
    for (const token of [sw.tokens.kyokai, sw.tokens.kumiai, sw.tokens.operator, sw.tokens.bob]) expect((await sw.view(token, sw.alice.id)).status).toBe(403);
  });

  it('a refused group is named in an OperationOutcome entry, the same for a person with no items', async () => {
    const a = await sw.view(sw.tokens.pharmacy, sw.alice.id);
    const b = await sw.view(sw.tokens.pharmacy, sw.bob.id);
    const outcomeOf = (body: Json) => JSON.stringify((body.entry as { search?: { mode?: string } }[]).filter((e) => e.search?.mode === 'outcome'));
    expect(a.body.total).toBe(0);
    expect(outcomeOf(a.body)).toBe(outcomeOf(b.body));
    expect(outcomeOf(a.body)).toMatch(/傷病名＋手術情報＋感染症/);
  });

  it('a consent given after the hold opens the held item again', async () => {
    await sw.consent(sw.alice.id, OTHER_CLINIC, 'surgery');
    const seen = (await sw.view(sw.tokens.other, sw.alice.id)).refs;
    expect(seen).toContain(items.get('diagnosis:held'));
    expect(seen).toContain(items.get('infection:held'));
    expect(seen).not.toContain(items.get('diagnosis:UNDELIVERED'));
  });

  it('every view is in the person’s access log with its basis; refusals too', async () => {
    const log = await auditOf(sw.w, sw.alice.id);
    const views = log.filter((e) => e.subtype === 'clinical-information');
    expect(views.some((e) => e.outcome === '0' && (e.policy ?? []).some((p) => p.startsWith('Consent/')))).toBe(true);
    expect(views.some((e) => e.outcome === '0' && (e.policy ?? []).includes('registrant'))).toBe(true);
    expect(views.some((e) => e.outcome === '4')).toBe(true);
  });

  it('pages: _count and _offset walk every item once; total and links count only what the caller may see', async () => {
    const all = (await sw.view(sw.tokens.other, sw.alice.id, '?_count=1000')).refs;
    const seen: string[] = [];
    let url: string | undefined = `/fhir/Patient/${sw.alice.id}/$clinical-information?_count=3`;
    while (url) {
      const res = await sw.request({ method: 'GET', url, token: sw.tokens.other });
      const body = JSON.parse(res.body);
      expect(body.total).toBe(all.length);
      seen.push(
        ...body.entry.filter((e: Json) => (e.search as Json).mode === 'match').map((e: { resource: Json }) => `${e.resource.resourceType}/${e.resource.id}`),
      );
      const next = (body.link as { relation: string; url: string }[]).find((l) => l.relation === 'next')?.url;
      url = next ? next.slice(next.indexOf('/fhir/')) : undefined;
    }
    expect(seen).toEqual(all);
    for (const bad of ['?_count=0', '?_count=1001', '?_count=x', '?_offset=-1'])
      expect((await sw.view(sw.tokens.other, sw.alice.id, bad)).status, bad).toBe(400);
  });

  it('the kind parameter narrows the view; an unknown kind is a 400', async () => {
    const labs = await sw.view(sw.tokens.clinic, sw.alice.id, '?kind=lab');
    expect(labs.refs.length).toBeGreaterThan(0);
    expect(labs.refs.every((r) => r.startsWith('Observation/'))).toBe(true);
    expect((await sw.view(sw.tokens.clinic, sw.alice.id, '?kind=secret')).status).toBe(400);
  });

  it('the retention moves with the clock and the purge is idempotent', async () => {
    const before = (await sw.view(sw.tokens.clinic, sw.alice.id)).refs;
    expect(before).toContain(items.get('diagnosis:plain'));
    sw.clock.now = new Date(t0.getTime() + (5 * 365 + 1) * DAY);
    const later = (await sw.view(sw.tokens.clinic, sw.alice.id)).refs;
    expect(later).not.toContain(items.get('diagnosis:plain'));
    expect(later).toContain(items.get('diagnosis:LTS-old'));
    // Labs: the latest 3 of the test stay whatever their age.
    expect(later).toContain(items.get('lab:plain'));
    const purge = () =>
      sw.request({ method: 'POST', url: '/fhir/$purge-expired-clinical-information', token: sw.tokens.operator, body: { resourceType: 'Parameters' } });
    expect(
      (await sw.request({ method: 'POST', url: '/fhir/$purge-expired-clinical-information', token: sw.tokens.clinic, body: { resourceType: 'Parameters' } }))
        .statusCode,
    ).toBe(403);
    const first = await purge();
    const purged = (first.json ? first.json() : JSON.parse(first.body)).parameter[0].valueInteger as number;
    expect(purged).toBeGreaterThan(0);
    expect(JSON.parse((await purge()).body).parameter[0].valueInteger).toBe(0);
    expect((await sw.request({ method: 'GET', url: `/fhir/${items.get('diagnosis:plain')}`, token: sw.tokens.clinic })).statusCode).toBe(410);
    expect((await sw.view(sw.tokens.clinic, sw.alice.id)).refs.sort()).toEqual(later.sort());
    sw.clock.now = new Date(t0.getTime() + 2000);
  });
});
