/**
 * Who sees which check-up report: {registering provider, facility with the check-up consent, facility without it, the
 * person, the member's insurer, another insurer} × {plain, withdrawn, expired (5 years + 1 day after the check-up date
 * on the moved clock)}, each asserted allow or deny through `Patient/[id]/$checkup-reports` and through generic reads of
 * the report's resources, with the audit basis of allowed views — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredCheckups } from '../../src/services/sharing/checkups/purge.ts';
import { auditOf } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { CHECKUP_PACKAGE, checkupReport } from './checkups-examples.ts';
import { CLINIC, KUMIAI, KYOKAI, OTHER_CLINIC, THIRD_CLINIC, sharingWorld, type SharingWorld } from './sharing-world.ts';

type Json = Record<string, unknown>;
type Viewer = 'provider' | 'consented' | 'unconsented' | 'patient' | 'insurer' | 'otherInsurer';
const VIEWERS: Viewer[] = ['provider', 'consented', 'unconsented', 'patient', 'insurer', 'otherInsurer'];
const ALLOWED = new Set<Viewer>(['provider', 'consented', 'patient', 'insurer']);
const READ_SCOPES = ['system/Composition.rs', 'system/Observation.rs', 'system/DiagnosticReport.rs'];
const CODE: Record<Viewer, string | undefined> = {
  provider: CLINIC,
  consented: OTHER_CLINIC,
  unconsented: THIRD_CLINIC,
  patient: undefined,
  insurer: KYOKAI,
  otherInsurer: KUMIAI,
};
const EXPECTED_BASIS: Record<string, RegExp> = { provider: /^registrant$/, consented: /^Consent\//, patient: /^patient$/, insurer: /^Coverage\// };

const japanDate = (at: Date) => new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
const refOf = (body: Json, name: string) =>
  ((body.parameter as { name: string; valueReference?: { reference: string } }[]) ?? []).filter((p) => p.name === name).map((p) => p.valueReference!.reference);

describe.each(ENGINES)('who sees which check-up report (%s)', (engine) => {
  let sw: SharingWorld;
  const tokens = {} as Record<Viewer, string>;
  const t0 = new Date();
  const date = japanDate(new Date(t0.getTime() - 10 * 86_400_000));
  const reports = {} as Record<'plain' | 'withdrawn', { report: string; results: string[] }>;

  async function view(viewer: Viewer | string, patientId = sw.alice.id) {
    const token = (tokens as Record<string, string>)[viewer] ?? viewer;
    const res = await sw.request({ method: 'GET', url: `/fhir/Patient/${patientId}/$checkup-reports`, token });
    const body = json(res) as Json;
    const entries = (body.entry as { resource: Json; search?: { mode?: string } }[] | undefined) ?? [];
    const of = (mode: string) => entries.filter((e) => e.search?.mode === mode).map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    return { status: res.statusCode, body, matches: of('match'), includes: of('include'), outcome: entries.filter((e) => e.search?.mode === 'outcome') };
  }

  beforeAll(async () => {
    sw = await sharingWorld(engine, { packages: [CHECKUP_PACKAGE] });
    sw.clock.now = t0;
    const add = async (kind: 'facility' | 'insurer', code: string, scopes: string[]) => (await sw.w.s.addClient({ kind, facilityCode: code, scopes })).token;
    tokens.provider = await add('facility', CLINIC, [...READ_SCOPES, 'system/Composition.cu', 'system/Observation.cu', 'system/Patient.rs']);
    tokens.consented = await add('facility', OTHER_CLINIC, READ_SCOPES);
    tokens.unconsented = await add('facility', THIRD_CLINIC, READ_SCOPES);
    tokens.insurer = await add('insurer', KYOKAI, READ_SCOPES);
    tokens.otherInsurer = await add('insurer', KUMIAI, READ_SCOPES);
    tokens.patient = sw.tokens.alice;
    for (const state of ['plain', 'withdrawn'] as const) {
      const res = await sw.request({
        method: 'POST',
        url: '/fhir/$register-checkup-report',
        token: tokens.provider,
        body: checkupReport(sw.alice, { provider: CLINIC, date }),
      });
      expect(res.statusCode, res.body.slice(0, 1500)).toBe(201);
      reports[state] = { report: refOf(json(res), 'report')[0], results: refOf(json(res), 'result') };
    }
    const w = await sw.request({
      method: 'POST',
      url: '/fhir/$withdraw-checkup-report',
      token: tokens.provider,
      body: { resourceType: 'Parameters', parameter: [{ name: 'report', valueReference: { reference: reports.withdrawn.report } }] },
    });
    expect(w.statusCode, w.body).toBe(200);
    // Views at the time of setup's end: the insurers' membership grants start when the registry wrote them.
    sw.clock.now = new Date();
    await sw.consent(sw.alice.id, OTHER_CLINIC, 'checkup');
  }, 180_000);
  afterAll(async () => sw?.close());

  it.each(VIEWERS)('%s: plain and withdrawn reports through $checkup-reports as the rules say', async (viewer) => {
    const v = await view(viewer);
    expect(v.status, JSON.stringify(v.body).slice(0, 500)).toBe(200);
    expect(v.matches.includes(reports.plain.report), `${viewer} × plain`).toBe(ALLOWED.has(viewer));
    for (const r of reports.plain.results) expect(v.includes.includes(r), `${viewer} × plain result`).toBe(ALLOWED.has(viewer));
    expect(v.matches.includes(reports.withdrawn.report), `${viewer} × withdrawn`).toBe(false);
    for (const r of reports.withdrawn.results) expect(v.includes).not.toContain(r);
  });

  it.each(VIEWERS)('%s: generic reads of the report’s resources follow the same grants', async (viewer) => {
    for (const ref of [reports.plain.report, ...reports.plain.results]) {
      const res = await sw.request({ method: 'GET', url: `/fhir/${ref}`, token: tokens[viewer] });
      expect(res.statusCode, `${viewer} × plain ${ref}`).toBe(ALLOWED.has(viewer) ? 200 : 404);
    }
    for (const ref of [reports.withdrawn.report, ...reports.withdrawn.results]) {
      const res = await sw.request({ method: 'GET', url: `/fhir/${ref}`, token: tokens[viewer] });
      expect([404, 410], `${viewer} × withdrawn ${ref}`).toContain(res.statusCode);
    }
    const search = json(await sw.request({ method: 'GET', url: `/fhir/Composition?patient=Patient/${sw.alice.id}`, token: tokens[viewer] }));
    const ids = (search.entry ?? []).map((e: { resource: Json }) => `Composition/${e.resource.id}`);
    expect(ids.includes(reports.plain.report), `${viewer} × search`).toBe(ALLOWED.has(viewer));
  });

  it('allowed views are audited with their basis; refused and withheld ones with outcome 4', async () => {
    for (const viewer of VIEWERS) await view(viewer);
    const log = (await auditOf(sw.w, sw.alice.id)).filter((e) => e.subtype === 'checkup-reports');
    for (const viewer of VIEWERS) {
      const mine = log.filter((e) => e.agent === CODE[viewer]);
      if (ALLOWED.has(viewer)) {
        const ok = mine.filter((e) => e.outcome === '0' && e.entities.includes(reports.plain.report));
        expect(ok.length, viewer).toBeGreaterThan(0);
        expect(ok[0].policy?.[0], viewer).toMatch(EXPECTED_BASIS[viewer]);
      } else {
        expect(
          mine.some((e) => e.outcome === '4'),
          viewer,
        ).toBe(true);
        expect(
          mine.some((e) => e.entities.includes(reports.plain.report)),
          viewer,
        ).toBe(false);
      }
    }
  });

  it('a facility without the consent is told so in an OperationOutcome entry, the same for a person with no reports', async () => {
    const a = await view('unconsented');
    const b = await view('unconsented', sw.bob.id);
    expect(a.outcome).toHaveLength(1);
    expect(JSON.stringify(a.outcome)).toMatch(/健診情報/);
    expect(JSON.stringify(a.outcome)).toBe(JSON.stringify(b.outcome));
    expect((await view('consented')).outcome).toHaveLength(0);
  });

  it('held: the person holds the check-up group; the consented facility sees nothing until consent given after the hold', async () => {
    const hold = await sw.request({
      method: 'POST',
      url: '/fhir/$hold-clinical-information',
      token: sw.tokens.alice,
      body: { resourceType: 'Parameters', parameter: [{ name: 'group', valueCode: 'checkup' }] },
    });
    expect(hold.statusCode, hold.body).toBe(201);
    expect((await view('consented')).matches).not.toContain(reports.plain.report);
    expect((await sw.request({ method: 'GET', url: `/fhir/${reports.plain.report}`, token: tokens.consented })).statusCode).toBe(404);
    // The person and the provider are not held back.
    expect((await view('patient')).matches).toContain(reports.plain.report);
    expect((await view('provider')).matches).toContain(reports.plain.report);
    sw.clock.now = new Date(Date.now() + 1000);
    await sw.consent(sw.alice.id, OTHER_CLINIC, 'checkup');
    expect((await view('consented')).matches).toContain(reports.plain.report);
    const id = (JSON.parse(hold.body).parameter as { name: string; valueString: string }[])[0].valueString;
    const release = await sw.request({
      method: 'POST',
      url: '/fhir/$release-clinical-information-hold',
      token: sw.tokens.alice,
      body: { resourceType: 'Parameters', parameter: [{ name: 'hold', valueString: id }] },
    });
    expect(release.statusCode, release.body).toBe(200);
    sw.clock.now = new Date();
  });

  it('operators, other patients and municipalities have no view (403)', async () => {
    const town = (await sw.w.s.addClient({ kind: 'municipality', scopes: READ_SCOPES })).token;
    for (const token of [sw.tokens.operator, sw.tokens.bob, town]) expect((await view(token)).status).toBe(403);
  });

  it('expired: on its 5th anniversary everyone allowed still sees it; a day later no one does, and the purge deletes it', async () => {
    const [y, m, d] = date.split('-');
    const anniversary = new Date(`${Number(y) + 5}-${m}-${d}T12:00:00+09:00`);
    sw.clock.now = anniversary;
    await sw.consent(sw.alice.id, OTHER_CLINIC, 'checkup');
    for (const viewer of VIEWERS) expect((await view(viewer)).matches.includes(reports.plain.report), `${viewer} × anniversary`).toBe(ALLOWED.has(viewer));
    sw.clock.now = new Date(anniversary.getTime() + 86_400_000);
    await sw.consent(sw.alice.id, OTHER_CLINIC, 'checkup');
    for (const viewer of VIEWERS) {
      const v = await view(viewer);
      expect(v.matches, `${viewer} × expired`).not.toContain(reports.plain.report);
      expect(v.includes, `${viewer} × expired`).toEqual([]);
    }
    const platform = sw.w.s.t.platform;
    const rt = { platform, clock: sw.clock.get, codes: undefined as never };
    expect((await purgeExpiredCheckups(rt)).purged).toBe(1);
    expect((await purgeExpiredCheckups(rt)).purged).toBe(0);
    for (const ref of [reports.plain.report, ...reports.plain.results])
      expect((await sw.request({ method: 'GET', url: `/fhir/${ref}`, token: tokens.provider })).statusCode).toBe(410);
    const results = json(await sw.request({ method: 'GET', url: `/fhir/Patient/${sw.alice.id}/$checkup-results`, token: tokens.insurer }));
    const seen = (results.entry ?? []).map((e: { resource: Json }) => `${e.resource.resourceType}/${e.resource.id}`);
    for (const r of reports.plain.results) expect(seen).not.toContain(r);
  });
});
