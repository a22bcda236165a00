/**
 * A running Tsunagu with the eligibility and sharing services, the JP Core and JP-CLINS packages loaded, a clock the
 * test moves, two registered people, and clients of every kind the sharing rules distinguish.
 */
import { join } from 'node:path';
import type { ConsentCategory } from '../../src/platform/consent/categories.ts';
import type { RequestContext } from '../../src/platform/auth/principal.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { eligibilityService } from '../../src/services/eligibility/index.ts';
import { createSharingService } from '../../src/services/sharing/index.ts';
import { CLINIC, KYOKAI, KUMIAI, OTHER_CLINIC, PHARMACY, eligibilityWorld, personRecord, type EligibilityWorld } from '../eligibility/service-fixtures.ts';
import { json } from '../helpers/tsunagu.ts';
import { sharedFhirDir } from '../helpers/shared-dir.ts';
import { clinsBundle, type TestPerson } from './clins-examples.ts';

export { CLINIC, OTHER_CLINIC, PHARMACY, KYOKAI, KUMIAI };
export const THIRD_CLINIC = '1319876544';
type Json = Record<string, unknown>;

export class TestClock {
  constructor(public now: Date) {}
  readonly get = () => this.now;
  advanceDays(days: number): void {
    this.now = new Date(this.now.getTime() + days * 86_400_000);
  }
}

const ITEM_SCOPES = [
  'system/Condition.cruds',
  'system/Observation.cruds',
  'system/AllergyIntolerance.cruds',
  'system/MedicationRequest.cruds',
  'system/Patient.rs',
];

export interface SharingWorld {
  w: EligibilityWorld;
  clock: TestClock;
  alice: TestPerson & { id: string };
  bob: TestPerson & { id: string };
  tokens: { clinic: string; other: string; third: string; pharmacy: string; kyokai: string; kumiai: string; operator: string; alice: string; bob: string };
  request: EligibilityWorld['request'];
  register(token: string, bundle: Json): Promise<{ status: number; body: Json }>;
  view(token: string, patientId: string, query?: string): Promise<{ status: number; body: Json; refs: string[] }>;
  consent(patientId: string, facility: string, category: ConsentCategory, hours?: number, kind?: 'facility' | 'pharmacy'): Promise<string>;
  clins(person: TestPerson, category: string, items: Json[], facility?: string): Json;
  close(): Promise<void>;
}

/** `opts.packages`: more IG packages to load (paths), e.g. the eCheckupReport package for check-up reports. */
export async function sharingWorld(engine: 'pglite' | 'postgres', opts: { packages?: string[] } = {}): Promise<SharingWorld> {
  const clock = new TestClock(new Date());
  const packages = join(sharedFhirDir(), 'packages');
  const w = await eligibilityWorld(engine, {
    config: { igPackages: [join(packages, 'jp-core.r4-1.1.2-url.tgz'), join(packages, 'jp-eCSCLINS.r4-1.5.2-snap.tgz'), ...(opts.packages ?? [])] },
    services: [eligibilityService, createSharingService({ clock: clock.get })],
  });
  const reg = await w.register([
    personRecord({ symbol: '1234567', number: '89', birth_date: '1985-01-01' }),
    personRecord({ symbol: '1234567', number: '90', family_name: '佐藤', given_name: '一郎', birth_date: '1970-05-05', sex: 1 }),
  ]);
  const [aliceId, bobId] = reg.results.map((r) => r.patient!.replace('Patient/', ''));
  const alice = { id: aliceId, memberId: `${KYOKAI}:1234567:89:00`, birthDate: '1985-01-01' };
  const bob = { id: bobId, memberId: `${KYOKAI}:1234567:90:00`, birthDate: '1970-05-05' };
  const add = async (kind: 'facility' | 'pharmacy' | 'insurer' | 'operator' | 'patient', facilityCode?: string, patientId?: string, scopes = ITEM_SCOPES) =>
    (await w.s.addClient({ kind, facilityCode, patientId, scopes })).token;
  const tokens = {
    clinic: await add('facility', CLINIC),
    other: await add('facility', OTHER_CLINIC),
    third: await add('facility', THIRD_CLINIC),
    pharmacy: await add('pharmacy', PHARMACY),
    kyokai: await add('insurer', KYOKAI),
    kumiai: await add('insurer', KUMIAI),
    operator: await add('operator', undefined, undefined, ['system/*.*']),
    alice: await add('patient', undefined, aliceId, ['patient/*.rs', 'patient/Subscription.cruds']),
    bob: await add('patient', undefined, bobId, ['patient/*.rs', 'patient/Subscription.cruds']),
  };
  const platform = w.s.t.platform;
  const reader = (code: string, kind: 'facility' | 'pharmacy'): RequestContext => ({
    principal: { clientId: `reader-${code}`, name: `reader ${code}`, kind, facilityCode: code, scopes: parseScopes('system/*.*') },
    purpose: 'TREAT',
  });
  return {
    w,
    clock,
    alice,
    bob,
    tokens,
    request: w.request,
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
    async consent(patientId, facility, category, hours = 24, kind = 'facility') {
      const from = clock.now;
      const recorded = await platform.repo.transaction(
        (session) =>
          platform.consent.record(session, reader(facility, kind), {
            patientId,
            recipient: { kind, code: facility, name: `facility ${facility}` },
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

/** References of the stored items of a registration answer. */
export function storedRefs(body: Json): string[] {
  return ((body.parameter as { name: string; part?: { name: string; valueReference?: { reference: string } }[] }[]) ?? [])
    .filter((p) => p.name === 'item')
    .map((p) => p.part!.find((x) => x.name === 'reference')!.valueReference!.reference);
}

/** The issues of an OperationOutcome as `Japanese ⟂ English` lines. */
export const issueTexts = (body: Json): string[] =>
  ((body.issue as { details?: { text?: string }; diagnostics?: string }[]) ?? []).map((i) => `${i.details?.text} ⟂ ${i.diagnostics}`);

/** A websocket Subscription of `token`'s organisation or person to `topic` (id-only); its id. */
export async function subscribeTo(sw: SharingWorld, token: string, topic: string): Promise<string> {
  const res = await sw.request({
    method: 'POST',
    url: '/fhir/Subscription',
    token,
    body: {
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'テストの通知',
      criteria: topic,
      channel: {
        type: 'websocket',
        payload: 'application/fhir+json',
        _payload: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content', valueCode: 'id-only' }] },
      },
    },
  });
  if (res.statusCode !== 201) throw new Error(`subscribe: ${res.statusCode} ${res.body}`);
  return json(res).id as string;
}

/** The focus references of a Subscription's stored events ($events). */
export async function eventFoci(sw: SharingWorld, token: string, id: string): Promise<string[]> {
  const res = await sw.request({ method: 'GET', url: `/fhir/Subscription/${id}/$events?eventsSinceNumber=1`, token });
  if (res.statusCode !== 200) throw new Error(`$events: ${res.statusCode} ${res.body}`);
  const params = (json(res).entry?.[0]?.resource?.parameter ?? []) as { name: string; part?: { name: string; valueReference?: { reference: string } }[] }[];
  return params.filter((p) => p.name === 'notification-event').map((p) => p.part?.find((x) => x.name === 'focus')?.valueReference?.reference ?? '');
}
