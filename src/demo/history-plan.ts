/**
 * What happened to each patient (months counted back from the demo's today): diagnoses with the facility that made
 * them, quarterly labs with their trends, allergies, one infection. Diagnoses are coded with the 病名管理番号 the
 * sharing service's disease list holds (高血圧症 20061593, 狭心症 20058911 …); a name its list lacks (2型糖尿病,
 * 脂質異常症, 気管支喘息 …) is sent as the IG prescribes for an uncoded name — 99999999 with the name in code.text —
 * until the official master is imported. 未告知 (not told to the patient) and 未提供 (not shared) flags on one each.
 */
import type { Department } from '../services/sharing/index.ts';
import type { LabTestKey } from './lab-tests.ts';

export type At = 'clinic' | 'hospital';

export interface DiagnosisPlan {
  at: At;
  name: string;
  code?: string;
  department: Department;
  onsetMonthsAgo: number;
  /** Recorded (retention counts from here: kept 5 years). */
  recordedMonthsAgo: number;
  resolvedMonthsAgo?: number;
  inpatient?: boolean;
  flags?: ('UNINFORMED' | 'UNDELIVERED')[];
  note?: string;
}

export interface LabPlan {
  at: At;
  test: LabTestKey;
  department: Department;
  /** [months ago, value] oldest first. */
  points: [number, number][];
}

export interface AllergyPlan {
  at: At;
  kind: 'medication' | 'food';
  /**
   * A J-FAGY food code both checks know: the sharing service's sample list and JP_JfagyFoodAllergen_CS (complete in the
   * ePrescriptionData package, so the validator refuses the food dummy D9F000000000). Absent (drugs only): the
   * medicine dummy D9M000000000 with the allergen in `text` (no medicine CodeSystem is loaded).
   */
  jfagy?: { code: string; display: string };
  text: string;
  reaction: string;
  criticality: 'low' | 'high' | 'unable-to-assess';
  recordedMonthsAgo: number;
  department: Department;
}

export interface InfectionPlan {
  at: At;
  monthsAgo: number;
  result: 'positive' | 'negative';
  department: Department;
}

export interface PatientHistory {
  diagnoses?: DiagnosisPlan[];
  labs?: LabPlan[];
  allergies?: AllergyPlan[];
  infections?: InfectionPlan[];
}

const CODE = {
  hypertension: '20061593',
  angina: '20058911',
  duodenalUlcer: '20064049',
  cardiacCancer: '20075639',
  forearmFracture: '20080427',
  appendicitis: '20058257',
  colitis: '20069737',
  epigastricPain: '20065011',
} as const;

const dx = (at: At, name: string, department: Department, onset: number, recorded: number, more: Partial<DiagnosisPlan> = {}): DiagnosisPlan => ({
  at,
  name,
  department,
  onsetMonthsAgo: onset,
  recordedMonthsAgo: recorded,
  ...more,
});

const quarterly = (at: At, test: LabTestKey, values: number[], department: Department = 'internal'): LabPlan => ({
  at,
  test,
  department,
  // every three months, the latest two weeks ago
  points: values.map((v, i) => [(values.length - 1 - i) * 3 + 0.5, v]),
});

export const HISTORY: Record<string, PatientHistory> = {
  takahashi: {
    diagnoses: [
      dx('clinic', '高血圧症', 'internal', 144, 48, { code: CODE.hypertension }),
      dx('clinic', '2型糖尿病', 'internal', 72, 48),
      dx('clinic', '脂質異常症', 'internal', 36, 36),
      dx('hospital', '狭心症', 'cardiology', 8, 8, { code: CODE.angina, note: '労作性狭心症。冠動脈CTで左前下行枝に有意狭窄、薬物療法で経過観察' }),
    ],
    labs: [
      quarterly('clinic', 'hba1c', [8.2, 7.8, 7.4, 7.1]),
      quarterly('clinic', 'ldl', [162, 148, 131, 118]),
      quarterly('clinic', 'egfr', [68, 66, 65, 63]),
      { at: 'hospital', test: 'cre', department: 'cardiology', points: [[8, 0.88]] },
      { at: 'hospital', test: 'k', department: 'cardiology', points: [[8, 4.3]] },
    ],
  },
  yoshida: {
    diagnoses: [dx('clinic', '気管支喘息', 'internal', 240, 30), dx('clinic', 'アレルギー性鼻炎', 'internal', 60, 30)],
    allergies: [
      {
        at: 'clinic',
        kind: 'medication',
        text: 'ペニシリン系抗菌薬（アモキシシリン）',
        reaction: '服用後に全身の蕁麻疹',
        criticality: 'high',
        recordedMonthsAgo: 30,
        department: 'internal',
      },
    ],
  },
  saito: {
    diagnoses: [dx('clinic', '小児気管支喘息', 'pediatrics', 60, 40)],
    allergies: [
      {
        at: 'clinic',
        kind: 'food',
        jfagy: { code: 'J9FA15000000', display: '小麦' },
        text: '小麦',
        reaction: '摂取後の蕁麻疹と喘鳴（運動誘発あり）',
        criticality: 'high',
        recordedMonthsAgo: 40,
        department: 'pediatrics',
      },
    ],
  },
  watanabe: {
    diagnoses: [
      dx('clinic', '高血圧症', 'internal', 300, 50, { code: CODE.hypertension }),
      dx('clinic', '慢性腎臓病', 'internal', 48, 40),
      dx('hospital', '慢性心不全', 'cardiology', 18, 18, { inpatient: true, note: '急性増悪で入院（2週間）、利尿薬とβ遮断薬を調整して退院' }),
    ],
    labs: [quarterly('clinic', 'egfr', [48, 45, 43, 41]), quarterly('clinic', 'cre', [1.12, 1.18, 1.24, 1.31]), quarterly('clinic', 'k', [4.6, 4.8, 5.0, 4.9])],
  },
  sasaki: {
    diagnoses: [
      dx('clinic', '脂質異常症', 'internal', 120, 48),
      dx('clinic', '骨粗鬆症', 'internal', 36, 36),
      dx('hospital', '前腕骨折', 'orthopedics', 26, 26, { code: CODE.forearmFracture, resolvedMonthsAgo: 22, note: '転倒による橈骨遠位端骨折、ギプス固定' }),
    ],
    labs: [quarterly('clinic', 'ldl', [128, 124, 119, 121])],
    allergies: [
      {
        at: 'hospital',
        kind: 'medication',
        text: 'ヨード造影剤（イオヘキソール）',
        reaction: '造影CT検査中に全身の蕁麻疹と血圧低下',
        criticality: 'high',
        recordedMonthsAgo: 26,
        department: 'orthopedics',
      },
    ],
  },
  yamazaki: {
    diagnoses: [
      dx('hospital', '2型糖尿病', 'internal', 30, 30),
      dx('hospital', '十二指腸潰瘍', 'gastro', 14, 14, { code: CODE.duodenalUlcer, resolvedMonthsAgo: 11 }),
    ],
    labs: [
      {
        at: 'hospital',
        test: 'hba1c',
        department: 'internal',
        points: [
          [9, 7.6],
          [3, 7.2],
        ],
      },
    ],
  },
  nakajima: {
    diagnoses: [
      dx('hospital', '急性化膿性虫垂炎', 'surgery', 25, 25, { code: CODE.appendicitis, resolvedMonthsAgo: 24, inpatient: true, note: '腹腔鏡下虫垂切除術' }),
    ],
    allergies: [
      {
        at: 'hospital',
        kind: 'food',
        jfagy: { code: 'J9FA21180000', display: '落花生' },
        text: '落花生（ピーナッツ）',
        reaction: 'アナフィラキシーの既往（救急搬送）',
        criticality: 'high',
        recordedMonthsAgo: 25,
        department: 'surgery',
      },
    ],
  },
  kobayashi: {
    allergies: [
      {
        at: 'clinic',
        kind: 'food',
        jfagy: { code: 'J9FA21180000', display: '落花生' },
        text: '落花生（ピーナッツ）',
        reaction: 'ピーナッツ菓子で口周りの発赤と蕁麻疹（食物経口負荷試験で陽性）',
        criticality: 'high',
        recordedMonthsAgo: 20,
        department: 'pediatrics',
      },
    ],
  },
  ito: {
    diagnoses: [dx('clinic', '高血圧症', 'internal', 96, 48, { code: CODE.hypertension }), dx('clinic', '脂質異常症', 'internal', 12, 12)],
    labs: [quarterly('clinic', 'ldl', [170, 165, 158, 152]), quarterly('clinic', 'hdl', [42, 44, 41, 43])],
  },
  kato: {
    diagnoses: [dx('clinic', '脂質異常症', 'internal', 60, 48)],
    labs: [quarterly('clinic', 'ldl', [178, 160, 142, 136]), quarterly('clinic', 'tg', [210, 185, 160, 152])],
  },
  matsumoto: {
    diagnoses: [
      dx('clinic', '2型糖尿病', 'internal', 24, 24),
      dx('hospital', '慢性B型肝炎', 'gastro', 10, 10, { note: 'HBs抗原陽性、HBe抗原陰性。肝機能は安定、半年ごとに経過観察' }),
    ],
    labs: [
      quarterly('clinic', 'hba1c', [6.9, 7.3, 7.6, 8.0]),
      {
        at: 'hospital',
        test: 'ast',
        department: 'gastro',
        points: [
          [10, 34],
          [4, 29],
        ],
      },
      {
        at: 'hospital',
        test: 'alt',
        department: 'gastro',
        points: [
          [10, 48],
          [4, 40],
        ],
      },
    ],
    infections: [{ at: 'hospital', monthsAgo: 10, result: 'positive', department: 'gastro' }],
  },
  inoue: {
    diagnoses: [dx('clinic', 'アレルギー性鼻炎', 'internal', 84, 20)],
    allergies: [
      {
        at: 'clinic',
        kind: 'food',
        jfagy: { code: 'J9FC11310000', display: 'さば類' },
        text: 'さば',
        reaction: '摂取後2時間で全身の蕁麻疹',
        criticality: 'low',
        recordedMonthsAgo: 20,
        department: 'internal',
      },
    ],
  },
  kimura: {
    diagnoses: [dx('hospital', '前腕骨折', 'orthopedics', 13, 13, { code: CODE.forearmFracture, resolvedMonthsAgo: 10, note: 'フットサル中の転倒、保存療法' })],
  },
  hayashi: {
    diagnoses: [
      dx('clinic', '高血圧症', 'internal', 240, 50, { code: CODE.hypertension }),
      dx('clinic', 'アルツハイマー型認知症', 'internal', 30, 30),
      dx('hospital', '噴門癌', 'gastro', 6, 6, {
        code: CODE.cardiacCancer,
        flags: ['UNINFORMED'],
        note: '家族（長女）に説明済み。本人への告知は家族の希望により保留',
      }),
    ],
    labs: [{ at: 'hospital', test: 'cre', department: 'gastro', points: [[6, 0.72]] }],
  },
  shimizu: {
    diagnoses: [
      dx('hospital', 'パーキンソン病', 'neurology', 60, 48, { note: '指定難病（受給者証あり）。Hoehn-Yahr 2度' }),
      dx('hospital', 'うつ病', 'neurology', 20, 20, { flags: ['UNDELIVERED'], note: '本人の希望により他院へは提供しない' }),
    ],
  },
  yamaguchi: {
    diagnoses: [
      dx('clinic', '高血圧症', 'internal', 60, 48, { code: CODE.hypertension }),
      dx('hospital', '大腸炎', 'gastro', 12, 12, { code: CODE.colitis, resolvedMonthsAgo: 11 }),
    ],
  },
  mori: {
    diagnoses: [dx('clinic', '気管支喘息', 'pediatrics', 100, 40)],
  },
  ikeda: {
    diagnoses: [dx('clinic', '上腹部痛', 'internal', 3, 3, { code: CODE.epigastricPain, resolvedMonthsAgo: 2 })],
  },
  hashimoto: {
    diagnoses: [dx('clinic', '2型糖尿病', 'internal', 180, 50), dx('clinic', '高血圧症', 'internal', 200, 50, { code: CODE.hypertension })],
    labs: [
      quarterly('clinic', 'hba1c', [7.4, 7.2, 7.5, 7.3]),
      quarterly('clinic', 'cre', [1.02, 1.05, 1.04, 1.09]),
      quarterly('clinic', 'egfr', [54, 52, 53, 50]),
    ],
  },
  kasai: {
    diagnoses: [dx('clinic', '脂質異常症', 'internal', 18, 18)],
    labs: [quarterly('clinic', 'ldl', [168, 152, 141, 133])],
  },
};
