/** A running Tsunagu with the eligibility service, a card CA it trusts, and clients of every kind it needs. */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';
import { Card, createCardAuthority, issueCard, type CardAuthority, type CardKeyType } from '../../src/services/eligibility/reception/card/index.ts';
import { cardPaths, eligibilityRuntime, type EligibilityRuntime } from '../../src/services/eligibility/model/runtime.ts';
import { describeUserCertificate, linkCertificate } from '../../src/services/eligibility/reception/cards.ts';
import { makeInsurerNumber } from '../../src/services/eligibility/model/numbers.ts';
import type { RequestContext } from '../../src/platform/auth/principal.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { TEST_KDF_COST } from './card-fixtures.ts';
import type { ServiceModule } from '../../src/platform/service.ts';

export const CLINIC = '1312345679';
export const OTHER_CLINIC = '1311234569';
export const PHARMACY = '1342345673';
export const KYOKAI = makeInsurerNumber('01', '13', '001'); // 01130012
export const KUMIAI = makeInsurerNumber('06', '13', '345');

export interface EligibilityWorld {
  s: TestServer;
  rt: EligibilityRuntime;
  ca: CardAuthority;
  dir: string;
  tokens: { clinic: string; otherClinic: string; pharmacy: string; kyokai: string; kumiai: string; operator: string; municipality: string };
  /** Registers records through the API as the insurer of their insurer number. */
  register(records: Record<string, string | number>[]): Promise<{ results: { status: string; patient?: string; coverage?: string }[] }>;
  /** Issues a card for a registered person and links it. */
  card(
    patientId: string,
    opts?: { pin?: string; keyType?: CardKeyType; authority?: CardAuthority; now?: Date; validDays?: number; link?: boolean },
  ): Promise<{ card: Card; serial: string; path: string }>;
  /** Re-issues the CA's CRL into the trust directory and reloads it. */
  publishCrl(authority?: CardAuthority): Promise<void>;
  request: TestServer['request'];
  close(): Promise<void>;
}

let cardNo = 0;

export function personRecord(over: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    insurer_number: KYOKAI,
    symbol: '1234567',
    number: '89',
    branch: '00',
    relationship: 1,
    family_name: '山﨑',
    given_name: '花子',
    family_name_kana: 'ヤマザキ',
    given_name_kana: 'ハナコ',
    birth_date: '1985-01-01',
    sex: 2,
    acquired_on: '2019-04-01',
    copay_ratio: 3,
    ...over,
  };
}

export async function eligibilityWorld(
  engine: 'pglite' | 'postgres',
  opts: { config?: Record<string, unknown>; services?: ServiceModule[] } = {},
): Promise<EligibilityWorld> {
  const s = await startTestServer(engine, opts.config, { services: opts.services });
  const rt = eligibilityRuntime(s.t.platform);
  const paths = cardPaths(s.t.platform.config);
  const dir = s.dataDir;
  const ca = await createCardAuthority({ dir: paths.caDir });
  await mkdir(paths.trustDir, { recursive: true });
  await copyFile(join(paths.caDir, 'ca.crt.pem'), join(paths.trustDir, 'test-ca.crt.pem'));
  await writeFile(join(paths.trustDir, 'test-ca.crl.pem'), await ca.issueCrl());
  await rt.trust.reload(true);

  const reception = [
    'system/Coverage.rs',
    'system/Patient.rs',
    'system/Consent.cruds',
    'system/MedicationDispense.rs',
    'system/Procedure.rs',
    'system/Observation.rs',
  ];
  const insurerScopes = ['system/Coverage.cruds', 'system/Patient.rs', 'system/MedicationDispense.crs', 'system/Procedure.crs', 'system/Observation.crs'];
  const tokens = {
    clinic: (await s.addClient({ kind: 'facility', facilityCode: CLINIC, scopes: reception, name: 'つなぐ内科クリニック' })).token,
    otherClinic: (await s.addClient({ kind: 'facility', facilityCode: OTHER_CLINIC, scopes: reception, name: '別の医院' })).token,
    pharmacy: (await s.addClient({ kind: 'pharmacy', facilityCode: PHARMACY, scopes: reception, name: 'つなぐ薬局' })).token,
    kyokai: (await s.addClient({ kind: 'insurer', facilityCode: KYOKAI, scopes: insurerScopes, name: '全国健康保険協会東京支部' })).token,
    kumiai: (await s.addClient({ kind: 'insurer', facilityCode: KUMIAI, scopes: insurerScopes, name: 'つなぐ健康保険組合' })).token,
    operator: (await s.addClient({ kind: 'operator', scopes: ['system/*.*'] })).token,
    municipality: (await s.addClient({ kind: 'municipality', facilityCode: '131016', scopes: ['system/*.rs'] })).token,
  };
  const operatorCtx: RequestContext = {
    principal: { clientId: 'test-operator', name: 'test', kind: 'operator', scopes: parseScopes('system/*.*') },
    purpose: 'HOPERAT',
  };

  const world: EligibilityWorld = {
    s,
    rt,
    ca,
    dir,
    tokens,
    request: s.request,
    async register(records) {
      const byInsurer = new Map<string, number[]>();
      for (const [i, r] of records.entries()) byInsurer.set(String(r.insurer_number), [...(byInsurer.get(String(r.insurer_number)) ?? []), i]);
      const results: { status: string; patient?: string; coverage?: string }[] = new Array(records.length);
      for (const [insurer, indexes] of byInsurer) {
        const token = insurer === KYOKAI ? tokens.kyokai : insurer === KUMIAI ? tokens.kumiai : tokens.operator;
        const res = await s.request({ method: 'POST', url: '/eligibility/records', token, body: { records: indexes.map((i) => records[i]) } });
        if (res.statusCode !== 200) throw new Error(`register: ${res.statusCode} ${res.body}`);
        for (const [k, r] of (json(res).results as { status: string }[]).entries()) results[indexes[k]] = r;
      }
      return { results };
    },
    async card(patientId, opts = {}) {
      const authority = opts.authority ?? ca;
      const path = join(dir, `card-${++cardNo}.json`);
      const issued = await issueCard({
        authority,
        path,
        pin: opts.pin ?? '1234',
        keyType: opts.keyType ?? 'P-256',
        pinKdfCost: TEST_KDF_COST,
        now: opts.now,
        validDays: opts.validDays,
      });
      if (opts.link !== false) {
        const info = describeUserCertificate(issued.certificatePem, rt.trust);
        await linkCertificate(s.t.platform, operatorCtx, info, patientId);
      }
      return { card: await Card.open(path), serial: issued.serial, path };
    },
    async publishCrl(authority = ca) {
      await writeFile(join(paths.trustDir, authority === ca ? 'test-ca.crl.pem' : `${authority.fingerprint.slice(0, 8)}.crl.pem`), await authority.issueCrl());
      await rt.trust.reload(true);
    },
    close: () => s.close(),
  };
  return world;
}

/** The reception flow over the API: challenge → card signs → $verify-card. Returns the Parameters as a map. */
export async function presentCard(
  w: EligibilityWorld,
  card: Card,
  opts: { pin?: string; face?: boolean; token?: string; visitDate?: string; tamper?: (a: Record<string, unknown>) => void; nameDisplay?: string } = {},
) {
  const token = opts.token ?? w.tokens.clinic;
  const ch = await w.request({ method: 'POST', url: '/fhir/$card-challenge', token, body: { resourceType: 'Parameters' } });
  if (ch.statusCode !== 200) throw new Error(`challenge: ${ch.statusCode} ${ch.body}`);
  const challenge = paramsMap(json(ch)).challenge as string;
  const signed = await card.sign(challenge, opts.face ? { faceMatched: true } : { pin: opts.pin ?? '1234' });
  if (!signed.ok) return { cardRefusal: signed, status: 0, out: {} as Record<string, unknown>, body: undefined, assertion: undefined };
  const assertion = { ...signed.assertion } as unknown as Record<string, unknown>;
  opts.tamper?.(assertion);
  const res = await verifyAssertion(w, assertion, { token, visitDate: opts.visitDate, nameDisplay: opts.nameDisplay });
  return { ...res, assertion };
}

export async function verifyAssertion(
  w: EligibilityWorld,
  a: Record<string, unknown>,
  opts: { token?: string; visitDate?: string; nameDisplay?: string } = {},
) {
  const parameter = [
    { name: 'challenge', valueString: a.challenge },
    { name: 'signature', valueString: a.signature },
    { name: 'certificate', valueString: a.certificate },
    ...((a.chain as string[]) ?? []).map((c) => ({ name: 'chain', valueString: c })),
    { name: 'method', valueCode: a.method },
    ...(opts.visitDate ? [{ name: 'visitDate', valueDate: opts.visitDate }] : []),
    ...(opts.nameDisplay ? [{ name: 'nameDisplay', valueCode: opts.nameDisplay }] : []),
  ];
  const res = await w.request({
    method: 'POST',
    url: '/fhir/$verify-card',
    token: opts.token ?? w.tokens.clinic,
    body: { resourceType: 'Parameters', parameter },
  });
  return { status: res.statusCode, out: res.statusCode === 200 ? paramsMap(json(res)) : {}, body: json(res), cardRefusal: undefined };
}

/** Parameters → { name: value } (value[x], resource, or the parts as a nested map; repeated names become arrays). */
export function paramsMap(p: { parameter?: Record<string, unknown>[] }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of p.parameter ?? []) {
    const name = entry.name as string;
    const key = Object.keys(entry).find((k) => k.startsWith('value'));
    const v = entry.part ? paramsMap({ parameter: entry.part as Record<string, unknown>[] }) : (entry.resource ?? (key ? entry[key] : undefined));
    if (name in out) out[name] = [...(Array.isArray(out[name]) ? (out[name] as unknown[]) : [out[name]]), v];
    else out[name] = v;
  }
  return out;
}

export function codeOf(out: Record<string, unknown>): string {
  return (out.code as { code: string }).code;
}

/** The clinic-side client over the in-process server. */
export function transportFor(w: EligibilityWorld, token: string): import('../../src/services/eligibility/reception/reception-client.ts').PlatformTransport {
  return {
    async post(path, body) {
      const res = await w.request({ method: 'POST', url: path, token, body });
      return { status: res.statusCode, body: res.body ? json(res) : undefined };
    },
  };
}

/** AuditEvents of a patient, as the patient sees them. */
export async function auditOf(
  w: EligibilityWorld,
  patientId: string,
): Promise<{ subtype: string; outcome: string; agent: string; desc?: string; policy?: string[]; entities: string[] }[]> {
  await w.s.t.platform.readAudit.drain();
  const client = await w.s.addClient({ kind: 'patient', patientId, scopes: ['patient/*.rs'] });
  const res = await w.request({ method: 'GET', url: `/fhir/AuditEvent?patient=Patient/${patientId}&_count=200`, token: client.token });
  return (json(res).entry ?? []).map((e: { resource: Record<string, any> }) => ({
    subtype: e.resource.subtype?.[0]?.code,
    outcome: e.resource.outcome,
    agent: e.resource.agent?.[0]?.altId,
    desc: e.resource.outcomeDesc,
    policy: e.resource.agent?.[0]?.policy,
    entities: (e.resource.entity ?? []).map((x: { what?: { reference?: string } }) => x.what?.reference).filter(Boolean),
  }));
}

/** One booked patient of a `$bulk-precheck` (insurer 協会けんぽ, symbol 1234567). */
export function precheckEntry(ref: string, number: string, birthDate: string, visitDate: string, branch = '00') {
  return {
    name: 'entry',
    part: [
      { name: 'ref', valueString: ref },
      { name: 'insurerNumber', valueString: KYOKAI },
      { name: 'symbol', valueString: '1234567' },
      { name: 'number', valueString: number },
      { name: 'branch', valueString: branch },
      { name: 'birthDate', valueDate: birthDate },
      { name: 'visitDate', valueDate: visitDate },
    ],
  };
}
