/** Who a prescription names: the insurance Coverage's insurer, 記号, 番号, 枝番 and the Patient's birth date. */
import { describe, expect, it } from 'vitest';
import { insuredIdentity } from '../../src/services/eprescription/prescriptions/prescription-person.ts';

const entries = (insurer: string, ext: Record<string, string>, dependent?: string) =>
  [
    { index: 0, fullUrl: 'urn:uuid:p', resource: { resourceType: 'Patient', birthDate: '1960-04-01' } },
    { index: 1, fullUrl: 'urn:uuid:o', resource: { resourceType: 'Organization', identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.61', value: insurer }] } },
    {
      index: 2,
      fullUrl: 'urn:uuid:c',
      resource: {
        resourceType: 'Coverage',
        type: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.61', code: '1' }] },
        payor: [{ reference: 'urn:uuid:o' }],
        dependent,
        extension: Object.entries(ext).map(([k, v]) => ({
          url: `http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPerson${k}`,
          valueString: v,
        })),
      },
    },
  ] as never;

describe('the person of a prescription', () => {
  it('reads insurer:symbol:number:branch (NFKC) and the birth date', () => {
    expect(insuredIdentity(entries('01130012', { Symbol: '１２３', Number: '４５', SubNumber: '01' }))).toEqual({
      value: '01130012:123:45:01',
      birthDate: '1960-04-01',
    });
  });
  it('a 6-digit 国民健康保険 insurer number is its 8-digit form', () => {
    expect(insuredIdentity(entries('138057', { Number: '123' })).value).toBe('00138057::123:');
  });
  it('the branch from Coverage.dependent when the extension is absent', () => {
    expect(insuredIdentity(entries('01130012', { Number: '45' }, '02')).value).toBe('01130012::45:02');
  });
  it('no insured number or no insurance Coverage is refused (422)', () => {
    expect(() => insuredIdentity(entries('01130012', {}))).toThrow(/no insured number/);
    expect(() => insuredIdentity([{ index: 0, fullUrl: '', resource: { resourceType: 'Patient', birthDate: '1960-04-01' } }] as never)).toThrow(/Coverage/);
  });
});
