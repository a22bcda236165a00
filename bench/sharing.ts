/**
 * EHR information-sharing benchmark (MISSION.md S3, issue 11), on PostgreSQL, against a server in a child process
 * with the JP Core and JP-CLINS packages loaded (TSUNAGU_IG) — skipped with a message when the shared FHIR
 * material (../shared/fhir, see test/helpers/shared-dir.ts) or PostgreSQL is absent.
 *
 *   registration  16 facilities, each registering as soon as its last registration answered, POST
 *                 `$register-clinical-information` for many different people: a JP_Bundle_CLINS tagged Observation
 *                 holding the Patient and one blood draw's chemistry panel of 19 lab results
 *                 (JP_Observation_LabResult_eCS, built from the official example Observation-…-LabResult-eCS-K with
 *                 19 items of the core lab code set, 臨床検査項目基本コードセット, and distinct business identifiers).
 *                 A lab panel is the commonest 20-resource registration: a visit's diagnoses or allergies are a few
 *                 resources, its lab results tens.
 *   baseline      the same 20 resources (the same JSON: Patient and 19 Observations) POSTed by the same 16 clients as
 *                 a plain FHIR transaction Bundle (`POST /fhir`, entries with request POST), measured in the same run,
 *                 alternating with the registrations so drifting machine load hits both alike. The ratio
 *                 registrations/s ÷ transactions/s is the figure (target ≥ 50%).
 *   view          one person with 5 years of history from 10 facilities (≈2,000 items in force: mostly diagnoses,
 *                 infections and allergies, kept 5 years, and the lab panels of the last year; older panels are
 *                 registered too and have expired), viewed by another facility the person consented to (both consent
 *                 groups) through `GET Patient/[id]/$clinical-information`. The view is paged (100 items by default,
 *                 newest first, `total` counting all): its first page alone, by 50 viewers at saturation and by 50
 *                 viewers together at a steady rate (open loop), and the whole history in the largest pages (1,000).
 *                 Target p99 < 50 ms, quoted next to the platform read floor of the same run (bench/floor-server.ts:
 *                 the platform section's figure when it ran, else measured here).
 *
 * Set-up in this process, on the fresh database, before the server starts: clients and tokens, the people in the
 * eligibility registry (POST /eligibility/records as the insurer, through the API), and the viewer's consents. The
 * consents are recorded in-process with platform.consent.record in a trusted transaction, as test/sharing/sharing-
 * world.ts does: over HTTP a reader consent needs a card visit (challenge → card → $verify-card → $reader-consent),
 * which is the eligibility benchmark's subject, not this one's.
 */
import { Agent, request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createTsunagu } from '../src/app.ts';
import { registerClient } from '../src/platform/auth/clients.ts';
import type { RequestContext } from '../src/platform/auth/principal.ts';
import { parseScopes } from '../src/platform/auth/scopes.ts';
import { configFromEnv } from '../src/platform/config.ts';
import type { ConsentCategory } from '../src/platform/consent/categories.ts';
import { mod10Weight21 } from '../src/platform/identity/check-digit.ts';
import { readFhirPackage } from '../src/platform/conformance/packages/package-reader.ts';
import { adminQuery } from '../src/platform/storage/pg-admin.ts';
import { fromCodeSystems } from '../src/services/sharing/codes/index.ts';
import { generateClientKey } from '../cli/commands/client.ts';
import { openLoop, type OpenLoopResult } from './open-loop.ts';
import { READ_RATE } from './platform.ts';
import { floorReads } from './floor-reads.ts';
import { ADMIN_URL, freshDatabase, percentiles, postgresAvailable, startChildServer } from './lib.ts';

type Json = Record<string, unknown>;

export const REGISTRANTS = 16;
export const VIEWERS = 50;
/**
 * Steady view load: one first page per viewer per second (50/s across the 50 viewers) — well under the ~125/s this
 * 2-core machine sustains, where a closed loop of 50 can only queue (p99 ≈ 50 / throughput).
 */
export const VIEW_RATE = 50;
/** The largest page the view serves (`_count`, VIEW_PAGE.max in views/clinical-view.ts): the whole history in a few. */
const WHOLE_PAGE = 1000;
const HISTORY_FACILITIES = 10;
const DAY = 86_400_000;
/** The fullUrl of every document's Patient entry (each Bundle is resolved on its own). */
const PATIENT_URL = 'urn:uuid:5e1f0c2a-7d3b-4c8e-9a61-0b2d4f6a8c10';

const MEMBER_SYSTEM = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
const INSTITUTION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
const INSTANCE_ID = 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier';
const CLINS_PROFILE = 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS';
const LAB_LOCAL = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS';
const JLAC10_CORE = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS';
const JLAC10_INFECTION = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS';
const JLAC10_GENERAL = 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits';
/** One blood draw's chemistry panel: 19 items of the core lab code set (item keys of the JP-CLINS CoreLabo CodeSystem). */
const PANEL = ['TP', 'ALB', 'AST', 'ALT', 'LD', 'ALP', 'GGT', 'CK', 'AMY', 'T-Bil', 'BUN', 'Cre', 'UA', 'Na', 'K', 'Cl', 'Ca', 'BG', 'CRP'];
/** 全国健康保険協会東京支部 (01 13 001 + check digit), the insurer of every person here. */
const INSURER = `0113001${mod10Weight21('0113001')}`;
const ITEM_SCOPES = ['system/Condition.cruds', 'system/Observation.cruds', 'system/AllergyIntolerance.cruds', 'system/Patient.cruds'];
const VIEWER_SCOPES = ['system/Condition.rs', 'system/Observation.rs', 'system/AllergyIntolerance.rs', 'system/MedicationRequest.rs', 'system/Patient.rs'];

/** A valid 医療機関コード (都道府県 13, 医科 1, check digit) numbered `n`. */
const facilityCode = (n: number) => {
  const body = `131${String(200000 + n)}`;
  return `${body}${mod10Weight21(body)}`;
};

/** `$TSUNAGU_SHARED_DIR/fhir`, `../shared/fhir` next to the checkout or /work/shared/fhir (test/helpers/shared-dir.ts). */
function sharedFhirDir(): string | undefined {
  const root = resolve(import.meta.dirname, '..');
  return [process.env.TSUNAGU_SHARED_DIR, join(root, '..', 'shared'), '/work/shared']
    .filter((d): d is string => Boolean(d))
    .map((d) => join(d, 'fhir'))
    .find((d) => existsSync(join(d, 'packages', 'jp-eCSCLINS.r4-1.5.2-snap.tgz')) && existsSync(join(d, 'examples', 'valid')));
}

// ---------------------------------------------------------------- documents

interface Person {
  memberId: string;
  birthDate: string;
}

/** Builds items and Bundles from the official JP-CLINS examples, re-addressed (as test/sharing/clins-examples.ts). */
class Documents {
  private readonly example: (file: string) => Json;
  private readonly patient: Json;
  private readonly lab: Json;
  readonly panel: { item: string; code: string; display: string }[];
  readonly infections: { code: string; display: string }[];
  private seq = 0;

  constructor(fhirDir: string) {
    this.example = (file) => JSON.parse(readFileSync(join(fhirDir, 'examples', 'valid', file), 'utf8')) as Json;
    const pcs = this.example('Bundle-Bundle-CLINS-PCS-Example-01.json');
    this.patient = (pcs.entry as { resource: Json }[]).find((e) => e.resource.resourceType === 'Patient')!.resource;
    this.lab = this.example('Observation-Example-JP-Obs-LabResult-eCS-K.json');
    const pkg = readFhirPackage(join(fhirDir, 'packages', 'jp-eCSCLINS.r4-1.5.2-snap.tgz'));
    const entries = fromCodeSystems(pkg.resources.map((r) => r.resource));
    const core = entries.filter((e) => e.list === 'jlac10-core');
    this.panel = PANEL.map((item) => {
      const e = core.find((c) => c.item === item);
      if (!e) throw new Error(`sharing bench: no core lab code for ${item} in the JP-CLINS package`);
      return { item, code: e.code, display: e.display ?? item };
    });
    const byItem = new Map<string, { code: string; display: string }>();
    for (const e of entries.filter((x) => x.list === 'jlac10-infection'))
      if (e.item && !byItem.has(e.item)) byItem.set(e.item, { code: e.code, display: e.display ?? e.item });
    this.infections = [...byItem.values()].slice(0, 8);
  }

  /** Fresh business identifier. */
  private nextId(prefix: string): string {
    return `${prefix}-${++this.seq}-${randomUUID().slice(0, 8)}`;
  }

  /** An item of `file` (or `resource`) for `facility`, its subject the Bundle's Patient entry. */
  private readdress(resource: Json, facility: string, patientUrl: string): Json {
    const r = structuredClone(resource);
    delete r.id;
    // JP_Bundle_CLINS's validEntryProfile-* invariants accept the item profiles only unversioned.
    const meta = r.meta as Json | undefined;
    if (meta?.profile) meta.profile = (meta.profile as string[]).map((p) => p.split('|')[0]);
    r[r.resourceType === 'AllergyIntolerance' ? 'patient' : 'subject'] = { reference: patientUrl };
    const ext = ((r.extension as Json[] | undefined) ?? []).filter((e) => e.url !== INSTITUTION);
    ext.unshift({ url: INSTITUTION, valueIdentifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: facility } });
    r.extension = ext;
    r.identifier = [{ system: INSTANCE_ID, value: this.nextId(facility) }];
    return r;
  }

  private labResult(facility: string, patientUrl: string, code: { code: string; display: string }, system: string, at: Date, n: number): Json {
    const r = this.readdress(this.lab, facility, patientUrl);
    r.code = {
      coding: [
        { system: LAB_LOCAL, code: `L${code.code.slice(0, 5)}`, display: code.display },
        { system, code: code.code, display: code.display },
        { system: JLAC10_GENERAL, code: code.code, display: code.display },
      ],
      text: code.display,
    };
    r.effectiveDateTime = isoJst(at);
    r.issued = isoJst(new Date(at.getTime() + 4 * 3600_000));
    r.valueQuantity = { value: +(1 + (n % 97) / 10).toFixed(1), unit: 'mg/dL' };
    delete r.note;
    return r;
  }

  /** The 19 results of one blood draw at `at`. */
  panelAt(facility: string, patientUrl: string, at: Date): Json[] {
    return this.panel.map((p, n) => this.labResult(facility, patientUrl, p, JLAC10_CORE, at, n));
  }

  infection(facility: string, patientUrl: string, at: Date, n: number): Json {
    return this.labResult(facility, patientUrl, this.infections[n % this.infections.length], JLAC10_INFECTION, at, n);
  }

  diagnosis(facility: string, patientUrl: string, at: Date, n: number): Json {
    const r = this.readdress(
      this.example(n % 2 ? 'Condition-Example-JP-Condition-eCS-01.json' : 'Condition-Example-JP-Condition-eCS-03.json'),
      facility,
      patientUrl,
    );
    r.onsetDateTime = dateJst(at);
    r.recordedDate = dateJst(at);
    delete r.abatementDateTime;
    return r;
  }

  allergy(facility: string, patientUrl: string, at: Date, n: number): Json {
    const r = this.readdress(
      this.example(n % 2 ? 'AllergyIntolerance-Example-JP-Allergy-eCS-01.json' : 'AllergyIntolerance-Example-JP-Allergy-eCS-02.json'),
      facility,
      patientUrl,
    );
    r.recordedDate = dateJst(at);
    return r;
  }

  /** The JP_Patient_eCS of the official patient-summary example, re-addressed to `person`. */
  patientOf(person: Person): Json {
    const p = structuredClone(this.patient);
    delete p.id;
    p.identifier = [
      ...((p.identifier as Json[] | undefined) ?? []).filter((i) => i.system !== MEMBER_SYSTEM),
      { system: MEMBER_SYSTEM, value: person.memberId },
    ];
    p.birthDate = person.birthDate;
    return p;
  }

  /** A JP_Bundle_CLINS of one category: the Patient entry (fullUrl `patientUrl`), then the items. */
  clins(person: Person, patientUrl: string, category: string, items: Json[], facility: string): Json {
    return {
      resourceType: 'Bundle',
      meta: {
        lastUpdated: new Date().toISOString(),
        profile: [`${CLINS_PROFILE}|1`],
        tag: [{ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/BundleResourceType_CS', code: category }],
      },
      identifier: { system: 'http://jpfhir.jp/fhir/clins/bundle-identifier', value: `${facility}^${new Date().getFullYear()}^${randomUUID()}` },
      type: 'collection',
      timestamp: new Date().toISOString(),
      entry: [{ fullUrl: patientUrl, resource: this.patientOf(person) }, ...items.map((resource) => ({ fullUrl: `urn:uuid:${randomUUID()}`, resource }))],
    };
  }

  /** The same resources as a plain transaction Bundle (each entry a POST; the items refer to the Patient entry). */
  transaction(person: Person, patientUrl: string, items: Json[]): Json {
    return {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: patientUrl, resource: this.patientOf(person), request: { method: 'POST', url: 'Patient' } },
        ...items.map((resource) => ({ fullUrl: `urn:uuid:${randomUUID()}`, resource, request: { method: 'POST', url: String(resource.resourceType) } })),
      ],
    };
  }
}

/** An instant as a dateTime in Japan time. */
const isoJst = (d: Date) => `${new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 19)}+09:00`;
const dateJst = (d: Date) => isoJst(d).slice(0, 10);

// ---------------------------------------------------------------- HTTP

function send(agent: Agent, origin: URL, method: string, path: string, token: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}` };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(body) });
    const req = request({ host: origin.hostname, port: origin.port, path, method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A GET whose body is read and dropped (the viewers' side costs as little CPU as it can). */
function fetchAndDrop(agent: Agent, origin: URL, path: string, token: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: origin.hostname, port: origin.port, path, agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Latency {
  p50: number;
  p99: number;
  total: number;
}

export interface Throughput {
  perSecond: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
}

/** `concurrency` workers, each starting its next task as soon as the last one answered, for `seconds`. */
async function closedLoop(seconds: number, concurrency: number, task: (worker: number) => Promise<boolean>): Promise<Throughput & { firstError?: string }> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          if (await task(w)) latencies.push(performance.now() - t0);
          else errors++;
        } catch (e) {
          errors++;
          firstError ??= (e as Error).message;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: +(latencies.length / elapsed).toFixed(1), ...percentiles(latencies), total: latencies.length, errors, firstError };
}

// ---------------------------------------------------------------- set-up

interface Prepared {
  auditKeyFile: string;
  insurerToken: string;
  facilities: { code: string; token: string }[];
  viewer: { code: string; token: string };
  /** people[0] has the long history; the others receive the registrations of the throughput phase. */
  people: (Person & { id: string })[];
}

/** Clients, tokens, the registry's people and the viewer's consents, on the fresh database; the platform is closed after. */
async function prepare(dataDir: string, databaseUrl: string, people: number): Promise<Prepared> {
  const auditKeyFile = join(dataDir, 'audit.key');
  const t = await createTsunagu(configFromEnv({}, { dataDir, databaseUrl, auditKeyFile }), { logger: 'silent' });
  try {
    const client = async (kind: 'facility' | 'insurer', code: string, scopes: string[]) => {
      const c = await registerClient(t.platform.db, {
        name: `bench ${kind} ${code}`,
        kind,
        facilityCode: code,
        scopes,
        jwks: { keys: [(await generateClientKey()).publicJwk] },
      });
      return { code, token: await t.platform.tokens.issue(c, parseScopes(c.scopes), 3600) };
    };
    const insurer = await client('insurer', INSURER, ['system/Coverage.cruds', 'system/Patient.rs']);
    const facilities: Prepared['facilities'] = [];
    for (let i = 0; i < REGISTRANTS; i++) facilities.push(await client('facility', facilityCode(i), ITEM_SCOPES));
    const viewer = await client('facility', facilityCode(999), VIEWER_SCOPES);

    // The people, through the registry's API as their insurer (1,000 records a request).
    const records = Array.from({ length: people }, (_, i) => ({
      insurer_number: INSURER,
      symbol: '2468',
      number: String(1000 + i),
      branch: '00',
      relationship: 1,
      family_name: '山田',
      given_name: `太郎${i}`,
      family_name_kana: 'ヤマダ',
      given_name_kana: 'タロウ',
      birth_date: `19${String(40 + (i % 50))}-0${1 + (i % 9)}-1${i % 10}`,
      sex: 1 + (i % 2),
      acquired_on: '2015-04-01',
      copay_ratio: 3,
    }));
    const registered: Prepared['people'] = [];
    for (let i = 0; i < records.length; i += 1000) {
      const batch = records.slice(i, i + 1000);
      const res = await t.app.inject({
        method: 'POST',
        url: '/eligibility/records',
        headers: { authorization: `Bearer ${insurer.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ records: batch }),
      });
      if (res.statusCode !== 200) throw new Error(`sharing bench: registry load answered ${res.statusCode} ${res.body.slice(0, 300)}`);
      const results = (JSON.parse(res.body) as { results: { patient?: string }[] }).results;
      results.forEach((r, k) => {
        if (!r.patient) throw new Error(`sharing bench: record ${i + k} not registered: ${JSON.stringify(r)}`);
        const rec = batch[k];
        registered.push({ id: r.patient.replace('Patient/', ''), memberId: `${INSURER}:${rec.symbol}:${rec.number}:${rec.branch}`, birthDate: rec.birth_date });
      });
    }

    // The viewer's reader consents for the person with the history: both groups, for a day.
    const reader: RequestContext = {
      principal: { clientId: 'bench-reader', name: 'bench reader', kind: 'facility', facilityCode: viewer.code, scopes: parseScopes('system/*.*') },
      purpose: 'TREAT',
    };
    const from = new Date(Date.now() - 60_000);
    for (const category of ['surgery', 'medication'] as ConsentCategory[])
      await t.platform.repo.transaction(
        (session) =>
          t.platform.consent.record(session, reader, {
            patientId: registered[0].id,
            recipient: { kind: 'facility', code: viewer.code, name: 'bench viewer' },
            category,
            decision: 'permit',
            validFrom: from,
            validTo: new Date(from.getTime() + DAY),
            policy: 'outpatient',
          }),
        { trusted: true },
      );
    return { auditKeyFile, insurerToken: insurer.token, facilities, viewer, people: registered };
  } finally {
    await t.close();
  }
}

// ---------------------------------------------------------------- phases

export interface SharingBenchResult {
  engine: 'postgres';
  quick: boolean;
  /** What one registration carries. */
  bundle: { category: string; items: number; resources: number; registrationBytes: number; transactionBytes: number };
  people: number;
  serverStartSeconds: number;
  registration: Throughput & { itemsPerSecond: number };
  transaction: Throughput & { resourcesPerSecond: number };
  /** registrations/s ÷ transactions/s, % (target ≥ 50). */
  ratioPercent: number;
  history: {
    facilities: number;
    years: number;
    registered: number;
    expectedInForce: number;
    /** Items the viewer may see (the view's `total`: in force, consented). */
    viewed: number;
    byKind: Record<string, number>;
    loadSeconds: number;
    registrations: number;
  };
  view: {
    /** The first page (default `_count`): alone, 50 viewers at saturation, 50 viewers at VIEW_RATE. */
    page: { items: number; bytes: number; alone: Latency; saturation: Throughput; steady: OpenLoopResult };
    /** Every item in the largest pages, one request after another, by one viewer alone. */
    whole: { pages: number; pageSize: number; items: number; bytes: number; alone: Latency };
  };
  floor?: OpenLoopResult & { source: string };
  targets: { ratioPercent: number; viewP99Ms: number };
  seconds: number;
}

/**
 * The history of `person` registered by the first 10 facilities over 5 years: 130 diagnoses, 15 infections and 10
 * allergies each (kept 5 years), 2.4 lab panels each in the last year (in force) and 2 each 1–5 years ago (expired:
 * older than a year and not among the latest 3 of their test). Returns what was registered and is expected in force.
 */
async function loadHistory(docs: Documents, agent: Agent, origin: URL, prepared: Prepared, quick: boolean) {
  const person = prepared.people[0];
  const now = Date.now();
  const within = (maxDays: number, minDays: number, n: number, of: number) => new Date(now - (minDays + ((maxDays - minDays) * (n + 0.5)) / of) * DAY);
  const perFacility = { diagnosis: 130, infection: 15, allergy: 10 };
  const recentPanels = 24;
  const oldPanels = quick ? 10 : 20;
  const bundles: { facility: { code: string; token: string }; body: string }[] = [];
  const byKind: Record<string, number> = { diagnosis: 0, infection: 0, allergy: 0, 'lab (last year)': 0, 'lab (expired)': 0 };
  let registered = 0;
  const add = (f: { code: string; token: string }, category: string, items: Json[]) => {
    for (let i = 0; i < items.length; i += 20) {
      const chunk = items.slice(i, i + 20);
      bundles.push({ facility: f, body: JSON.stringify(docs.clins(person, PATIENT_URL, category, chunk, f.code)) });
      registered += chunk.length;
    }
  };
  const P = PATIENT_URL;
  for (let f = 0; f < HISTORY_FACILITIES; f++) {
    const fac = prepared.facilities[f];
    // Dates of each facility interleaved with the others' across the 5 years (minus a week's margin).
    const spread = (n: number, of: number) => within(5 * 365 - 7, 1, n * HISTORY_FACILITIES + f, of * HISTORY_FACILITIES);
    add(
      fac,
      'Condition',
      Array.from({ length: perFacility.diagnosis }, (_, n) => docs.diagnosis(fac.code, P, spread(n, perFacility.diagnosis), n)),
    );
    add(
      fac,
      'Observation',
      Array.from({ length: perFacility.infection }, (_, n) => docs.infection(fac.code, P, spread(n, perFacility.infection), n)),
    );
    add(
      fac,
      'AllergyIntolerance',
      Array.from({ length: perFacility.allergy }, (_, n) => docs.allergy(fac.code, P, spread(n, perFacility.allergy), n)),
    );
    byKind.diagnosis += perFacility.diagnosis;
    byKind.infection += perFacility.infection;
    byKind.allergy += perFacility.allergy;
  }
  for (let n = 0; n < recentPanels; n++) {
    const fac = prepared.facilities[n % HISTORY_FACILITIES];
    add(fac, 'Observation', docs.panelAt(fac.code, P, within(358, 2, n, recentPanels)));
    byKind['lab (last year)'] += PANEL.length;
  }
  for (let n = 0; n < oldPanels; n++) {
    const fac = prepared.facilities[n % HISTORY_FACILITIES];
    add(fac, 'Observation', docs.panelAt(fac.code, P, within(5 * 365 - 7, 372, n, oldPanels)));
    byKind['lab (expired)'] += PANEL.length;
  }
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: HISTORY_FACILITIES }, async () => {
      while (next < bundles.length) {
        const b = bundles[next++];
        const res = await send(agent, origin, 'POST', '/fhir/$register-clinical-information', b.facility.token, b.body);
        if (res.status !== 201) throw new Error(`sharing bench: history registration answered ${res.status} ${res.text.slice(0, 600)}`);
      }
    }),
  );
  const loadSeconds = +((performance.now() - started) / 1000).toFixed(1);
  const expectedInForce = byKind.diagnosis + byKind.infection + byKind.allergy + byKind['lab (last year)'];
  return { registered, expectedInForce, byKind, loadSeconds, registrations: bundles.length };
}

export async function benchSharing(opts: { quick?: boolean; floor?: OpenLoopResult } = {}): Promise<SharingBenchResult | undefined> {
  const quick = !!opts.quick;
  const fhirDir = sharedFhirDir();
  if (!fhirDir) {
    console.warn(
      'sharing benchmark skipped: the shared FHIR packages and examples (fhir/packages/jp-eCSCLINS.r4-1.5.2-snap.tgz, fhir/examples/valid) were not found in $TSUNAGU_SHARED_DIR, ../shared or /work/shared',
    );
    return undefined;
  }
  if (!(await postgresAvailable())) {
    console.warn('sharing benchmark skipped: PostgreSQL not reachable');
    return undefined;
  }
  const t0 = performance.now();
  const phase = quick ? 3 : 6;
  const warm = quick ? 1 : 2;
  const docs = new Documents(fhirDir);
  const packages = join(fhirDir, 'packages');
  const db = await freshDatabase('tsunagu_bench_sharing');
  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-bench-sharing-'));
  try {
    const peopleCount = quick ? 400 : 2000;
    const prepared = await prepare(dataDir, db.url, peopleCount);
    const s0 = performance.now();
    const server = await startChildServer({
      DATABASE_URL: db.url,
      TSUNAGU_DATA_DIR: dataDir,
      TSUNAGU_AUDIT_KEY_FILE: prepared.auditKeyFile,
      TSUNAGU_IG: [join(packages, 'jp-core.r4-1.1.2-url.tgz'), join(packages, 'jp-eCSCLINS.r4-1.5.2-snap.tgz')].join(','),
      TSUNAGU_SHARING_PURGE_INTERVAL_MS: '0',
    });
    const serverStartSeconds = +((performance.now() - s0) / 1000).toFixed(1);
    const origin = new URL(server.url);
    const agent = new Agent({ keepAlive: true, maxSockets: VIEWERS * 2 });
    try {
      // ---- the history (also the server's warm-up: validation, code checks, the write path)
      const history = await loadHistory(docs, agent, origin, prepared, quick);
      await adminQuery(db.url, 'ANALYZE').catch(() => undefined);

      // ---- registration vs plain transaction, 16 clients, many people
      const people = prepared.people.slice(1);
      let n = 0;
      /** The next document of worker `w`: a panel drawn in the last 300 days, for the next person. */
      const nextDocument = (kind: 'clins' | 'transaction', w: number) => {
        const person = people[n++ % people.length];
        const fac = prepared.facilities[w];
        const items = docs.panelAt(fac.code, PATIENT_URL, new Date(Date.now() - (n % 300) * DAY));
        return JSON.stringify(
          kind === 'clins' ? docs.clins(person, PATIENT_URL, 'Observation', items, fac.code) : docs.transaction(person, PATIENT_URL, items),
        );
      };
      const sample = nextDocument('clins', 0);
      const sampleTx = nextDocument('transaction', 0);
      const register = async (w: number) => {
        const res = await send(agent, origin, 'POST', '/fhir/$register-clinical-information', prepared.facilities[w].token, nextDocument('clins', w));
        if (res.status !== 201) throw new Error(`registration ${res.status}: ${res.text.slice(0, 400)}`);
        return true;
      };
      const transact = async (w: number) => {
        const res = await send(agent, origin, 'POST', '/fhir', prepared.facilities[w].token, nextDocument('transaction', w));
        if (res.status !== 200) throw new Error(`transaction ${res.status}: ${res.text.slice(0, 400)}`);
        return true;
      };
      await closedLoop(warm, REGISTRANTS, transact);
      await closedLoop(warm, REGISTRANTS, register);
      const rounds = quick ? 1 : 2;
      const tx: Throughput[] = [];
      const reg: Throughput[] = [];
      for (let r = 0; r < rounds; r++) {
        tx.push(await closedLoop(phase / rounds + (quick ? 0 : 2), REGISTRANTS, transact));
        reg.push(await closedLoop(phase / rounds + (quick ? 0 : 2), REGISTRANTS, register));
      }
      const merge = (list: (Throughput & { firstError?: string })[], what: string): Throughput => {
        const bad = list.find((x) => x.firstError);
        if (bad) console.warn(`sharing bench: ${what} errors (${bad.errors}): ${bad.firstError}`);
        return {
          perSecond: +(list.reduce((a, x) => a + x.perSecond, 0) / list.length).toFixed(1),
          p50: +(list.reduce((a, x) => a + x.p50, 0) / list.length).toFixed(1),
          p99: +(list.reduce((a, x) => a + x.p99, 0) / list.length).toFixed(1),
          total: list.reduce((a, x) => a + x.total, 0),
          errors: list.reduce((a, x) => a + x.errors, 0),
        };
      };
      const registration = merge(reg, 'registration');
      const transaction = merge(tx, 'transaction');

      // ---- the view of the person with the history, by the consented facility: its first page (the service's default
      //      page of 100 items, newest first; `total` counts every item the viewer may see), and the whole history in the
      //      largest pages (`_count=1000`, `_offset` as the `next` links give it).
      // The write phases leave dirty pages behind: a checkpoint now keeps one out of the latency measurements below.
      await adminQuery(ADMIN_URL, 'CHECKPOINT').catch(() => undefined);
      const viewPath = `/fhir/Patient/${prepared.people[0].id}/$clinical-information`;
      const first = await send(agent, origin, 'GET', viewPath, prepared.viewer.token);
      if (first.status !== 200) throw new Error(`sharing bench: view answered ${first.status} ${first.text.slice(0, 400)}`);
      const firstPage = JSON.parse(first.text) as { total?: number; entry?: { search?: { mode?: string } }[] };
      const viewed = firstPage.total ?? 0;
      const page = { items: (firstPage.entry ?? []).filter((e) => e.search?.mode === 'match').length, bytes: Buffer.byteLength(first.text) };
      const repeat = async (times: number, once: () => Promise<unknown>) => {
        const ms: number[] = [];
        for (let i = 0; i < times; i++) {
          const s = performance.now();
          await once();
          ms.push(performance.now() - s);
        }
        return { ...percentiles(ms), total: ms.length };
      };
      const pageAlone = await repeat(quick ? 20 : 40, () => fetchAndDrop(agent, origin, viewPath, prepared.viewer.token));
      const pages = Math.max(1, Math.ceil(viewed / WHOLE_PAGE));
      let wholeBytes = 0;
      const wholeAlone = await repeat(quick ? 4 : 8, async () => {
        wholeBytes = 0;
        for (let k = 0; k < pages; k++) {
          const res = await send(agent, origin, 'GET', `${viewPath}?_count=${WHOLE_PAGE}&_offset=${k * WHOLE_PAGE}`, prepared.viewer.token);
          if (res.status !== 200) throw new Error(`sharing bench: view page answered ${res.status}`);
          wholeBytes += Buffer.byteLength(res.text);
        }
      });
      // Saturation: 50 viewers, each asking again as soon as its page arrived (the views under way at the end finish).
      const pageSaturation = await closedLoop(phase, VIEWERS, async () => (await fetchAndDrop(agent, origin, viewPath, prepared.viewer.token)) === 200);
      const steadyPlan = {
        origin: server.url,
        headers: { authorization: `Bearer ${prepared.viewer.token}` },
        path: () => viewPath,
        clients: VIEWERS,
        rate: VIEW_RATE,
      };
      await openLoop({ ...steadyPlan, seconds: warm });
      const pageSteady = await openLoop({ ...steadyPlan, seconds: phase });
      agent.destroy();
      await server.stop();

      const floor = opts.floor
        ? { ...opts.floor, source: 'platform section' }
        : {
            ...(await floorReads({ seconds: phase, rate: READ_RATE.postgres, clients: VIEWERS, database: 'tsunagu_bench_share_floor' })),
            source: 'measured in this section',
          };
      return {
        engine: 'postgres',
        quick,
        bundle: {
          category: 'Observation (19 lab results of one panel)',
          items: PANEL.length,
          resources: PANEL.length + 1,
          registrationBytes: Buffer.byteLength(sample),
          transactionBytes: Buffer.byteLength(sampleTx),
        },
        people: peopleCount,
        serverStartSeconds,
        registration: { ...registration, itemsPerSecond: Math.round(registration.perSecond * PANEL.length) },
        transaction: { ...transaction, resourcesPerSecond: Math.round(transaction.perSecond * (PANEL.length + 1)) },
        ratioPercent: Math.round((100 * registration.perSecond) / transaction.perSecond),
        history: { facilities: HISTORY_FACILITIES, years: 5, ...history, viewed },
        view: {
          page: { ...page, alone: pageAlone, saturation: pageSaturation, steady: pageSteady },
          whole: { pages, pageSize: WHOLE_PAGE, items: viewed, bytes: wholeBytes, alone: wholeAlone },
        },
        floor,
        targets: { ratioPercent: 50, viewP99Ms: 50 },
        seconds: Math.round((performance.now() - t0) / 1000),
      };
    } catch (e) {
      agent.destroy();
      await server.stop().catch(() => undefined);
      throw e;
    }
  } finally {
    await db.drop();
    await adminQuery(ADMIN_URL, 'CHECKPOINT').catch(() => undefined);
  }
}

/** One row per figure: what was measured, the result, its target or reference. */
export function sharingTable(r: SharingBenchResult): Record<string, string | number>[] {
  const { page, whole } = r.view;
  const errors = r.registration.errors + r.transaction.errors + page.saturation.errors + page.steady.errors;
  const kb = (b: number) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MB` : `${Math.round(b / 1024)} KB`);
  const ms = (x: { p50: number; p99: number }) => `${x.p50} / ${x.p99}`;
  const row = (measure: string, value: string | number, target = '') => ({ measure, value, target });
  return [
    row(
      `registrations/s, ${REGISTRANTS} clients (Bundle of ${r.bundle.items} lab results + Patient)`,
      `${r.registration.perSecond} (${r.registration.itemsPerSecond} items/s)`,
    ),
    row('registration p50 / p99 ms', ms(r.registration)),
    row(
      `plain transactions/s, ${REGISTRANTS} clients (the same ${r.bundle.resources} resources)`,
      `${r.transaction.perSecond} (${r.transaction.resourcesPerSecond} resources/s)`,
    ),
    row('transaction p50 / p99 ms', ms(r.transaction)),
    row('registrations ÷ transactions', `${r.ratioPercent}%`, `≥ ${r.targets.ratioPercent}%`),
    row(`view: items the viewer sees (${r.history.facilities} facilities, ${r.history.years} years)`, r.history.viewed),
    row(`first page (${page.items} items, ${kb(page.bytes)}) p50 / p99 ms, one viewer alone`, ms(page.alone)),
    row(`first pages/s, ${VIEWERS} viewers at saturation`, page.saturation.perSecond),
    row(`first page p50 / p99 ms, ${VIEWERS} viewers at saturation`, ms(page.saturation), `p99 < ${r.targets.viewP99Ms}`),
    row(`first page p50 / p99 ms, ${VIEWERS} viewers at ${page.steady.rate}/s`, ms(page.steady), `p99 < ${r.targets.viewP99Ms}`),
    row(`whole view (${whole.items} items in ${whole.pages} pages of ${whole.pageSize}, ${kb(whole.bytes)}) p50 / p99 ms, alone`, ms(whole.alone)),
    row(`platform read floor p50 / p99 ms at ${r.floor?.rate ?? '—'}/s (${r.floor?.source ?? '—'})`, r.floor ? ms(r.floor) : '—'),
    row('errors', errors, '0'),
  ];
}
