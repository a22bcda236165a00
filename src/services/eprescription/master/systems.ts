/**
 * The drug code systems (医薬品コード体系) a prescription may name, with the URIs they are sent under.
 *
 *   receipt  レセプト電算処理システム用コード (医薬品コード), 9 digits — the code of the 診療報酬情報提供サービス 医薬品マスター
 *   yj       個別医薬品コード (YJコード), 12 characters
 *   general  一般名コード of the 一般名処方マスタ (厚生労働省保険局), 12 characters, normally the 薬価基準収載医薬品コード's
 *            first 9 and ZZZ
 *   hot9     HOTコード 9 digits (MEDIS 医薬品HOTコードマスター: 処方用番号 HOT7 + 会社識別 2 digits)
 *
 * URIs, each with where it was read:
 *   - urn:oid:1.2.392.200119.4.403.1 (HOT9), urn:oid:1.2.392.100495.20.1.73 (YJ), urn:oid:1.2.392.100495.20.1.81
 *     (一般名処方マスター): the slices codingHOT9 / codingYJ / codingGeneralName of JP_MedicationRequest_ePrescriptionData
 *     (shared fhir/packages/jp-ePrescriptionData.r4.tgz).
 *   - http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCode{HOT9,YJ,Common}_CS and urn:oid:1.2.392.100495.20.2.74 (HOT9):
 *     the JP Core 1.1.2 NamingSystems JP_MedicationCode*_NamingSystem (shared jp-core.r4-1.1.2-url.tgz).
 *   - http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode (一般名) and
 *     http://capstandard.jp/iyaku.info/CodeSystem/YJ-code (YJ): JP_MedicationRequest_eCS of JP-CLINS 1.5.2.
 *   - http://medis.or.jp/CodeSystem/master-HOT9: the JP-CLINS code system table.
 *   - urn:oid:1.2.392.100495.20.2.71 (receipt code): the OID the MHLW e-prescription CDA assigns to the
 *     レセプト電算処理システム用コード, as a public implementation uses it; none of the shared packages names a system
 *     for the receipt code, so this one is NOT verified against the CDA specification itself.
 */

export const DRUG_SYSTEMS = ['receipt', 'yj', 'general', 'hot9'] as const;
export type DrugSystem = (typeof DRUG_SYSTEMS)[number];

export const DRUG_SYSTEM_URIS: Record<DrugSystem, readonly string[]> = {
  receipt: ['urn:oid:1.2.392.100495.20.2.71'],
  yj: ['urn:oid:1.2.392.100495.20.1.73', 'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeYJ_CS', 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code'],
  general: [
    'urn:oid:1.2.392.100495.20.1.81',
    'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeCommon_CS',
    'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode',
  ],
  hot9: [
    'urn:oid:1.2.392.200119.4.403.1',
    'urn:oid:1.2.392.100495.20.2.74',
    'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeHOT9_CS',
    'http://medis.or.jp/CodeSystem/master-HOT9',
  ],
};

/** The URI the e-prescription package uses for each system (the first of DRUG_SYSTEM_URIS). */
export const preferredUri = (system: DrugSystem): string => DRUG_SYSTEM_URIS[system][0];

export const DRUG_SYSTEM_LABELS: Record<DrugSystem, { ja: string; en: string }> = {
  receipt: { ja: 'レセプト電算処理システム用医薬品コード', en: 'receipt drug code (レセ電算コード)' },
  yj: { ja: 'YJコード', en: 'YJ code' },
  general: { ja: '一般名コード', en: 'general-name code (一般名コード)' },
  hot9: { ja: 'HOTコード（9桁）', en: 'HOT9 code' },
};

const BY_URI = new Map(DRUG_SYSTEMS.flatMap((s) => DRUG_SYSTEM_URIS[s].map((u) => [u, s] as const)));

export const isDrugSystem = (value: string): value is DrugSystem => (DRUG_SYSTEMS as readonly string[]).includes(value);

/** The drug system a coding's `system` names (a URI above or a system name), or undefined. */
export function drugSystemOf(systemOrUri: string): DrugSystem | undefined {
  return isDrugSystem(systemOrUri) ? systemOrUri : BY_URI.get(systemOrUri);
}
