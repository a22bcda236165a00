/**
 * Health check-up reports (健診結果報告書, HS037, eCheckupReport `JP_Bundle_eCheckupGeneral`, MISSION.md S3 ❷): what
 * the service knows of them. A report is registered by the check-up provider (健診機関, a facility by 医療機関コード),
 * its Composition, results (Observation, DiagnosticReport) and attachments (Media, DocumentReference) are stored in the
 * platform store labelled with the consent category `checkup`, so the platform's grants decide who reads them: the
 * member's insurer (membership, data dated within it), facilities with the check-up consent, the person.
 *
 *   kind        from Composition.event.code (健診プログラムサービスコード urn:oid:1.2.392.200119.6.1002)
 *   date        受診日: the Encounter's period.start (else the event period's start), a Japan calendar date
 *   kept        5 years from the check-up date (through its 5th anniversary), then out of every view and purged
 */
import { categoryLabelKey } from '../../../platform/consent/categories.ts';
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';

export const CHECKUP_PROFILE = 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/JP_Bundle_eCheckupGeneral';
export const CHECKUP_BUNDLE_NAME = 'JP_Bundle_eCheckupGeneral';
/** 健診プログラムサービスコード (Composition.event.code). */
export const PROGRAM_SERVICE_SYSTEM = 'urn:oid:1.2.392.200119.6.1002';
/** 健診結果報告区分コード (Composition.category): the 特定健診 system and the merged one. */
export const REPORT_CATEGORY_SYSTEMS = ['urn:oid:2.16.840.1.113883.2.2.1.6.1001', 'http://jpfhir.jp/fhir/eCheckup/CodeSystem/checkup-report-category'];

/**
 * The kind of a check-up (MISSION.md S3): specific 特定健診, elderly 後期高齢者健診（広域連合の保健事業）, employer 事業者健診
 * (事業主健診), school 学校健診（学校職員健診）, other その他 — 人間ドック has no program code and is reported as 990.
 */
export type CheckupKind = 'specific' | 'elderly' | 'employer' | 'school' | 'other';
/** Program code → kind (060 がん検診, 090 肝炎検診, 990 その他, 000 不明 are `other`). */
export function kindOfProgram(code: string): CheckupKind | undefined {
  const map: Record<string, CheckupKind> = {
    '010': 'specific',
    '020': 'elderly',
    '030': 'employer',
    '040': 'school',
    '060': 'other',
    '090': 'other',
    '990': 'other',
    '000': 'other',
  };
  return map[code];
}

/** Resource types of a report kept in the store (others — Patient, Practitioner, Organization, Encounter, Coverage — are not). */
export const STORED_TYPES = new Set(['Composition', 'Observation', 'DiagnosticReport', 'Media', 'DocumentReference']);

/** The access label of check-up data (consent category 健診情報). */
export const CHECKUP_LABEL_KEY = categoryLabelKey('checkup');

/** meta.tag on every stored resource of a report: they change only through the service's operations. */
export const CHECKUP_TAG = { system: `${TSUNAGU_CANONICAL}/CodeSystem/sharing-document`, code: 'checkup-report', display: '健診結果報告書' } as const;

/** Notification of the person: a check-up report about them was registered (focus: its Composition). */
export const CHECKUP_REGISTERED_TOPIC = `${TSUNAGU_CANONICAL}/SubscriptionTopic/checkup-registered`;

export const KEEP_YEARS = 5;

/** A row of sharing_checkups. */
export interface CheckupRow {
  report_id: string;
  patient_key: string;
  provider: string;
  document_id: string;
  kind: CheckupKind;
  program_code: string;
  checkup_date: string;
  resources: string[];
  version: number;
  registered_at: Date;
}

/** 00:00 Japan time of a calendar date (the instant access grants judge a check-up's date by). */
export const japanMidnight = (date: string) => new Date(`${date}T00:00:00+09:00`);

/** SQL: the Japan calendar day of a timestamptz expression. */
export const japanDaySql = (at: string) => `((${at} AT TIME ZONE 'UTC') + interval '9 hours')::date`;

/** SQL: a report (row alias `c`) is within its retention at the instant `at` (a timestamptz placeholder). */
export const inForceSql = (at: string) => `(c.checkup_date + interval '${KEEP_YEARS} years' >= ${japanDaySql(`${at}::timestamptz`)})`;
