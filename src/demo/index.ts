/**
 * The demo world (issue 13): a clinic, a hospital, a pharmacy, a check-up provider and three insurers; their staff;
 * 20 patients with virtual My Number cards; five years of history (diagnoses, labs with trends, allergies, an
 * infection, 特定健診, e-prescriptions dispensed over the years and an open one, a referral letter waiting in the
 * clinic's inbox); consents at today's reception for most patients and none for two. Everything is written through
 * the platform's and services' own APIs — the facility directory and staff accounts, the HTTP operations in process
 * with the registered clients' tokens, the eligibility service's card functions — so every write is validated.
 *
 *   createDemoTsunagu(config, opts)  the files the services need at start, then the application with the demo's
 *                                    services (their clock travels while seeding; the test HPKI trusted)
 *   seedDemoWorld(t, opts)           the world into `t` (made by createDemoTsunagu: past e-prescriptions need its
 *                                    clock, their signatures its trust); refuses when the data directory or the
 *                                    database already has one
 *   demoRoutes(app, dataDir)         GET /demo/sign-ins, GET /demo/cards/:cardId.json
 *   demoOnStart(…)                   whether `tsunagu serve` seeds a fresh embedded data directory
 */
import type { Tsunagu } from '../app.ts';
import { DemoApi } from './api.ts';
import { DemoCalendar, type DemoClock } from './calendar.ts';
import { FACILITY_CODES } from './codes.ts';
import { addParties } from './facilities.ts';
import { demoCardAuthority, demoPaths, prepareDemoFiles } from './files.ts';
import { registerPatients } from './eligibility.ts';
import { registerCheckups } from './checkups.ts';
import { registerHistory } from './history.ts';
import { sendReferral } from './letters.ts';
import { registerPrescriptions, type PrescriptionsSeeded } from './prescriptions.ts';
import { DEMO_PROFILES } from './packages.ts';
import { declareDemoEmergency } from './emergency.ts';
import { registerProxies } from './proxies.ts';
import { receiveWithConsent } from './reception.ts';
import { addStaff } from './staff.ts';
import { type DemoWorld, readDemoWorld, writeDemoWorld } from './sign-ins.ts';

export { createDemoTsunagu, demoServices } from './services.ts';
export { demoRoutes } from './routes.ts';
export { demoDefaults, demoOnStart, type DemoStartDecision } from './start.ts';
export { readDemoWorld, printSignIns, type DemoWorld } from './sign-ins.ts';
export { DemoClock } from './calendar.ts';
export { FACILITY_CODES } from './codes.ts';
export { prepareDemoFiles, demoPaths } from './files.ts';

export interface SeedOptions {
  /** The day the history is counted back from (default: now). */
  today?: Date;
  /** The clock the services of `t` were built with (demoServices): it travels to each event's day while seeding. */
  clock?: DemoClock;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
}

export class DemoExistsError extends Error {}

/** Refuses when this data directory or this database already holds a demo world. */
async function refuseIfSeeded(t: Tsunagu): Promise<void> {
  const paths = demoPaths(t.platform.config);
  if (await readDemoWorld(paths.base))
    throw new DemoExistsError(
      `デモの世界はこのデータディレクトリに作成済みです（${paths.world}） / a demo world already exists in this data directory (${paths.world})`,
    );
  if (await t.platform.facilities.get(FACILITY_CODES.clinic))
    throw new DemoExistsError(
      `デモの世界はこのデータベースに作成済みです（${FACILITY_CODES.clinic} が施設名簿にあります） / a demo world already exists in this database (${FACILITY_CODES.clinic} is in the facility directory)`,
    );
}

export async function seedDemoWorld(t: Tsunagu, opts: SeedOptions = {}): Promise<DemoWorld> {
  const log = opts.log ?? ((line: string) => console.log(line));
  await refuseIfSeeded(t);
  const started = Date.now();
  const cal = new DemoCalendar(opts.today ?? new Date());
  const files = await prepareDemoFiles(t.platform.config, cal.now);
  const { paths } = files;
  const api = new DemoApi(t.app);
  const step = (ja: string, en: string) => log(`[demo ${((Date.now() - started) / 1000).toFixed(1)}s] ${ja} / ${en}`);

  step('施設と保険者', 'facilities and insurers');
  const parties = await addParties(t, log);
  step('職員アカウント', 'staff accounts');
  const signIns = await addStaff(t, parties, log);
  step('患者（資格情報とマイナンバーカード）', 'patients (eligibility and My Number cards)');
  const patients = await registerPatients(api, parties, cal, await demoCardAuthority(paths), paths, log);
  step('代理人', 'proxies');
  const proxies = await registerProxies(t.platform.proxies, patients, log);
  step('本日の受付と閲覧同意', "today's reception and consents");
  await receiveWithConsent(api, parties.clinic, patients, cal, log);

  const skipped: string[] = [];
  const loaded = (profile: string, what: string) => {
    if (t.platform.conformance.hasProfile(profile)) return true;
    skipped.push(`${what}（${profile} が読み込まれていません / not loaded: set TSUNAGU_IG）`);
    return false;
  };
  if (loaded(DEMO_PROFILES.clins, '6情報 / the 6 information')) {
    step('5年間の診療情報（6情報）', 'five years of clinical information (the 6 information)');
    await registerHistory(api, { clinic: parties.clinic, hospital: parties.hospital }, patients, cal, log);
  }
  if (loaded(DEMO_PROFILES.checkup, '特定健診 / check-ups')) {
    step('特定健診（5年分）', 'specific health check-ups (five years)');
    await registerCheckups(api, parties.checkup, patients, cal, log);
  }
  if (!opts.clock)
    skipped.push('過去の処方箋（デモの時計なし: createDemoTsunagu を使ってください） / past prescriptions (no demo clock: use createDemoTsunagu)');
  let prescriptions: PrescriptionsSeeded | undefined;
  if (loaded(DEMO_PROFILES.prescription, '電子処方箋 / e-prescriptions')) {
    step('電子処方箋（調剤済みと受付待ち）', 'e-prescriptions (dispensed over the years, one open)');
    prescriptions = await registerPrescriptions(api, parties, patients, cal, opts.clock, files, log);
  }
  step('救急時医療情報閲覧（病院の医師、3日前）', 'an emergency view (the hospital doctor, three days ago)');
  const emergency = await declareDemoEmergency(t.app, parties.hospital, signIns, patients, cal, opts.clock, log);
  let letter: string | undefined;
  if (loaded(DEMO_PROFILES.referral, '紹介状 / the referral letter')) {
    step('紹介状（病院から診療所へ）', 'a referral letter (hospital to clinic)');
    letter = await sendReferral(api, parties, patients, cal, opts.clock, log);
  }

  const world: DemoWorld = {
    createdAt: new Date().toISOString(),
    today: cal.today,
    signIns,
    ...(prescriptions ? { credentials: prescriptions.credentials, openPrescriptions: prescriptions.open } : {}),
    ...(letter ? { letters: [letter] } : {}),
    proxies,
    emergencyAccesses: [emergency],
    ...(skipped.length ? { skipped } : {}),
    patients: patients.map((p) => ({
      key: p.key,
      name: `${p.familyName} ${p.givenName}`,
      patientId: p.patientId,
      insuredNumber: p.memberId,
      birthDate: p.birthDate,
      clinicConsent: p.clinicConsent,
      cardId: p.card.cardId,
      card: p.card.path,
      pin: p.card.pin,
    })),
  };
  await writeDemoWorld(paths.base, world);
  step('完了', 'done');
  return world;
}
