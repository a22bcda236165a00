/**
 * The items of the EHR information-sharing service (電子カルテ情報共有サービス, MISSION.md S3) and their rules:
 * the consent group a facility views them under, how long they are kept, which flags they may carry.
 *
 *   kind            FHIR                consent group (reader)                 kept                         flags
 *   diagnosis       Condition           surgery 「傷病名＋手術情報＋感染症」     5 years (LTS: beyond)         UNINFORMED, UNDELIVERED, LTS
 *   infection       Observation         surgery                                 5 years (LTS: beyond)         LTS
 *   drug-allergy    AllergyIntolerance  medication 「診療＋お薬＋アレルギー等＋検査」 5 years (LTS: beyond)     LTS
 *   other-allergy   AllergyIntolerance  medication                              5 years (LTS: beyond)         LTS
 *   lab             Observation         medication                              1 year or the latest 3 per test
 *   prescription    MedicationRequest   medication                              100 days or the latest 3
 */
import type { ConsentCategory } from '../../../platform/consent/categories.ts';

export type ItemKind = 'diagnosis' | 'infection' | 'drug-allergy' | 'other-allergy' | 'lab' | 'prescription';
export const ITEM_KINDS: readonly ItemKind[] = ['diagnosis', 'infection', 'drug-allergy', 'other-allergy', 'lab', 'prescription'];

export type Flag = 'UNINFORMED' | 'UNDELIVERED' | 'LTS';

export interface KindRule {
  ja: string;
  en: string;
  resourceType: string;
  /** The reader consent group a facility views the kind under. */
  consent: ConsentCategory;
  /** Kept for this many days after the clinical date … */
  keepDays: number;
  /** … or while among the latest this many (per test for labs, per prescription date for prescriptions). */
  keepLatest?: number;
  flags: readonly Flag[];
}

const YEAR = 365;

export const KIND_RULES: Record<ItemKind, KindRule> = {
  diagnosis: {
    ja: '傷病名',
    en: 'diagnoses',
    resourceType: 'Condition',
    consent: 'surgery',
    keepDays: 5 * YEAR,
    flags: ['UNINFORMED', 'UNDELIVERED', 'LTS'],
  },
  infection: { ja: '感染症', en: 'infections', resourceType: 'Observation', consent: 'surgery', keepDays: 5 * YEAR, flags: ['LTS'] },
  'drug-allergy': {
    ja: '薬剤アレルギー等',
    en: 'drug allergies and contraindications',
    resourceType: 'AllergyIntolerance',
    consent: 'medication',
    keepDays: 5 * YEAR,
    flags: ['LTS'],
  },
  'other-allergy': {
    ja: 'その他アレルギー等',
    en: 'other allergies',
    resourceType: 'AllergyIntolerance',
    consent: 'medication',
    keepDays: 5 * YEAR,
    flags: ['LTS'],
  },
  lab: { ja: '検査', en: 'lab results', resourceType: 'Observation', consent: 'medication', keepDays: YEAR, keepLatest: 3, flags: [] },
  prescription: {
    ja: '処方',
    en: 'prescriptions',
    resourceType: 'MedicationRequest',
    consent: 'medication',
    keepDays: 100,
    keepLatest: 3,
    flags: [],
  },
};

export const isItemKind = (v: unknown): v is ItemKind => typeof v === 'string' && (ITEM_KINDS as readonly string[]).includes(v);
