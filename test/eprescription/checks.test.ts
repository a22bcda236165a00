/**
 * The duplicate and contraindication check (src/services/eprescription/checks): duplicates by ingredient across
 * facilities, class duplicates, contraindicated pairs in both orders (ingredient and class level), the 100-day window
 * and its boundary, lines of one prescription against each other, what is left out of the history, and the
 * consent-dependent redaction. Drug codes are real YJ codes where a product is named, synthetic (…9xx) otherwise.
 */
import { describe, expect, it } from 'vitest';
import {
  CHECK_WINDOW_DAYS,
  type CheckAlert,
  checkMedications,
  type DrugKeys,
  InteractionIndex,
  isRedacted,
  keysFromYj,
  type MedicationLine,
  redactAlert,
  sampleRules,
} from '../../src/services/eprescription/checks/index.ts';

const SIMVASTATIN = keysFromYj('2189011F1041', 'シンバスタチン錠5mg「アメル」');
const SIMVASTATIN_10 = keysFromYj('2189011F2110', 'シンバスタチン錠10mg「アメル」');
const ROSUVASTATIN = keysFromYj('2189017F1081', 'ロスバスタチン錠2.5mg');
const ITRACONAZOLE = keysFromYj('6290004M1029', 'イトリゾールカプセル50');
const TIZANIDINE = keysFromYj('1249010F1255', 'チザニジン錠1mg「ツルハラ」');
const CIPROFLOXACIN = keysFromYj('6241008F2020', 'シプロキサン錠200mg');
const TRIAZOLAM = keysFromYj('1124007F1020', 'ハルシオン0.125mg錠');
const OTHER_BENZODIAZEPINE = keysFromYj('1124901F1000', '（架空）ベンゾジアゼピン系睡眠薬');
const SILDENAFIL = keysFromYj('2190028F1021', 'レバチオ錠20mg');
const ISOSORBIDE = keysFromYj('2171011N1149', 'ニトロールRカプセル20mg');

const CLINIC_A = '1311111111';
const CLINIC_B = '1312222222';
const PHARMACY = '1341234567';
const AT = '2026-04-11';

const sample = new InteractionIndex(sampleRules());

function line(drug: DrugKeys, date: string, extra: Partial<MedicationLine> = {}): MedicationLine {
  return { drug, date, facilityKind: 'medical', facilityCode: CLINIC_B, source: 'prescription', ...extra };
}
const kinds = (alerts: CheckAlert[]) => alerts.map((a) => a.kind);

describe('duplicate medication (重複投薬)', () => {
  it('finds the same ingredient prescribed at another facility and dispensed at a pharmacy', () => {
    const history = [
      line(SIMVASTATIN_10, '2026-03-20', { facilityCode: CLINIC_B }),
      line(SIMVASTATIN_10, '2026-03-21', { facilityKind: 'pharmacy', facilityCode: PHARMACY, source: 'dispensing' }),
    ];
    const alerts = checkMedications([line(SIMVASTATIN, AT, { facilityCode: CLINIC_A })], history, sample, { at: AT, facilityCode: CLINIC_A });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'duplicate-ingredient',
      candidateIndex: 0,
      candidate: SIMVASTATIN,
      conflicting: {
        drug: SIMVASTATIN_10,
        date: '2026-03-21',
        facilityKind: 'pharmacy',
        facilityCode: PHARMACY,
        source: 'dispensing',
        origin: 'history',
        occurrences: 2,
      },
    });
    expect(alerts[0].rule).toBeUndefined();
  });

  it("leaves out the checking facility's own lines unless asked to include them", () => {
    const history = [line(SIMVASTATIN_10, '2026-03-20', { facilityCode: CLINIC_A })];
    const candidates = [line(SIMVASTATIN, AT, { facilityCode: CLINIC_A })];
    expect(checkMedications(candidates, history, sample, { at: AT, facilityCode: CLINIC_A })).toEqual([]);
    expect(kinds(checkMedications(candidates, history, sample, { at: AT, facilityCode: CLINIC_A, includeOwnFacility: true }))).toEqual([
      'duplicate-ingredient',
    ]);
    expect(kinds(checkMedications(candidates, history, sample, { at: AT }))).toEqual(['duplicate-ingredient']);
  });

  it('finds a class duplicate only for a class the data lists', () => {
    const bzd = checkMedications([line(OTHER_BENZODIAZEPINE, AT)], [line(TRIAZOLAM, '2026-04-01', { source: 'receipt' })], sample, { at: AT });
    expect(bzd).toHaveLength(1);
    expect(bzd[0]).toMatchObject({ kind: 'duplicate-class', conflicting: { drug: TRIAZOLAM }, rule: { kind: 'duplicate-class', therapeuticClass: '1124' } });
    // 2189 (高脂血症用剤) is not a duplicate class in the sample: two statins of different ingredients raise nothing
    expect(checkMedications([line(ROSUVASTATIN, AT)], [line(SIMVASTATIN, '2026-04-01')], sample, { at: AT })).toEqual([]);
  });

  it('can turn off same-ingredient duplicates', () => {
    expect(checkMedications([line(SIMVASTATIN, AT)], [line(SIMVASTATIN_10, '2026-04-01')], sample, { at: AT, ingredientDuplicates: false })).toEqual([]);
  });
});

describe('contraindicated combinations (併用禁忌)', () => {
  it('finds a pair in both orders', () => {
    const newStatin = checkMedications([line(SIMVASTATIN, AT)], [line(ITRACONAZOLE, '2026-04-01')], sample, { at: AT });
    const newAzole = checkMedications([line(ITRACONAZOLE, AT)], [line(SIMVASTATIN, '2026-04-01')], sample, { at: AT });
    for (const [alerts, other] of [
      [newStatin, ITRACONAZOLE],
      [newAzole, SIMVASTATIN],
    ] as const) {
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ kind: 'contraindicated', conflicting: { drug: other, date: '2026-04-01', facilityKind: 'medical' } });
      expect(alerts[0].rule).toMatchObject({ kind: 'contraindicated', dataset: 'sample' });
      expect((alerts[0].rule as { statement?: string }).statement).toContain('横紋筋融解症');
    }
    expect(kinds(checkMedications([line(ISOSORBIDE, AT)], [line(SILDENAFIL, '2026-03-01')], sample, { at: AT }))).toEqual(['contraindicated']);
  });

  it('matches class-level rules from either side', () => {
    const rules = new InteractionIndex([{ kind: 'contraindicated', a: { scope: 'ingredient', key: '1249010' }, b: { scope: 'class', key: '6241' } }]);
    const otherQuinolone = keysFromYj('6241901F1000', '（架空）ニューキノロン');
    expect(kinds(checkMedications([line(TIZANIDINE, AT)], [line(otherQuinolone, '2026-04-01')], rules, { at: AT }))).toEqual(['contraindicated']);
    expect(kinds(checkMedications([line(otherQuinolone, AT)], [line(TIZANIDINE, '2026-04-01')], rules, { at: AT }))).toEqual(['contraindicated']);
    const classes = new InteractionIndex([{ kind: 'contraindicated', a: { scope: 'class', key: '1249' }, b: { scope: 'class', key: '6241' } }]);
    expect(kinds(checkMedications([line(CIPROFLOXACIN, AT)], [line(TIZANIDINE, '2026-04-01')], classes, { at: AT }))).toEqual(['contraindicated']);
  });

  it('checks the lines of one prescription against each other', () => {
    const alerts = checkMedications([line(TIZANIDINE, AT), line(SIMVASTATIN, AT), line(CIPROFLOXACIN, AT)], [], sample, { at: AT });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'contraindicated',
      candidateIndex: 2,
      conflicting: { drug: TIZANIDINE, origin: 'candidates', candidateIndex: 0, occurrences: 1 },
    });
  });

  it('reports several alerts for one candidate, contraindications first', () => {
    const history = [line(SIMVASTATIN_10, '2026-03-01'), line(ITRACONAZOLE, '2026-03-02'), line(TRIAZOLAM, '2026-03-03')];
    const alerts = checkMedications([line(ITRACONAZOLE, AT, { facilityCode: CLINIC_A })], history, sample, { at: AT });
    expect(alerts.map((a) => [a.kind, a.conflicting.drug.name])).toEqual([
      ['contraindicated', TRIAZOLAM.name],
      ['contraindicated', SIMVASTATIN_10.name],
      ['duplicate-ingredient', ITRACONAZOLE.name],
    ]);
  });
});

describe('the 100-day window', () => {
  it('is 100 days by default', () => expect(CHECK_WINDOW_DAYS).toBe(100));

  it('includes a line exactly 100 days old and excludes one 101 days old (the boundary day is included)', () => {
    // 2026-01-01 is 100 days before 2026-04-11 (31 + 28 + 31 + 10)
    const at100 = checkMedications([line(SIMVASTATIN, AT)], [line(ITRACONAZOLE, '2026-01-01')], sample, { at: AT });
    const at101 = checkMedications([line(SIMVASTATIN, AT)], [line(ITRACONAZOLE, '2025-12-31')], sample, { at: AT });
    expect(kinds(at100)).toEqual(['contraindicated']);
    expect(at101).toEqual([]);
    expect(checkMedications([line(SIMVASTATIN, AT)], [line(ITRACONAZOLE, '2026-03-01')], sample, { at: AT, windowDays: 30 })).toEqual([]);
  });

  it('takes a Date as its date in Japan and leaves out lines dated after it', () => {
    const justAfterMidnightJst = new Date('2026-04-10T15:00:00Z'); // 2026-04-11 00:00 JST
    expect(kinds(checkMedications([line(SIMVASTATIN, AT)], [line(ITRACONAZOLE, '2026-01-01')], sample, { at: justAfterMidnightJst }))).toEqual([
      'contraindicated',
    ]);
    const lateEveningJst = new Date('2026-04-10T14:59:59Z'); // 2026-04-10 23:59 JST: 2025-12-31 is 100 days back, 04-11 is tomorrow
    expect(kinds(checkMedications([line(SIMVASTATIN, AT)], [line(ITRACONAZOLE, '2025-12-31')], sample, { at: lateEveningJst }))).toEqual(['contraindicated']);
    expect(checkMedications([line(SIMVASTATIN, AT)], [line(ITRACONAZOLE, '2026-04-11')], sample, { at: lateEveningJst })).toEqual([]);
  });
});

describe('what the history leaves out and how it is summarised', () => {
  it("leaves out the candidates' own prescription and inpatient in-house lines", () => {
    const candidates = [line(SIMVASTATIN, AT, { prescriptionId: 'rx-1' })];
    const history = [line(SIMVASTATIN, AT, { prescriptionId: 'rx-1' }), line(ITRACONAZOLE, '2026-04-01', { inpatient: true })];
    expect(checkMedications(candidates, history, sample, { at: AT })).toEqual([]);
  });

  it('collapses repeated history lines of one drug into the latest, counted', () => {
    const history = ['2026-02-01', '2026-03-31', '2026-03-01'].map((d) => line(ITRACONAZOLE, d, { facilityKind: 'pharmacy', source: 'dispensing' }));
    const alerts = checkMedications([line(SIMVASTATIN, AT)], history, sample, { at: AT });
    expect(alerts).toHaveLength(1);
    expect(alerts[0].conflicting).toMatchObject({ date: '2026-03-31', occurrences: 3 });
  });

  it('refuses malformed dates and windows', () => {
    expect(() => checkMedications([line(SIMVASTATIN, '2026-02-30')], [], sample, { at: AT })).toThrow(/candidates\[0\].*2026-02-30/);
    expect(() => checkMedications([line(SIMVASTATIN, AT)], [line(ITRACONAZOLE, '20260401')], sample, { at: AT })).toThrow(/history\[0\]/);
    expect(() => checkMedications([], [], sample, { at: 'tomorrow' })).toThrow(/at/);
    expect(() => checkMedications([], [], sample, { at: AT, windowDays: -1 })).toThrow(/windowDays/);
  });
});

describe('consent-dependent detail (redaction)', () => {
  const [alert] = checkMedications([line(SIMVASTATIN, AT)], [line(ITRACONAZOLE, '2026-04-01', { facilityCode: CLINIC_B })], sample, { at: AT });

  it('shows the kind and the own line only, without consent', () => {
    const seen = redactAlert(alert, { consent: false });
    expect(seen).toEqual({ kind: 'contraindicated', candidateIndex: 0, redacted: true });
    expect(isRedacted(seen)).toBe(true);
    expect(JSON.stringify(seen)).not.toMatch(/イトリゾール|6290004|1312222222|2026-04-01/);
  });

  it('shows everything with consent', () => {
    const seen = redactAlert(alert, { consent: true });
    expect(isRedacted(seen)).toBe(false);
    expect(seen).toEqual(alert);
  });

  it("keeps an alert between the caller's own candidate lines whole", () => {
    const [own] = checkMedications([line(TIZANIDINE, AT), line(CIPROFLOXACIN, AT)], [], sample, { at: AT });
    expect(redactAlert(own, { consent: false })).toEqual(own);
  });
});

describe('drug keys from a YJ code', () => {
  it('takes 7 characters for the ingredient and 4 for the class', () => {
    expect(keysFromYj('1124030F2ZZZ', '【般】クアゼパム錠２０ｍｇ')).toEqual({
      code: '1124030F2ZZZ',
      ingredient: '1124030',
      therapeuticClass: '1124',
      name: '【般】クアゼパム錠２０ｍｇ',
    });
    expect(() => keysFromYj('999999999', 'x')).toThrow(/YJ/);
  });
});
