/**
 * The patient page's pure helpers (web/clinic/patient/): the $clinical-information Bundle as rows (names not codes,
 * Japan-time dates, source facility, 未告知, the server's withheld groups), check-up series, lab trends matched by
 * JLAC10 analyte, the reception log's eligibility, and the medication reads.
 */
import { describe, expect, it } from 'vitest';
import { checkupSeries } from '../../web/clinic/patient/checkups.ts';
import { clinicalView, facilityCodes, latestLabs, ofKind, withheldGroups } from '../../web/clinic/patient/clinical.ts';
import { historyPath, latestPerPatient, printedInsurer, readHistory } from '../../web/clinic/patient/eligibility.ts';
import { conceptName, japanDay } from '../../web/clinic/patient/format.ts';
import { ePrescriptionRows, receiptRows } from '../../web/clinic/patient/medication.ts';
import { labTrends } from '../../web/clinic/patient/trends.ts';

const INSTITUTION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
const at = (code: string) => ({
  url: INSTITUTION,
  valueIdentifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: code },
});
const HOSPITAL = '1310200124';
const CLINIC = '1310123458';

const lab = (id: string, value: number, date: string, facility = CLINIC) => ({
  resource: {
    resourceType: 'Observation',
    id,
    extension: [at(facility)],
    code: {
      coding: [
        { system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS', code: 'L0301', display: 'HbA1c（NGSP）' },
        { system: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits', code: '3D046000001906202', display: 'HbA1c-NGSP' },
      ],
      text: 'HbA1c（NGSP）',
    },
    effectiveDateTime: `${date}T09:30:00+09:00`,
    valueQuantity: { value, unit: '%' },
    interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: value > 6 ? 'H' : 'N' }] }],
    referenceRange: [{ low: { value: 4.9 }, high: { value: 6.0 } }],
  },
  search: { mode: 'match' },
});

const VIEW = {
  resourceType: 'Bundle',
  type: 'searchset',
  total: 5,
  link: [{ relation: 'self', url: 'x' }],
  entry: [
    lab('o2', 7.1, '2026-11-17'),
    {
      resource: {
        resourceType: 'Condition',
        id: 'c1',
        meta: { tag: [{ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication', code: 'UNINFORMED' }] },
        extension: [
          at(HOSPITAL),
          { url: 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department', valueCodeableConcept: { text: '消化器科' } },
        ],
        clinicalStatus: { coding: [{ code: 'active' }] },
        code: { coding: [{ system: 'http://medis.or.jp/CodeSystem/master-disease-keyNumber', code: '20075639', display: '噴門癌' }] },
        onsetDateTime: '2026-06-02',
        recordedDate: '2026-06-02',
      },
    },
    {
      resource: {
        resourceType: 'AllergyIntolerance',
        id: 'a1',
        extension: [at(CLINIC)],
        category: ['medication'],
        criticality: 'high',
        code: { coding: [{ code: 'D9M000000000', display: '医薬品ダミーコード' }], text: 'ペニシリン系抗菌薬' },
        recordedDate: '2024-05-01',
        reaction: [{ manifestation: [{ text: '蕁麻疹' }] }],
      },
    },
    {
      resource: {
        resourceType: 'Observation',
        id: 'i1',
        extension: [at(HOSPITAL)],
        code: {
          coding: [{ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS', code: '5F016141002302311' }],
          text: 'HBs抗原（定性）',
        },
        effectiveDateTime: '2025-12-31T23:30:00Z',
        valueCodeableConcept: { text: '陽性（＋）' },
      },
    },
    lab('o1', 8.2, '2026-02-16'),
    {
      resource: {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'information',
            code: 'suppressed',
            details: {
              text: '診療＋お薬＋アレルギー等＋検査: 診療＋お薬＋アレルギー等＋検査の閲覧について、この医療機関での本人の同意がありません（他の医療機関の情報は表示していません）',
            },
            diagnostics: 'treatment, medication, allergies and lab results: the patient has not consented … (other facilities’ items are not shown)',
          },
        ],
      },
      search: { mode: 'outcome' },
    },
  ],
};

describe('the shared 6 information as rows', () => {
  const view = clinicalView(VIEW);

  it('names, dates in Japan time, facilities, 未告知 and the withheld groups', () => {
    const [cancer] = ofKind(view, 'diagnosis');
    expect(cancer).toMatchObject({ name: '噴門癌', date: '2026-06-02', facilityCode: HOSPITAL, department: '消化器科', uninformed: true });
    const [allergy] = ofKind(view, 'allergy');
    expect(allergy.name).toBe('ペニシリン系抗菌薬');
    expect(allergy.details).toEqual(['分類: 薬剤', '症状: 蕁麻疹', '重症度: 重篤']);
    const [infection] = ofKind(view, 'infection');
    // 23:30 UTC on 31 December is 1 January in Japan.
    expect(infection).toMatchObject({ name: 'HBs抗原（定性）', value: '陽性（＋）', date: '2026-01-01' });
    const labs = ofKind(view, 'lab');
    expect(labs.map((l) => [l.value, l.flag, l.range, l.analyte])).toEqual([
      ['7.1 %', 'H', '4.9–6', '3D046'],
      ['8.2 %', 'H', '4.9–6', '3D046'],
    ]);
    expect(view.withheld).toHaveLength(1);
    expect([...withheldGroups(view)]).toEqual(['medication']);
    expect(facilityCodes(view.items).sort()).toEqual([CLINIC, HOSPITAL]);
    expect(latestLabs(labs).map((l) => l.value)).toEqual(['7.1 %']);
    // No raw code anywhere in what is shown.
    expect(JSON.stringify(view.items.map((i) => [i.name, i.value, i.details]))).not.toMatch(/20075639|D9M0|3D046000/);
  });

  it('anything else is no row, and nonsense is an empty view', () => {
    expect(clinicalView(undefined)).toEqual({ items: [], withheld: [], total: 0, more: false });
    expect(clinicalView({ entry: [{ resource: { resourceType: 'Patient', id: 'p' } }, { resource: 'x' }, 3] }).items).toEqual([]);
  });

  it('the trend of a test, matched by JLAC10 analyte across lab results and check-ups, oldest first', () => {
    const checkups = checkupSeries(CHECKUPS).reports;
    const [hba1c] = labTrends(ofKind(view, 'lab'), checkups);
    expect(hba1c.key).toBe('hba1c');
    expect(hba1c.points.map((p) => [p.date, p.value, p.source])).toEqual([
      ['2025-06-15', 6.4, 'checkup'],
      ['2026-02-16', 8.2, 'lab'],
      ['2026-06-15', 5.5, 'checkup'],
      ['2026-11-17', 7.1, 'lab'],
    ]);
    expect([hba1c.low, hba1c.high]).toEqual([4.9, 6]);
    expect(labTrends([], [])).toEqual([]);
  });
});

const report = (id: string, date: string, hba1c: number, extra: { name: string; value: string }[] = []) => [
  {
    resource: {
      resourceType: 'Composition',
      id,
      event: [{ code: [{ coding: [{ system: 'urn:oid:1.2.392.200119.6.1002', code: '010', display: '特定健診' }] }], period: { start: date } }],
      custodian: {
        identifier: { system: 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no', value: '1310956782' },
        display: 'あおば健診センター',
      },
      section: [{ entry: [{ reference: `Observation/${id}-a` }, ...extra.map((_, i) => ({ reference: `Observation/${id}-${i}` }))] }],
    },
  },
  {
    resource: {
      resourceType: 'Observation',
      id: `${id}-a`,
      code: { coding: [{ system: 'urn:oid:1.2.392.200119.6.1005', code: '3D046000001906202', display: 'HbA1c(NGSP値)' }] },
      valueQuantity: { value: hba1c, unit: '%' },
    },
  },
  ...extra.map((x, i) => ({
    resource: {
      resourceType: 'Observation',
      id: `${id}-${i}`,
      code: { coding: [{ display: x.name }] },
      valueCodeableConcept: { coding: [{ display: x.value }] },
    },
  })),
];

const CHECKUPS = {
  resourceType: 'Bundle',
  entry: [...report('r2', '2026-06-15', 5.5, [{ name: 'メタボリックシンドローム判定', value: '非該当' }]), ...report('r1', '2025-06-15', 6.4)],
};

describe('check-ups as a time series', () => {
  it('one column per report (oldest first), one row per item, the provider named', () => {
    const s = checkupSeries(CHECKUPS);
    expect(s.reports.map((r) => [r.date, r.kind, r.provider])).toEqual([
      ['2025-06-15', '特定健診', 'あおば健診センター'],
      ['2026-06-15', '特定健診', 'あおば健診センター'],
    ]);
    expect(s.items).toEqual(['HbA1c(NGSP値)', 'メタボリックシンドローム判定']);
    expect(s.reports[1].results.get('メタボリックシンドローム判定')).toBe('非該当');
    expect(s.reports[0].results.get('HbA1c(NGSP値)')).toBe('6.4 %');
  });

  it('the server’s words when it withholds the reports', () => {
    const s = checkupSeries({
      entry: [{ resource: { resourceType: 'OperationOutcome', issue: [{ details: { text: '同意がありません' }, diagnostics: 'no consent' }] } }],
    });
    expect(s).toMatchObject({ reports: [], items: [], withheld: [{ ja: '同意がありません', en: 'no consent' }] });
  });
});

describe('eligibility and receptions from the reception history', () => {
  const reception = (id: string, at: string, extra: object[] = []) => ({
    name: 'reception',
    part: [
      { name: 'received', valueInstant: at },
      { name: 'visitDate', valueDate: '2026-12-02' },
      { name: 'method', valueCode: 'card-face' },
      { name: 'patient', valueReference: { reference: `Patient/${id}` } },
      { name: 'name', valueString: '髙橋 一郎' },
      { name: 'kana', valueString: 'タカハシ イチロウ' },
      { name: 'birthDate', valueDate: '1958-10-22' },
      { name: 'gender', valueCode: 'male' },
      { name: 'insurerName', valueString: 'つなぐ市国民健康保険' },
      ...extra,
    ],
  });
  const eligibility = {
    name: 'eligibility',
    part: [
      { name: 'insurerNumber', valueString: '00138016' },
      { name: 'number', valueString: '104512' },
      { name: 'copayRatio', valueInteger: 3 },
      { name: 'limitCategory', valueCoding: { code: 'u70-u', display: '区分ウ' } },
      { name: 'elderlyCopayRatio', valueInteger: 2 },
      {
        name: 'publicExpense',
        part: [
          { name: 'payer', valueIdentifier: { value: '54016027' } },
          { name: 'recipient', valueString: '1234566' },
        ],
      },
    ],
  };
  const body = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'count', valueInteger: 3 },
      { name: 'next', valueString: 'abc' },
      reception('p1', '2026-12-02T01:00:00.000Z', [eligibility, { name: 'consent', part: [{ name: 'medication', valueBoolean: true }] }]),
      reception('p2', '2026-12-02T00:50:00.000Z'),
      reception('p1', '2026-12-02T00:30:00.000Z'),
      { name: 'reception', part: [{ name: 'received', valueInstant: 'x' }] },
    ],
  };

  it('reads the receptions with their eligibility, newest first, one per patient', () => {
    const page = readHistory(body);
    expect(page.next).toBe('abc');
    expect(page.receptions).toHaveLength(3);
    expect(page.receptions[0]).toMatchObject({
      at: '2026-12-02T01:00:00.000Z',
      method: 'card-face',
      insurer: 'つなぐ市国民健康保険',
      patient: { id: 'p1', name: '髙橋 一郎', kana: 'タカハシ イチロウ', birthDate: '1958-10-22', gender: 'male' },
      eligibility: {
        insurerNumber: '00138016',
        copayRatio: 3,
        limitCategory: { display: '区分ウ' },
        elderlyCopayRatio: 2,
        publicExpenses: [{ payer: '54016027', recipient: '1234566' }],
      },
      consent: { medication: true },
    });
    expect(latestPerPatient(page.receptions).map((r) => r.patient.id)).toEqual(['p1', 'p2']);
    expect(readHistory({ resourceType: 'OperationOutcome' })).toEqual({ receptions: [] });
    expect(readHistory('nonsense')).toEqual({ receptions: [] });
    const bad = readHistory({ resourceType: 'Parameters', parameter: [reception('../x', '2026-12-02T01:00:00.000Z')] });
    expect(bad.receptions).toEqual([]);
  });

  it('builds the read and prints numbers as on the card', () => {
    expect(historyPath({ patient: 'p1', count: 1 })).toBe('$reception-history?patient=Patient%2Fp1&_count=1');
    expect(historyPath({ name: 'たかはし', birthdate: '1958-10-22' })).toBe(`$reception-history?name=${encodeURIComponent('たかはし')}&birthdate=1958-10-22`);
    expect(printedInsurer('00138016')).toBe('138016');
    expect(printedInsurer('01130012')).toBe('01130012');
  });
});

describe('medication', () => {
  it('this facility’s e-prescriptions with their state and master names, newest first', () => {
    const line = (name: string) => ({
      name: 'medication',
      part: [
        { name: 'name', valueString: name },
        { name: 'quantity', valueDecimal: 28 },
        { name: 'unit', valueString: '錠' },
        { name: 'days', valueInteger: 28 },
      ],
    });
    const rx = (id: string, issuedOn: string, state: string, drugs: string[]) => ({
      name: 'prescription',
      part: [
        { name: 'id', valueString: id },
        { name: 'state', valueCode: state },
        { name: 'issuer', valueString: CLINIC },
        { name: 'prescriber', valueString: '佐藤 健一' },
        { name: 'issuedOn', valueDate: issuedOn },
        ...drugs.map(line),
      ],
    });
    const rows = ePrescriptionRows({
      resourceType: 'Parameters',
      parameter: [
        rx('a', '2026-07-05', 'completed', ['ノルバスク錠５ｍｇ']),
        rx('b', '2026-12-02', 'registered', ['ノルバスク錠５ｍｇ', 'アマリール１ｍｇ錠']),
      ],
    });
    expect(rows.map((r) => [r.date, r.state, r.facilityCode, r.drugs.map((d) => `${d.name} ${d.amount}`)])).toEqual([
      ['2026-12-02', 'registered', CLINIC, ['ノルバスク錠５ｍｇ 28錠・28日分', 'アマリール１ｍｇ錠 28錠・28日分']],
      ['2026-07-05', 'completed', CLINIC, ['ノルバスク錠５ｍｇ 28錠・28日分']],
    ]);
    expect(ePrescriptionRows(undefined)).toEqual([]);
  });

  it('receipt-based medication records by drug name and date', () => {
    const rows = receiptRows({
      entry: [
        {
          resource: {
            resourceType: 'MedicationDispense',
            id: 'd',
            medicationCodeableConcept: { text: 'メバロチン錠１０' },
            whenHandedOver: '2026-10-01',
            quantity: { value: 30, unit: '錠' },
          },
        },
        { resource: { resourceType: 'Procedure', id: 'x' } },
      ],
    });
    expect(rows).toMatchObject([{ date: '2026-10-01', drugs: [{ name: 'メバロチン錠１０', amount: '30錠' }] }]);
  });
});

describe('format', () => {
  it('names and days', () => {
    expect(conceptName({ coding: [{ display: '医薬品ダミーコード' }, { display: 'ペニシリン' }] })).toBe('ペニシリン');
    expect(conceptName({ coding: [{ code: '123' }] })).toBeUndefined();
    expect(japanDay('2026-03-31T15:00:00Z')).toBe('2026-04-01');
    expect(japanDay('2026-04')).toBe('2026-04');
    expect(japanDay('soon')).toBeUndefined();
  });
});
