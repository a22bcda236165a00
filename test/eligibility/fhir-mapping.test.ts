/** The registry's FHIR resources conform to JP Core (JP_Patient, JP_Coverage, JP_Organization, JP_Consent) and keep names exactly. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadConformance } from '../../src/platform/conformance/index.ts';
import { hasErrors } from '../../src/platform/fhir/outcome.ts';
import { consentResource } from '../../src/platform/consent/consent-resource.ts';
import { coverageResource, insurerOrganization, insuranceCategory, patientResource } from '../../src/services/eligibility/registry/fhir-mapping.ts';
import { makeInsurerNumber } from '../../src/services/eligibility/model/numbers.ts';
import type { EligibilityRecord } from '../../src/services/eligibility/model/record.ts';
import { sharedFhirDir } from '../helpers/shared-dir.ts';

const KYOKAI = makeInsurerNumber('01', '13', '001');
const KOKUHO = `00${makeInsurerNumber(null, '13', '101')}`;

function record(over: Partial<EligibilityRecord> = {}): EligibilityRecord {
  return {
    insurerNumber: KYOKAI,
    symbol: '１２３４',
    symbolOriginal: '１２３４',
    number: '56',
    numberOriginal: '56',
    branch: '01',
    relationship: 'dependant',
    familyName: '葛\u{E0100}城',
    givenName: '𠮷子',
    familyNameKana: 'カツラギ',
    givenNameKana: 'ヨシコ',
    birthDate: '1950-03-04',
    sex: 'female',
    acquiredOn: '2019-04-01',
    lostOn: '2024-06-16',
    copayRatio: 2,
    limitCategory: 'o70-general',
    elderly: { copayRatio: 2, validFrom: '2020-04-01', validTo: null },
    specificDiseases: [{ code: 'dialysis', monthlyLimitYen: 10000, validFrom: '2019-04-01', validTo: null }],
    publicExpenses: [{ payerNumber: '54136015', recipientNumber: '1234566', validFrom: '2024-04-01', validTo: '2025-03-31' }],
    personLinkKey: 'link-000001',
    ...over,
  };
}

describe('FHIR mapping', () => {
  it('keeps names exactly (variation selectors, non-BMP) and lists every insured number with its period', () => {
    const p = patientResource('p1', [
      record(),
      record({ insurerNumber: KOKUHO, symbol: '北', number: '7', branch: '', acquiredOn: '2024-06-16', lostOn: null }),
    ]);
    const names = p.name as { family: string; given: string[] }[];
    expect(names[0].family).toBe('葛\u{E0100}城');
    expect(names[0].given).toEqual(['𠮷子']);
    expect(p.identifier).toEqual([
      { use: 'official', system: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID', value: `${KOKUHO}:北:7:`, period: { start: '2024-06-16' } },
      {
        use: 'old',
        system: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID',
        value: `${KYOKAI}:１２３４:56:01`,
        period: { start: '2019-04-01', end: '2024-06-15' },
      },
    ]);
  });

  it('writes the JP Core coverage conventions: full-width parts, last covered day, loss date, copay %', () => {
    const c = coverageResource(record(), { coverageId: 'c1', patientId: 'p1', organizationId: 'o1' }) as Record<string, any>;
    expect(c.identifier[0].value).toBe('"１２３４","５６","０１"');
    expect(c.dependent).toBe('０１');
    expect(c.period).toEqual({ start: '2019-04-01', end: '2024-06-15' });
    expect(c.costToBeneficiary[0].valueQuantity.value).toBe(20);
    expect(c.relationship.coding[0].code).toBe('2');
    expect(insuranceCategory(KOKUHO).code).toBe('2');
    expect(insuranceCategory(makeInsurerNumber('39', '13', '101')).code).toBe('7');
  });

  it('validates against JP Core', async () => {
    const conformance = await loadConformance({ packages: [join(sharedFhirDir(), 'packages', 'jp-core.r4-1.1.2-url.tgz')] });
    const resources = [
      patientResource('p1', [record()]),
      coverageResource(record(), { coverageId: 'c1', patientId: 'p1', organizationId: 'o1' }),
      coverageResource(record({ symbol: '', branch: '', limitCategory: null, elderly: null, specificDiseases: [], publicExpenses: [], lostOn: null }), {
        coverageId: 'c2',
        patientId: 'p1',
        organizationId: 'o1',
      }),
      insurerOrganization('o1', KYOKAI),
      insurerOrganization('o2', KOKUHO, '世田谷区国民健康保険'),
      ...(['medication', 'surgery'] as const).map((category, i) =>
        consentResource({
          id: `consent-${i}`,
          patientId: 'p1',
          facilityCode: '1312345679',
          facilityName: 'つなぐ内科クリニック',
          category,
          decision: i === 0 ? 'permit' : 'deny',
          validFrom: new Date('2024-06-01T01:00:00Z'),
          validTo: new Date('2024-06-02T01:00:00Z'),
          visitId: 'visit-1',
          policy: 'outpatient',
        }),
      ),
    ];
    for (const r of resources) {
      const oo = conformance.validate(r);
      const errors = (oo.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
      expect(errors, `${r.resourceType}/${r.id}: ${JSON.stringify(errors)}`).toEqual([]);
      expect(hasErrors(oo)).toBe(false);
      // Each resource's JP Core profile was found and applied (a claimed profile that is not loaded only warns).
      expect(
        (oo.issue ?? []).filter((i) => i.expression?.some((e) => e.startsWith(`${r.resourceType}.meta.profile`))),
        `${r.resourceType}/${r.id}`,
      ).toEqual([]);
    }
  }, 60_000);
});
