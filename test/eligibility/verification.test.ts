/**
 * Reception over the API, on every engine: card verification succeeds for a linked card and fails with the
 * right reason (and stage) for every way it can go wrong; insurance-number and 資格確認書 lookups; the bulk
 * pre-check; audit of every verification.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Card, SimulatedCardReader, createCardAuthority, renewCard } from '../../src/services/eligibility/reception/card/index.ts';
import { ReceptionClient } from '../../src/services/eligibility/reception/reception-client.ts';
import { describeUserCertificate, relinkRenewed } from '../../src/services/eligibility/reception/cards.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import {
  CLINIC,
  KUMIAI,
  KYOKAI,
  auditOf,
  codeOf,
  eligibilityWorld,
  paramsMap,
  personRecord,
  presentCard,
  transportFor,
  verifyAssertion,
  type EligibilityWorld,
  precheckEntry,
} from './service-fixtures.ts';

const idOf = (ref: string | undefined) => ref!.split('/')[1];

describe.each(ENGINES)('reception verification (%s)', (engine) => {
  let w: EligibilityWorld;
  const people: Record<string, string> = {};
  beforeAll(async () => {
    w = await eligibilityWorld(engine);
    const reg = await w.register([
      personRecord({
        person_link_key: 'link-insured-a',
        family_name: '𠮷田',
        given_name: '葛\u{E0100}子',
        family_name_kana: 'ヨシダ',
        given_name_kana: 'カツコ',
      }),
      personRecord({ branch: '01', relationship: 2, given_name: '太郎', given_name_kana: 'タロウ', birth_date: '2012-05-05', sex: 1, copay_ratio: 2 }),
      personRecord({ number: '90', given_name: '失', birth_date: '1970-02-02', lost_on: '2024-04-01' }),
      personRecord({ number: '91', given_name: '移', birth_date: '1966-06-06', lost_on: '2024-06-16', person_link_key: 'link-mover-0001' }),
      personRecord({
        insurer_number: KUMIAI,
        symbol: '12',
        number: '7',
        branch: '00',
        given_name: '移',
        birth_date: '1966-06-06',
        acquired_on: '2024-06-16',
        person_link_key: 'link-mover-0001',
        limit_category: '区分ウ',
      }),
      personRecord({ number: '92', given_name: '未', birth_date: '1990-09-09' }),
    ]);
    const ids = reg.results.map((r) => idOf(r.patient));
    Object.assign(people, { a: ids[0], child: ids[1], lost: ids[2], mover: ids[3], notLinked: ids[5] });
    expect(ids[4]).toBe(ids[3]); // the insurer change kept one person
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  it('verifies a linked card: eligibility on the visit date, the person with names kept exactly, a visit token', async () => {
    const { card } = await w.card(people.a);
    const r = await presentCard(w, card, { visitDate: '2024-06-01' });
    expect(r.status).toBe(200);
    expect(r.out.result).toBe(true);
    expect(codeOf(r.out)).toBe('eligible');
    const patient = r.out.patient as { id: string; name: { family: string; given: string[] }[] };
    expect(patient.id).toBe(people.a);
    expect(patient.name[0].family).toBe('𠮷田');
    expect(patient.name[0].given).toEqual(['葛\u{E0100}子']);
    const e = r.out.eligibility as Record<string, unknown>;
    expect(e).toMatchObject({ insurerNumber: KYOKAI, symbol: '1234567', number: '89', branch: '00', relationship: 'insured', copayRatio: 3 });
    expect((r.out.coverage as { resourceType: string }).resourceType).toBe('Coverage');
    expect(typeof r.out.visit).toBe('string');
    expect(r.out.displayName).toBeUndefined();
  });

  it('offers the ● fallback only as an output option, leaving the stored name as it is', async () => {
    const { card } = await w.card(people.a);
    const r = await presentCard(w, card, { visitDate: '2024-06-01', nameDisplay: 'bmp' });
    expect(r.out.displayName).toBe('●田 ●子');
    expect((r.out.patient as { name: { family: string }[] }).name[0].family).toBe('𠮷田');
  });

  it('a wrong PIN is refused by the card, the third one locks it; face authentication still works', async () => {
    const { card } = await w.card(people.a, { pin: '4321' });
    const client = new ReceptionClient(transportFor(w, w.tokens.clinic));
    const reader = new SimulatedCardReader(card);
    const first = await client.verifyCard(reader, { pin: '0000' });
    expect(first).toMatchObject({ ok: false, stage: 'reader', code: 'wrong-pin', retriesLeft: 2 });
    expect((await client.verifyCard(reader, { pin: '1111' })).retriesLeft).toBe(1);
    const third = await client.verifyCard(reader, { pin: '2222' });
    expect(third).toMatchObject({ ok: false, stage: 'reader', code: 'pin-locked', retriesLeft: 0 });
    expect((await client.verifyCard(reader, { pin: '4321' })).code).toBe('pin-locked');
    expect((await Card.open(card.path)).pinLocked).toBe(true);
    const face = await client.verifyCard(reader, { faceMatched: true }, { visitDate: '2024-06-01' });
    expect(face).toMatchObject({ ok: true, code: 'eligible' });
  });

  it('refuses a revoked certificate once the CRL is published', async () => {
    const { card, serial } = await w.card(people.a);
    expect(codeOf((await presentCard(w, card)).out)).toBe('eligible');
    await w.ca.revoke(serial, 'keyCompromise');
    await w.publishCrl();
    const r = await presentCard(w, card);
    expect(r.out).toMatchObject({ result: false, stage: 'card' });
    expect(codeOf(r.out)).toBe('revoked');
    expect(r.out.message).toContain('失効');
  });

  it('refuses a certificate from a CA the platform does not trust', async () => {
    const rogue = await createCardAuthority({ dir: join(w.dir, 'rogue-ca') });
    const { card } = await w.card(people.a, { authority: rogue, link: false });
    const r = await presentCard(w, card);
    expect(codeOf(r.out)).toBe('untrusted-ca');
    expect(r.out.stage).toBe('card');
  });

  it('refuses a tampered signature and a tampered challenge', async () => {
    const { card } = await w.card(people.a);
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const badSig = await presentCard(w, card, { tamper: (a) => (a.signature = flip(a.signature as string)) });
    expect(codeOf(badSig.out)).toBe('bad-signature');
    const badChallenge = await presentCard(w, card, { tamper: (a) => (a.challenge = (a.challenge as string).replace(/\.([^.]+)\.([^.]+)$/, '.x$1.$2')) });
    expect(codeOf(badChallenge.out)).toBe('unknown-challenge');
  });

  it('refuses a replayed challenge', async () => {
    const { card } = await w.card(people.a);
    const first = await presentCard(w, card);
    expect(codeOf(first.out)).toBe('eligible');
    const again = await verifyAssertion(w, first.assertion!);
    expect(codeOf(again.out)).toBe('replayed-challenge');
    expect(again.out.stage).toBe('card');
  });

  it('refuses an expired challenge and one issued to another facility', async () => {
    const { card } = await w.card(people.a);
    const old = w.rt.challenges.issue(CLINIC, new Date(Date.now() - 10 * 60_000));
    const signed = await card.sign(old.challenge, { pin: '1234' });
    if (!signed.ok) throw new Error(signed.en);
    const r = await verifyAssertion(w, signed.assertion as unknown as Record<string, unknown>);
    expect(codeOf(r.out)).toBe('expired-challenge');
    const elsewhere = await presentCard(w, card, { token: w.tokens.otherClinic });
    expect(codeOf(elsewhere.out)).toBe('eligible');
    const fresh = w.rt.challenges.issue(CLINIC);
    const s2 = await card.sign(fresh.challenge, { pin: '1234' });
    if (!s2.ok) throw new Error(s2.en);
    const wrongPlace = await verifyAssertion(w, s2.assertion as unknown as Record<string, unknown>, { token: w.tokens.otherClinic });
    expect(codeOf(wrongPlace.out)).toBe('challenge-facility-mismatch');
  });

  it('refuses an expired certificate', async () => {
    const { card } = await w.card(people.a, { now: new Date(Date.now() - 3 * 86400_000), validDays: 1 });
    const r = await presentCard(w, card);
    expect(codeOf(r.out)).toBe('expired-certificate');
  });

  it('tells a person with lost eligibility apart (stage eligibility, the loss date, the person identified)', async () => {
    const { card } = await w.card(people.lost);
    const before = await presentCard(w, card, { visitDate: '2024-03-31' });
    expect(codeOf(before.out)).toBe('eligible');
    const r = await presentCard(w, card, { visitDate: '2024-06-01' });
    expect(r.out).toMatchObject({ result: false, stage: 'eligibility' });
    expect(codeOf(r.out)).toBe('lost');
    expect(r.out.message).toContain('2024-04-01');
    expect((r.out.patient as { id: string }).id).toBe(people.lost);
    expect(r.out.coverage).toBeUndefined();
  });

  it('a dependant is verified as themself: their own 枝番; by number, a different 枝番 is refused', async () => {
    const { card } = await w.card(people.child);
    const r = await presentCard(w, card, { visitDate: '2024-06-01' });
    expect(r.out.eligibility).toMatchObject({ branch: '01', relationship: 'dependant', copayRatio: 2 });
    const byNumber = (branch: string, birthDate: string) =>
      w.request({
        method: 'POST',
        url: '/fhir/$verify-insurance',
        token: w.tokens.clinic,
        body: { insurerNumber: KYOKAI, symbol: '1234567', number: '89', branch, birthDate, visitDate: '2024-06-01' },
      });
    // A wrong 枝番, a wrong birth date and an unknown number get one answer (no oracle for which numbers exist);
    // the precise reason goes to the log of each person registered under the number.
    const wrongBranch = paramsMap(json(await byNumber('02', '2012-05-05')));
    expect(codeOf(wrongBranch)).toBe('no-match');
    expect(wrongBranch.stage).toBe('input');
    const otherPersonsBirth = paramsMap(json(await byNumber('01', '1985-01-01')));
    expect(codeOf(otherPersonsBirth)).toBe('no-match');
    const unknown = paramsMap(
      json(
        await w.request({
          method: 'POST',
          url: '/fhir/$verify-insurance',
          token: w.tokens.clinic,
          body: { insurerNumber: KYOKAI, symbol: '1234567', number: '99999', birthDate: '2012-05-05', visitDate: '2024-06-01' },
        }),
      ),
    );
    expect(codeOf(unknown)).toBe('no-match');
    expect([unknown.message, unknown.diagnostics]).toEqual([otherPersonsBirth.message, otherPersonsBirth.diagnostics]);
    expect(JSON.stringify(wrongBranch)).not.toContain(people.child);
    const childLog = await auditOf(w, people.child);
    expect(
      childLog
        .filter((e) => e.subtype === 'verify-insurance' && e.outcome === '4')
        .map((e) => e.desc?.split(':')[0])
        .sort(),
    ).toEqual(['birthdate-mismatch', 'branch-mismatch']);
    const right = paramsMap(json(await byNumber('01', '2012-05-05')));
    expect(codeOf(right)).toBe('eligible');
    expect((right.patient as { id: string }).id).toBe(people.child);
  });

  it('an insurer change in the middle of a month: the visit date decides the insurer', async () => {
    const { card } = await w.card(people.mover);
    const before = await presentCard(w, card, { visitDate: '2024-06-15' });
    const after = await presentCard(w, card, { visitDate: '2024-06-16' });
    expect((before.out.eligibility as Record<string, unknown>).insurerNumber).toBe(KYOKAI);
    expect((after.out.eligibility as Record<string, unknown>).insurerNumber).toBe(KUMIAI);
    expect((after.out.eligibility as { limitCategory: { code: string } }).limitCategory.code).toBe('u70-u');
    expect((before.out.patient as { id: string }).id).toBe((after.out.patient as { id: string }).id);
  });

  it('a card that is not linked to anyone', async () => {
    const { card } = await w.card(people.notLinked, { link: false });
    const r = await presentCard(w, card);
    expect(r.out).toMatchObject({ result: false, stage: 'link' });
    expect(codeOf(r.out)).toBe('not-linked');
    expect(r.out.visit).toBeUndefined();
  });

  it('a renewed certificate keeps the person; the old one is refused', async () => {
    const { card, path } = await w.card(people.a);
    const oldSigned = await card.sign(w.rt.challenges.issue(CLINIC).challenge, { pin: '1234' });
    const renewed = await renewCard({ authority: w.ca, path, pin: '1234' });
    if (!('serial' in renewed)) throw new Error(renewed.en);
    const ctx = { principal: { clientId: 'op', name: 'op', kind: 'operator' as const, scopes: parseScopes('system/*.*') }, purpose: 'HOPERAT' };
    await relinkRenewed(w.s.t.platform, ctx, w.ca.fingerprint, renewed.previousSerial, describeUserCertificate(renewed.certificatePem, w.rt.trust));
    await w.publishCrl();
    await card.reload();
    const r = await presentCard(w, card);
    expect(codeOf(r.out)).toBe('eligible');
    expect((r.out.patient as { id: string }).id).toBe(people.a);
    if (!oldSigned.ok) throw new Error(oldSigned.en);
    const old = await verifyAssertion(w, oldSigned.assertion as unknown as Record<string, unknown>);
    expect(codeOf(old.out)).toBe('revoked');
  });

  it('by 資格確認書 and insurance-card number; a wrong check digit is an input error naming the field', async () => {
    const certificate = paramsMap(
      json(
        await w.request({
          method: 'POST',
          url: '/fhir/$verify-insurance',
          token: w.tokens.clinic,
          body: {
            resourceType: 'Parameters',
            parameter: [
              { name: 'source', valueCode: 'eligibility-certificate' },
              { name: 'insurerNumber', valueString: KYOKAI },
              { name: 'symbol', valueString: '１２３４５６７' },
              { name: 'number', valueString: '８９' },
              { name: 'branch', valueString: '0' },
              { name: 'birthDate', valueDate: '1985-01-01' },
              { name: 'visitDate', valueDate: '2024-06-01' },
            ],
          },
        }),
      ),
    );
    expect(codeOf(certificate)).toBe('eligible');
    expect(certificate.method).toBe('eligibility-certificate');
    const bad = paramsMap(
      json(
        await w.request({
          method: 'POST',
          url: '/fhir/$verify-insurance',
          token: w.tokens.clinic,
          body: { insurerNumber: '01130013', number: '89', birthDate: '1985-01-01' },
        }),
      ),
    );
    expect(codeOf(bad)).toBe('invalid-number');
    const oo = bad.outcome as { issue: { diagnostics: string; expression: string[] }[] };
    expect(oo.issue[0].expression[0]).toContain('insurerNumber');
    expect(oo.issue[0].diagnostics).toContain('check digit');
  });

  it('bulk pre-check of booked patients, one answer per entry in order', async () => {
    const entry = (ref: string, number: string, birthDate: string, branch = '00') => precheckEntry(ref, number, birthDate, '2024-07-01', branch);
    const res = await w.request({
      method: 'POST',
      url: '/fhir/$bulk-precheck',
      token: w.tokens.clinic,
      body: {
        resourceType: 'Parameters',
        parameter: [entry('b1', '89', '1985-01-01'), entry('b2', '90', '1970-02-02'), entry('b3', '999', '1999-01-01'), entry('b4', '89', '2012-05-05', '01')],
      },
    });
    expect(res.statusCode).toBe(200);
    const out = paramsMap(json(res));
    expect(out).toMatchObject({ total: 4, eligible: 2, ineligible: 2 });
    const entries = out.entry as Record<string, unknown>[];
    expect(entries.map((e) => [e.ref, codeOf(e)])).toEqual([
      ['b1', 'eligible'],
      ['b2', 'lost'],
      ['b3', 'no-match'],
      ['b4', 'eligible'],
    ]);
  });

  it('refuses bad requests with an OperationOutcome, and callers that are not at a reception desk', async () => {
    const missing = await w.request({ method: 'POST', url: '/fhir/$verify-card', token: w.tokens.clinic, body: { resourceType: 'Parameters', parameter: [] } });
    expect(missing.statusCode).toBe(400);
    expect(json(missing).resourceType).toBe('OperationOutcome');
    expect(json(missing).issue[0].details.text).toContain('チャレンジ');
    const badDate = await w.request({
      method: 'POST',
      url: '/fhir/$verify-insurance',
      token: w.tokens.clinic,
      body: { insurerNumber: KYOKAI, number: '89', birthDate: '1985-01-01', visitDate: '2024-02-30' },
    });
    expect(badDate.statusCode).toBe(400);
    expect(json(badDate).issue[0].expression).toEqual(['Parameters.visitDate']);
    const insurer = await w.request({ method: 'POST', url: '/fhir/$card-challenge', token: w.tokens.kyokai, body: {} });
    expect(insurer.statusCode).toBe(403);
    const anonymous = await w.request({ method: 'POST', url: '/fhir/$verify-insurance', body: {} });
    expect(anonymous.statusCode).toBe(401);
    const notParams = await w.request({ method: 'POST', url: '/fhir/$verify-card', token: w.tokens.clinic, body: { resourceType: 'Patient' } });
    expect(notParams.statusCode).toBe(400);
  });

  it('every verification is in the person’s access log, refusals included', async () => {
    const log = await auditOf(w, people.lost);
    const verifications = log.filter((e) => e.subtype === 'verify-card');
    expect(verifications.length).toBeGreaterThanOrEqual(2);
    expect(verifications.every((e) => e.agent === CLINIC)).toBe(true);
    expect(verifications.some((e) => e.desc?.startsWith('lost'))).toBe(true);
    const bulk = log.filter((e) => e.subtype === 'bulk-precheck');
    expect(bulk.length).toBe(1);
  });

  it('the CapabilityStatement lists the operations and their definitions resolve', async () => {
    const cs = json(await w.request({ method: 'GET', url: '/fhir/metadata' }));
    const system = (cs.rest[0].operation as { name: string; definition: string }[]).map((o) => o.name);
    expect(system).toEqual(
      expect.arrayContaining(['card-challenge', 'verify-card', 'verify-insurance', 'bulk-precheck', 'reader-consent', 'import-shared-information']),
    );
    const patientOps = (cs.rest[0].resource as { type: string; operation?: { name: string }[] }[])
      .find((r) => r.type === 'Patient')!
      .operation!.map((o) => o.name);
    expect(patientOps).toEqual(expect.arrayContaining(['medication-history', 'surgery-history', 'checkup-results', 'eligibility-history']));
    const def = await w.request({ method: 'GET', url: '/fhir/OperationDefinition/verify-card' });
    expect(def.statusCode).toBe(200);
    expect(json(def).url).toBe('https://tsunagu.dev/fhir/OperationDefinition/verify-card');
  });
});
