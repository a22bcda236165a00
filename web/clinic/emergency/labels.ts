/**
 * Words of the emergency screens (pure, no DOM): the coded reasons (救急時医療情報閲覧の理由, the service's own list in
 * src/services/emergency/model/reasons.ts), drug sources, procedure tags, review states, and instants in Japan time.
 */
import { japanDay, japanTime } from '../../shared/japan-time.ts';
import type { Text } from '../../shared/text.ts';
import { EMERGENCY_REASONS, type EmergencyReason, REASON_TEXT_MAX } from '../../../src/services/emergency/model/reasons.ts';

/** The service's coded reasons, in one place (a shared source of the build). */
export const REASONS: Record<EmergencyReason, Text> = EMERGENCY_REASONS;

export type ReasonCode = EmergencyReason;
export const REASON_CODES = Object.keys(REASONS) as ReasonCode[];
/** The service keeps at most this much free text. */
export { REASON_TEXT_MAX };
/** The hours a doctor may choose (the service's TSUNAGU_EMERGENCY_HOURS is 8 by default). */
export const HOURS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

export const SEXES: Record<string, Text> = {
  male: { ja: '男性', en: 'Male' },
  female: { ja: '女性', en: 'Female' },
  other: { ja: 'その他', en: 'Other' },
  unknown: { ja: '不明', en: 'Unknown' },
};

export const DRUG_SOURCES: Record<string, Text> = {
  prescription: { ja: '処方（共有）', en: 'Prescription (shared)' },
  dispensing: { ja: '調剤', en: 'Dispensing' },
  'shared-prescription': { ja: '電子処方箋', en: 'E-prescription' },
  receipt: { ja: 'レセプト', en: 'Claims' },
};

export const RISK_CLASSES: Record<string, Text> = {
  antithrombotic: { ja: '抗血栓薬', en: 'Antithrombotic' },
  'high-risk': { ja: 'ハイリスク薬', en: 'High-risk drug' },
};

export const PROCEDURE_TAGS: Record<string, Text> = {
  surgery: { ja: '手術', en: 'Surgery' },
  dialysis: { ja: '透析', en: 'Dialysis' },
  transplant: { ja: '臓器移植', en: 'Transplant' },
};

export const REVIEW_STATES: Record<string, Text> = {
  pending: { ja: '未確認', en: 'Not reviewed' },
  confirmed: { ja: '妥当', en: 'Appropriate' },
  flagged: { ja: '要確認', en: 'Flagged' },
};

export const IDENTIFIED_BY: Record<string, Text> = {
  card: { ja: 'マイナンバーカード（暗証番号なし）', en: 'My Number card (no PIN)' },
  demographics: { ja: '氏名・生年月日・性別', en: 'Name, birth date and sex' },
};

/** 2026年12月3日 19:40 / 3 Dec 2026 19:40 (Japan time); '—' for an unreadable instant. */
export function dateTime(iso: string | undefined): Text {
  const day = iso ? japanDay(iso) : '';
  if (!iso || !day) return { ja: '—', en: '—' };
  const [y, m, d] = day.split('-').map(Number);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1];
  const time = japanTime(iso);
  return { ja: `${y}年${m}月${d}日 ${time}`, en: `${d} ${month} ${y} ${time}` };
}

/** What is left of an access: あと 7時間59分 / 7 h 59 min left; undefined once it has ended. */
export function timeLeft(endIso: string, now: number = Date.now()): Text | undefined {
  const ms = Date.parse(endIso) - now;
  if (!(ms > 0)) return undefined;
  const minutes = Math.ceil(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return { ja: `あと ${h ? `${h}時間` : ''}${m}分`, en: `${h ? `${h} h ` : ''}${m} min left` };
}

/** The reason as the review list shows it: the coded reason, and the free text when there is one. */
export function reasonLine(reason: string, display: string, text: string | undefined): Text {
  const coded = REASONS[reason as ReasonCode] ?? { ja: display, en: display };
  return { ja: text ? `${coded.ja}: ${text}` : coded.ja, en: text ? `${coded.en}: ${text}` : coded.en };
}
