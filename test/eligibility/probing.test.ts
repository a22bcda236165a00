/**
 * Issue 9, item 6 (probing at reception), on every engine: number input is limited per client (weighted by entries,
 * 429 with Retry-After, nothing looked up, audited), per card number (locked after the day's failures, the same
 * answer whether anyone holds it; the card still works) and per request (one birth date per number and 枝番); every
 * probe of a real person's number is in their log; legitimate use keeps working.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import {
  CLINIC,
  KYOKAI,
  auditOf,
  codeOf,
  eligibilityWorld,
  paramsMap,
  personRecord,
  presentCard,
  type EligibilityWorld,
  precheckEntry,
} from './service-fixtures.ts';

const idOf = (ref: string | undefined) => ref!.split('/')[1];
const VISIT = '2024-06-01';

describe.each(ENGINES)('probing at reception (%s)', (engine) => {
  let w: EligibilityWorld;
  let defaults: { lookups: number; failures: number };
  const byNumber = (number: string, birthDate: string, opts: { branch?: string; token?: string } = {}) =>
    w.request({
      method: 'POST',
      url: '/fhir/$verify-insurance',
      token: opts.token ?? w.tokens.clinic,
      body: { insurerNumber: KYOKAI, symbol: '1234567', number, branch: opts.branch ?? '00', birthDate, visitDate: VISIT },
    });
  const answer = async (number: string, birthDate: string, opts: { branch?: string; token?: string } = {}) =>
    paramsMap(json(await byNumber(number, birthDate, opts)));
  const entry = (ref: string, number: string, birthDate: string, branch = '00') => precheckEntry(ref, number, birthDate, VISIT, branch);
  const precheck = (entries: unknown[], token = w.tokens.clinic) =>
    w.request({ method: 'POST', url: '/fhir/$bulk-precheck', token, body: { resourceType: 'Parameters', parameter: entries } });
  const codes = async (entries: unknown[]) => ((paramsMap(json(await precheck(entries))).entry as Record<string, unknown>[]) ?? []).map((e) => codeOf(e));
  const failuresOf = async (number: string) =>
    Number(
      (
        await w.s.t.platform.db.query<{ n: number }>('SELECT coalesce(sum(failures), 0)::int AS n FROM elig_number_failures WHERE number_key = $1', [
          `${KYOKAI}:1234567:${number}`,
        ])
      ).rows[0].n,
    );
  const register = async (number: string, birthDate: string, over: Record<string, string | number> = {}) =>
    idOf((await w.register([personRecord({ number, birth_date: birthDate, ...over })])).results[0].patient);
  /** The public part of an answer: what a desk could compare between numbers. */
  const publicPart = (p: Record<string, unknown>) => ({
    result: p.result,
    code: p.code,
    stage: p.stage,
    message: p.message,
    diagnostics: p.diagnostics,
    outcome: p.outcome,
  });

  beforeAll(async () => {
    w = await eligibilityWorld(engine);
    defaults = { lookups: w.s.t.platform.config.numberLookupsPerHour, failures: w.s.t.platform.config.numberFailuresPerDay };
  }, 120_000);
  afterEach(() => {
    w.s.t.platform.config.numberLookupsPerHour = defaults.lookups;
    w.s.t.platform.config.numberFailuresPerDay = defaults.failures;
  });
  afterAll(async () => {
    await w?.close();
  });

  it('the defaults: 3000 entries per client and hour, 5 failures per number and day', () => {
    expect(defaults).toEqual({ lookups: 3000, failures: 5 });
  });

  it('per client: entries beyond the hourly limit are refused with 429 and Retry-After, nothing looked up, and audited', async () => {
    const person = await register('8100', '1975-01-01');
    w.s.t.platform.config.numberLookupsPerHour = 30;
    const desk = await w.s.addClient({ kind: 'facility', facilityCode: CLINIC, scopes: ['system/Coverage.rs'] });
    const many = Array.from({ length: 25 }, (_, i) => entry(`e${i}`, String(81000 + i), '1970-01-01'));
    expect((await precheck(many, desk.token)).statusCode).toBe(200);
    // 25 + 10 > 30: the whole request is refused, none of its numbers is touched.
    const refused = await precheck(
      [entry('x1', '8100', '1975-01-01'), ...Array.from({ length: 9 }, (_, i) => entry(`y${i}`, String(81100 + i), '1970-01-01'))],
      desk.token,
    );
    expect(refused.statusCode).toBe(429);
    const retry = Number(refused.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(3600);
    const oo = json(refused);
    expect(oo.resourceType).toBe('OperationOutcome');
    expect(oo.issue[0].code).toBe('throttled');
    expect(oo.issue[0].details.text).toContain('上限');
    expect(await failuresOf('81100')).toBe(0);
    expect((await auditOf(w, person)).filter((e) => e.subtype === 'bulk-precheck')).toEqual([]);
    // Single lookups count one each: 26..30 fit, the 31st does not.
    for (let i = 0; i < 5; i++) expect((await byNumber('8100', '1975-01-01', { token: desk.token })).statusCode).toBe(200);
    expect((await byNumber('8100', '1975-01-01', { token: desk.token })).statusCode).toBe(429);
    const audited = await w.s.t.platform.db.query<{ detail: string; outcome: string }>(
      "SELECT detail, outcome FROM audit_events WHERE client_id = $1 AND detail LIKE '%rate-limited%'",
      [desk.client.clientId],
    );
    expect(audited.rows.map((r) => [JSON.parse(r.detail).s, r.outcome])).toEqual([
      ['bulk-precheck', '4'],
      ['verify-insurance', '4'],
    ]);
    // Another client of the same facility has its own budget.
    expect((await byNumber('8100', '1975-01-01')).statusCode).toBe(200);
  });

  it('per number: after the day’s failures the number is locked — the same answer whether anyone holds it — and the card still works', async () => {
    const person = await register('8200', '1982-02-02');
    for (let i = 0; i < 5; i++) {
      expect(codeOf(await answer('8200', `1960-01-0${i + 1}`))).toBe('no-match');
      expect(codeOf(await answer('8299', `1960-01-0${i + 1}`))).toBe('no-match'); // nobody has 8299
    }
    const held = await answer('8200', '1982-02-02'); // the right birth date, too late
    const nobody = await answer('8299', '1982-02-02');
    expect(codeOf(held)).toBe('too-many-attempts');
    expect(held.stage).toBe('input');
    expect(held.message).toContain('マイナンバーカード');
    expect(held.patient).toBeUndefined();
    expect(held.visit).toBeUndefined();
    expect(publicPart(nobody)).toEqual(publicPart(held));
    // The card path is not limited.
    const { card } = await w.card(person);
    expect(codeOf((await presentCard(w, card, { visitDate: VISIT })).out)).toBe('eligible');
    // Every attempt is in her log: the five failures and the locked one.
    const log = (await auditOf(w, person)).filter((e) => e.subtype === 'verify-insurance' && e.outcome === '4').map((e) => e.desc?.split(':')[0]);
    expect(log.sort()).toEqual([...Array(5).fill('birthdate-mismatch'), 'too-many-attempts']);
    // When the 24 hours have passed, number input works again.
    await w.s.t.platform.db.query("UPDATE elig_number_failures SET window_start = window_start - interval '25 hours' WHERE number_key = $1", [
      `${KYOKAI}:1234567:8200`,
    ]);
    expect(codeOf(await answer('8200', '1982-02-02'))).toBe('eligible');
  });

  it('the limit counts every 枝番 of a number together, within one request too', async () => {
    await register('8300', '1983-03-03');
    w.s.t.platform.config.numberFailuresPerDay = 3;
    const branches = ['00', '01', '02', '03', '04'].map((b, i) => entry(`b${i}`, '8300', '1999-09-09', b));
    expect(await codes(branches)).toEqual(['no-match', 'no-match', 'no-match', 'too-many-attempts', 'too-many-attempts']);
    expect(await failuresOf('8300')).toBe(3);
    expect(
      await codes([
        entry('c', '8399', '1999-09-09', '00'),
        entry('d', '8399', '1999-09-09', '01'),
        entry('e', '8399', '1999-09-09', '02'),
        entry('f', '8399', '1999-09-09', '03'),
      ]),
    ).toEqual(['no-match', 'no-match', 'no-match', 'too-many-attempts']);
  });

  it('a pre-check tries one birth date per number and 枝番: later candidates are input errors without a lookup', async () => {
    const person = await register('8400', '1984-04-04');
    const out = await codes([
      entry('1', '8400', '1950-01-01'),
      entry('2', '8400', '1950-01-02'),
      entry('3', '8400', '1984-04-04'),
      entry('4', '8499', '1950-01-01'),
      entry('5', '8499', '1950-01-02'),
    ]);
    expect(out).toEqual(['no-match', 'repeated-number', 'repeated-number', 'no-match', 'repeated-number']);
    expect(await failuresOf('8400')).toBe(1);
    expect(await failuresOf('8499')).toBe(1);
    const log = (await auditOf(w, person)).filter((e) => e.subtype === 'bulk-precheck').map((e) => e.desc?.split(/[ :]/)[0]);
    expect(log.sort()).toEqual(['birthdate-mismatch', 'repeated-number', 'repeated-number']);
  });

  it('legitimate use keeps working: a family in one pre-check, a birth date mistyped once, the same patient booked twice', async () => {
    await w.register([
      personRecord({ number: '8500', birth_date: '1970-05-05' }),
      personRecord({ number: '8500', branch: '01', relationship: 2, given_name: '一郎', given_name_kana: 'イチロウ', birth_date: '2001-05-05', sex: 1 }),
      personRecord({ number: '8500', branch: '02', relationship: 2, given_name: '二郎', given_name_kana: 'ジロウ', birth_date: '2003-05-05', sex: 1 }),
    ]);
    expect(
      await codes([
        entry('p', '8500', '1970-05-05', '00'),
        entry('c1', '8500', '2001-05-05', '01'),
        entry('c2', '8500', '2003-05-05', '02'),
        entry('again', '8500', '1970-05-05', '00'),
      ]),
    ).toEqual(['eligible', 'eligible', 'eligible', 'eligible']);
    expect(codeOf(await answer('8500', '1970-05-06'))).toBe('no-match');
    expect(codeOf(await answer('8500', '1970-05-05'))).toBe('eligible');
  });

  it('a birth date that is no date is an input error whether or not the number is held (no oracle)', async () => {
    await register('8600', '1986-06-06');
    const held = await answer('8600', '1986-02-30');
    const nobody = await answer('8699', '1986-02-30');
    expect(codeOf(held)).toBe('invalid-date');
    expect(publicPart(nobody)).toEqual(publicPart(held));
    expect(await failuresOf('8600')).toBe(0);
  });
});
