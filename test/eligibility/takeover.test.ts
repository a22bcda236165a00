/**
 * Issue 9, item 1 (insurer takeover), on every engine: a previous insured number of another insurer's member links
 * only the same person (birth date and name), with one refusal for unknown and mismatching numbers; a linked record
 * never rewrites who the person is; the link is in the person's log; each insurer sees its own periods in the
 * history; insurers get a grant of check-up data within their membership period only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_CATEGORY_SYSTEM } from '../../src/services/eligibility/model/fhir-codes.ts';
import { eligibilityMigrations } from '../../src/services/eligibility/schema/schema.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { KUMIAI, KYOKAI, auditOf, eligibilityWorld, paramsMap, personRecord, type EligibilityWorld } from './service-fixtures.ts';

const idOf = (ref: string) => ref.split('/')[1];
const CHECKUP = `${CONSENT_CATEGORY_SYSTEM}|checkup`;
const MEDICATION = `${CONSENT_CATEGORY_SYSTEM}|medication`;

describe.each(ENGINES)('insurer takeover (%s)', (engine) => {
  let w: EligibilityWorld;
  const post = (token: string, body: unknown) => w.request({ method: 'POST', url: '/eligibility/records', token, body });
  const count = async (sql: string, params: unknown[] = []) => Number((await w.s.t.platform.db.query<{ n: number }>(sql, params)).rows[0].n);
  const read = async (ref: string) => json(await w.request({ method: 'GET', url: `/fhir/${ref}`, token: w.tokens.operator }));
  const history = (patientId: string, token: string) => w.request({ method: 'GET', url: `/fhir/Patient/${patientId}/$eligibility-history`, token });

  /** A member of 協会けんぽ: 髙橋 花子, born 1980-05-05, female. */
  const victim = (number: string, over: Record<string, string | number> = {}) =>
    personRecord({
      number,
      family_name: '髙橋',
      given_name: '花子',
      family_name_kana: 'タカハシ',
      given_name_kana: 'ハナコ',
      birth_date: '1980-05-05',
      sex: 2,
      ...over,
    });
  /** The same person as 組合 would send it, naming her 協会けんぽ number as the previous one. */
  const claim = (number: string, previous: string, over: Record<string, string | number> = {}) =>
    victim(number, { insurer_number: KUMIAI, symbol: '9', acquired_on: '2024-04-01', previous_insured_number: previous, ...over });
  const kyokaiKey = (number: string) => `${KYOKAI}:1234567:${number}:00`;

  beforeAll(async () => {
    w = await eligibilityWorld(engine);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  it("another insurer's member is linked only when birth date and name match; an unknown number gets the very same refusal", async () => {
    const v = json(await post(w.tokens.kyokai, victim('7100')));
    const patient = idOf(v.patient);
    const before = { records: await count('SELECT count(*)::int AS n FROM elig_records'), resources: await count('SELECT count(*)::int AS n FROM resources') };
    const refusals = [
      await post(w.tokens.kumiai, claim('100', kyokaiKey('7100'), { birth_date: '1980-05-06' })), // wrong birth date
      await post(w.tokens.kumiai, claim('101', kyokaiKey('7100'), { family_name: '佐藤', family_name_kana: 'サトウ' })), // another name
      await post(w.tokens.kumiai, claim('102', kyokaiKey('7100'), { sex: 1 })), // another sex
      await post(w.tokens.kumiai, claim('103', kyokaiKey('7199'))), // nobody has this number
    ];
    for (const r of refusals) expect(r.statusCode).toBe(400);
    const issues = refusals.map((r) => json(r).issue);
    for (const i of issues) expect(i).toEqual(issues[3]);
    expect(issues[3][0].details.text).toContain('前被保険者番号');
    // In a batch too: the same code and reason for every one.
    const batch = json(
      await post(w.tokens.kumiai, { records: [claim('104', kyokaiKey('7100'), { birth_date: '1981-05-05' }), claim('105', kyokaiKey('7198'))] }),
    );
    expect(batch.results.map((x: { code: string; reason_ja: string; reason_en: string }) => [x.code, x.reason_ja, x.reason_en])).toEqual([
      ['unknown-previous', issues[3][0].details.text, issues[3][0].diagnostics],
      ['unknown-previous', issues[3][0].details.text, issues[3][0].diagnostics],
    ]);
    expect(await count('SELECT count(*)::int AS n FROM elig_records')).toBe(before.records);
    expect(await count('SELECT count(*)::int AS n FROM resources')).toBe(before.resources);
    // The attempts on her number are in her log, naming the insurer; the unknown number is nobody's.
    const refused = (await auditOf(w, patient)).filter((e) => e.subtype === 'link-person' && e.outcome === '4');
    expect(refused).toHaveLength(4);
    expect(refused.every((e) => e.agent === KUMIAI && e.desc?.includes(kyokaiKey('7100')))).toBe(true);
  });

  it('a matching record links without changing who the person is, and the link is in her log', async () => {
    const v = json(await post(w.tokens.kyokai, victim('7200')));
    const patient = idOf(v.patient);
    const shown = await read(v.patient);
    // 組合's system has 高 for 髙 and half-width kana: the kana match; a claimed change of names, sex and kana does not reach the Patient.
    const linked = await post(
      w.tokens.kumiai,
      claim('200', kyokaiKey('7200'), { family_name: '高橋', given_name: '華子', family_name_kana: 'ﾀｶﾊｼ', given_name_kana: 'ﾊﾅｺ' }),
    );
    expect(linked.statusCode).toBe(201);
    expect(json(linked)).toMatchObject({ status: 'created', newPerson: false, patient: v.patient });
    const after = await read(v.patient);
    expect([after.name, after.gender, after.birthDate]).toEqual([shown.name, shown.gender, shown.birthDate]);
    expect(after.name[0]).toMatchObject({ family: '髙橋', given: ['花子'] });
    expect(after.name[1]).toMatchObject({ family: 'タカハシ', given: ['ハナコ'] });
    expect(after.identifier.map((i: { value: string }) => i.value)).toEqual([`${KUMIAI}:9:200:00`, kyokaiKey('7200')]);
    // A kanji match links too (kana spelt differently), still without rewriting.
    const byKanji = json(await post(w.tokens.kumiai, claim('201', kyokaiKey('7200'), { family_name_kana: 'タカバシ', acquired_on: '2024-05-01' })));
    expect(byKanji.patient).toBe(v.patient);
    expect((await read(v.patient)).name).toEqual(shown.name);
    // What the desk sees when she gives 組合's number: her identity as 協会けんぽ registered it.
    const desk = paramsMap(
      json(
        await w.request({
          method: 'POST',
          url: '/fhir/$verify-insurance',
          token: w.tokens.clinic,
          body: { insurerNumber: KUMIAI, symbol: '9', number: '200', branch: '00', birthDate: '1980-05-05', visitDate: '2024-06-01' },
        }),
      ),
    );
    expect((desk.patient as { name: { family: string }[] }).name[0].family).toBe('髙橋');
    const links = (await auditOf(w, patient)).filter((e) => e.subtype === 'link-person' && e.outcome === '0');
    expect(links).toHaveLength(2);
    expect(links.every((e) => e.agent === KUMIAI && e.desc?.includes(kyokaiKey('7200')) && e.desc?.includes(KUMIAI))).toBe(true);
  });

  it('a link key that comes with a claimed record is not registered: it cannot be used to rewrite her identity later', async () => {
    const v = json(await post(w.tokens.kyokai, victim('7300')));
    expect(json(await post(w.tokens.kumiai, claim('300', kyokaiKey('7300'), { person_link_key: 'chosen-by-kumiai-300' }))).patient).toBe(v.patient);
    const later = json(
      await post(
        w.tokens.kumiai,
        claim('301', '', {
          person_link_key: 'chosen-by-kumiai-300',
          family_name: '偽名',
          family_name_kana: 'ギメイ',
          birth_date: '1990-01-01',
          acquired_on: '2024-09-01',
        }),
      ),
    );
    expect(later).toMatchObject({ status: 'created', newPerson: true });
    expect(later.patient).not.toBe(v.patient);
    expect((await read(v.patient)).name[0].family).toBe('髙橋');
  });

  it("the intermediary's link key links without a name check, and makes the new insurer's records set the identity (a name change after marriage)", async () => {
    const first = json(await post(w.tokens.kyokai, victim('7400', { person_link_key: 'intermediary-7400', lost_on: '2024-04-01' })));
    const moved = json(
      await post(w.tokens.kumiai, claim('400', '', { person_link_key: 'intermediary-7400', family_name: '鈴木', family_name_kana: 'スズキ' })),
    );
    expect(moved).toMatchObject({ newPerson: false, patient: first.patient });
    expect((await read(first.patient)).name[0].family).toBe('鈴木');
  });

  it('an insurer that claimed her cannot link a card to her; the insurer that speaks for her identity can', async () => {
    const v = json(await post(w.tokens.kyokai, victim('7500')));
    expect(json(await post(w.tokens.kumiai, claim('500', kyokaiKey('7500')))).patient).toBe(v.patient);
    const c = await w.card(idOf(v.patient), { link: false });
    const signed = await c.card.sign('link-test', { pin: '1234' });
    if (!signed.ok) throw new Error('card did not sign');
    const certificate = signed.assertion.certificate;
    const byClaimer = await w.request({
      method: 'POST',
      url: '/eligibility/cards',
      token: w.tokens.kumiai,
      body: { certificate, insuredNumber: `${KUMIAI}:9:500:00`, birthDate: '1980-05-05' },
    });
    expect(byClaimer.statusCode, byClaimer.body).toBe(403);
    expect(await count('SELECT count(*)::int AS n FROM elig_cards WHERE serial = $1', [c.serial])).toBe(0);
    const byIdentity = await w.request({
      method: 'POST',
      url: '/eligibility/cards',
      token: w.tokens.kyokai,
      body: { certificate, insuredNumber: kyokaiKey('7500'), birthDate: '1980-05-05' },
    });
    expect(byIdentity.statusCode, byIdentity.body).toBe(201);
  });

  it('$eligibility-history: an insurer sees its own periods and its own numbers; the person and operators see every period', async () => {
    const v = json(await post(w.tokens.kyokai, victim('7500', { lost_on: '2024-04-01' })));
    const k = json(await post(w.tokens.kumiai, claim('500', kyokaiKey('7500'))));
    expect(k.patient).toBe(v.patient);
    const patient = idOf(v.patient);
    const coverages = (b: { entry: { resource: { resourceType: string; id: string } }[] }) =>
      b.entry.filter((e) => e.resource.resourceType === 'Coverage').map((e) => `Coverage/${e.resource.id}`);
    const byKumiai = json(await history(patient, w.tokens.kumiai));
    expect(coverages(byKumiai)).toEqual([k.coverage]);
    expect(byKumiai.total).toBe(1);
    const seenPatient = byKumiai.entry[0].resource;
    expect(seenPatient.identifier.map((i: { value: string }) => i.value)).toEqual([`${KUMIAI}:9:500:00`]);
    expect(seenPatient.meta.tag.map((t: { code: string }) => t.code)).toContain('SUBSETTED');
    expect(coverages(json(await history(patient, w.tokens.kyokai)))).toEqual([v.coverage]);
    expect(coverages(json(await history(patient, w.tokens.operator)))).toEqual([k.coverage, v.coverage]);
    const self = await w.s.addClient({ kind: 'patient', patientId: patient, scopes: ['patient/*.rs'] });
    const own = json(await history(patient, self.token));
    expect(coverages(own)).toEqual([k.coverage, v.coverage]);
    expect(own.entry[0].resource.identifier).toHaveLength(2);
  });

  it('insurers get a grant of check-up data dated within their membership period, and nothing else', async () => {
    const platform = w.s.t.platform;
    platform.grants.controlLabelSystem(CONSENT_CATEGORY_SYSTEM);
    const v = json(await post(w.tokens.kyokai, victim('7600', { acquired_on: '2015-04-01' })));
    const patient = idOf(v.patient);
    const at = (date: string) => new Date(`${date}T12:00:00+09:00`);
    const may = async (insurer: string, label: string, date: string) =>
      (await platform.grants.decide(platform.db, `insurer:${insurer}`, patient, [label], at(date))).allow;
    expect(await may(KYOKAI, CHECKUP, '2015-04-01')).toBe(true);
    expect(await may(KYOKAI, CHECKUP, '2015-03-31')).toBe(false);
    expect(await may(KYOKAI, MEDICATION, '2020-01-01')).toBe(false);
    expect(await may(KUMIAI, CHECKUP, '2020-01-01')).toBe(false);
    // The loss date ends the period (資格喪失日 is the first uncovered day).
    await post(w.tokens.kyokai, victim('7600', { acquired_on: '2015-04-01', lost_on: '2024-04-01' }));
    expect(await may(KYOKAI, CHECKUP, '2024-03-31')).toBe(true);
    expect(await may(KYOKAI, CHECKUP, '2024-04-01')).toBe(false);
    // A record linked from another insurer opens data from the day it was registered, whatever acquisition it claims.
    await post(w.tokens.kumiai, claim('600', kyokaiKey('7600'), { acquired_on: '2010-01-01' }));
    expect(await may(KUMIAI, CHECKUP, '2012-01-01')).toBe(false);
    expect(await may(KUMIAI, CHECKUP, '2024-03-31')).toBe(false);
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    expect((await platform.grants.decide(platform.db, `insurer:${KUMIAI}`, patient, [CHECKUP], new Date(Date.now() + 60_000))).allow).toBe(true);
    const row = (
      await platform.db.query<{ basis: string; data_from: Date }>('SELECT basis, data_from FROM access_grants WHERE grantee = $1 AND patient_key = $2', [
        `insurer:${KUMIAI}`,
        patient,
      ])
    ).rows;
    expect(row).toHaveLength(1);
    expect(new Date(row[0].data_from).toISOString()).toBe(new Date(`${today}T00:00:00+09:00`).toISOString());
    expect(row[0].basis).toMatch(/^Coverage\//);
  });

  it('through the API a linked insurer reads her check-ups of its own period only, and none of her other data', async () => {
    const v = json(await post(w.tokens.kyokai, victim('7800', { acquired_on: '2015-04-01', lost_on: '2024-04-01' })));
    expect(json(await post(w.tokens.kumiai, claim('800', kyokaiKey('7800')))).patient).toBe(v.patient);
    const subject = { reference: v.patient };
    const checkup = (date: string) => ({
      resource: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'urn:oid:1.2.392.200119.6.1005', code: '9N001000000000001' }] },
        effectiveDateTime: date,
        valueQuantity: { value: 160, unit: 'cm' },
        subject,
      },
    });
    const dispense = {
      resource: {
        resourceType: 'MedicationDispense',
        status: 'completed',
        medicationCodeableConcept: { text: 'ロキソプロフェン' },
        whenHandedOver: '2030-05-01',
        subject,
      },
    };
    const imported = await w.request({
      method: 'POST',
      url: '/fhir/$import-shared-information',
      token: w.tokens.kyokai,
      body: { resourceType: 'Bundle', type: 'collection', entry: [checkup('2020-06-01'), checkup('2030-06-01'), dispense] },
    });
    expect(imported.statusCode).toBe(201);
    const dates = async (url: string) => {
      const r = await w.request({ method: 'GET', url, token: w.tokens.kumiai });
      expect(r.statusCode).toBe(200);
      return (json(r).entry ?? []).map(
        (e: { resource: { effectiveDateTime?: string; whenHandedOver?: string } }) => e.resource.effectiveDateTime ?? e.resource.whenHandedOver,
      );
    };
    expect(await dates(`/fhir/Observation?subject=${v.patient}`)).toEqual(['2030-06-01']);
    expect(await dates(`/fhir/${v.patient}/$checkup-results?from=2010-01-01&to=2031-01-01`)).toEqual(['2030-06-01']);
    expect(await dates(`/fhir/MedicationDispense?subject=${v.patient}`)).toEqual([]);
  });

  it('migration 101 gives records registered before grants existed the same grants', async () => {
    const platform = w.s.t.platform;
    const v = json(await post(w.tokens.kyokai, victim('7700', { acquired_on: '2018-10-01', lost_on: '2023-01-01' })));
    const patient = idOf(v.patient);
    const grants = () =>
      platform.db
        .query('SELECT source, grantee, label, data_from, data_to, valid_to, basis FROM access_grants WHERE patient_key = $1 ORDER BY source', [patient])
        .then((r) => r.rows);
    const written = await grants();
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ grantee: `insurer:${KYOKAI}`, label: CHECKUP, basis: v.coverage, valid_to: null });
    await platform.db.query('DELETE FROM access_grants WHERE patient_key = $1', [patient]);
    const backfill = eligibilityMigrations
      .find((m) => m.version === 101)!
      .sql.split(/;\s*\n/)
      .find((s) => s.includes('INSERT INTO access_grants'))!;
    await platform.db.query(backfill.replace(/^\s*--.*$/gm, ''));
    expect(await grants()).toEqual(written);
  });
});
