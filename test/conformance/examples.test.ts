/**
 * The official JP-CLINS example instances: every valid one validates without errors, every
 * invalid one is rejected for the reason its note.text states, at the location of that reason.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { at, describeErrors, errors, example, exampleFiles, GENERAL_NAME_MASTER, jpConformance, packagePaths, warnings } from './helpers.ts';

/**
 * Why each intentional error example is wrong, as its note.text says, and where the engine must
 * say so. Files not listed here must still be rejected (see the last test).
 */
const INVALID_REASONS: Record<string, { note: RegExp; location: string; code: string; message: RegExp }> = {
  // 【意図的エラー例】一般処方コード2124030F2ZZZが間違っている（正しくは1124030F2ZZZ）
  'MedicationRequest-ErrorExample-JP-MedReq-PO-SID-28days.json': {
    note: /2124030F2ZZZ.*間違/,
    location: 'MedicationRequest.medication.ofType(CodeableConcept).coding[0].code',
    code: 'code-invalid',
    message: /Unknown code '2124030F2ZZZ'.*MedicationGeneralOrderCode/,
  },
  // 【意図的エラー例】…【ローカルコードなし】
  'Observation-ErrorExample-ObsLabo-eGFR.json': {
    note: /ローカルコードなし/,
    location: 'Observation.code',
    code: 'invariant',
    message: /R6022.*local code/,
  },
};

describe('official examples', () => {
  let conformance: Conformance;
  /** With the general-name master loaded as terminology (what the national service checks codes against). */
  let withMaster: Conformance;

  beforeAll(async () => {
    conformance = await jpConformance();
    withMaster = await loadConformance({ packages: packagePaths(), terminology: [GENERAL_NAME_MASTER] });
  });

  describe.each(exampleFiles('valid'))('valid/%s', (file) => {
    it('has no errors', () => {
      const oo = conformance.validate(example('valid', file));
      expect(describeErrors(oo)).toEqual([]);
    });

    it('has no errors with the drug master loaded either', () => {
      expect(describeErrors(withMaster.validate(example('valid', file)))).toEqual([]);
    });
  });

  describe.each(exampleFiles('invalid'))('invalid/%s', (file) => {
    it('is rejected', () => {
      const oo = withMaster.validate(example('invalid', file));
      expect(errors(oo).length).toBeGreaterThan(0);
    });

    it('is rejected for the reason its note states, at that location', () => {
      const reason = INVALID_REASONS[file];
      if (!reason) return; // no curated reason for this file: rejection is checked above
      const resource = example('invalid', file);
      expect(resource.note?.[0]?.text).toMatch(reason.note);
      const oo = withMaster.validate(resource);
      const found = at(oo, reason.location, 'error').filter((i) => reason.message.test(i.diagnostics ?? ''));
      expect(found, describeErrors(oo).join('\n')).toHaveLength(1);
      expect(found[0].code).toBe(reason.code);
      expect(found[0].details?.text).toBeTruthy(); // Japanese message
    });
  });

  it('flags the wrong general-name code as unchecked (warning, not silence) when no master is loaded', () => {
    const oo = conformance.validate(example('invalid', 'MedicationRequest-ErrorExample-JP-MedReq-PO-SID-28days.json'));
    const loc = 'MedicationRequest.medication.ofType(CodeableConcept).coding[0].code';
    expect(at(oo, loc, 'warning').some((i) => /2124030F2ZZZ/.test(i.diagnostics ?? ''))).toBe(true);
  });

  it('accepts the corrected general-name code against the master', () => {
    const fixed = example('invalid', 'MedicationRequest-ErrorExample-JP-MedReq-PO-SID-28days.json');
    fixed.medicationCodeableConcept.coding[0].code = '1124030F2ZZZ';
    expect(describeErrors(withMaster.validate(fixed))).toEqual([]);
  });

  it('accepts the lab result again once the local code is present', () => {
    const fixed = example('invalid', 'Observation-ErrorExample-ObsLabo-eGFR.json');
    fixed.code.coding.unshift({ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS', code: '0000181910', display: 'eGFR' });
    expect(describeErrors(conformance.validate(fixed))).toEqual([]);
  });

  it('applies the registration rule only when asked: plain IG validation accepts the lab result without local code', async () => {
    const plain = await loadConformance({ packages: packagePaths(), registrationRules: false });
    const oo = plain.validate(example('invalid', 'Observation-ErrorExample-ObsLabo-eGFR.json'));
    expect(describeErrors(oo)).toEqual([]);
    expect(warnings(oo).length).toBeGreaterThan(0);
  });
});
