/**
 * Coding.display against the code system: display or any designation, case-insensitive; a wrong
 * display is a warning (never changes a verdict); a Japanese display is not flagged for a system
 * with no Japanese text at all (the HL7 validator's false positive on the JP examples).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { errors, GENERAL_NAME_MASTER } from './helpers.ts';

const GENDER = 'http://hl7.org/fhir/administrative-gender';
const VITALS = 'http://tsunagu.example.jp/CodeSystem/vitals';
const GENERAL_NAME = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode';

function observation(system: string, code: string, display: string): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">観察</div>' },
    status: 'final',
    code: { coding: [{ system, code, display }] },
  };
}

const displayIssues = (oo: OperationOutcome) =>
  (oo.issue ?? []).filter((i) => /Display Name/.test(i.diagnostics ?? '')).map((i) => `${i.severity} | ${i.expression?.[0]} | ${i.diagnostics}`);

describe('display checks', () => {
  let base: Conformance;
  let withJa: Conformance;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsunagu-displays-'));
    const vitals = join(dir, 'vitals.json');
    writeFileSync(
      vitals,
      JSON.stringify({
        resourceType: 'CodeSystem',
        url: VITALS,
        status: 'active',
        content: 'complete',
        concept: [
          { code: 'bw', display: 'Body weight', designation: [{ language: 'ja', value: '体重' }] },
          { code: 'bh', display: 'Body height', designation: [{ language: 'ja', value: '身長' }] },
        ],
      }),
    );
    const supplement = join(dir, 'gender-ja.json');
    writeFileSync(
      supplement,
      JSON.stringify({
        resourceType: 'CodeSystem',
        url: 'http://tsunagu.example.jp/CodeSystem/administrative-gender-ja',
        status: 'active',
        content: 'supplement',
        supplements: GENDER,
        concept: [
          { code: 'female', designation: [{ language: 'ja', value: '女性' }] },
          { code: 'male', designation: [{ language: 'ja', value: '男性' }] },
        ],
      }),
    );
    base = await loadConformance({ packages: [], terminology: [vitals, GENERAL_NAME_MASTER] });
    withJa = await loadConformance({ packages: [], terminology: [vitals, supplement] });
  });

  it('accepts the display, ignoring case', () => {
    expect(displayIssues(base.validate(observation(GENDER, 'female', 'Female')))).toEqual([]);
    expect(displayIssues(base.validate(observation(GENDER, 'female', 'FEMALE')))).toEqual([]);
  });

  it('warns about a wrong display (no error)', () => {
    const oo = base.validate(observation(GENDER, 'female', 'Woman'));
    expect(displayIssues(oo)).toEqual([
      `warning | Observation.code.coding[0].display | Wrong Display Name 'Woman' for ${GENDER}#female. Valid display is 'Female'`,
    ]);
    expect(errors(oo)).toEqual([]);
  });

  it('says when only the whitespace differs', () => {
    expect(displayIssues(base.validate(observation(VITALS, 'bw', 'Body  weight')))).toEqual([
      `warning | Observation.code.coding[0].display | Wrong whitespace in Display Name 'Body  weight' for ${VITALS}#bw. Valid display is one of 2 choices: 'Body weight', '体重'`,
    ]);
  });

  it('accepts a designation in any language', () => {
    expect(displayIssues(base.validate(observation(VITALS, 'bw', '体重')))).toEqual([]);
  });

  it('checks a Japanese display when the system has Japanese designations', () => {
    expect(displayIssues(base.validate(observation(VITALS, 'bw', '身長')))).toHaveLength(1);
  });

  it('does not flag a Japanese display for a system without any Japanese (deliberate difference)', () => {
    expect(displayIssues(base.validate(observation(GENDER, 'female', '女性')))).toEqual([]);
  });

  it('uses the Japanese designations of a loaded supplement', () => {
    expect(displayIssues(withJa.validate(observation(GENDER, 'female', '女性')))).toEqual([]);
    expect(displayIssues(withJa.validate(observation(GENDER, 'female', '男性')))).toHaveLength(1);
  });

  it('flags a drug name that is not the master entry of the code (S2)', () => {
    const oo = base.validate(observation(GENERAL_NAME, '1124030F2ZZZ', '【般】ロキソプロフェンナトリウム錠６０ｍｇ'));
    expect(displayIssues(oo)).toHaveLength(1);
    expect(displayIssues(base.validate(observation(GENERAL_NAME, '1124030F2ZZZ', '【般】クアゼパム錠２０ｍｇ')))).toEqual([]);
  });

  it('does not check codes unknown to the system (that is the code check) or systems not loaded', () => {
    expect(displayIssues(base.validate(observation(VITALS, 'zz', 'Anything')))).toEqual([]);
    expect(displayIssues(base.validate(observation('http://loinc.org', '29463-7', 'Whatever')))).toEqual([]);
  });
});
