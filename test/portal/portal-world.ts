/**
 * A running Tsunagu with the eligibility, sharing, e-prescription and portal services (JP Core and JP-CLINS loaded),
 * a clock the tests move, two registered people (alice, bob), their patient tokens, clients of every other kind, and
 * the facility directory holding the clinics and the pharmacy (one closed facility too).
 */
import { join } from 'node:path';
import type { RequestContext } from '../../src/platform/auth/principal.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import type { ConsentCategory } from '../../src/platform/consent/categories.ts';
import type { ServiceModule } from '../../src/platform/service.ts';
import { eligibilityService } from '../../src/services/eligibility/index.ts';
import { createEprescriptionService } from '../../src/services/eprescription/index.ts';
import { createPortalService } from '../../src/services/portal/index.ts';
import { createSharingService } from '../../src/services/sharing/index.ts';
import { CLINIC, KYOKAI, OTHER_CLINIC, PHARMACY, eligibilityWorld, personRecord, type EligibilityWorld } from '../eligibility/service-fixtures.ts';
import { sharedFhirDir } from '../helpers/shared-dir.ts';
import { json } from '../helpers/tsunagu.ts';
import { clinsBundle, type TestPerson } from '../sharing/clins-examples.ts';
import { TestClock } from '../sharing/sharing-world.ts';

export { CLINIC, OTHER_CLINIC, PHARMACY, KYOKAI };
export const THIRD_CLINIC = '1319876544';
/** A clinic in the directory that has closed. */
export const CLOSED_CLINIC = '1310000011';
/** A well-formed 医療機関コード that is not in the directory. */
export const UNKNOWN_CLINIC = '1319999999';
export type Json = Record<string, any>;

const STAFF_SCOPES = [
  'system/Condition.cruds',
  'system/Observation.cruds',
  'system/AllergyIntolerance.cruds',
  'system/MedicationRequest.cruds',
  'system/Patient.rs',
  'system/Consent.rs',
];

export interface PortalWorld {
  w: EligibilityWorld;
  clock: TestClock;
  alice: TestPerson & { id: string };
  bob: TestPerson & { id: string };
  tokens: { clinic: string; other: string; third: string; pharmacy: string; insurer: string; operator: string; alice: string; bob: string };
  request: EligibilityWorld['request'];
  /** GET (no body) or POST (Parameters) of a portal or other operation. */
  op(
    token: string,
    name: string,
    params?: Json[],
    method?: 'GET' | 'POST',
    query?: string,
  ): Promise<{ status: number; body: Json; headers: Record<string, unknown>; raw: Buffer }>;
  register(token: string, bundle: Json): Promise<{ status: number; body: Json }>;
  view(token: string, patientId: string, query?: string): Promise<{ status: number; body: Json; refs: string[] }>;
  /** A consent at the reader of `facility` (as the reception would record it). */
  readerConsent(patientId: string, facility: string, category: ConsentCategory, hours?: number): Promise<string>;
  clins(person: TestPerson, category: string, items: Json[], facility?: string): Json;
  close(): Promise<void>;
}

/** `more`: further services on the same clock (the emergency service's tests). */
export async function portalWorld(engine: 'pglite' | 'postgres', more: (clock: TestClock) => ServiceModule[] = () => []): Promise<PortalWorld> {
  const clock = new TestClock(new Date());
  const packages = join(sharedFhirDir(), 'packages');
  const w = await eligibilityWorld(engine, {
    config: { igPackages: [join(packages, 'jp-core.r4-1.1.2-url.tgz'), join(packages, 'jp-eCSCLINS.r4-1.5.2-snap.tgz')] },
    services: [
      eligibilityService,
      createSharingService({ clock: clock.get }),
      createEprescriptionService({ clock: clock.get }),
      createPortalService({ clock: clock.get }),
      ...more(clock),
    ],
  });
  const reg = await w.register([
    personRecord({ symbol: '1234567', number: '89', birth_date: '1985-01-01' }),
    personRecord({ symbol: '1234567', number: '90', family_name: '佐藤', given_name: '一郎', birth_date: '1970-05-05', sex: 1 }),
  ]);
  const [aliceId, bobId] = reg.results.map((r) => r.patient!.replace('Patient/', ''));
  const alice = { id: aliceId, memberId: `${KYOKAI}:1234567:89:00`, birthDate: '1985-01-01' };
  const bob = { id: bobId, memberId: `${KYOKAI}:1234567:90:00`, birthDate: '1970-05-05' };
  const platform = w.s.t.platform;
  for (const f of [
    { code: CLINIC, name: 'つなぐ内科クリニック', kind: 'facility' as const },
    { code: OTHER_CLINIC, name: '別の医院', kind: 'facility' as const },
    { code: THIRD_CLINIC, name: '第三病院', kind: 'facility' as const },
    { code: PHARMACY, name: 'つなぐ薬局', kind: 'pharmacy' as const },
    { code: CLOSED_CLINIC, name: '閉院した診療所', kind: 'facility' as const, active: false },
    { code: KYOKAI, name: '全国健康保険協会東京支部', kind: 'insurer' as const },
  ])
    await platform.facilities.add(f);
  const add = async (kind: 'facility' | 'pharmacy' | 'insurer' | 'operator' | 'patient', facilityCode?: string, patientId?: string, scopes = STAFF_SCOPES) =>
    (await w.s.addClient({ kind, facilityCode, patientId, scopes })).token;
  const tokens = {
    clinic: await add('facility', CLINIC),
    other: await add('facility', OTHER_CLINIC),
    third: await add('facility', THIRD_CLINIC),
    pharmacy: await add('pharmacy', PHARMACY),
    insurer: await add('insurer', KYOKAI),
    operator: await add('operator', undefined, undefined, ['system/*.*']),
    alice: await add('patient', undefined, aliceId, ['patient/*.rs']),
    bob: await add('patient', undefined, bobId, ['patient/*.rs']),
  };
  const reader = (code: string): RequestContext => ({
    principal: { clientId: `reader-${code}`, name: `reader ${code}`, kind: 'facility', facilityCode: code, scopes: parseScopes('system/*.*') },
    purpose: 'TREAT',
  });
  return {
    w,
    clock,
    alice,
    bob,
    tokens,
    request: w.request,
    async op(token, name, params, method = 'POST', query = '') {
      const res = await w.request({
        method,
        url: `/fhir/$${name}${query}`,
        token,
        body: method === 'POST' ? { resourceType: 'Parameters', parameter: params ?? [] } : undefined,
      });
      const isJson = String(res.headers['content-type'] ?? '').includes('json');
      return { status: res.statusCode, body: isJson ? json(res) : {}, headers: res.headers, raw: res.rawPayload };
    },
    async register(token, bundle) {
      const res = await w.request({ method: 'POST', url: '/fhir/$register-clinical-information', token, body: bundle });
      return { status: res.statusCode, body: json(res) };
    },
    async view(token, patientId, query = '') {
      const res = await w.request({ method: 'GET', url: `/fhir/Patient/${patientId}/$clinical-information${query}`, token });
      const body = json(res);
      const refs = ((body.entry as { resource: Json; search?: { mode?: string } }[] | undefined) ?? [])
        .filter((e) => e.search?.mode === 'match')
        .map((e) => `${e.resource.resourceType}/${e.resource.id}`);
      return { status: res.statusCode, body, refs };
    },
    async readerConsent(patientId, facility, category, hours = 24) {
      const from = clock.now;
      const recorded = await platform.repo.transaction(
        (session) =>
          platform.consent.record(session, reader(facility), {
            patientId,
            recipient: { kind: 'facility', code: facility, name: `facility ${facility}` },
            category,
            decision: 'permit',
            validFrom: from,
            validTo: new Date(from.getTime() + hours * 3600_000),
            policy: 'outpatient',
          }),
        { trusted: true },
      );
      return recorded.consentId;
    },
    clins: (person, category, items, facility = CLINIC) => clinsBundle(person, category, items, facility),
    close: () => w.close(),
  };
}

/** The parts of every `name` parameter as objects of their values (part name → value). */
export function partsOf(body: Json, name: string): Json[] {
  return ((body.parameter ?? []) as Json[])
    .filter((p) => p.name === name)
    .map((p) => Object.fromEntries((p.part as Json[]).map((x) => [x.name, x[Object.keys(x).find((k) => k.startsWith('value'))!]])));
}
export const valueNamed = (body: Json, name: string): unknown => {
  const p = ((body.parameter ?? []) as Json[]).find((x) => x.name === name);
  return p ? p[Object.keys(p).find((k) => k.startsWith('value'))!] : undefined;
};
