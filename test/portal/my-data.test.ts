/**
 * $my-letters (that a letter was sent, never its content), $my-data (a collection Bundle that validates against base R4,
 * without 未告知 or out-of-force items) and $my-data-pdf (opens with pdf-lib: pages, metadata) — audited as the
 * person's own reads; on both engines.
 */
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { japanDate } from '../../src/platform/master-files/japan-date.ts';
import type { MedicationRecord } from '../../src/services/eprescription/index.ts';
import { medicationResources } from '../../src/services/portal/my-data/medication-resources.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { VALID_DIR, readExample, readdress, withFlags } from '../sharing/clins-examples.ts';
import { prescription, referral } from '../sharing/letter-examples.ts';
import { storedRefs } from '../sharing/sharing-world.ts';
import { CLINIC, OTHER_CLINIC, partsOf, portalWorld, type Json, type PortalWorld } from './portal-world.ts';

const DAY = 86_400_000;
const CONDITION = readExample(VALID_DIR, 'Condition-Example-JP-Condition-eCS-03.json');
const ALLERGY = readExample(VALID_DIR, 'AllergyIntolerance-Example-JP-Allergy-eCS-02.json');

describe.each(ENGINES)('my letters and my data (%s)', (engine) => {
  let pw: PortalWorld;
  let plain = '';
  let uninformed = '';
  let expired = '';
  let allergy = '';
  let letterId = '';
  const subtypes = async () => {
    await pw.w.s.t.platform.readAudit.drain();
    const res = await pw.request({ method: 'GET', url: `/fhir/AuditEvent?patient=Patient/${pw.alice.id}&_count=200`, token: pw.tokens.operator });
    return (JSON.parse(res.body).entry as Json[]).map((e) => ({ subtype: e.resource.subtype[0].code as string, policy: e.resource.agent[0].policy }));
  };

  beforeAll(async () => {
    pw = await portalWorld(engine);
    const at = (d: Date) => `${d.toISOString().slice(0, 19)}+00:00`;
    const dx = (id: string, d: Date) => ({ ...readdress(CONDITION, pw.alice, CLINIC, `data-${id}-${engine}`), recordedDate: at(d) });
    const res = await pw.register(
      pw.tokens.clinic,
      pw.clins(pw.alice, 'Condition', [
        dx('plain', pw.clock.now),
        withFlags(dx('uninformed', pw.clock.now), 'UNINFORMED'),
        dx('old', new Date(pw.clock.now.getTime() - 6 * 365 * DAY)),
      ]),
    );
    expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(201);
    [plain, uninformed, expired] = storedRefs(res.body);
    const a = await pw.register(
      pw.tokens.clinic,
      pw.clins(pw.alice, 'AllergyIntolerance', [{ ...readdress(ALLERGY, pw.alice, CLINIC, `data-allergy-${engine}`), recordedDate: at(pw.clock.now) }]),
    );
    expect(a.status, JSON.stringify(a.body).slice(0, 400)).toBe(201);
    allergy = storedRefs(a.body)[0];
    await pw.readerConsent(pw.alice.id, CLINIC, 'medication');
    const rx = { ...prescription(pw.alice, CLINIC), authoredOn: new Date().toISOString() };
    const sent = await pw.request({
      method: 'POST',
      url: '/fhir/$send-referral',
      token: pw.tokens.clinic,
      body: { resourceType: 'Parameters', parameter: [{ name: 'letter', resource: referral(pw.alice, CLINIC, OTHER_CLINIC, [rx]) }] },
    });
    expect(sent.statusCode, sent.body.slice(0, 600)).toBe(201);
    letterId = (json(sent).parameter as Json[]).find((p) => p.name === 'letter')!.valueString;
  }, 180_000);
  afterAll(async () => pw?.close());

  it('my-letters: the referral was sent, with the names, never the content', async () => {
    const res = await pw.op(pw.tokens.alice, 'my-letters', undefined, 'GET');
    expect(res.status).toBe(200);
    const letters = partsOf(res.body, 'letter');
    expect(letters).toEqual([
      {
        id: letterId,
        kind: 'referral',
        senderCode: CLINIC,
        senderName: 'つなぐ内科クリニック',
        addresseeCode: OTHER_CLINIC,
        addresseeName: '別の医院',
        sentAt: expect.any(String),
        state: 'sent',
      },
    ]);
    const text = JSON.stringify(res.body);
    for (const leak of ['Composition', 'Bundle', 'section', '"resource"']) expect(text).not.toContain(leak);
    expect((await subtypes()).find((e) => e.subtype === 'my-letters')?.policy).toEqual(['patient']);
    // Bob has none.
    expect(partsOf((await pw.op(pw.tokens.bob, 'my-letters', undefined, 'GET')).body, 'letter')).toEqual([]);
  });

  it('my-data: a collection Bundle of the person’s data that validates against base R4', async () => {
    const res = await pw.op(pw.tokens.alice, 'my-data', undefined, 'GET');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-disposition'])).toBe(`attachment; filename="tsunagu-my-data-${japanDate(pw.clock.now)}.json"`);
    const b = res.body;
    expect(b.resourceType).toBe('Bundle');
    expect(b.type).toBe('collection');
    for (const e of b.entry as Json[]) expect(e.fullUrl, JSON.stringify(e).slice(0, 200)).toMatch(/^(http|urn:uuid:)/);
    const refs = (b.entry as Json[]).map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(refs).toContain(`Patient/${pw.alice.id}`);
    expect(refs).toContain(plain);
    expect(refs).toContain(allergy);
    expect(refs.some((r) => r.startsWith('Coverage/'))).toBe(true);
    expect(refs.some((r) => r.startsWith('Consent/'))).toBe(true);
    expect(refs).not.toContain(uninformed);
    expect(refs).not.toContain(expired);
    expect(refs.some((r) => r.startsWith('Patient/') && r !== `Patient/${pw.alice.id}`)).toBe(false);
    const oo = pw.w.s.t.platform.conformance.validate(b);
    const errors = (oo.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    expect(errors, JSON.stringify(errors.slice(0, 5))).toEqual([]);
    expect((await subtypes()).find((e) => e.subtype === 'my-data')?.policy).toEqual(['patient']);
  });

  it('my-data-pdf: a PDF that opens, with its pages, title and the person named', async () => {
    const res = await pw.op(pw.tokens.alice, 'my-data-pdf', undefined, 'GET');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/pdf/);
    expect(String(res.headers['content-disposition'])).toBe(`attachment; filename="tsunagu-my-data-${japanDate(pw.clock.now)}.pdf"`);
    expect(res.raw.subarray(0, 5).toString()).toBe('%PDF-');
    const pdf = await PDFDocument.load(res.raw);
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(pdf.getPage(0).getSize()).toEqual({ width: expect.closeTo(595.28, 0), height: expect.closeTo(841.89, 0) });
    expect(pdf.getTitle()).toBe('本人データ（つなぐ）');
    expect(pdf.getSubject()).toContain('1985-01-01');
    expect(pdf.getSubject()).toContain('山﨑');
    // The sections and their counts: one diagnosis (not the 未告知 one, not the expired one), one allergy.
    expect(pdf.getKeywords()).toContain('傷病名:1');
    expect(pdf.getKeywords()).toContain('アレルギー:1');
    expect((await subtypes()).find((e) => e.subtype === 'my-data-pdf')?.policy).toEqual(['patient']);
  });

  it('e-prescription lines and dispensings become base R4 MedicationRequest / MedicationDispense', async () => {
    const records: MedicationRecord[] = [
      {
        source: 'prescription',
        prescriptionId: 'rx-1',
        date: '2026-11-01',
        facility: CLINIC,
        kind: 'outpatient',
        code: { system: 'urn:oid:1.2.392.100495.20.2.74', code: '620098801' },
        name: 'ロキソニン錠６０ｍｇ',
        quantity: 21,
        unit: '錠',
        days: 7,
      },
      {
        source: 'dispensing',
        prescriptionId: 'rx-1',
        dispensingId: 'd-1',
        date: '2026-11-02',
        facility: '1342345673',
        kind: 'outpatient',
        code: { system: 'urn:oid:1.2.392.100495.20.2.74', code: '620099301' },
        name: 'ロキソプロフェンＮａ錠６０ｍｇ「サワイ」',
        quantity: 21,
        unit: '錠',
        days: 7,
        substituted: true,
      },
    ];
    const entries = medicationResources(pw.alice.id, records, new Map([[CLINIC, 'つなぐ内科クリニック']]));
    expect(entries.map((e) => e.resource.resourceType)).toEqual(['MedicationRequest', 'MedicationDispense']);
    expect(entries[0].resource.requester).toEqual({ display: 'つなぐ内科クリニック' });
    expect(new Set(entries.map((e) => e.fullUrl)).size).toBe(2);
    const oo = pw.w.s.t.platform.conformance.validate({ resourceType: 'Bundle', type: 'collection', entry: entries });
    const errors = (oo.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    expect(errors, JSON.stringify(errors)).toEqual([]);
  });

  it('the PDF needs no JSON Accept (a browser download)', async () => {
    const res = await pw.request({ method: 'GET', url: '/fhir/$my-data-pdf', token: pw.tokens.alice, headers: { accept: '*/*' } });
    expect(res.statusCode).toBe(200);
  });
});
