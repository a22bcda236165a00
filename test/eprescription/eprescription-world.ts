/**
 * A running Tsunagu with the eligibility and e-prescription services, JP Core and the ePrescriptionData package
 * loaded, a clock the test moves, a test HPKI (医師, 歯科医師, 薬剤師), two registered people, two clinics, two
 * pharmacies and the patients' own tokens; prescriptions built from the official examples (JP Core 1.1.2 notation)
 * re-addressed to those people and facilities, with the drugs a test names.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { RequestContext } from '../../src/platform/auth/principal.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { japanDate } from '../../src/platform/master-files/japan-date.ts';
import { eligibilityService } from '../../src/services/eligibility/index.ts';
import { createEprescriptionService } from '../../src/services/eprescription/index.ts';
import { localPrescriberKey, signPrescriptionBundle, type PrescriberCredential } from '../../src/services/eprescription/signature/index.ts';
import { CLINIC, KYOKAI, OTHER_CLINIC, PHARMACY, eligibilityWorld, personRecord, type EligibilityWorld } from '../eligibility/service-fixtures.ts';
import { json } from '../helpers/tsunagu.ts';
import { TestClock } from '../sharing/sharing-world.ts';
import { EPRESCRIPTION_PACKAGE, JP_CORE_PACKAGE, officialExample, type OfficialExampleName } from './official-examples.ts';
import { hpkiWorld, type HpkiWorld } from './signature-fixtures.ts';

export { CLINIC, OTHER_CLINIC, PHARMACY, KYOKAI };
export const OTHER_PHARMACY = '1349876548';
type Json = Record<string, unknown>;

export interface Person {
  id: string;
  insurer: string;
  symbol: string;
  number: string;
  branch: string;
  birthDate: string;
  /** 被保険者個人識別子 `保険者番号:記号:番号:枝番`. */
  memberId: string;
}

/** A drug line: a coding of the drug master (system by shape), quantity, unit, days; options for the tests. */
export interface Drug {
  system: 'receipt' | 'yj' | 'general' | 'hot9';
  code: string;
  display?: string;
  text?: string;
  quantity?: number;
  unit?: string;
  days?: number;
  /** 後発品変更不可 code (0–3). */
  substitution?: '0' | '1' | '2' | '3';
}

const SYSTEM_URI = {
  receipt: 'urn:oid:1.2.392.100495.20.2.71',
  yj: 'urn:oid:1.2.392.100495.20.1.73',
  general: 'urn:oid:1.2.392.100495.20.1.81',
  hot9: 'urn:oid:1.2.392.200119.4.403.1',
} as const;

/** Sample-master drugs the tests use (names as in the master). */
export const DRUGS = {
  carbocisteine: { system: 'yj', code: '2233002F1280', display: 'カルボシステイン錠２５０ｍｇ' },
  lipitor10: { system: 'receipt', code: '610443014', display: 'リピトール錠１０ｍｇ' },
  lipitor5: { system: 'receipt', code: '610443013', display: 'リピトール錠５ｍｇ' },
  simvastatin: { system: 'receipt', code: '612180263', display: 'リポバス錠５　５ｍｇ' },
  itraconazole: { system: 'yj', code: '6290004M1029', display: 'イトリゾールカプセル５０', unit: 'カプセル' },
  triazolam: { system: 'yj', code: '1124007F2026', display: 'ハルシオン０．２５ｍｇ錠' },
  quazepam: { system: 'receipt', code: '610432031', display: 'ドラール錠２０　２０ｍｇ' },
  loxonin: { system: 'receipt', code: '620098801', display: 'ロキソニン錠６０ｍｇ' },
  loxoprofenSawai: { system: 'receipt', code: '620099301', display: 'ロキソプロフェンＮａ錠６０ｍｇ「サワイ」' },
  warfarin: { system: 'receipt', code: '613330003', display: 'ワーファリン錠１ｍｇ' },
} satisfies Record<string, Drug>;

export interface RxOptions {
  facility?: string;
  drugs?: Drug[];
  /** Extra uses (numberOfRepeatsAllowed); total uses = 1 + this. */
  repeats?: number;
  /** 分割指示 (category 03). */
  split?: boolean;
  /** 交付日 (default today on the clock). */
  issuedOn?: string;
  example?: OfficialExampleName;
  /** Bundle.identifier value (default a fresh one). */
  documentId?: string;
}

export interface RxWorld {
  w: EligibilityWorld;
  clock: TestClock;
  hpki: HpkiWorld;
  alice: Person;
  bob: Person;
  tokens: { clinic: string; other: string; pharmacy: string; otherPharmacy: string; alice: string; bob: string; insurer: string; operator: string };
  today(): string;
  /** An unsigned prescription for `person`. */
  prescription(person: Person, opts?: RxOptions): Bundle;
  sign(bundle: Bundle, credential?: PrescriberCredential): Promise<Bundle>;
  /** POST /fhir/$<op> with a Parameters body built from `params` (resources under `resource`, values typed by key). */
  op(token: string, name: string, params: { name: string; [k: string]: unknown }[]): Promise<{ status: number; body: Json }>;
  register(token: string, bundle: Bundle, overrideReason?: string): Promise<{ status: number; body: Json }>;
  consent(patientId: string, code: string, kind: 'facility' | 'pharmacy'): Promise<string>;
  /** The facility of `token` receives `person` at its desk ($verify-insurance): a reception in its history. */
  receive(person: Person, token: string): Promise<void>;
  close(): Promise<void>;
}

let docNo = 0;

/** The value of output parameter `name` (first), e.g. valueString. */
export function out(body: Json, name: string): unknown {
  const p = ((body.parameter as Json[] | undefined) ?? []).find((x) => x.name === name);
  if (!p) return undefined;
  const key = Object.keys(p).find((k) => k.startsWith('value') || k === 'resource' || k === 'part');
  return key ? p[key] : undefined;
}
export const outAll = (body: Json, name: string): Json[] => ((body.parameter as Json[] | undefined) ?? []).filter((x) => x.name === name);
/** The value of part `name` of a parameter. */
export function part(param: Json, name: string): unknown {
  const p = ((param.part as Json[] | undefined) ?? []).find((x) => x.name === name);
  if (!p) return undefined;
  const key = Object.keys(p).find((k) => k.startsWith('value') || k === 'resource' || k === 'part');
  return key ? p[key] : undefined;
}
export const parts = (param: Json, name: string): Json[] => ((param.part as Json[] | undefined) ?? []).filter((x) => x.name === name);
export const issueTexts = (body: Json): string[] =>
  ((body.issue as { details?: { text?: string }; diagnostics?: string }[]) ?? []).map((i) => `${i.details?.text} ⟂ ${i.diagnostics}`);

function setDrugs(b: Json, drugs: Drug[], repeats: number): void {
  const entries = b.entry as { fullUrl: string; resource: Json }[];
  const mrs = entries.filter((e) => e.resource.resourceType === 'MedicationRequest');
  const template = structuredClone(mrs[0]);
  const composition = entries[0].resource;
  const section = (composition.section as { entry: { reference: string }[] }[])[0];
  const at = entries.indexOf(mrs[0]);
  const fresh = drugs.map((d, i) => {
    const e = structuredClone(template);
    e.fullUrl = `urn:uuid:00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
    const r = e.resource;
    r.id = undefined;
    delete r.id;
    r.medicationCodeableConcept = {
      coding: [{ system: SYSTEM_URI[d.system], code: d.code, ...(d.display !== undefined ? { display: d.display } : {}) }],
      ...((d.text ?? d.display) ? { text: d.text ?? d.display } : {}),
    };
    const dr = r.dispenseRequest as Json;
    dr.quantity = { ...(dr.quantity as Json), value: d.quantity ?? 14, unit: d.unit ?? '錠' };
    dr.expectedSupplyDuration = { value: d.days ?? 7, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' };
    if (repeats > 0) dr.numberOfRepeatsAllowed = repeats;
    r.substitution = { allowedCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.41', code: d.substitution ?? '0' }] } };
    const ids = (r.identifier as { system: string; value: string }[]) ?? [];
    for (const id of ids) if (id.system.endsWith('Medication-RPGroupNumber')) id.value = String(i + 1);
    return e;
  });
  const keep = entries.filter((e) => e.resource.resourceType !== 'MedicationRequest');
  keep.splice(at, 0, ...fresh);
  b.entry = keep;
  const mrRefs = new Set(mrs.map((e) => e.fullUrl));
  section.entry = [...section.entry.filter((s) => !mrRefs.has(s.reference)), ...fresh.map((e) => ({ reference: e.fullUrl }))];
}

export async function rxWorld(engine: 'pglite' | 'postgres'): Promise<RxWorld> {
  const clock = new TestClock(new Date());
  const hpki = await hpkiWorld();
  const w = await eligibilityWorld(engine, {
    config: { igPackages: [JP_CORE_PACKAGE, EPRESCRIPTION_PACKAGE] },
    services: [eligibilityService, createEprescriptionService({ clock: clock.get, trust: hpki.trust })],
  });
  const reg = await w.register([
    personRecord({ symbol: '1234567', number: '89', birth_date: '1985-01-01' }),
    personRecord({ symbol: '1234567', number: '90', family_name: '佐藤', given_name: '一郎', birth_date: '1970-05-05', sex: 1 }),
  ]);
  const [aliceId, bobId] = reg.results.map((r) => r.patient!.replace('Patient/', ''));
  const person = (id: string, number: string, birthDate: string): Person => ({
    id,
    insurer: KYOKAI,
    symbol: '1234567',
    number,
    branch: '00',
    birthDate,
    memberId: `${KYOKAI}:1234567:${number}:00`,
  });
  const alice = person(aliceId, '89', '1985-01-01');
  const bob = person(bobId, '90', '1970-05-05');
  const add = async (kind: 'facility' | 'pharmacy' | 'insurer' | 'operator' | 'patient', facilityCode?: string, patientId?: string) =>
    (await w.s.addClient({ kind, facilityCode, patientId, scopes: kind === 'patient' ? ['patient/*.rs'] : ['system/*.rs'] })).token;
  const tokens = {
    clinic: await add('facility', CLINIC),
    other: await add('facility', OTHER_CLINIC),
    pharmacy: await add('pharmacy', PHARMACY),
    otherPharmacy: await add('pharmacy', OTHER_PHARMACY),
    alice: await add('patient', undefined, aliceId),
    bob: await add('patient', undefined, bobId),
    insurer: await add('insurer', KYOKAI),
    operator: await add('operator'),
  };
  const platform = w.s.t.platform;
  const reader = (code: string, kind: 'facility' | 'pharmacy'): RequestContext => ({
    principal: { clientId: `reader-${code}`, name: `reader ${code}`, kind, facilityCode: code, scopes: parseScopes('system/*.*') },
    purpose: 'TREAT',
  });
  const today = () => japanDate(clock.now);
  const op: RxWorld['op'] = async (token, name, params) => {
    const res = await w.request({ method: 'POST', url: `/fhir/$${name}`, token, body: { resourceType: 'Parameters', parameter: params } });
    return { status: res.statusCode, body: json(res) };
  };
  return {
    w,
    clock,
    hpki,
    alice,
    bob,
    tokens,
    today,
    prescription(p, opts = {}) {
      const issuedOn = opts.issuedOn ?? today();
      const b = officialExample(opts.example ?? 'ePreData-Example01', {
        insurer: p.insurer,
        symbol: p.symbol,
        number: p.number,
        branch: p.branch,
        birthDate: p.birthDate,
        facilityCode: opts.facility ?? CLINIC,
        issuedOn,
        authoredAt: `${issuedOn}T09:30:00+09:00`,
      }) as unknown as Json;
      b.identifier = { system: 'urn:ietf:rfc:3986', value: opts.documentId ?? `urn:uuid:00000000-0000-4000-9000-${String(++docNo).padStart(12, '0')}` };
      if (opts.drugs || opts.repeats) setDrugs(b, opts.drugs ?? [DRUGS.carbocisteine], opts.repeats ?? 0);
      if (opts.split) {
        const c = (b.entry as { resource: Json }[])[0].resource;
        c.category = [{ coding: [{ system: 'http://jpfhir.jp/fhir/ePrescription/CodeSystem/prescription-category', code: '03', display: '分割一般処方' }] }];
      }
      return b as unknown as Bundle;
    },
    sign: (bundle, credential = hpki.doctor) => signPrescriptionBundle(bundle, localPrescriberKey(credential), { at: clock.now }),
    op,
    register: (token, bundle, overrideReason) =>
      op(token, 'register-prescription', [
        { name: 'resource', resource: bundle },
        ...(overrideReason ? [{ name: 'overrideReason', valueString: overrideReason }] : []),
      ]),
    async consent(patientId, code, kind) {
      const from = new Date(Math.min(clock.now.getTime(), Date.now()) - 60_000);
      const recorded = await platform.repo.transaction(
        (session) =>
          platform.consent.record(session, reader(code, kind), {
            patientId,
            recipient: { kind, code, name: `${kind} ${code}` },
            category: 'medication',
            decision: 'permit',
            validFrom: from,
            validTo: new Date(clock.now.getTime() + 400 * 86_400_000),
            policy: 'outpatient',
          }),
        { trusted: true },
      );
      return recorded.consentId;
    },
    async receive(p, token) {
      const res = await op(token, 'verify-insurance', [
        { name: 'insurerNumber', valueString: p.insurer },
        { name: 'symbol', valueString: p.symbol },
        { name: 'number', valueString: p.number },
        { name: 'branch', valueString: p.branch },
        { name: 'birthDate', valueDate: p.birthDate },
      ]);
      if (out(res.body, 'result') !== true) throw new Error(`reception failed: ${JSON.stringify(res.body).slice(0, 300)}`);
    },
    close: async () => {
      await w.close();
      await hpki.close();
    },
  };
}
