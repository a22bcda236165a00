/**
 * The demo world (src/demo) on both engines: it is created through the services' APIs; a clinic staff member signs
 * in; with the clinic's token a patient who consented at reception shows the hospital's items and one who did not
 * shows none (the same `$clinical-information` the clinic app calls), flags respected; the check-ups, the open
 * e-prescription and the letter in the clinic's inbox are there; `/demo/sign-ins` and the card download answer;
 * seeding again is refused; and the start decision (TSUNAGU_DEMO=0, --no-demo, DATABASE_URL, an existing directory).
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tsunagu } from '../../src/app.ts';
import { DemoExistsError, FACILITY_CODES, createDemoTsunagu, demoOnStart, demoRoutes, seedDemoWorld, type DemoWorld } from '../../src/demo/index.ts';
import { findDemoPackages } from '../../src/demo/packages.ts';
import { Card, ReceptionClient, SimulatedCardReader } from '../../src/services/eligibility/index.ts';
import { findClient, isSystemClient } from '../../src/platform/auth/clients.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import { checkFacilityCodeShape } from '../../src/platform/identity/facility-code.ts';
import { ENGINES, engineHandle, type EngineHandle } from '../helpers/engines.ts';

type Json = Record<string, any>;
const PACKAGES = findDemoPackages();
if (PACKAGES.length === 0) console.warn('the demo world tests are skipped: the IG packages were not found (set TSUNAGU_SHARED_DIR)');

const HOSPITAL = FACILITY_CODES.hospital;
const INSTITUTION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
const registrantOf = (r: Json) => r.extension?.find((e: Json) => e.url === INSTITUTION)?.valueIdentifier?.value as string | undefined;
const partsOf = (p: Json): Json =>
  Object.fromEntries((p.part ?? []).map((x: Json) => [x.name, x[Object.keys(x).find((k) => k.startsWith('value')) ?? 'resource']]));

describe.skipIf(PACKAGES.length === 0).each(ENGINES)('the demo world (%s)', (engineName) => {
  let engine: EngineHandle;
  let t: Tsunagu;
  let dataDir: string;
  let world: DemoWorld;
  let seconds: number;
  const lines: string[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    engine = engineHandle(engineName);
    const db = await engine.open();
    dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-demo-'));
    const config = configFromEnv({}, { dataDir, auditKeyFile: join(dataDir, 'audit.key'), auditChains: 4, igPackages: PACKAGES });
    const demo = await createDemoTsunagu(config, { db, logger: 'silent' });
    t = demo.t;
    const started = Date.now();
    world = await seedDemoWorld(t, { clock: demo.clock, today: new Date(), log: (l) => lines.push(l) });
    seconds = (Date.now() - started) / 1000;
    for (const key of ['clinic', 'hospital', 'pharmacy']) {
      const client = await findClient(t.platform.db, `demo-${key}`);
      if (!client || !isSystemClient(client)) throw new Error(`no demo-${key} client`);
      tokens[key] = await t.platform.tokens.issue(client, parseScopes(client.scopes));
    }
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await engine?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const request = async (method: 'GET' | 'POST', url: string, token: string, body?: unknown) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/fhir+json' } : {}) },
      payload: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.statusCode, body: JSON.parse(res.body) as Json };
  };
  const patient = (key: string) => world.patients.find((p) => p.key === key)!;
  const view = async (key: string, query = '') => {
    const res = await request('GET', `/fhir/Patient/${patient(key).patientId}/$clinical-information${query}`, tokens.clinic);
    expect(res.status, JSON.stringify(res.body).slice(0, 1000)).toBe(200);
    const entries = (res.body.entry ?? []) as Json[];
    return { matches: entries.filter((e) => e.search?.mode === 'match').map((e) => e.resource), outcomes: entries.filter((e) => e.search?.mode === 'outcome') };
  };

  it('is created whole, with progress lines, well within a minute', () => {
    console.log(`demo world seeded on ${engineName} in ${seconds.toFixed(1)} s`);
    expect(world.skipped).toBeUndefined();
    expect(lines.filter((l) => l.startsWith('[demo')).length).toBeGreaterThanOrEqual(8);
    expect(seconds).toBeLessThan(60);
    expect(world.signIns.map((s) => `${s.facilityCode}/${s.roleName}`)).toEqual([
      `${FACILITY_CODES.clinic}/医師`,
      `${FACILITY_CODES.clinic}/看護師`,
      `${FACILITY_CODES.clinic}/事務`,
      `${FACILITY_CODES.clinic}/個人情報保護管理者`,
      `${HOSPITAL}/医師`,
      `${HOSPITAL}/個人情報保護管理者`,
      `${FACILITY_CODES.pharmacy}/薬剤師`,
      `${FACILITY_CODES.pharmacy}/事務`,
    ]);
    for (const s of world.signIns) expect(s.password).toMatch(/^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]{10,}$/);
    expect(new Set(world.signIns.map((s) => s.password)).size).toBe(world.signIns.length);
    expect(world.patients).toHaveLength(20);
    expect(world.patients.map((p) => p.name)).toEqual(
      expect.arrayContaining(['髙橋 一郎', '𠮷田 花子', '齋藤 健太', '渡邊 清', '山﨑 真由美', '葛\u{E0100}西 美和']),
    );
    for (const p of world.patients) {
      expect(p.pin).toMatch(/^\d{4}$/);
      expect(existsSync(p.card)).toBe(true);
    }
    expect(existsSync(join(dataDir, 'demo-world.json'))).toBe(true);
  });

  it('opens a card with its printed PIN at reception; the answer shows copay, 限度額適用区分, 高齢受給者 and 公費', async () => {
    const client = new ReceptionClient({ post: async (path, body) => request('POST', path, tokens.clinic, body) });
    const receive = async (key: string, pin = patient(key).pin) => client.verifyCard(new SimulatedCardReader(await Card.open(patient(key).card)), { pin });
    const shimizu = await receive('shimizu');
    expect(shimizu.ok, shimizu.en).toBe(true);
    const summary = partsOf(shimizu.parameters!.parameter!.find((p) => p.name === 'eligibility')!);
    expect(summary).toMatchObject({ copayRatio: 3, limitCategory: expect.objectContaining({ code: 'u70-i' }) });
    expect(JSON.stringify(summary.publicExpense ?? shimizu.parameters)).toContain('5413601');
    const ito = partsOf((await receive('ito')).parameters!.parameter!.find((p) => p.name === 'eligibility')!);
    expect(ito.copayRatio).toBe(2);
    const wrong = await receive('kimura', patient('kimura').pin === '2580' ? '2581' : '2580');
    expect(wrong).toMatchObject({ ok: false, stage: 'reader', code: 'wrong-pin' });
    expect(patient('ito').insuredNumber).toMatch(/^00138016:千代01:093377:01$/);
  });

  it('registers the facilities in the directory with valid codes (the pharmacy with score table 4)', async () => {
    for (const code of [FACILITY_CODES.clinic, HOSPITAL, FACILITY_CODES.pharmacy, FACILITY_CODES.checkup]) expect(checkFacilityCodeShape(code)).toBeUndefined();
    expect(FACILITY_CODES.pharmacy[2]).toBe('4');
    expect((await t.platform.facilities.get(FACILITY_CODES.clinic))?.name).toBe('つなぐ内科クリニック');
    expect((await t.platform.facilities.get(FACILITY_CODES.pharmacy))?.kind).toBe('pharmacy');
    const kinds = (await t.platform.facilities.search('', { limit: 100 })).map((f) => f.kind).sort();
    expect(kinds).toEqual(['checkup', 'facility', 'facility', 'insurer', 'insurer', 'insurer', 'pharmacy', 'pharmacy']);
  });

  it('lets a clinic staff member sign in with the printed password (and not with another)', async () => {
    const doctor = world.signIns.find((s) => s.facilityCode === FACILITY_CODES.clinic && s.role === 'doctor')!;
    const ok = await t.platform.staff.authenticate({ facilityCode: doctor.facilityCode, login: doctor.login, password: doctor.password });
    expect(ok.ok && ok.account.role).toBe('doctor');
    const nurse = world.signIns.find((s) => s.role === 'nurse')!;
    expect((await t.platform.staff.authenticate({ facilityCode: nurse.facilityCode, login: nurse.login, password: doctor.password })).ok).toBe(false);
  });

  it("shows a consenting patient the hospital's items and their lab trend, with the clinic's token", async () => {
    const { matches } = await view('takahashi');
    const angina = matches.find((r) => r.resourceType === 'Condition' && r.code?.text === '狭心症');
    expect(angina && registrantOf(angina)).toBe(HOSPITAL);
    const hba1c = matches
      .filter((r) => r.resourceType === 'Observation' && r.code?.text === 'HbA1c（NGSP）')
      .sort((a, b) => String(a.effectiveDateTime).localeCompare(String(b.effectiveDateTime)))
      .map((r) => r.valueQuantity.value);
    expect(hba1c).toEqual([8.2, 7.8, 7.4, 7.1]);
  });

  it('shows a patient without consent nothing of other facilities, and says why', async () => {
    const { matches, outcomes } = await view('yamazaki');
    expect(matches).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(0);
    // the hospital has registered items for her: they exist, the clinic just may not see them
    const own = await request('GET', `/fhir/Patient/${patient('yamazaki').patientId}/$clinical-information`, tokens.hospital);
    expect((own.body.entry ?? []).filter((e: Json) => e.search?.mode === 'match').length).toBeGreaterThan(0);
  });

  it('respects the flags: 未告知 is shown to the clinic, 未提供 is not', async () => {
    expect((await view('hayashi')).matches.some((r) => r.code?.text === '噴門癌')).toBe(true);
    const shimizu = (await view('shimizu')).matches.map((r) => r.code?.text);
    expect(shimizu).toContain('パーキンソン病');
    expect(shimizu).not.toContain('うつ病');
  });

  it('has five years of 特定健診 for a consenting patient', async () => {
    const res = await request('GET', `/fhir/Patient/${patient('matsumoto').patientId}/$checkup-reports`, tokens.clinic);
    expect(res.status).toBe(200);
    const reports = (res.body.entry ?? []).filter((e: Json) => e.search?.mode === 'match');
    expect(reports).toHaveLength(5);
  });

  it('has the open e-prescription, and dispensed ones in the history', async () => {
    const open = world.openPrescriptions?.[0];
    expect(open?.patient).toBe('takahashi');
    const res = await request('POST', '/fhir/$prescription-status', tokens.clinic, {
      resourceType: 'Parameters',
      parameter: [{ name: 'prescription', valueString: open!.prescription }],
    });
    expect(res.status, JSON.stringify(res.body).slice(0, 1000)).toBe(200);
    const p = partsOf(res.body.parameter.find((x: Json) => x.name === 'prescription'));
    expect(p.state).toBe('registered');
    expect(p.exchangeNumber).toBe(open!.exchangeNumber);
    const medication = (res.body.parameter[0].part as Json[]).filter((x) => x.name === 'medication').map((m) => partsOf(m).name);
    expect(medication).toEqual(['ノルバスク錠５ｍｇ', 'アマリール１ｍｇ錠', 'リピトール錠１０ｍｇ']);
  });

  it("has the hospital's referral letter waiting in the clinic's inbox", async () => {
    const res = await request('POST', '/fhir/$referral-inbox', tokens.clinic, { resourceType: 'Parameters' });
    expect(res.status).toBe(200);
    const letters = (res.body.parameter ?? []).filter((p: Json) => p.name === 'letter').map(partsOf);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ id: world.letters?.[0], kind: 'referral', sender: HOSPITAL, addressee: FACILITY_CODES.clinic, state: 'sent' });
  });

  it('answers GET /demo/sign-ins and the demo card files; 404 for anything else', async () => {
    const app = Fastify();
    await app.register(async (scope) => demoRoutes(scope, dataDir));
    const signIns = await app.inject({ method: 'GET', url: '/demo/sign-ins' });
    expect(signIns.statusCode).toBe(200);
    const body = signIns.json();
    expect(body.signIns).toHaveLength(8);
    expect(Object.keys(body.signIns[0]).sort()).toEqual(['app', 'displayName', 'facilityCode', 'facilityName', 'login', 'password', 'role', 'roleName']);
    expect(body.signIns.map((s: Json) => s.app)).toEqual(['clinic', 'clinic', 'clinic', 'clinic', 'clinic', 'clinic', 'pharmacy', 'pharmacy']);
    expect(body.patients[0]).toEqual({ name: '髙橋 一郎', cardUrl: `/demo/cards/${patient('takahashi').cardId}.json`, pin: patient('takahashi').pin });
    const card = await app.inject({ method: 'GET', url: body.patients[0].cardUrl });
    expect(card.statusCode).toBe(200);
    expect(card.json().cardId).toBe(patient('takahashi').cardId);
    for (const url of ['/demo/cards/0123456789abcdef.json', '/demo/cards/..%2Fdemo-world.json', `/demo/cards/${patient('takahashi').cardId}`])
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(404);
    await app.close();

    const empty = Fastify();
    await empty.register(async (scope) => demoRoutes(scope, mkdtempSync(join(tmpdir(), 'tsunagu-no-demo-'))));
    const none = await empty.inject({ method: 'GET', url: '/demo/sign-ins' });
    expect(none.statusCode).toBe(404);
    expect(none.json().resourceType).toBe('OperationOutcome');
    await empty.close();
  });

  it('refuses to seed twice — by the data directory, and by the database when the directory has no world file', async () => {
    await expect(seedDemoWorld(t, { log: () => {} })).rejects.toThrow(DemoExistsError);
    const file = join(dataDir, 'demo-world.json');
    renameSync(file, `${file}.moved`);
    try {
      await expect(seedDemoWorld(t, { log: () => {} })).rejects.toThrow(/このデータベース|in this database/);
    } finally {
      renameSync(`${file}.moved`, file);
    }
  });
});

describe.skipIf(PACKAGES.length === 0)('the demo world without the JP-CLINS, check-up and prescription packages', () => {
  it('still creates facilities, staff, patients, cards and consents, and lists what it left out', async () => {
    const engine = engineHandle('pglite');
    const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-demo-bare-'));
    const config = configFromEnv(
      {},
      { dataDir, auditKeyFile: join(dataDir, 'audit.key'), auditChains: 4, igPackages: PACKAGES.filter((p) => p.includes('jp-core')) },
    );
    const demo = await createDemoTsunagu(config, { db: await engine.open(), logger: 'silent' });
    try {
      const world = await seedDemoWorld(demo.t, { clock: demo.clock, log: () => {} });
      expect(world.patients).toHaveLength(20);
      expect(world.signIns).toHaveLength(8);
      expect(world.skipped?.length).toBe(4);
      expect(world.skipped?.join('\n')).toContain('TSUNAGU_IG');
      expect(world.openPrescriptions).toBeUndefined();
    } finally {
      await demo.t.close();
      await engine.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('whether npm start creates the demo world', () => {
  const fresh = () => mkdtempSync(join(tmpdir(), 'tsunagu-start-'));
  it('does on a fresh embedded data directory', () => {
    expect(demoOnStart({ env: {}, dataDir: fresh() }).seed).toBe(true);
  });
  it('does not with TSUNAGU_DEMO=0, --no-demo, DATABASE_URL, in memory, or on a data directory that has a database', () => {
    expect(demoOnStart({ env: { TSUNAGU_DEMO: '0' }, dataDir: fresh() })).toMatchObject({ seed: false, en: expect.stringContaining('TSUNAGU_DEMO=0') });
    expect(demoOnStart({ env: {}, noDemo: true, dataDir: fresh() })).toMatchObject({ seed: false, en: expect.stringContaining('--no-demo') });
    expect(demoOnStart({ env: {}, databaseUrl: 'postgres://localhost/x', dataDir: fresh() })).toMatchObject({
      seed: false,
      en: expect.stringContaining('tsunagu demo'),
    });
    expect(demoOnStart({ env: {}, dataDir: 'memory://' }).seed).toBe(false);
    const used = fresh();
    mkdirSync(join(used, 'pg'));
    writeFileSync(join(used, 'pg', 'PG_VERSION'), '17\n');
    expect(demoOnStart({ env: {}, dataDir: used }).seed).toBe(false);
    expect(demoOnStart({ env: { TSUNAGU_DEMO: '1' }, dataDir: fresh() }).seed).toBe(true);
  });
});
