/**
 * buildPrescription (src/services/eprescription/prescriptions/build-prescription.ts): a JP_Bundle_ePrescriptionData
 * from a simple description validates with zero errors against the package profile (one and three lines, a refill, a
 * split, a 一般名コード line, a HOT9-only line, a dentist, no kana, no symbol, a note); the service's own readers find in
 * it the person, the issuer, the dates, the prescriber and the lines; a bad input is refused with a TypeError naming
 * the field; and end to end the built, signed Bundle registers and a pharmacy retrieves it with the master's names.
 */
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentBundle } from '../../src/platform/conformance/documents.ts';
import { type Conformance, loadConformance } from '../../src/platform/conformance/index.ts';
import { buildPrescription, PRESCRIPTION_PROFILE, type PrescriptionInput, PrescriptionInputError } from '../../src/services/eprescription/index.ts';
import { DrugMaster } from '../../src/services/eprescription/master/index.ts';
import { sampleDrugEntries } from '../../src/services/eprescription/master/samples.ts';
import type { Issue } from '../../src/platform/fhir/outcome.ts';
import { authorPractitioner } from '../../src/services/eprescription/prescriptions/prescriber.ts';
import { readPrescription } from '../../src/services/eprescription/prescriptions/prescription-document.ts';
import { insuredIdentity } from '../../src/services/eprescription/prescriptions/prescription-person.ts';
import { ENGINES } from '../helpers/engines.ts';
import { CLINIC, type RxWorld, out, outAll, part, parts, rxWorld } from './eprescription-world.ts';
import { EPRESCRIPTION_BUNDLE_PROFILE, EPRESCRIPTION_PACKAGE, JP_CORE_PACKAGE } from './official-examples.ts';

type Json = Record<string, any>;
type Line = PrescriptionInput['lines'][number];

const LINES = {
  carbocisteine: {
    system: 'yj',
    code: '2233002F1280',
    name: 'カルボシステイン錠２５０ｍｇ',
    quantity: 21,
    unit: '錠',
    days: 7,
    usage: '内服・経口・１日３回朝昼夕食後',
    usageCode: '1013044400000000',
  },
  lipitor: { system: 'receipt', code: '610443014', name: 'リピトール錠１０ｍｇ', quantity: 7, unit: '錠', days: 7, usage: '1日1回夕食後' },
  quazepam: { system: 'general', code: '1124030F2ZZZ', name: '【般】クアゼパム錠２０ｍｇ', quantity: 14, unit: '錠', days: 14, usage: '1日1回就寝前' },
  rinderon: { system: 'hot9', code: '106062101', name: 'リンデロンＶＧクリーム ５ｇ', quantity: 2, unit: '本', usage: '1日3回患部に塗布' },
} satisfies Record<string, Line>;

const BASE: PrescriptionInput = {
  issuedOn: '2026-06-01',
  authoredAt: '2026-06-01T10:15:00+09:00',
  patient: {
    familyName: '東京',
    givenName: '太郎',
    familyKana: 'トウキョウ',
    givenKana: 'タロウ',
    gender: 'male',
    birthDate: '1985-01-01',
    insurer: '01130012',
    symbol: '1234567',
    number: '89',
    branch: '00',
    copayPercent: 30,
    localId: '00000010',
  },
  facility: { code: CLINIC, name: 'つなぐ内科クリニック', phone: '03-1234-5678', address: '東京都千代田区千代田１－１', postalCode: '100-0001' },
  practitioner: {
    familyName: '神奈川',
    givenName: '花子',
    familyKana: 'カナガワ',
    givenKana: 'ハナコ',
    licenseNumber: '123456',
    role: 'doctor',
    localId: '702',
  },
  lines: [LINES.carbocisteine],
};

const resources = (b: Bundle): Json[] => (b.entry ?? []).map((e) => e.resource as Json);
const ofType = (b: Bundle, type: string) => resources(b).filter((r) => r.resourceType === type);
const requests = (b: Bundle) => ofType(b, 'MedicationRequest');
const entriesOf = (b: Bundle) => documentBundle(b, PRESCRIPTION_PROFILE, 'JP_Bundle_ePrescriptionData', 'document').entries;

let conformance: Conformance;
beforeAll(async () => {
  conformance = await loadConformance({ packages: [JP_CORE_PACKAGE, EPRESCRIPTION_PACKAGE] });
}, 120_000);

/** Errors (severity error or fatal) as `location | message`. */
function errorsOf(bundle: unknown): string[] {
  const oo: OperationOutcome = conformance.validate(bundle, { profiles: [EPRESCRIPTION_BUNDLE_PROFILE] });
  return (oo.issue ?? [])
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => `${i.expression?.[0] ?? ''} | ${i.diagnostics ?? i.details?.text ?? ''}`);
}

describe('buildPrescription: valid JP_Bundle_ePrescriptionData', () => {
  const { familyKana: _fk, givenKana: _gk, symbol: _s, ...patientWithoutKanaAndSymbol } = BASE.patient;
  const cases: [string, PrescriptionInput][] = [
    ['one line', BASE],
    ['three lines (YJ, receipt code, HOT9) with a note', { ...BASE, lines: [LINES.carbocisteine, LINES.lipitor, LINES.rinderon], note: '粉砕してください' }],
    [
      'a refill (repeats 2)',
      {
        ...BASE,
        lines: [
          { ...LINES.carbocisteine, repeats: 2 },
          { ...LINES.lipitor, repeats: 2 },
        ],
      },
    ],
    ['a split prescription (category 03)', { ...BASE, category: '03', validUntil: '2026-06-10' }],
    ['a 一般名コード line', { ...BASE, lines: [LINES.quazepam] }],
    ['a HOT9-only line without days', { ...BASE, lines: [LINES.rinderon] }],
    [
      'a dentist (DentalDoctorLicense)',
      { ...BASE, practitioner: { familyName: '横浜', givenName: '次郎', licenseNumber: '654321', role: 'dentist' }, lines: [LINES.lipitor] },
    ],
    [
      'no kana, no symbol, no branch, no patient number, no copay',
      { ...BASE, patient: { ...patientWithoutKanaAndSymbol, branch: undefined, localId: undefined, copayPercent: undefined } },
    ],
    [
      'a line with no 用法, substitution not allowed with a reason, a unit code given',
      {
        ...BASE,
        lines: [{ ...LINES.lipitor, usage: undefined, substitution: '1', substitutionReason: '患者からの強い要望により', unit: '錠', unitCode: 'TAB' }],
      },
    ],
    ['defaults: no authoredAt, no documentId', { ...BASE, authoredAt: undefined, documentId: undefined }],
  ];

  it.each(cases)('%s: zero errors', (_name, input) => {
    const bundle = buildPrescription(input);
    expect(errorsOf(bundle)).toEqual([]);
    expect(bundle.meta?.profile).toEqual([EPRESCRIPTION_BUNDLE_PROFILE]);
    expect(bundle.type).toBe('document');
    expect(resources(bundle)[0].resourceType).toBe('Composition');
    expect(requests(bundle)).toHaveLength(input.lines.length);
  });

  it('the service reads from it the person, the issuer, the dates, the prescriber and the lines', () => {
    const input: PrescriptionInput = { ...BASE, validUntil: '2026-06-03', lines: [LINES.carbocisteine, LINES.lipitor, LINES.quazepam, LINES.rinderon] };
    const bundle = buildPrescription(input);
    const entries = entriesOf(bundle);
    expect(insuredIdentity(entries)).toEqual({ value: '01130012:1234567:89:00', birthDate: '1985-01-01' });
    const issues: Issue[] = [];
    const doc = readPrescription(bundle as unknown as Json, entries, new DrugMaster(sampleDrugEntries()), issues);
    expect(issues).toEqual([]);
    expect(doc).toMatchObject({ issuer: CLINIC, issuedOn: '2026-06-01', validUntil: '2026-06-03', usesAllowed: 1, split: false, narcotic: false });
    expect(doc.documentId).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(doc.lines.map((l) => [l.system, l.code, l.name, l.quantity, l.unit, l.days, l.textDiffers])).toEqual([
      ['yj', '2233002F1280', 'カルボシステイン錠２５０ｍｇ', 21, '錠', 7, undefined],
      ['receipt', '610443014', 'リピトール錠１０ｍｇ', 7, '錠', 7, undefined],
      ['general', '1124030F2ZZZ', '【般】クアゼパム錠２０ｍｇ', 14, '錠', 14, undefined],
      ['hot9', '106062101', 'リンデロンＶＧクリーム ５ｇ', 2, '本', undefined, undefined],
    ]);
    expect(authorPractitioner(entries)).toEqual({ name: '神奈川 花子', license: '123456' }); // NFKC: the full-width space
    // refill and split as the service reads them
    const refill = buildPrescription({ ...BASE, lines: [{ ...LINES.carbocisteine, repeats: 2 }] });
    expect(readPrescription(refill as unknown as Json, entriesOf(refill), new DrugMaster(sampleDrugEntries()), issues).usesAllowed).toBe(3);
    const split = buildPrescription({ ...BASE, category: '03' });
    const splitDoc = readPrescription(split as unknown as Json, entriesOf(split), new DrugMaster(sampleDrugEntries()), issues);
    expect(splitDoc).toMatchObject({ split: true, validUntil: '2026-06-04' }); // the legal 4 days
    expect(issues).toEqual([]);
    // no symbol and no branch: the empty parts of the 被保険者個人識別子
    const bare = buildPrescription({ ...BASE, patient: { ...BASE.patient, symbol: undefined, branch: undefined } });
    expect(insuredIdentity(entriesOf(bare)).value).toBe('01130012::89:');
    // a 国民健康保険 number (6 digits) is written as the service resolves it: 8 digits, left-padded with 00
    const nhi = buildPrescription({ ...BASE, patient: { ...BASE.patient, insurer: '138057' } });
    expect(errorsOf(nhi)).toEqual([]);
    expect(insuredIdentity(entriesOf(nhi)).value).toBe('00138057:1234567:89:00');
  });

  it('writes the codings, names, units and extensions the package example uses', () => {
    const bundle = buildPrescription({ ...BASE, lines: [LINES.carbocisteine, LINES.lipitor, LINES.quazepam, LINES.rinderon], note: '粉砕してください' });
    const [yj, receipt, general, hot9] = requests(bundle);
    expect(yj.medicationCodeableConcept).toEqual({
      coding: [{ system: 'urn:oid:1.2.392.100495.20.1.73', code: '2233002F1280', display: 'カルボシステイン錠２５０ｍｇ' }],
      text: 'カルボシステイン錠２５０ｍｇ',
    });
    expect(receipt.medicationCodeableConcept.coding[0].system).toBe('urn:oid:1.2.392.100495.20.2.71');
    expect(general.medicationCodeableConcept.coding[0].system).toBe('urn:oid:1.2.392.100495.20.1.81');
    expect(hot9.medicationCodeableConcept.coding[0].system).toBe('urn:oid:1.2.392.200119.4.403.1');
    expect(hot9.dispenseRequest.quantity).toEqual({ value: 2, unit: '本', system: 'urn:oid:1.2.392.100495.20.2.101', code: 'HON' });
    expect(yj.dispenseRequest).toEqual({
      quantity: { value: 21, unit: '錠', system: 'urn:oid:1.2.392.100495.20.2.101', code: 'TAB' },
      expectedSupplyDuration: { value: 7, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' },
    });
    expect(yj.dosageInstruction[0].timing.code.coding[0]).toEqual({
      system: 'urn:oid:1.2.392.200250.2.2.20.20',
      code: '1013044400000000',
      display: '内服・経口・１日３回朝昼夕食後',
    });
    expect(requests(bundle).map((r) => r.identifier.map((i: Json) => i.value))).toEqual([
      ['1', '1'],
      ['2', '1'],
      ['3', '1'],
      ['4', '1'],
    ]);
    expect(new Set(requests(bundle).map((r) => r.authoredOn))).toEqual(new Set([BASE.authoredAt]));
    expect(bundle.timestamp).toBe(BASE.authoredAt);
    const composition = resources(bundle)[0];
    expect(composition.date).toBe(BASE.authoredAt);
    expect(composition.event[0].period).toEqual({ start: '2026-06-01' });
    expect(composition.category[0].coding[0]).toMatchObject({ code: '01', display: '一般処方箋' });
    // every entry but the Composition, the Patient, the Encounter and the authors is in the section
    const inSection = new Set(composition.section[0].entry.map((e: Json) => e.reference));
    const listed = (bundle.entry ?? []).filter((e) => inSection.has(e.fullUrl)).map((e) => e.resource!.resourceType);
    expect(listed).toEqual(['Coverage', 'Organization', 'MedicationRequest', 'MedicationRequest', 'MedicationRequest', 'MedicationRequest', 'Communication']);
    const [issuer] = ofType(bundle, 'Organization').filter((o) => o.meta.profile[0].endsWith('_issuer'));
    expect(issuer.extension.map((e: Json) => e.valueCoding?.code ?? e.valueIdentifier?.value)).toEqual(['13', '1', '2345679']);
    const [communication] = ofType(bundle, 'Communication');
    expect(communication.extension[0].valueString).toBe('粉砕してください');
    const [patient] = ofType(bundle, 'Patient');
    expect(patient.name.map((n: Json) => n.text)).toEqual(['東京　太郎', 'トウキョウ　タロウ']);
    expect(patient.identifier).toEqual([{ system: `urn:oid:1.2.392.100495.20.3.51.1${CLINIC}`, value: '00000010' }]);
    // without the facility's patient number, the 被保険者個人識別子 (Patient.identifier is 1..*)
    const noLocal = buildPrescription({ ...BASE, patient: { ...BASE.patient, localId: undefined } });
    expect(ofType(noLocal, 'Patient')[0].identifier).toEqual([
      { system: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID', value: '01130012:1234567:89:00' },
    ]);
    // a dentist
    const dentist = buildPrescription({ ...BASE, practitioner: { ...BASE.practitioner, role: 'dentist' } });
    expect(ofType(dentist, 'Practitioner')[0].qualification[0].code.coding[0].code).toBe('DentalDoctorLicense');
    expect(ofType(dentist, 'PractitionerRole')[0].code[0].coding[0].code).toBe('dentist');
    // fresh identifiers each time
    expect(buildPrescription(BASE).identifier?.value).not.toBe(buildPrescription(BASE).identifier?.value);
    expect(buildPrescription({ ...BASE, documentId: 'urn:uuid:00000000-0000-4000-8000-000000000001' }).identifier).toEqual({
      system: 'urn:ietf:rfc:3986',
      value: 'urn:uuid:00000000-0000-4000-8000-000000000001',
    });
  });
});

describe('buildPrescription: bad input is refused with a TypeError naming the field', () => {
  const line = LINES.carbocisteine;
  const cases: [string, string, unknown][] = [
    ['a bad 交付日', 'issuedOn', { ...BASE, issuedOn: '2026-02-30' }],
    ['a 交付日 not YYYY-MM-DD', 'issuedOn', { ...BASE, issuedOn: '20260601' }],
    ['a 使用期限 before the 交付日', 'validUntil', { ...BASE, validUntil: '2026-05-31' }],
    ['an authoredAt without +09:00', 'authoredAt', { ...BASE, authoredAt: '2026-06-01T10:15:00Z' }],
    ['a bad birth date', 'patient.birthDate', { ...BASE, patient: { ...BASE.patient, birthDate: '1985-13-01' } }],
    ['a facility code of 9 digits', 'facility.code', { ...BASE, facility: { ...BASE.facility, code: '131234567' } }],
    ['a facility code with a wrong check digit', 'facility.code', { ...BASE, facility: { ...BASE.facility, code: '1312345678' } }],
    ['no facility phone (the issuer profile requires one)', 'facility.phone', { ...BASE, facility: { ...BASE.facility, phone: undefined } }],
    ['empty lines', 'lines', { ...BASE, lines: [] }],
    ['a quantity of 0', 'lines[0].quantity', { ...BASE, lines: [{ ...line, quantity: 0 }] }],
    ['a negative quantity', 'lines[1].quantity', { ...BASE, lines: [line, { ...line, quantity: -1 }] }],
    [
      'mismatched repeats',
      'lines[].repeats',
      {
        ...BASE,
        lines: [
          { ...line, repeats: 2 },
          { ...LINES.lipitor, repeats: 1 },
        ],
      },
    ],
    ['too many repeats', 'lines[0].repeats', { ...BASE, lines: [{ ...line, repeats: 3 }] }],
    ['a refill line without days', 'lines[0].days', { ...BASE, lines: [{ ...LINES.rinderon, repeats: 1 }] }],
    ['a refill split prescription', 'category', { ...BASE, category: '03', lines: [{ ...line, repeats: 1 }] }],
    ['an unknown drug system', 'lines[0].system', { ...BASE, lines: [{ ...line, system: 'gs1' }] }],
    ['a unit outside 別表20 without unitCode', 'lines[0].unitCode', { ...BASE, lines: [{ ...line, unit: 'シート状' }] }],
    ['a unitCode contradicting the unit', 'lines[0].unitCode', { ...BASE, lines: [{ ...line, unit: '錠', unitCode: 'CAP' }] }],
    ['a bad usage code', 'lines[0].usageCode', { ...BASE, lines: [{ ...line, usageCode: '1013' }] }],
    ['a bad insurer number', 'patient.insurer', { ...BASE, patient: { ...BASE.patient, insurer: '01130013' } }],
    ['a bad branch', 'patient.branch', { ...BASE, patient: { ...BASE.patient, branch: '123' } }],
    ['an unknown role', 'practitioner.role', { ...BASE, practitioner: { ...BASE.practitioner, role: 'pharmacist' } }],
    ['a documentId that is not a URI', 'documentId', { ...BASE, documentId: 'rx 1' }],
  ];

  it.each(cases)('%s → %s', (_name, field, input) => {
    let error: unknown;
    try {
      buildPrescription(input as PrescriptionInput);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toBeInstanceOf(PrescriptionInputError);
    const problems = (error as PrescriptionInputError).problems;
    expect(problems.map((p) => p.field)).toContain(field);
    const p = problems.find((x) => x.field === field)!;
    expect(p.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(p.en).toMatch(/[a-z]{3}/);
    expect((error as Error).message).toContain(`${field}: ${p.ja} / ${p.en}`);
  });

  it('reports every bad field at once, and a non-object input', () => {
    const input = { ...BASE, issuedOn: 'x', facility: { ...BASE.facility, code: '12' }, lines: [{ ...LINES.lipitor, quantity: 0, days: 1.5 }] };
    expect(() => buildPrescription(input)).toThrow(PrescriptionInputError);
    try {
      buildPrescription(input);
    } catch (e) {
      expect((e as PrescriptionInputError).problems.map((p) => p.field)).toEqual(['issuedOn', 'facility.code', 'lines[0].quantity', 'lines[0].days']);
    }
    expect(() => buildPrescription(null as unknown as PrescriptionInput)).toThrow(TypeError);
    expect(() => buildPrescription({} as PrescriptionInput)).toThrow(/patient is missing/);
  });
});

describe.each(ENGINES)('a built prescription end to end (%s)', (engine) => {
  let x: RxWorld;
  beforeAll(async () => {
    x = await rxWorld(engine);
  }, 120_000);
  afterAll(() => x?.close());

  const retrieve = (exchange: string, memberId: string, birthDate: string) =>
    x.op(x.tokens.pharmacy, 'retrieve-prescription', [
      { name: 'exchangeNumber', valueString: exchange },
      { name: 'insuredNumber', valueString: memberId },
      { name: 'birthDate', valueDate: birthDate },
    ]);

  it('built for alice, signed by the test doctor, registers (201); the pharmacy retrieves it with the master names', async () => {
    const a = x.alice;
    const bundle = buildPrescription({
      ...BASE,
      issuedOn: x.today(),
      authoredAt: `${x.today()}T09:30:00+09:00`,
      patient: { ...BASE.patient, insurer: a.insurer, symbol: a.symbol, number: a.number, branch: a.branch, birthDate: a.birthDate },
      facility: { ...BASE.facility, code: CLINIC },
      practitioner: { ...BASE.practitioner, licenseNumber: '123456' },
      lines: [LINES.lipitor, LINES.carbocisteine, LINES.rinderon],
    });
    const r = await x.register(x.tokens.clinic, await x.sign(bundle));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const exchange = out(r.body, 'exchangeNumber') as string;
    const got = await retrieve(exchange, a.memberId, a.birthDate);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const p = outAll(got.body, 'prescription')[0];
    expect(part(p, 'id')).toBe(out(r.body, 'prescription'));
    expect(part(p, 'issuer')).toBe(CLINIC);
    expect(part(p, 'issuedOn')).toBe(x.today());
    expect(part(p, 'usesAllowed')).toBe(1);
    expect(parts(p, 'medication').map((m) => [part(m, 'name'), part(m, 'quantity'), part(m, 'unit')])).toEqual([
      ['リピトール錠１０ｍｇ', 7, '錠'],
      ['カルボシステイン錠２５０ｍｇ', 21, '錠'],
      ['リンデロンＶＧクリーム ５ｇ', 2, '本'],
    ]);
    expect((part(p, 'document') as Json).identifier.value).toBe(bundle.identifier?.value);
  });

  it('a refill with a 一般名コード line, without kana or symbol, signed by the test dentist, registers too', async () => {
    const b = x.bob;
    const bundle = buildPrescription({
      issuedOn: x.today(),
      patient: {
        familyName: '佐藤',
        givenName: '一郎',
        gender: 'male',
        birthDate: b.birthDate,
        insurer: b.insurer,
        symbol: b.symbol,
        number: b.number,
        branch: b.branch,
      },
      facility: { code: CLINIC, name: 'つなぐ内科クリニック', phone: '03-1234-5678', address: '東京都千代田区千代田１－１' },
      practitioner: { familyName: '横浜', givenName: '次郎', licenseNumber: '654321', role: 'dentist' },
      lines: [{ ...LINES.quazepam, repeats: 2 }],
    });
    expect(errorsOf(bundle)).toEqual([]);
    const r = await x.register(x.tokens.clinic, await x.sign(bundle, x.hpki.dentist));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const got = await retrieve(out(r.body, 'exchangeNumber') as string, b.memberId, b.birthDate);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const p = outAll(got.body, 'prescription')[0];
    expect(part(p, 'usesAllowed')).toBe(3);
    expect(parts(p, 'medication').map((m) => part(m, 'name'))).toEqual(['【般】クアゼパム錠２０ｍｇ']);
  });

  it('signed by a prescriber other than the one it names, it is refused (422)', async () => {
    const a = x.alice;
    const bundle = buildPrescription({
      ...BASE,
      issuedOn: x.today(),
      patient: { ...BASE.patient, insurer: a.insurer, symbol: a.symbol, number: a.number, branch: a.branch, birthDate: a.birthDate },
      lines: [LINES.rinderon],
    });
    const r = await x.register(x.tokens.clinic, await x.sign(bundle, x.hpki.dentist));
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body)).toContain('654321');
  });
});
