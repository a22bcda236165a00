/**
 * Referral letters and discharge summaries (MISSION.md S3 ❶) over HTTP, on both engines: the official referral
 * example sent end to end (re-addressed to a registered person and to the test facilities) and retrieved exactly by
 * its addressee; nobody else reaches a letter (404, recorded); the patient sees nothing of it, also through the
 * generic API; bad input refused whole, nothing stored; a discharge summary alone under its generated cover letter;
 * prescriptions of a letter as items of the 6 information; the addressee's notification; erasure with a moved clock.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKPORT } from '../../src/platform/subscriptions/index.ts';
import { addMonths } from '../../src/services/sharing/letters/letter-model.ts';
import { purgeLetters, REFERRAL_RECEIVED_TOPIC } from '../../src/services/sharing/letters/index.ts';
import { auditOf } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { INVALID_DIR, readExample } from './clins-examples.ts';
import { CLINIC, OTHER_CLINIC, THIRD_CLINIC, sharingWorld, type SharingWorld, issueTexts } from './sharing-world.ts';
import { FACILITY_SYSTEM, MEMBER_SYSTEM, dischargeSummary, prescription, referral, resourceAt, sectionRef } from './letter-examples.ts';
import { startReceiver, waitFor } from '../helpers/receiver.ts';

type Json = Record<string, any>;
const DAY = 86_400_000;
const BAD_PRESCRIPTION = readExample(INVALID_DIR, 'MedicationRequest-ErrorExample-JP-MedReq-PO-SID-28days.json');

// ---------- documents ----------

// ---------- calls ----------

const param = (body: Json, name: string) => (body.parameter ?? []).find((p: Json) => p.name === name);
const value = (p: Json | undefined) => p && (p.valueString ?? p.valueCode ?? p.valueInstant ?? p.valueBoolean ?? p.valueInteger ?? p.valueReference?.reference);
const parts = (p: Json) => Object.fromEntries((p.part as Json[]).map((x) => [x.name, value(x)]));
const letters = (body: Json) => (body.parameter ?? []).filter((p: Json) => p.name === 'letter').map(parts);
const texts = issueTexts;

/** event-notification focuses of the notifications a receiver path got. */
const notifiedFocuses = (bundles: Json[]) =>
  bundles
    .filter((b) => b.entry[0].resource.parameter.some((p: Json) => p.name === 'type' && p.valueCode === 'event-notification'))
    .flatMap((b) => b.entry[0].resource.parameter.filter((p: Json) => p.name === 'notification-event'))
    .map((p: Json) => p.part.find((x: Json) => x.name === 'focus')?.valueReference?.reference as string);

describe.each(ENGINES)('referral letters and discharge summaries (%s)', (engine) => {
  let sw: SharingWorld;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    sw = await sharingWorld(engine);
    sw.w.s.t.platform.subscriptions.settings.allowPrivateEndpoints = true; // the test receiver is on this machine
    Object.assign(sw.w.s.t.platform.subscriptions.settings, { pollMs: 40, retryMs: 20, retryMaxMs: 80, attempts: 3 });
    receiver = await startReceiver();
  }, 120_000);
  afterAll(async () => {
    await sw?.close();
    await receiver?.close();
  });

  const call = async (token: string, op: string, body: unknown = { resourceType: 'Parameters' }) => {
    const res = await sw.request({ method: 'POST', url: `/fhir/$${op}`, token, body });
    return { status: res.statusCode, body: json(res) as Json, raw: res.body };
  };
  const send = (token: string, letter: Json, summary?: Json) =>
    call(token, 'send-referral', {
      resourceType: 'Parameters',
      parameter: [{ name: 'letter', resource: letter }, ...(summary ? [{ name: 'dischargeSummary', resource: summary }] : [])],
    });
  const sendSummary = (token: string, summary: Json, addressee = OTHER_CLINIC, note?: string) =>
    call(token, 'send-discharge-summary', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'dischargeSummary', resource: summary },
        { name: 'addressee', valueString: addressee },
        ...(note ? [{ name: 'note', valueString: note }] : []),
      ],
    });
  const onLetter = (token: string, op: string, id: string) => call(token, op, { resourceType: 'Parameters', parameter: [{ name: 'letter', valueString: id }] });
  const statusOf = async (token: string, id: string) => letters((await onLetter(token, 'referral-status', id)).body)[0];
  const inboxIds = async (token: string) => letters((await call(token, 'referral-inbox')).body).map((l: Json) => l.id as string);
  const sentId = async (res: Promise<{ status: number; body: Json; raw: string }>) => {
    const r = await res;
    expect(r.status, r.raw.slice(0, 2000)).toBe(201);
    return value(param(r.body, 'letter')) as string;
  };
  const count = async (table: string) => Number((await sw.w.s.t.platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
  const counts = async () =>
    (await Promise.all(['resources', 'resource_versions', 'sharing_items', 'sharing_letters', 'subscription_events'].map(count))).join('/');

  it('the official referral example is sent end to end and its addressee retrieves exactly it', async () => {
    const letter = referral(sw.alice);
    const res = await send(sw.tokens.clinic, letter);
    expect(res.status, res.raw).toBe(201);
    const id = value(param(res.body, 'letter')) as string;
    expect(value(param(res.body, 'reference'))).toBe(`Basic/${id}`);
    expect(value(param(res.body, 'addressee'))).toBe(OTHER_CLINIC);
    expect(value(param(res.body, 'state'))).toBe('sent');
    expect(Date.parse(value(param(res.body, 'eraseAfter')))).toBe(addMonths(sw.clock.now, 6).getTime());

    const listed = letters((await call(sw.tokens.other, 'referral-inbox')).body);
    expect(listed[0]).toMatchObject({ id, kind: 'referral', sender: CLINIC, addressee: OTHER_CLINIC, state: 'sent', signed: false, dischargeSummary: false });
    expect(listed[0].attachments).toBe(1);
    expect(JSON.stringify(listed)).not.toContain('牧野');
    expect(await statusOf(sw.tokens.clinic, id)).toMatchObject({ id, state: 'sent' });

    const got = await onLetter(sw.tokens.other, 'retrieve-referral', id);
    expect(got.status, got.raw.slice(0, 500)).toBe(200);
    expect(param(got.body, 'letter').resource).toEqual(letter);
    expect(param(got.body, 'dischargeSummary')).toBeUndefined();
    expect(value(param(got.body, 'state'))).toBe('received');
    expect(Date.parse(value(param(got.body, 'eraseAfter')))).toBe(sw.clock.now.getTime() + 7 * DAY);
    // A second retrieval gets it again; the 7 days still count from the first.
    const again = await onLetter(sw.tokens.other, 'retrieve-referral', `Basic/${id}`);
    expect(param(again.body, 'letter').resource).toEqual(letter);
    expect(value(param(again.body, 'eraseAfter'))).toBe(value(param(got.body, 'eraseAfter')));
    expect(await statusOf(sw.tokens.clinic, id)).toMatchObject({ state: 'received', receivedAt: expect.any(String) });

    const ack = await onLetter(sw.tokens.other, 'acknowledge-referral', id);
    expect(ack.status).toBe(200);
    expect(value(param(ack.body, 'state'))).toBe('acknowledged');
    expect((await onLetter(sw.tokens.other, 'acknowledge-referral', id)).status).toBe(200);
    expect(await statusOf(sw.tokens.clinic, id)).toMatchObject({ state: 'acknowledged', acknowledgedAt: value(param(ack.body, 'acknowledgedAt')) });
    expect(letters((await call(sw.tokens.clinic, 'referral-status')).body).map((l: Json) => l.id)).toContain(id);

    const log = await auditOf(sw.w, sw.alice.id);
    const on = (subtype: string) => log.filter((e) => e.subtype === subtype && e.entities.includes(`Basic/${id}`));
    expect(on('send-referral')).toHaveLength(1);
    expect(on('retrieve-referral').every((e) => e.outcome === '0' && (e.policy ?? []).includes('addressee'))).toBe(true);
    expect(on('retrieve-referral')).toHaveLength(2);
    expect(on('acknowledge-referral')).toHaveLength(1);
  });

  it('the letter Bundle itself may be the body; a letter is acknowledged only once retrieved', async () => {
    const id = await sentId(call(sw.tokens.clinic, 'send-referral', referral(sw.alice)));
    const early = await onLetter(sw.tokens.other, 'acknowledge-referral', id);
    expect(early.status).toBe(409);
    expect(texts(early.body)[0]).toMatch(/受け取って.*⟂ retrieve/);
  });

  it('nobody but the sender and the addressee reaches a letter: 404 as if absent, recorded in the access log', async () => {
    const id = await sentId(send(sw.tokens.clinic, referral(sw.alice)));
    const strangers = {
      third: sw.tokens.third,
      patient: sw.tokens.alice,
      insurer: sw.tokens.kyokai,
      operator: sw.tokens.operator,
      pharmacy: sw.tokens.pharmacy,
    };
    for (const [who, token] of Object.entries(strangers))
      for (const op of ['retrieve-referral', 'acknowledge-referral', 'referral-status']) {
        const res = await onLetter(token, op, id);
        expect(res.status, `${who} ${op}`).toBe(404);
        const absent = await onLetter(token, op, randomUUID());
        expect(absent.status, `${who} ${op} (none)`).toBe(404);
        expect(texts(res.body)[0].replaceAll(id, 'X')).toBe(texts(absent.body)[0].replace(/[0-9a-f-]{36}/g, 'X'));
      }
    // The sender knows the letter; the addressee's actions are refused to it.
    expect((await onLetter(sw.tokens.clinic, 'retrieve-referral', id)).status).toBe(403);
    expect((await onLetter(sw.tokens.clinic, 'acknowledge-referral', id)).status).toBe(403);
    expect(await inboxIds(sw.tokens.third)).not.toContain(id);
    expect(await inboxIds(sw.tokens.clinic)).not.toContain(id);
    for (const token of [sw.tokens.alice, sw.tokens.kyokai, sw.tokens.operator]) expect((await call(token, 'referral-inbox')).status).toBe(403);
    expect((await call(sw.tokens.alice, 'referral-status')).status).toBe(403);
    const refused = (await auditOf(sw.w, sw.alice.id)).filter((e) => e.outcome === '4' && e.entities.includes(`Basic/${id}`));
    expect(refused.length).toBeGreaterThanOrEqual(Object.keys(strangers).length * 3);
    // Still unread by its addressee.
    expect(await statusOf(sw.tokens.clinic, id)).toMatchObject({ state: 'sent' });
  });

  it('the patient sees nothing of a letter, also through the generic FHIR API', async () => {
    const id = await sentId(send(sw.tokens.clinic, referral(sw.alice), dischargeSummary(sw.alice)));
    await onLetter(sw.tokens.other, 'retrieve-referral', id);
    for (const type of ['Composition', 'Bundle', 'DocumentReference', 'Basic', 'Encounter', 'Practitioner']) {
      const res = await sw.request({ method: 'GET', url: `/fhir/${type}?_total=accurate`, token: sw.tokens.alice });
      expect(res.statusCode, `${type}: ${res.body.slice(0, 300)}`).toBe(200);
      expect(json(res).total, type).toBe(0);
    }
    expect((await sw.request({ method: 'GET', url: `/fhir/Basic/${id}`, token: sw.tokens.alice })).statusCode).toBe(404);
    const everything = json(await sw.request({ method: 'GET', url: `/fhir/Patient/${sw.alice.id}/$everything`, token: sw.tokens.alice }));
    expect((everything.entry ?? []).map((e: Json) => e.resource.resourceType)).not.toEqual(expect.arrayContaining(['Composition']));
    // Letters are not resources of the store at all.
    const stored = await sw.w.s.t.platform.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM resources WHERE resource_type IN ('Composition', 'Bundle', 'Basic')`,
    );
    expect(Number(stored.rows[0].n)).toBe(0);
  });

  it('bad input is refused whole with Japanese and English messages, nothing stored', async () => {
    const before = await counts();
    const withoutAddressee = referral(sw.alice);
    const composition = withoutAddressee.entry[0].resource;
    composition.section = composition.section.filter((s: Json) => s.code.coding[0].code !== '910');
    const draft = referral(sw.alice);
    draft.entry[0].resource.status = 'draft';
    const signedSummary = {
      ...dischargeSummary(sw.alice),
      signature: {
        type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }],
        when: '2025-03-20T10:00:00+09:00',
        who: { display: '医師' },
      },
    };
    const stranger = { memberId: `${sw.alice.memberId.slice(0, -5)}77:00`, birthDate: sw.alice.birthDate };
    const cases: [string, string, unknown, number, RegExp][] = [
      ['no addressee', 'send-referral', withoutAddressee, 422, /紹介先医療機関（宛先）がありません/],
      ['bad check digit', 'send-referral', referral(sw.alice, CLINIC, '1311234560'), 422, /紹介先の医療機関コード.*検証番号/],
      ['not 10 digits', 'send-referral', referral(sw.alice, CLINIC, '131123456'), 422, /10桁/],
      ['wrong sender', 'send-referral', referral(sw.alice, OTHER_CLINIC, THIRD_CLINIC), 422, /紹介元医療機関.*一致しません/],
      ['unknown person', 'send-referral', referral(stranger), 422, /一人に定まりません/],
      ['invalid against the profile', 'send-referral', draft, 422, /final/],
      [
        'bad prescription code',
        'send-referral',
        referral(sw.alice, CLINIC, OTHER_CLINIC, [prescription(sw.alice, CLINIC, BAD_PRESCRIPTION)]),
        422,
        /2124030F2ZZZ/,
      ],
      [
        'prescription of another facility',
        'send-referral',
        referral(sw.alice, CLINIC, OTHER_CLINIC, [prescription(sw.alice, OTHER_CLINIC)]),
        422,
        /他の医療機関/,
      ],
      ['not a Bundle', 'send-referral', { resourceType: 'Patient' }, 400, /JP_Bundle_eReferral/],
      ['a collection', 'send-referral', { ...referral(sw.alice), type: 'collection' }, 400, /document/],
      ['no entries', 'send-referral', { ...referral(sw.alice), entry: [] }, 400, /entry/],
      ['malformed JSON', 'send-referral', '{"resourceType": "Bundle", ', 400, /./],
      [
        'summary of another person',
        'send-referral',
        {
          resourceType: 'Parameters',
          parameter: [
            { name: 'letter', resource: referral(sw.alice) },
            { name: 'dischargeSummary', resource: dischargeSummary(sw.bob) },
          ],
        },
        422,
        /患者が診療情報提供書の患者と一致しません/,
      ],
      [
        'summary alone to a bad addressee',
        'send-discharge-summary',
        {
          resourceType: 'Parameters',
          parameter: [
            { name: 'dischargeSummary', resource: dischargeSummary(sw.alice) },
            { name: 'addressee', valueString: '1311234560' },
          ],
        },
        400,
        /検証番号/,
      ],
      [
        'summary alone without addressee',
        'send-discharge-summary',
        { resourceType: 'Parameters', parameter: [{ name: 'dischargeSummary', resource: dischargeSummary(sw.alice) }] },
        400,
        /宛先の医療機関コード/,
      ],
      [
        'signed summary',
        'send-discharge-summary',
        {
          resourceType: 'Parameters',
          parameter: [
            { name: 'dischargeSummary', resource: signedSummary },
            { name: 'addressee', valueString: OTHER_CLINIC },
          ],
        },
        422,
        /退院時サマリー: .*電子署名/,
      ],
      [
        'summary of another facility',
        'send-discharge-summary',
        {
          resourceType: 'Parameters',
          parameter: [
            { name: 'dischargeSummary', resource: dischargeSummary(sw.alice, OTHER_CLINIC) },
            { name: 'addressee', valueString: THIRD_CLINIC },
          ],
        },
        422,
        /文書管理機関.*一致しません/,
      ],
    ];
    for (const [name, op, body, status, message] of cases) {
      const res = await call(sw.tokens.clinic, op, body);
      expect(res.status, `${name}: ${res.raw.slice(0, 600)}`).toBe(status);
      expect(res.body.resourceType, name).toBe('OperationOutcome');
      expect(texts(res.body).join('\n'), name).toMatch(message);
      for (const t of texts(res.body)) expect(t, name).toMatch(/^[^⟂]*[^\x00-\x7F][^⟂]* ⟂ [\x00-\x7F]/);
    }
    for (const token of [sw.tokens.pharmacy, sw.tokens.kyokai, sw.tokens.alice, sw.tokens.operator]) {
      expect((await send(token, referral(sw.alice))).status).toBe(403);
      expect((await sendSummary(token, dischargeSummary(sw.alice))).status).toBe(403);
    }
    expect(await counts()).toBe(before);
    // The same document twice is refused (a correction goes under a new identifier).
    const letter = referral(sw.alice);
    await sentId(send(sw.tokens.clinic, letter));
    const twice = await send(sw.tokens.clinic, letter);
    expect(twice.status).toBe(409);
    expect(texts(twice.body)[0]).toMatch(/送信済み/);
  });

  it('a discharge summary sent alone reaches the addressee under a generated cover letter', async () => {
    const summary = dischargeSummary(sw.alice);
    const res = await sendSummary(sw.tokens.clinic, summary, OTHER_CLINIC, '退院後の外来フォローをお願いします。');
    expect(res.status, res.raw.slice(0, 1500)).toBe(201);
    const id = value(param(res.body, 'letter')) as string;
    const listed = letters((await call(sw.tokens.other, 'referral-inbox')).body).find((l: Json) => l.id === id);
    expect(listed).toMatchObject({ kind: 'discharge-summary', sender: CLINIC, state: 'sent', dischargeSummary: true, signed: false });
    const got = await onLetter(sw.tokens.other, 'retrieve-referral', id);
    expect(got.status).toBe(200);
    const cover = param(got.body, 'letter').resource;
    expect(param(got.body, 'dischargeSummary').resource).toEqual(summary);
    expect(cover).toMatchObject({ resourceType: 'Bundle', type: 'document', meta: { tag: [expect.objectContaining({ code: 'discharge-summary-cover' })] } });
    const c = cover.entry[0].resource;
    expect(c).toMatchObject({ resourceType: 'Composition', status: 'final', title: '退院時サマリー送付状（頭紙）' });
    expect(resourceAt(cover, sectionRef(c, '910')).identifier[0]).toEqual({ system: FACILITY_SYSTEM, value: OTHER_CLINIC });
    expect(resourceAt(cover, sectionRef(c, '920')).identifier[0].value).toBe(CLINIC);
    expect(resourceAt(cover, sectionRef(c, '210'))).toEqual(summary);
    expect(resourceAt(cover, c.subject.reference).identifier).toContainEqual({ system: MEMBER_SYSTEM, value: sw.alice.memberId });
    expect(JSON.stringify(c.section)).toContain('外来フォロー');
    expect(await statusOf(sw.tokens.clinic, id)).toMatchObject({ kind: 'discharge-summary', state: 'received' });
  });

  it('a discharge summary attached to a referral letter comes with it', async () => {
    const summary = dischargeSummary(sw.alice);
    const letter = referral(sw.alice);
    const id = await sentId(send(sw.tokens.clinic, letter, summary));
    const got = await onLetter(sw.tokens.other, 'retrieve-referral', id);
    expect(param(got.body, 'letter').resource).toEqual(letter);
    expect(param(got.body, 'dischargeSummary').resource).toEqual(summary);
  });

  it('prescriptions in a letter become prescription items, viewed under the medication consent', async () => {
    const rx = prescription(sw.alice);
    const res = await send(sw.tokens.clinic, referral(sw.alice, CLINIC, OTHER_CLINIC, [rx]));
    expect(res.status, res.raw.slice(0, 1500)).toBe(201);
    const items = (res.body.parameter as Json[]).filter((p) => p.name === 'item').map((p) => p.valueReference.reference as string);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/^MedicationRequest\//);
    const row = await sw.w.s.t.platform.db.query<{ kind: string; source: string; facility: string }>(
      'SELECT kind, source, facility FROM sharing_items WHERE resource_id = $1',
      [items[0].split('/')[1]],
    );
    expect(row.rows[0]).toEqual({ kind: 'prescription', source: 'referral', facility: CLINIC });
    expect((await sw.view(sw.tokens.clinic, sw.alice.id, '?kind=prescription')).refs).toContain(items[0]);
    expect((await sw.view(sw.tokens.third, sw.alice.id, '?kind=prescription')).refs).not.toContain(items[0]);
    await sw.consent(sw.alice.id, THIRD_CLINIC, 'medication');
    expect((await sw.view(sw.tokens.third, sw.alice.id, '?kind=prescription')).refs).toContain(items[0]);
    // The patient sees the prescription (6 information), never the letter.
    expect((await sw.view(sw.tokens.alice, sw.alice.id, '?kind=prescription')).refs).toContain(items[0]);
  });

  it('the addressee’s Subscription is notified of a letter; another facility’s is not', async () => {
    const subscribe = async (code: string, path: string) => {
      const { token } = await sw.w.s.addClient({ kind: 'facility', facilityCode: code, scopes: ['system/Subscription.cruds'] });
      const r = await sw.request({
        method: 'POST',
        url: '/fhir/Subscription',
        token,
        body: {
          resourceType: 'Subscription',
          status: 'requested',
          reason: '紹介状の受信',
          criteria: REFERRAL_RECEIVED_TOPIC,
          channel: {
            type: 'rest-hook',
            endpoint: receiver.url(path),
            payload: 'application/fhir+json',
            _payload: { extension: [{ url: BACKPORT.payloadContent, valueCode: 'id-only' }] },
          },
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      const id = json(r).id as string;
      await waitFor(async () => json(await sw.request({ method: 'GET', url: `/fhir/Subscription/${id}`, token })).status === 'active', 'active');
    };
    await subscribe(OTHER_CLINIC, '/addressee');
    await subscribe(THIRD_CLINIC, '/third');
    const id = await sentId(send(sw.tokens.clinic, referral(sw.alice)));
    const summaryLetter = await sentId(sendSummary(sw.tokens.clinic, dischargeSummary(sw.alice)));
    const focuses = await waitFor(() => {
      const f = notifiedFocuses(receiver.got('/addressee').map((g) => g.body));
      return f.length >= 2 && f;
    }, 'notifications of the addressee');
    expect(focuses).toEqual([expect.stringMatching(new RegExp(`/Basic/${id}$`)), expect.stringMatching(new RegExp(`/Basic/${summaryLetter}$`))]);
    // The focus names the letter for $retrieve-referral.
    const focus = focuses[0].slice(focuses[0].indexOf('Basic/'));
    expect((await onLetter(sw.tokens.other, 'retrieve-referral', focus)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.got('/third').length).toBeGreaterThan(0); // its handshake
    expect(notifiedFocuses(receiver.got('/third').map((g) => g.body))).toEqual([]);
  });

  it('erasure: 7 days after receipt, or 6 months after sending; the purge keeps the state and is idempotent', async () => {
    const t0 = sw.clock.now;
    const received = await sentId(send(sw.tokens.clinic, referral(sw.alice)));
    const unread = await sentId(send(sw.tokens.clinic, referral(sw.bob)));
    expect((await onLetter(sw.tokens.other, 'retrieve-referral', received)).status).toBe(200);
    try {
      sw.clock.now = new Date(t0.getTime() + 6 * DAY);
      expect((await onLetter(sw.tokens.other, 'retrieve-referral', received)).status).toBe(200);
      sw.clock.now = new Date(t0.getTime() + 8 * DAY);
      const late = await onLetter(sw.tokens.other, 'retrieve-referral', received);
      expect(late.status).toBe(410);
      expect(texts(late.body)[0]).toMatch(/削除されています ⟂ .*erased/);
      expect(await inboxIds(sw.tokens.other)).not.toContain(received);
      expect(await inboxIds(sw.tokens.other)).toContain(unread);
      expect(await statusOf(sw.tokens.clinic, received)).toMatchObject({ state: 'erased', erasedAt: expect.any(String) });
      expect(await statusOf(sw.tokens.clinic, unread)).toMatchObject({ state: 'sent' });

      sw.clock.now = new Date(addMonths(t0, 6).getTime() + DAY);
      expect(await statusOf(sw.tokens.clinic, unread)).toMatchObject({ state: 'erased' });
      expect((await onLetter(sw.tokens.other, 'retrieve-referral', unread)).status).toBe(410);

      const rt = { platform: sw.w.s.t.platform, clock: sw.clock.get };
      const first = await purgeLetters(rt);
      expect(first.erased).toBeGreaterThanOrEqual(2);
      expect((await purgeLetters(rt)).erased).toBe(0);
      const rows = await sw.w.s.t.platform.db.query<{ letter: string | null; discharge_summary: string | null; state: string }>(
        'SELECT letter, discharge_summary, state FROM sharing_letters WHERE letter_id = ANY($1::text[])',
        [[received, unread]],
      );
      expect(rows.rows).toEqual([
        { letter: null, discharge_summary: null, state: 'erased' },
        { letter: null, discharge_summary: null, state: 'erased' },
      ]);
      expect(await statusOf(sw.tokens.clinic, received)).toMatchObject({ state: 'erased', receivedAt: expect.any(String) });
      expect((await onLetter(sw.tokens.third, 'referral-status', received)).status).toBe(404);
      const erasures = (await auditOf(sw.w, sw.bob.id)).filter((e) => e.subtype === 'erase-letter' && e.entities.includes(`Basic/${unread}`));
      expect(erasures).toHaveLength(1);
    } finally {
      sw.clock.now = t0;
    }
  });
});
