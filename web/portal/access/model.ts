/** アクセス記録: `$access-log` (portal service) read for the screen — who looked at what, when, on which basis. Pure. */
import type { Text } from '../../shared/text.ts';
import { flatParts, str, topValue } from '../parts.ts';

export interface AccessView {
  at: string;
  facilityCode?: string;
  facilityName?: string;
  clientKind?: string;
  staffRole?: string;
  staffName?: string;
  action?: string;
  operation?: string;
  what?: string;
  basis?: string;
  consent?: string;
  purpose?: string;
  emergency: boolean;
  outcome: 'allowed' | 'refused';
}

export interface AccessLog {
  accesses: AccessView[];
  emergencyCount: number;
}

export function accessLogOf(body: unknown): AccessLog {
  const accesses = flatParts(body, 'access').flatMap((a): AccessView[] => {
    const at = str(a.at);
    if (!at) return [];
    return [
      {
        at,
        facilityCode: str(a.facilityCode),
        facilityName: str(a.facilityName),
        clientKind: str(a.clientKind),
        staffRole: str(a.staffRole),
        staffName: str(a.staffName),
        action: str(a.action),
        operation: str(a.operation),
        what: str(a.what),
        basis: str(a.basis),
        consent: str(a.consent),
        purpose: str(a.purpose),
        emergency: a.emergency === true,
        outcome: a.outcome === 'refused' ? 'refused' : 'allowed',
      },
    ];
  });
  const count = topValue(body, 'emergencyCount');
  return { accesses, emergencyCount: typeof count === 'number' ? count : accesses.filter((a) => a.emergency).length };
}

export const BASIS_NAMES: Record<string, Text> = {
  consent: { ja: 'あなたの同意にもとづく閲覧', en: 'with your consent' },
  registrant: { ja: '情報を登録した医療機関自身の閲覧', en: 'the facility that registered it' },
  emergency: { ja: '救急時の閲覧（同意の確認なし）', en: 'emergency access (no consent check)' },
  disaster: { ja: '災害時の閲覧（同意の確認なし）', en: 'disaster view (no consent check)' },
  membership: { ja: '加入している保険者としての閲覧', en: 'as your insurer' },
  operator: { ja: 'システム運用者の作業', en: 'system operator' },
  addressee: { ja: '紹介状の送り先としての閲覧', en: 'as the addressee of a referral letter' },
  patient: { ja: '代理人（保護者など）の閲覧', en: 'by someone acting for you (e.g. a guardian)' },
  other: { ja: 'その他の根拠', en: 'another basis' },
  none: { ja: '根拠なし', en: 'no basis' },
};

export const CLIENT_NAMES: Record<string, Text> = {
  facility: { ja: '医療機関', en: 'medical facility' },
  pharmacy: { ja: '薬局', en: 'pharmacy' },
  insurer: { ja: '保険者', en: 'insurer' },
  operator: { ja: '運用者', en: 'operator' },
  system: { ja: 'システム', en: 'system' },
};

export const ROLE_NAMES: Record<string, Text> = {
  doctor: { ja: '医師', en: 'doctor' },
  dentist: { ja: '歯科医師', en: 'dentist' },
  nurse: { ja: '看護師', en: 'nurse' },
  clerk: { ja: '事務', en: 'clerk' },
  pharmacist: { ja: '薬剤師', en: 'pharmacist' },
};

export const ACTION_NAMES: Record<string, Text> = {
  read: { ja: '閲覧', en: 'read' },
  search: { ja: '検索', en: 'search' },
  operation: { ja: '閲覧・操作', en: 'view' },
  create: { ja: '登録', en: 'created' },
  update: { ja: '更新', en: 'updated' },
  delete: { ja: '削除', en: 'deleted' },
};

/** What was looked at, in words, from the server's `what` / `operation`. */
const WHAT_WORDS: [RegExp, Text][] = [
  [/clinical-information/, { ja: '診療情報（6情報）', en: 'medical information (6 information)' }],
  [/patient-summary/, { ja: '患者サマリー', en: 'patient summary' }],
  [/medication-history/, { ja: 'お薬の情報（レセプト）', en: 'medicines (claims)' }],
  [/surgery-history/, { ja: '手術の情報（レセプト）', en: 'operations (claims)' }],
  [/checkup/, { ja: '健診の情報', en: 'check-ups' }],
  [/prescription|MedicationRequest|MedicationDispense|letter/, { ja: '処方・調剤の情報', en: 'prescriptions and dispensing' }],
  [/verify-card|verify-insurance|eligibility|Coverage/, { ja: '保険の資格', en: 'insurance eligibility' }],
  [/reception/, { ja: '受付の記録', en: 'reception record' }],
  [/send-referral|send-discharge|referral-letter|discharge-summary/, { ja: '紹介状・退院時サマリー', en: 'referral letter / discharge summary' }],
  [/link-card/, { ja: 'マイナンバーカードの登録', en: 'your My Number card link' }],
  [/Condition/, { ja: '病名', en: 'diagnoses' }],
  [/AllergyIntolerance/, { ja: 'アレルギー', en: 'allergies' }],
  [/Observation/, { ja: '検査の結果', en: 'test results' }],
  [/Consent|consent/, { ja: '同意', en: 'consent' }],
  [/Patient/, { ja: '本人の基本情報', en: 'your basic record' }],
];

export function whatText(a: Pick<AccessView, 'what' | 'operation'>): Text {
  const s = `${a.operation ?? ''} ${a.what ?? ''}`;
  for (const [re, text] of WHAT_WORDS) if (re.test(s)) return text;
  return { ja: a.what ?? '記録', en: a.what ?? 'record' };
}

/** Accesses in a row alike (same day, party, view, basis and outcome) shown as one line: the first, the last, how many. */
export interface AccessGroup {
  first: AccessView;
  /** The earliest of the group (the list is newest first). */
  last: AccessView;
  count: number;
}

export function groupAccesses(list: AccessView[], dayOf: (iso: string) => string): AccessGroup[] {
  const out: AccessGroup[] = [];
  const key = (a: AccessView) =>
    [dayOf(a.at), a.facilityCode, a.clientKind, a.staffRole, a.staffName, whatText(a).ja, a.action, a.basis, a.outcome, a.emergency].join('|');
  for (const a of list) {
    const g = out[out.length - 1];
    if (g && key(g.first) === key(a)) {
      g.last = a;
      g.count++;
    } else out.push({ first: a, last: a, count: 1 });
  }
  return out;
}
