/**
 * 資格情報 as FHIR: one Patient (JP_Patient) per person, kept across insurer changes; one Coverage (JP_Coverage)
 * per eligibility period (資格), `beneficiary` = the Patient, `payor` = the insurer Organization (JP_Organization,
 * identified by 保険者番号). Pure functions: the registry store assigns ids and writes.
 *
 * Mapping (docs/eligibility.md has the full table):
 * - Coverage.extension JP_Coverage_InsuredPersonSymbol / Number / SubNumber — 記号・番号・枝番 in full width
 *   (JP Core); Coverage.identifier `"記号","番号","枝番"` (JP Core rule) and the JP-CLINS 被保険者個人識別子
 *   `保険者番号:記号:番号:枝番`; subscriberId `"記号","番号"`; dependent = 枝番 (full width).
 * - type 保険種別 (urn:oid:1.2.392.100495.20.2.61: 1 医保, 2 国保, 7 後期高齢者), relationship 本人/家族
 *   (urn:oid:1.2.392.100495.20.2.62: 1 被保険者, 2 被扶養者), costToBeneficiary copaypct (負担割合 ×10 %).
 * - period.start = 資格取得年月日, period.end = the last covered day (資格喪失年月日 − 1); the loss date itself is
 *   kept in an extension so nobody has to re-derive it.
 * - 限度額適用区分, 高齢受給者, 特定疾病, 公費: Tsunagu extensions (../model/fhir-codes.ts).
 * Names are copied exactly (old-style kanji, variation selectors): never normalised. The Patient's identity fields
 * come from the records that speak for the person's identity (person-identity.ts), its identifiers from all records.
 */
import { addDays } from '../model/calendar-date.ts';
import {
  COPAY_TYPE_SYSTEM,
  ELIGIBILITY_EXT,
  INSURANCE_CATEGORY_SYSTEM,
  INSURED_RELATIONSHIP_SYSTEM,
  INSURER_NUMBER_OID,
  ISO21090_EN_REPRESENTATION,
  JP_COVERAGE_EXT,
  JP_PROFILE,
  LIMIT_CATEGORY_SYSTEM,
  MANAGED_TAG,
  PUBLIC_PAYER_NUMBER_OID,
  PUBLIC_RECIPIENT_SYSTEM,
  SPECIFIC_DISEASE_SYSTEM,
} from '../model/fhir-codes.ts';
import { INSURANCE_LAW_CODES, INSURED_PERSON_IDENTIFIER_SYSTEM, INSURER_NUMBER_SYSTEM, PUBLIC_PAYER_NUMBER_SYSTEM, toFullWidth } from '../model/numbers.ts';
import { LIMIT_CATEGORIES, SPECIFIC_DISEASES, type EligibilityRecord } from '../model/record.ts';

type Json = Record<string, unknown>;

/** JP-CLINS 被保険者個人識別子 value of a record: `保険者番号:記号:番号:枝番` (normalised parts). */
export function insuredKeyOf(r: Pick<EligibilityRecord, 'insurerNumber' | 'symbol' | 'number' | 'branch'>): string {
  return [r.insurerNumber, r.symbol, r.number, r.branch].join(':');
}

/** `保険者番号:記号:番号` — every person (every 枝番) under one card number. */
export function numberKeyOf(r: Pick<EligibilityRecord, 'insurerNumber' | 'symbol' | 'number'>): string {
  return [r.insurerNumber, r.symbol, r.number].join(':');
}

/** Most relevant record for a person's demographics: the current one, else the latest acquired. */
export function latestRecord(records: readonly EligibilityRecord[]): EligibilityRecord {
  return [...records].sort((a, b) => {
    if ((a.lostOn === null) !== (b.lostOn === null)) return a.lostOn === null ? -1 : 1;
    return a.acquiredOn < b.acquiredOn ? 1 : a.acquiredOn > b.acquiredOn ? -1 : 0;
  })[0];
}

const SEX_TO_GENDER: Record<EligibilityRecord['sex'], string> = { male: 'male', female: 'female', other: 'other', unknown: 'unknown' };

function humanName(representation: 'IDE' | 'SYL', family: string, given: string): Json {
  return {
    extension: [{ url: ISO21090_EN_REPRESENTATION, valueCode: representation }],
    use: 'official',
    text: given ? `${family} ${given}` : family,
    family,
    ...(given ? { given: [given] } : {}),
  };
}

/**
 * The person's Patient (JP_Patient): every insured number of every record (any insurer) as an identifier; the
 * name, カナ, sex and birth date from the latest of `identity` — the records that speak for the person's identity
 * (person-identity.ts; default: all of them). A record linked from another insurer therefore adds its number
 * without rewriting who the person is.
 */
export function patientResource(patientId: string, records: readonly EligibilityRecord[], identity: readonly EligibilityRecord[] = records): Json {
  const latest = latestRecord(identity.length > 0 ? identity : records);
  const seen = new Set<string>();
  const identifiers: Json[] = [];
  for (const r of [...records].sort((a, b) => (a.acquiredOn < b.acquiredOn ? 1 : a.acquiredOn > b.acquiredOn ? -1 : 0))) {
    const value = insuredKeyOf(r);
    if (seen.has(value)) continue;
    seen.add(value);
    identifiers.push({
      use: r.lostOn === null ? 'official' : 'old',
      system: INSURED_PERSON_IDENTIFIER_SYSTEM,
      value,
      period: { start: r.acquiredOn, ...(r.lostOn ? { end: addDays(r.lostOn, -1) } : {}) },
    });
  }
  return {
    resourceType: 'Patient',
    id: patientId,
    meta: { profile: [JP_PROFILE.patient], tag: [MANAGED_TAG] },
    identifier: identifiers,
    name: [humanName('IDE', latest.familyName, latest.givenName), humanName('SYL', latest.familyNameKana, latest.givenNameKana)],
    gender: SEX_TO_GENDER[latest.sex],
    birthDate: latest.birthDate,
  };
}

/** 保険種別 code from the 法別番号: 国保 (no law code) 2, 後期高齢者 (39) 7, otherwise 医保 1. */
export function insuranceCategory(insurerNumber: string): { code: string; display: string } {
  const lawCode = insurerNumber.startsWith('00') ? null : insurerNumber.slice(0, 2);
  if (lawCode === null) return { code: '2', display: '国保' };
  if (lawCode === '39') return { code: '7', display: '後期高齢者' };
  return { code: '1', display: '医保' };
}

/** The insurer as an Organization (JP_Organization), identified by 保険者番号. */
export function insurerOrganization(organizationId: string, insurerNumber: string, name?: string): Json {
  const printed = insurerNumber.startsWith('00') ? insurerNumber.slice(2) : insurerNumber;
  const lawCode = insurerNumber.startsWith('00') ? null : insurerNumber.slice(0, 2);
  const scheme = lawCode === null ? '国民健康保険' : (INSURANCE_LAW_CODES[lawCode]?.ja ?? '医療保険');
  return {
    resourceType: 'Organization',
    id: organizationId,
    meta: { profile: [JP_PROFILE.organization], tag: [MANAGED_TAG] },
    identifier: [
      { system: INSURER_NUMBER_SYSTEM, value: printed },
      { system: INSURER_NUMBER_OID, value: insurerNumber },
    ],
    active: true,
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'ins', display: 'Insurance Company' }] }],
    name: name ?? `${scheme}（保険者番号 ${printed}）`,
  };
}

function period(from: string | null, to: string | null): Json {
  return { ...(from ? { start: from } : {}), ...(to ? { end: to } : {}) };
}

/** One eligibility period as a Coverage (JP_Coverage). */
export function coverageResource(r: EligibilityRecord, ids: { coverageId: string; patientId: string; organizationId: string }): Json {
  const fw = (s: string) => toFullWidth(s);
  const extension: Json[] = [];
  if (r.symbol) extension.push({ url: JP_COVERAGE_EXT.symbol, valueString: fw(r.symbol) });
  extension.push({ url: JP_COVERAGE_EXT.number, valueString: fw(r.number) });
  if (r.branch) extension.push({ url: JP_COVERAGE_EXT.subNumber, valueString: fw(r.branch) });
  if (r.lostOn) extension.push({ url: ELIGIBILITY_EXT.lossDate, valueDate: r.lostOn });
  if (r.limitCategory) {
    extension.push({
      url: ELIGIBILITY_EXT.limitCategory,
      valueCoding: { system: LIMIT_CATEGORY_SYSTEM, code: r.limitCategory, display: LIMIT_CATEGORIES[r.limitCategory].ja },
    });
  }
  if (r.elderly) {
    extension.push({
      url: ELIGIBILITY_EXT.elderly,
      extension: [
        { url: 'copayRatio', valueInteger: r.elderly.copayRatio },
        { url: 'period', valuePeriod: period(r.elderly.validFrom, r.elderly.validTo) },
      ],
    });
  }
  for (const d of r.specificDiseases) {
    extension.push({
      url: ELIGIBILITY_EXT.specificDisease,
      extension: [
        { url: 'disease', valueCoding: { system: SPECIFIC_DISEASE_SYSTEM, code: d.code, display: SPECIFIC_DISEASES[d.code].ja } },
        { url: 'monthlyLimit', valueMoney: { value: d.monthlyLimitYen, currency: 'JPY' } },
        ...(d.validFrom || d.validTo ? [{ url: 'period', valuePeriod: period(d.validFrom, d.validTo) }] : []),
      ],
    });
  }
  for (const p of r.publicExpenses) {
    extension.push({
      url: ELIGIBILITY_EXT.publicExpense,
      extension: [
        { url: 'payer', valueIdentifier: { system: PUBLIC_PAYER_NUMBER_SYSTEM, value: p.payerNumber } },
        { url: 'recipient', valueIdentifier: { system: PUBLIC_RECIPIENT_SYSTEM, value: p.recipientNumber } },
        ...(p.validFrom || p.validTo ? [{ url: 'period', valuePeriod: period(p.validFrom, p.validTo) }] : []),
      ],
    });
  }
  const q = (s: string) => `"${fw(s)}"`;
  const category = insuranceCategory(r.insurerNumber);
  return {
    resourceType: 'Coverage',
    id: ids.coverageId,
    meta: { profile: [JP_PROFILE.coverage], tag: [MANAGED_TAG] },
    extension,
    identifier: [{ value: [q(r.symbol), q(r.number), q(r.branch)].join(',') }, { system: INSURED_PERSON_IDENTIFIER_SYSTEM, value: insuredKeyOf(r) }],
    status: 'active',
    type: { coding: [{ system: INSURANCE_CATEGORY_SYSTEM, code: category.code, display: category.display }] },
    subscriberId: [q(r.symbol), q(r.number)].join(','),
    beneficiary: { reference: `Patient/${ids.patientId}` },
    ...(r.branch ? { dependent: fw(r.branch) } : {}),
    relationship: {
      coding: [
        r.relationship === 'insured'
          ? { system: INSURED_RELATIONSHIP_SYSTEM, code: '1', display: '被保険者' }
          : { system: INSURED_RELATIONSHIP_SYSTEM, code: '2', display: '被扶養者' },
      ],
    },
    period: { start: r.acquiredOn, ...(r.lostOn ? { end: addDays(r.lostOn, -1) } : {}) },
    payor: [{ reference: `Organization/${ids.organizationId}` }],
    costToBeneficiary: [
      {
        type: { coding: [{ system: COPAY_TYPE_SYSTEM, code: 'copaypct', display: '負担率' }] },
        valueQuantity: { value: r.copayRatio * 10, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      },
    ],
  };
}

/** Public-expense payer as an identifier (for Coverage.payor displays and ePrescription-style exports). */
export function publicPayerIdentifier(payerNumber: string): Json {
  return { system: PUBLIC_PAYER_NUMBER_OID, value: payerNumber };
}

/** JSON equality ignoring meta (versionId / lastUpdated are assigned by the store). */
export function sameContent(a: Json, b: Json): boolean {
  const strip = (x: Json) => {
    const { meta, ...rest } = x;
    const m = (meta ?? {}) as Json;
    return JSON.stringify({ ...rest, meta: { profile: m.profile, tag: m.tag, security: m.security } });
  };
  return strip(a) === strip(b);
}
