/**
 * E-prescription benchmark (MISSION.md S2), on PostgreSQL, against a server in a child process (bench/server-child.ts)
 * with JP Core and the ePrescriptionData package loaded (TSUNAGU_IG) and a test HPKI it trusts (TSUNAGU_HPKI_TRUST_DIR)
 * — skipped with a message when the shared FHIR packages (../shared/fhir, see test/helpers/shared-dir.ts) or
 * PostgreSQL are absent. Prescriptions are the official example ePreData-Example01 in JP Core 1.1.2 notation
 * (test/eprescription/official-examples.ts), re-addressed to the people and the clinic here, with drugs of the shipped
 * sample drug master, signed by a 医師 of the test HPKI (signPrescriptionBundle).
 *
 *   check         `$check-prescription` of a 5-line prescription for a patient with 60 active medications (12
 *                 prescriptions of 5 lines from 4 other facilities over the last 90 days) against 3,000 contraindicated
 *                 pairs (併用禁忌, ~10% ingredient × class) and 41 duplicate classes imported through InteractionRuleSet.importCsv.
 *                 Some pairs name the candidates' ingredient keys and the history's, so every check finds the same 5
 *                 alerts (3 contraindications, a duplicate ingredient, a duplicate class), shown in full (the patient
 *                 consents at the clinic). 50 callers together at a steady 100 checks/s (open loop, latency counted
 *                 from the scheduled start, after a warm-up at that rate), then 50 callers each calling again as soon
 *                 as its answer arrived (saturation: the most checks/s; latency is then mostly queueing, p99 ≈ 50 ÷
 *                 throughput). Target p99 < 20 ms, judged on both.
 *   registration  `$register-prescription` of signed prescriptions, 8 clients, for many people (each person of the
 *                 registry's first half once). The prescriptions are signed before the loops that send them: the first
 *                 ones while the server starts (in its own process), more between the timed loops, as many as the
 *                 warm-up's rate says a loop can use.
 *   flow          register → `$accept-prescription` (引換番号 + insured number + birth date) → `$dispense-prescription`
 *                 (one MedicationDispense per line, as prescribed, handed over now; the prescription must end
 *                 completed), 8 clients, the registry's other half.
 *   create        the platform's plain FHIR create (`POST /fhir/Observation`, a small LOINC-coded lab result, Prefer:
 *                 return=minimal) by the same clinic at the same concurrency, on the same server and database,
 *                 alternating with registrations and flows so drifting machine load hits all alike: the ratios
 *                 registrations/s ÷ creates/s and flows/s ÷ creates/s (two rounds of 3 s each; the means).
 *
 * Set-up in this process, on the fresh database, before the server starts: clients and tokens, the people in the
 * eligibility registry (POST /eligibility/records as the insurer, through the API), the history patient's consent at
 * the clinic (recorded with platform.consent.record in a trusted transaction, as bench/sharing.ts does), the
 * interaction file (importCsv), and the history — inserted directly into eprescription_prescriptions /
 * eprescription_lines (their Bundles are placeholders: the check reads the lines only). The history's drugs are
 * fictional (7-digit ingredient keys 1000000–1399999, classes 1000–1399) apart from three that meet the candidates.
 *
 *   npx tsx bench/run.ts --only=eprescription [--quick]
 */
import { Agent, request } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Bundle } from '@medplum/fhirtypes';
import { createTsunagu } from '../src/app.ts';
import { registerClient } from '../src/platform/auth/clients.ts';
import type { PrincipalKind, RequestContext } from '../src/platform/auth/principal.ts';
import { parseScopes } from '../src/platform/auth/scopes.ts';
import { configFromEnv } from '../src/platform/config.ts';
import { mod10Weight21 } from '../src/platform/identity/check-digit.ts';
import { japanDate } from '../src/platform/master-files/japan-date.ts';
import { adminQuery } from '../src/platform/storage/pg-admin.ts';
import { InteractionRuleSet, createHpkiAuthority, signPrescriptionBundle } from '../src/services/eprescription/index.ts';
import { localPrescriberKey, type PrescriberCredential } from '../src/services/eprescription/signature/index.ts';
import { generateClientKey } from '../cli/commands/client.ts';
import { sharedFhirDir } from '../test/helpers/shared-dir.ts';
import { officialExample } from '../test/eprescription/official-examples.ts';
import { ADMIN_URL, freshDatabase, percentiles, postgresAvailable, startChildServer } from './lib.ts';
import { seededRandom } from './seeded-random.ts';

type Json = Record<string, unknown>;

export const CHECKERS = 50;
export const WRITERS = 8;
/**
 * Steady check loads (open loop): 50 checks/s — each of the 50 callers checks once a second, the target's load (as
 * the sharing section's 50 viewers at 50 pages/s) — and 100/s, about a third of what this 2-core machine sustains.
 * A closed loop of 50 callers (each calls again the moment it is answered) is reported too: there p99 ≈ 50 ÷
 * throughput, so p99 < 20 ms would need > 2,500 checks/s — out of reach of 2 cores whatever the check costs.
 */
export const CHECK_RATE = 100;
export const CHECK_TARGET_RATE = 50;
const HISTORY_LINES = 60;
const HISTORY_PRESCRIPTIONS = 12;
const PAIRS = 3000;
const DUPLICATE_CLASSES = 40;
const TARGETS = { checkP99Ms: 20 };
const DAY = 86_400_000;

/** 全国健康保険協会東京支部 (01 13 001 + check digit): every person's insurer. */
const INSURER = `0113001${mod10Weight21('0113001')}`;
/** A valid 医療機関コード / 薬局コード: prefecture 13, 点数表 `kind` (1 医科, 4 薬局), number `n`, check digit. */
const facilityCode = (kind: 1 | 4, n: number) => {
  const body = `13${kind}${String(300000 + n)}`;
  return `${body}${mod10Weight21(body)}`;
};
const CLINIC = facilityCode(1, 1);
const PHARMACY = facilityCode(4, 1);
/** Where the history patient's other medication comes from: 3 clinics and a hospital. */
const HISTORY_FACILITIES = [facilityCode(1, 11), facilityCode(1, 12), facilityCode(1, 13), facilityCode(1, 14)];

const SYSTEM_URI = {
  receipt: 'urn:oid:1.2.392.100495.20.2.71',
  yj: 'urn:oid:1.2.392.100495.20.1.73',
} as const;

interface Drug {
  system: keyof typeof SYSTEM_URI;
  code: string;
  display: string;
  /** The YJ code's first 7 characters (the master's ingredient key). */
  ingredient: string;
  quantity: number;
  days: number;
}

/** The new prescription: 5 drugs of the sample drug master (a patient with hypertension, dyslipidaemia, diabetes). */
const PRESCRIBED: Drug[] = [
  { system: 'receipt', code: '612170710', display: 'ノルバスク錠５ｍｇ', ingredient: '2171022', quantity: 28, days: 28 },
  { system: 'receipt', code: '610443014', display: 'リピトール錠１０ｍｇ', ingredient: '2189015', quantity: 28, days: 28 },
  { system: 'receipt', code: '610432012', display: 'ブロプレス錠４　４ｍｇ', ingredient: '2149040', quantity: 28, days: 28 },
  { system: 'receipt', code: '610443002', display: 'アマリール１ｍｇ錠', ingredient: '3961008', quantity: 56, days: 28 },
  { system: 'receipt', code: '610421335', display: 'ガスモチン錠５ｍｇ', ingredient: '2399010', quantity: 84, days: 28 },
];

// ---------------------------------------------------------------- generated data

const random = seededRandom;

const CLASSES = 400;
const INGREDIENTS = 2000;
const classKey = (c: number) => String(1000 + (c % CLASSES));
/** Ingredient `i` (0–1999): class i mod 400, then 3 digits — 7 digits, unique below 2,000. */
const ingredientKey = (i: number) => `${classKey(i)}${String(i).padStart(3, '0').slice(-3)}`;

interface HistoryLine {
  code: string;
  name: string;
  ingredient: string;
  klass: string;
}

/**
 * The history patient's 60 lines: 57 fictional drugs of distinct ingredients, and three that meet the candidates —
 * another clinic's amlodipine (the same ingredient as ノルバスク: a duplicate), pravastatin (class 2189 with
 * リピトール: a duplicate class) and a fictional drug contraindicated with three candidates' ingredients.
 */
function historyLines(rand: () => number): HistoryLine[] {
  const picked = new Set<number>();
  const lines: HistoryLine[] = [];
  while (lines.length < HISTORY_LINES - 3) {
    const i = Math.floor(rand() * INGREDIENTS);
    if (picked.has(i)) continue;
    picked.add(i);
    const key = ingredientKey(i);
    lines.push({ code: `${key}F1${String(i % 1000).padStart(3, '0')}`, name: `【架空】ベンチ薬${i}錠`, ingredient: key, klass: key.slice(0, 4) });
  }
  lines.push({ code: '2171022F1029', name: 'ノルバスク錠２．５ｍｇ', ingredient: '2171022', klass: '2171' });
  lines.push({ code: '2189010F2027', name: 'メバロチン錠１０　１０ｍｇ', ingredient: '2189010', klass: '2189' });
  lines.push({ code: '1399001F1021', name: '【架空】ベンチ禁忌錠', ingredient: '1399001', klass: '1399' });
  return lines;
}

interface RuleRow {
  kind: 'contraindicated' | 'duplicate-class';
  a: { scope: 'ingredient' | 'class'; key: string };
  b?: { scope: 'ingredient' | 'class'; key: string };
}

/**
 * 3,000 contraindicated pairs and 40 duplicate classes (+ 2189): 5 pairs per candidate ingredient (for three of them
 * one is with the fictional 1399001 the history holds), 7 between history ingredients, the rest at random between the
 * 2,000 fictional ingredients (10% of them ingredient × class).
 */
function interactionRules(rand: () => number, history: HistoryLine[]): RuleRow[] {
  const rules: RuleRow[] = [];
  const seen = new Set<string>();
  const add = (a: RuleRow['a'], b: NonNullable<RuleRow['b']>) => {
    const id = [`${a.scope}:${a.key}`, `${b.scope}:${b.key}`].sort().join('|');
    if (a.key === b.key || seen.has(id)) return;
    seen.add(id);
    rules.push({ kind: 'contraindicated', a, b });
  };
  const ing = (key: string) => ({ scope: 'ingredient' as const, key });
  for (const [n, d] of PRESCRIBED.entries()) {
    if (n < 3) add(ing(d.ingredient), ing('1399001'));
    while (rules.filter((r) => r.a.key === d.ingredient).length < 5) add(ing(d.ingredient), ing(ingredientKey(Math.floor(rand() * INGREDIENTS))));
  }
  for (let k = 0; k + 1 < history.length && k < 14; k += 2) add(ing(history[k].ingredient), ing(history[k + 1].ingredient));
  while (rules.length < PAIRS) {
    const a = Math.floor(rand() * INGREDIENTS);
    const b = Math.floor(rand() * INGREDIENTS);
    add(ing(ingredientKey(a)), rand() < 0.1 ? { scope: 'class', key: classKey(b) } : ing(ingredientKey(b)));
  }
  for (let c = 0; c < DUPLICATE_CLASSES; c++) rules.push({ kind: 'duplicate-class', a: { scope: 'class', key: classKey(c * 10) } });
  rules.push({ kind: 'duplicate-class', a: { scope: 'class', key: '2189' } });
  return rules;
}

/** The rules as an interaction file (import-csv.ts's format). */
function interactionCsv(rules: RuleRow[]): string {
  const rows = rules.map((r) =>
    r.kind === 'duplicate-class'
      ? `duplicate-class,class,${r.a.key},,,,,bench duplicate class,generated`
      : `contraindicated,${r.a.scope},${r.a.key},,${r.b!.scope},${r.b!.key},,bench contraindication,generated`,
  );
  return ['# generated by bench/eprescription.ts', 'kind,scope_a,key_a,name_a,scope_b,key_b,name_b,statement,reference', ...rows].join('\n');
}

// ---------------------------------------------------------------- documents

interface Person {
  id: string;
  symbol: string;
  number: string;
  branch: string;
  birthDate: string;
  /** 被保険者個人識別子 `保険者番号:記号:番号:枝番`. */
  memberId: string;
}

/** The MedicationRequests of the example replaced by `drugs` (the first one as template; as eprescription-world.ts). */
function setDrugs(b: Json, drugs: Drug[]): void {
  const entries = b.entry as { fullUrl: string; resource: Json }[];
  const mrs = entries.filter((e) => e.resource.resourceType === 'MedicationRequest');
  const template = structuredClone(mrs[0]);
  const section = ((entries[0].resource.section as { entry: { reference: string }[] }[]) ?? [])[0];
  const at = entries.indexOf(mrs[0]);
  const fresh = drugs.map((d, i) => {
    const e = structuredClone(template);
    e.fullUrl = `urn:uuid:00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
    const r = e.resource;
    delete r.id;
    r.medicationCodeableConcept = { coding: [{ system: SYSTEM_URI[d.system], code: d.code, display: d.display }], text: d.display };
    const dr = r.dispenseRequest as Json;
    dr.quantity = { ...(dr.quantity as Json), value: d.quantity, unit: '錠' };
    dr.expectedSupplyDuration = { value: d.days, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' };
    r.substitution = { allowedCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.41', code: '0' }] } };
    for (const id of (r.identifier as { system: string; value: string }[]) ?? []) if (id.system.endsWith('Medication-RPGroupNumber')) id.value = String(i + 1);
    return e;
  });
  const keep = entries.filter((e) => e.resource.resourceType !== 'MedicationRequest');
  keep.splice(at, 0, ...fresh);
  b.entry = keep;
  const refs = new Set(mrs.map((e) => e.fullUrl));
  section.entry = [...section.entry.filter((s) => !refs.has(s.reference)), ...fresh.map((e) => ({ reference: e.fullUrl }))];
}

/** ePreData-Example01 for `person`, issued today by the clinic, with the 5 drugs and a fresh Bundle.identifier. */
function prescription(person: Person, today: string): Bundle {
  const b = officialExample('ePreData-Example01', {
    insurer: INSURER,
    symbol: person.symbol,
    number: person.number,
    branch: person.branch,
    birthDate: person.birthDate,
    facilityCode: CLINIC,
    issuedOn: today,
    authoredAt: `${today}T09:30:00+09:00`,
  }) as unknown as Json;
  b.identifier = { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${randomUUID()}` };
  setDrugs(b, PRESCRIBED);
  return b as unknown as Bundle;
}

/**
 * The plain create: a small lab result Observation (LOINC-coded: with JP Core loaded, the platform section's JLAC10
 * coding is checked against JP Core's code system and refused).
 */
function observation(patientId: string, i: number): Json {
  return {
    resourceType: 'Observation',
    identifier: [{ system: 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier', value: `erx-lab-${i}` }],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma' }], text: 'クレアチニン' },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: `2026-0${1 + (i % 9)}-1${i % 10}T09:30:00+09:00`,
    valueQuantity: { value: 0.7 + (i % 50) / 100, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
  };
}

/** An instant as a dateTime in Japan (+09:00). */
const japanDateTime = (d: Date) => `${new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;

/** The dispensing of every line as prescribed (same coding, the prescribed quantity), handed over now. */
function dispenseParameters(prescriptionId: string): Json {
  const now = japanDateTime(new Date());
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'prescription', valueString: prescriptionId },
      ...PRESCRIBED.map((d) => ({
        name: 'dispense',
        resource: {
          resourceType: 'MedicationDispense',
          status: 'completed',
          medicationCodeableConcept: { coding: [{ system: SYSTEM_URI[d.system], code: d.code, display: d.display }] },
          quantity: { value: d.quantity, unit: '錠' },
          whenHandedOver: now,
        },
      })),
    ],
  };
}

/** The value of output parameter `name` of a Parameters body. */
function outParam(body: Json, name: string): unknown {
  const p = ((body.parameter as Json[] | undefined) ?? []).find((x) => x.name === name);
  const key = p && Object.keys(p).find((k) => k.startsWith('value'));
  return p && key ? p[key] : undefined;
}

// ---------------------------------------------------------------- HTTP

function send(
  agent: Agent,
  origin: URL,
  path: string,
  token: string,
  body: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: origin.hostname,
        port: origin.port,
        path,
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(body), ...extra },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface Throughput {
  perSecond: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
}

/**
 * `concurrency` workers, each starting its next task as soon as the last one answered, for `seconds` — or until a
 * task says there is nothing left (returns undefined: a pool of pre-signed prescriptions ran out).
 */
async function closedLoop(
  seconds: number,
  concurrency: number,
  task: (worker: number) => Promise<boolean | undefined>,
): Promise<Throughput & { firstError?: string; exhausted: boolean }> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let exhausted = false;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end && !exhausted) {
        const t0 = performance.now();
        try {
          const ok = await task(w);
          if (ok === undefined) exhausted = true;
          else if (ok) latencies.push(performance.now() - t0);
          else errors++;
        } catch (e) {
          errors++;
          firstError ??= (e as Error).message;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: +(latencies.length / elapsed).toFixed(1), ...percentiles(latencies), total: latencies.length, errors, firstError, exhausted };
}

/** Open loop of POSTs: `clients` callers together sending `rate` a second, evenly spread; latency from the due time. */
async function openLoopPost(opts: { origin: URL; token: string; path: string; body: string; clients: number; rate: number; seconds: number }) {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.clients });
  const interval = (1000 * opts.clients) / opts.rate;
  const start = performance.now() + 50;
  const end = start + opts.seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, c) => {
      for (let due = start + (c * interval) / opts.clients; due < end; due += interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        try {
          if ((await send(agent, opts.origin, opts.path, opts.token, opts.body)).status !== 200) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - due);
      }
    }),
  );
  agent.destroy();
  return { rate: opts.rate, sent: latencies.length, errors, ...percentiles(latencies), max: +Math.max(...latencies).toFixed(2) };
}

// ---------------------------------------------------------------- set-up

interface Prepared {
  auditKeyFile: string;
  tokens: { clinic: string; pharmacy: string };
  /** people[0] has the 60 lines of history; the others receive the registrations and flows. */
  people: Person[];
  /** Contraindicated pairs imported; the index's pairs and duplicate classes (with the shipped sample's). */
  rules: { imported: number; contraindications: number; duplicateClasses: number; refused: number; importMs: number };
  history: { lines: number; prescriptions: number; facilities: number; days: number };
  observationPatient: string;
  seconds: number;
}

/** Clients, tokens, the registry's people, the consent, the interaction file and the history; the platform is closed after. */
async function prepare(dataDir: string, databaseUrl: string, peopleCount: number): Promise<Prepared> {
  const t0 = performance.now();
  const auditKeyFile = join(dataDir, 'audit.key');
  const t = await createTsunagu(configFromEnv({}, { dataDir, databaseUrl, auditKeyFile }), { logger: 'silent' });
  try {
    const client = async (kind: PrincipalKind, code: string, scopes: string[]) => {
      const c = await registerClient(t.platform.db, {
        name: `bench ${kind} ${code}`,
        kind,
        facilityCode: code,
        scopes,
        jwks: { keys: [(await generateClientKey()).publicJwk] },
      });
      return t.platform.tokens.issue(c, parseScopes(c.scopes), 3600);
    };
    const insurer = await client('insurer', INSURER, ['system/Coverage.cruds', 'system/Patient.rs']);
    const clinic = await client('facility', CLINIC, ['system/*.rs', 'system/Observation.cruds']);
    const pharmacy = await client('pharmacy', PHARMACY, ['system/*.rs']);

    // The people, through the registry's API as their insurer (1,000 records a request), each with its own number.
    const records = Array.from({ length: peopleCount }, (_, i) => ({
      insurer_number: INSURER,
      symbol: '1357',
      number: String(10000 + i),
      branch: '00',
      relationship: 1,
      family_name: '処方',
      given_name: `花子${i}`,
      family_name_kana: 'ショホウ',
      given_name_kana: 'ハナコ',
      birth_date: `19${String(40 + (i % 50))}-0${1 + (i % 9)}-1${i % 10}`,
      sex: 2,
      acquired_on: '2015-04-01',
      copay_ratio: 3,
    }));
    const people: Person[] = [];
    for (let i = 0; i < records.length; i += 1000) {
      const batch = records.slice(i, i + 1000);
      const res = await t.app.inject({
        method: 'POST',
        url: '/eligibility/records',
        headers: { authorization: `Bearer ${insurer}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ records: batch }),
      });
      if (res.statusCode !== 200) throw new Error(`eprescription bench: registry load answered ${res.statusCode} ${res.body.slice(0, 300)}`);
      (JSON.parse(res.body) as { results: { patient?: string }[] }).results.forEach((r, k) => {
        if (!r.patient) throw new Error(`eprescription bench: record ${i + k} not registered: ${JSON.stringify(r)}`);
        const rec = batch[k];
        people.push({
          id: r.patient.replace('Patient/', ''),
          symbol: rec.symbol,
          number: rec.number,
          branch: rec.branch,
          birthDate: rec.birth_date,
          memberId: `${INSURER}:${rec.symbol}:${rec.number}:${rec.branch}`,
        });
      });
    }
    const patient = people[0];

    // The history patient consents to the clinic seeing their medication (the check then shows the details).
    const reader: RequestContext = {
      principal: { clientId: 'bench-reader', name: 'bench reader', kind: 'facility', facilityCode: CLINIC, scopes: parseScopes('system/*.*') },
      purpose: 'TREAT',
    };
    const from = new Date(Date.now() - 60_000);
    await t.platform.repo.transaction(
      (session) =>
        t.platform.consent.record(session, reader, {
          patientId: patient.id,
          recipient: { kind: 'facility', code: CLINIC, name: 'bench clinic' },
          category: 'medication',
          decision: 'permit',
          validFrom: from,
          validTo: new Date(from.getTime() + DAY),
          policy: 'outpatient',
        }),
      { trusted: true },
    );

    // The interaction file.
    const rand = random(20261202);
    const lines = historyLines(rand);
    const rules = interactionRules(rand, lines);
    const csv = interactionCsv(rules);
    const i0 = performance.now();
    const report = await new InteractionRuleSet(t.platform.db).importCsv(csv, { dataset: 'bench-interactions' });
    const importMs = Math.round(performance.now() - i0);
    if (report.refused.length)
      console.warn(`eprescription bench: ${report.refused.length} interaction rows refused, e.g. ${JSON.stringify(report.refused[0])}`);

    // The history: 12 prescriptions of 5 lines from 4 other facilities, one every ~7 days over the last 90 days.
    const now = new Date();
    const perPrescription = HISTORY_LINES / HISTORY_PRESCRIPTIONS;
    for (let p = 0; p < HISTORY_PRESCRIPTIONS; p++) {
      const id = randomUUID();
      const issuedOn = japanDate(new Date(now.getTime() - (3 + p * 7.5) * DAY));
      const issuer = HISTORY_FACILITIES[p % HISTORY_FACILITIES.length];
      await t.platform.db.query(
        `INSERT INTO eprescription_prescriptions (prescription_id, patient_key, insured_key, birth_date, exchange_number, issuer, kind, document_id, issued_on,
           valid_until, uses_allowed, split, state, uses_done, prescriber, registered_at, bundle)
         VALUES ($1, $2, $3, $4, $5, $6, 'outpatient', $7, $8, $9, 1, false, 'completed', 1, $10, $11, '{}')`,
        [
          id,
          patient.id,
          patient.memberId,
          patient.birthDate,
          String(100000 + p),
          issuer,
          `urn:uuid:${randomUUID()}`,
          issuedOn,
          japanDate(new Date(Date.parse(`${issuedOn}T00:00:00Z`) + 3 * DAY)),
          JSON.stringify({ name: 'bench', role: 'doctor', registrationNumber: '000000', signed: true }),
          now.toISOString(),
        ],
      );
      for (let k = 0; k < perPrescription; k++) {
        const l = lines[p * perPrescription + k];
        await t.platform.db.query(
          `INSERT INTO eprescription_lines (prescription_id, line_no, patient_key, code_system, code, name, ingredient_key, class_key, generic_key, quantity, unit, days, substitution)
           VALUES ($1, $2, $3, 'yj', $4, $5, $6, $7, NULL, 28, '錠', 28, '0')`,
          [id, k + 1, patient.id, l.code, l.name, l.ingredient, l.klass],
        );
      }
    }
    return {
      auditKeyFile,
      tokens: { clinic, pharmacy },
      people,
      rules: {
        imported: rules.filter((r) => r.kind === 'contraindicated').length,
        contraindications: report.contraindications,
        duplicateClasses: report.duplicateClasses,
        refused: report.refused.length,
        importMs,
      },
      history: { lines: HISTORY_LINES, prescriptions: HISTORY_PRESCRIPTIONS, facilities: HISTORY_FACILITIES.length, days: 90 },
      observationPatient: patient.id,
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
    };
  } finally {
    await t.close();
  }
}

/** A root and an issuing HPKI test CA in `dir`, the trust directory the server reads, and a 医師 (医籍登録番号 123456, as the example). */
async function testHpki(dir: string): Promise<{ trustDir: string; doctor: PrescriberCredential }> {
  const now = new Date(Date.now() - DAY);
  const root = await createHpkiAuthority({ dir: join(dir, 'root'), now });
  const issuing = await createHpkiAuthority({ dir: join(dir, 'issuing'), parent: root, now });
  const doctor = await issuing.issue({ name: '神奈川　花子', role: 'doctor', registrationNumber: '123456', now });
  const trustDir = join(dir, 'trust');
  mkdirSync(trustDir, { recursive: true });
  writeFileSync(join(trustDir, 'bench-root.crt.pem'), root.certificatePem);
  writeFileSync(join(trustDir, 'bench-issuing.int.pem'), issuing.certificatePem);
  return { trustDir, doctor };
}

// ---------------------------------------------------------------- phases

export interface EprescriptionBenchResult {
  engine: 'postgres';
  quick: boolean;
  people: number;
  prepareSeconds: number;
  serverStartSeconds: number;
  rules: Prepared['rules'];
  history: Prepared['history'];
  check: {
    lines: number;
    alertsPerCheck: number;
    alertKinds: Record<string, number>;
    consent: boolean;
    requestBytes: number;
    responseBytes: number;
    saturation: Throughput;
    steady: { rate: number; sent: number; errors: number; p50: number; p99: number; max: number };
    bundleRequestBytes: number;
    target: { rate: number; sent: number; errors: number; p50: number; p99: number; max: number };
    bundleSteady: { rate: number; sent: number; errors: number; p50: number; p99: number; max: number };
  };
  signing: { prescriptions: number; seconds: number; bundleBytes: number };
  registration: Throughput;
  flow: Throughput & { stepsP50Ms: { register: number; accept: number; dispense: number } };
  create: Throughput;
  /** registrations/s ÷ creates/s and flows/s ÷ creates/s, %. */
  registrationPercentOfCreate: number;
  flowPercentOfCreate: number;
  targets: typeof TARGETS;
  seconds: number;
}

const merge = (list: (Throughput & { firstError?: string })[], what: string): Throughput => {
  const bad = list.find((x) => x.firstError);
  if (bad) console.warn(`eprescription bench: ${what} errors (${bad.errors}): ${bad.firstError}`);
  return {
    perSecond: +(list.reduce((a, x) => a + x.perSecond, 0) / list.length).toFixed(1),
    p50: +(list.reduce((a, x) => a + x.p50, 0) / list.length).toFixed(1),
    p99: +(list.reduce((a, x) => a + x.p99, 0) / list.length).toFixed(1),
    total: list.reduce((a, x) => a + x.total, 0),
    errors: list.reduce((a, x) => a + x.errors, 0),
  };
};

/**
 * Signed `$register-prescription` bodies for `people` in turn, signed ahead of the loops that send them: `add(n)`
 * signs n more (between timed loops, or while the server starts in its own process), `take()` the next one.
 */
function signedPool(people: Person[], today: string, doctor: PrescriberCredential) {
  const bodies: { body: string; person: Person }[] = [];
  let next = 0;
  let signed = 0;
  let ms = 0;
  return {
    async add(n: number) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const person = people[signed++ % people.length];
        const bundle = await signPrescriptionBundle(prescription(person, today), localPrescriberKey(doctor), { at: new Date() });
        bodies.push({ body: JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'resource', resource: bundle }] }), person });
      }
      ms += performance.now() - t0;
    },
    /** Tops the pool up to `n` unsent bodies. */
    ensure(n: number) {
      return this.add(Math.max(0, n - (bodies.length - next)));
    },
    take: () => bodies[next++] as { body: string; person: Person } | undefined,
    get left() {
      return bodies.length - next;
    },
    stats: () => ({ signed, ms, bundleBytes: bodies.length ? Buffer.byteLength(JSON.stringify(JSON.parse(bodies[0].body).parameter[0].resource)) : 0 }),
  };
}

export async function benchEprescription(opts: { quick?: boolean } = {}): Promise<EprescriptionBenchResult | undefined> {
  const quick = !!opts.quick;
  let fhirDir: string;
  try {
    fhirDir = sharedFhirDir();
  } catch {
    fhirDir = '';
  }
  const packages = join(fhirDir, 'packages');
  const igs = [join(packages, 'jp-core.r4-1.1.2-url.tgz'), join(packages, 'jp-ePrescriptionData.r4.tgz')];
  if (!fhirDir || !igs.every((f) => existsSync(f))) {
    console.warn(
      'eprescription benchmark skipped: the shared FHIR packages (fhir/packages/jp-core.r4-1.1.2-url.tgz, jp-ePrescriptionData.r4.tgz) were not found in $TSUNAGU_SHARED_DIR, ../shared or /work/shared',
    );
    return undefined;
  }
  if (!(await postgresAvailable())) {
    console.warn('eprescription benchmark skipped: PostgreSQL not reachable');
    return undefined;
  }
  const t0 = performance.now();
  const rounds = quick ? 1 : 2;
  /** Seconds of each timed write loop (create, registration, flow) per round. */
  const phase = quick ? 2 : 3;
  const db = await freshDatabase('tsunagu_bench_erx');
  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-bench-erx-'));
  try {
    const peopleCount = quick ? 600 : 1000;
    const prepared = await prepare(dataDir, db.url, peopleCount);
    const hpki = await testHpki(join(dataDir, 'hpki'));
    const today = japanDate(new Date());
    // Registrations for one half of the people, flows for the other: each person once per phase while they last.
    const others = prepared.people.slice(1);
    const regPool = signedPool(others.slice(0, Math.ceil(others.length / 2)), today, hpki.doctor);
    const flowPool = signedPool(others.slice(Math.ceil(others.length / 2)), today, hpki.doctor);
    const s0 = performance.now();
    const starting = startChildServer({
      DATABASE_URL: db.url,
      TSUNAGU_DATA_DIR: dataDir,
      TSUNAGU_AUDIT_KEY_FILE: prepared.auditKeyFile,
      TSUNAGU_IG: igs.join(','),
      TSUNAGU_HPKI_TRUST_DIR: hpki.trustDir,
      TSUNAGU_SHARING_PURGE_INTERVAL_MS: '0',
    });
    starting.catch(() => undefined);
    // The first prescriptions are signed while the server starts (in its own process); more between the timed loops.
    const signedEarly = await (async () => {
      await regPool.add(quick ? 100 : 200);
      await flowPool.add(quick ? 60 : 120);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    const server = await starting;
    const serverStartSeconds = +((performance.now() - s0) / 1000).toFixed(1);
    const origin = new URL(server.url);
    const agent = new Agent({ keepAlive: true, maxSockets: CHECKERS * 2 });
    const { clinic, pharmacy } = prepared.tokens;
    try {
      if (signedEarly) throw signedEarly;
      // ---- the check: one patient, 60 lines of history, 3,000 pairs; 50 callers
      // The light form a clinic system calls while the doctor chooses (the drugs, insured number, birth date) is the
      // check measured; the whole prescription Bundle as input is measured beside it at the steady rate.
      const draft = prescription(prepared.people[0], today) as unknown as Json;
      const drugs = ((draft.entry as { resource: Json }[]) ?? [])
        .filter((e) => e.resource.resourceType === 'MedicationRequest')
        .map((e) => e.resource.medicationCodeableConcept);
      const checkBody = JSON.stringify({
        resourceType: 'Parameters',
        parameter: [
          { name: 'insuredNumber', valueString: prepared.people[0].memberId },
          { name: 'birthDate', valueDate: prepared.people[0].birthDate },
          ...drugs.map((cc) => ({ name: 'medication', valueCodeableConcept: cc })),
        ],
      });
      const checkBundleBody = JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'resource', resource: draft }] });
      const first = await send(agent, origin, '/fhir/$check-prescription', clinic, checkBody);
      if (first.status !== 200) throw new Error(`eprescription bench: $check-prescription answered ${first.status} ${first.text.slice(0, 600)}`);
      const answer = JSON.parse(first.text) as Json;
      const alerts = ((answer.parameter as Json[]) ?? []).filter((p) => p.name === 'alert');
      if (alerts.length === 0) console.warn('eprescription bench: the check found no alert (the seeded conflicts were not met)');
      const alertKinds: Record<string, number> = {};
      for (const a of alerts) {
        const kind = String(((a.part as Json[]) ?? []).find((x) => x.name === 'kind')?.valueCode);
        alertKinds[kind] = (alertKinds[kind] ?? 0) + 1;
      }
      const check = async () => (await send(agent, origin, '/fhir/$check-prescription', clinic, checkBody)).status === 200;
      // Fresh statistics for the planner and no dirty pages from the set-up left to land on the latency figures; then
      // the steady rate (after a warm-up at that rate) before saturation, whose backlog would otherwise spill into it.
      await adminQuery(db.url, 'ANALYZE').catch(() => undefined);
      await adminQuery(ADMIN_URL, 'CHECKPOINT').catch(() => undefined);
      const steadyPlan = { origin, token: clinic, path: '/fhir/$check-prescription', body: checkBody, clients: CHECKERS, rate: CHECK_RATE };
      await openLoopPost({ ...steadyPlan, seconds: quick ? 1 : 2 });
      const checkTarget = await openLoopPost({ ...steadyPlan, rate: CHECK_TARGET_RATE, seconds: quick ? 2 : 6 });
      const checkSteady = await openLoopPost({ ...steadyPlan, seconds: quick ? 2 : 6 });
      const checkBundleSteady = await openLoopPost({ ...steadyPlan, body: checkBundleBody, seconds: quick ? 2 : 4 });
      const checkSaturation = await closedLoop(quick ? 3 : 5, CHECKERS, check);
      if (checkSaturation.firstError) console.warn(`eprescription bench: check errors (${checkSaturation.errors}): ${checkSaturation.firstError}`);

      // ---- the write paths
      const register = async () => {
        const f = regPool.take();
        if (f === undefined) return undefined;
        const res = await send(agent, origin, '/fhir/$register-prescription', clinic, f.body);
        if (res.status !== 201) throw new Error(`registration ${res.status}: ${res.text.slice(0, 600)}`);
        return true;
      };
      const steps = { register: [] as number[], accept: [] as number[], dispense: [] as number[] };
      const flow = async () => {
        const f = flowPool.take();
        if (f === undefined) return undefined;
        const a = performance.now();
        const reg = await send(agent, origin, '/fhir/$register-prescription', clinic, f.body);
        if (reg.status !== 201) throw new Error(`flow registration ${reg.status}: ${reg.text.slice(0, 600)}`);
        const out = JSON.parse(reg.text) as Json;
        const id = outParam(out, 'prescription') as string;
        const b = performance.now();
        const acc = await send(
          agent,
          origin,
          '/fhir/$accept-prescription',
          pharmacy,
          JSON.stringify({
            resourceType: 'Parameters',
            parameter: [
              { name: 'prescription', valueString: id },
              { name: 'exchangeNumber', valueString: outParam(out, 'exchangeNumber') },
              { name: 'insuredNumber', valueString: f.person.memberId },
              { name: 'birthDate', valueDate: f.person.birthDate },
            ],
          }),
        );
        if (acc.status !== 200) throw new Error(`accept ${acc.status}: ${acc.text.slice(0, 600)}`);
        const c = performance.now();
        const dis = await send(agent, origin, '/fhir/$dispense-prescription', pharmacy, JSON.stringify(dispenseParameters(id)));
        if (dis.status !== 201) throw new Error(`dispense ${dis.status}: ${dis.text.slice(0, 600)}`);
        const state = outParam(JSON.parse(dis.text) as Json, 'prescriptionState');
        if (state !== 'completed') throw new Error(`dispense: the prescription is ${state} after dispensing every line as prescribed`);
        const d = performance.now();
        steps.register.push(b - a);
        steps.accept.push(c - b);
        steps.dispense.push(d - c);
        return true;
      };
      let obs = 0;
      const create = async () => {
        const res = await send(agent, origin, '/fhir/Observation', clinic, JSON.stringify(observation(prepared.observationPatient, obs++)), {
          prefer: 'return=minimal',
        });
        if (res.status !== 201) throw new Error(`create ${res.status}: ${res.text.slice(0, 400)}`);
        return true;
      };
      /** Runs `task` until `count` of them were taken (a warm-up). */
      const warmUp = async (count: number, pool: { left: number }, task: () => Promise<boolean | undefined>) => {
        const stopAt = pool.left - count;
        return closedLoop(120, WRITERS, async () => (pool.left > stopAt ? task() : undefined));
      };
      // Warm-up of each write path (profile validation, signature verification, the write statements); the rates
      // seen size the pools of the timed rounds (the rate × the phase × 1.3, topped up before each round).
      await closedLoop(1, WRITERS, create);
      let regRate = (await warmUp(quick ? 20 : 40, regPool, register)).perSecond;
      let flowRate = (await warmUp(quick ? 10 : 20, flowPool, flow)).perSecond;
      for (const k of Object.values(steps)) k.length = 0;
      const creates: Throughput[] = [];
      const regs: (Throughput & { exhausted: boolean })[] = [];
      const flows: (Throughput & { exhausted: boolean })[] = [];
      for (let r = 0; r < rounds; r++) {
        await regPool.ensure(Math.ceil(regRate * phase * 1.3) + WRITERS);
        await flowPool.ensure(Math.ceil(flowRate * phase * 1.3) + WRITERS);
        creates.push(await closedLoop(phase, WRITERS, create));
        regs.push(await closedLoop(phase, WRITERS, register));
        flows.push(await closedLoop(phase, WRITERS, flow));
        regRate = Math.max(regRate, regs[r].perSecond);
        flowRate = Math.max(flowRate, flows[r].perSecond);
      }
      if (regs.some((x) => x.exhausted) || flows.some((x) => x.exhausted))
        console.warn('eprescription bench: the pre-signed prescriptions ran out before a phase ended (its rate is over the time it ran)');
      const registration = merge(regs, 'registration');
      const flowResult = merge(flows, 'flow');
      const createResult = merge(creates, 'create');
      agent.destroy();
      await server.stop();
      const [rs, fs] = [regPool.stats(), flowPool.stats()];
      return {
        engine: 'postgres',
        quick,
        people: peopleCount,
        prepareSeconds: prepared.seconds,
        serverStartSeconds,
        rules: prepared.rules,
        history: prepared.history,
        check: {
          lines: PRESCRIBED.length,
          alertsPerCheck: alerts.length,
          alertKinds,
          consent: outParam(answer, 'consent') === true,
          requestBytes: Buffer.byteLength(checkBody),
          responseBytes: Buffer.byteLength(first.text),
          bundleRequestBytes: Buffer.byteLength(checkBundleBody),
          saturation: checkSaturation,
          target: checkTarget,
          steady: checkSteady,
          bundleSteady: checkBundleSteady,
        },
        signing: { prescriptions: rs.signed + fs.signed, seconds: +((rs.ms + fs.ms) / 1000).toFixed(1), bundleBytes: rs.bundleBytes },
        registration,
        flow: {
          ...flowResult,
          stepsP50Ms: {
            register: percentiles(steps.register).p50,
            accept: percentiles(steps.accept).p50,
            dispense: percentiles(steps.dispense).p50,
          },
        },
        create: createResult,
        registrationPercentOfCreate: Math.round((100 * registration.perSecond) / createResult.perSecond),
        flowPercentOfCreate: Math.round((100 * flowResult.perSecond) / createResult.perSecond),
        targets: TARGETS,
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

/** One row per figure: what was measured, the result, its target (PASS / FAIL) or reference. */
export function eprescriptionTable(r: EprescriptionBenchResult): Record<string, string | number>[] {
  const ms = (x: { p50: number; p99: number }) => `${x.p50} / ${x.p99}`;
  const verdict = (p99: number) => `p99 < ${r.targets.checkP99Ms}: ${p99 < r.targets.checkP99Ms ? 'PASS' : 'FAIL'}`;
  const row = (measure: string, value: string | number, target = '') => ({ measure, value, target });
  const c = r.check;
  const errors = c.saturation.errors + c.target.errors + c.steady.errors + c.bundleSteady.errors + r.registration.errors + r.flow.errors + r.create.errors;
  const s = r.flow.stepsP50Ms;
  return [
    row(
      `check: ${c.lines} lines vs ${r.history.lines} active (${r.history.prescriptions} prescriptions, ${r.history.facilities} facilities), ${r.rules.imported} pairs`,
      `${c.alertsPerCheck} alerts (${Object.entries(c.alertKinds)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')})${c.consent ? ', details shown' : ''}`,
    ),
    row(`checks/s, ${CHECKERS} callers at saturation`, c.saturation.perSecond),
    row(
      `check p50 / p99 ms, ${CHECKERS} callers at ${c.target.rate}/s (each once a second; drugs + insured number, ${c.requestBytes} B)`,
      ms(c.target),
      verdict(c.target.p99),
    ),
    row(`check p50 / p99 ms, ${CHECKERS} callers at ${c.steady.rate}/s`, ms(c.steady), `reference (${verdict(c.steady.p99)})`),
    row(`check p50 / p99 ms, ${CHECKERS} callers at saturation (closed loop)`, ms(c.saturation), 'reference: p99 ≈ 50 ÷ throughput'),
    row(`check p50 / p99 ms, ${CHECKERS} callers at ${c.bundleSteady.rate}/s (the prescription Bundle, ${c.bundleRequestBytes} B)`, ms(c.bundleSteady)),
    row(`signed registrations/s, ${WRITERS} clients`, r.registration.perSecond),
    row('registration p50 / p99 ms', ms(r.registration)),
    row(`flows/s (register → accept → dispense), ${WRITERS} clients`, r.flow.perSecond),
    row('flow p50 / p99 ms', ms(r.flow), `p50 register ${s.register} + accept ${s.accept} + dispense ${s.dispense}`),
    row(`plain creates/s (POST /fhir/Observation), ${WRITERS} clients`, r.create.perSecond),
    row('create p50 / p99 ms', ms(r.create)),
    row('registrations ÷ creates', `${r.registrationPercentOfCreate}%`),
    row('flows ÷ creates', `${r.flowPercentOfCreate}%`),
    row('errors', errors, '0'),
  ];
}
