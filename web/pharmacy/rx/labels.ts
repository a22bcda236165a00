/** Words of the pharmacy screens: states, 後発品変更不可, alert kinds and sources, dates in Japanese. */
import type { Text } from '../../shared/text.ts';

/** 2026年12月3日 / 3 Dec 2026 (a YYYY-MM-DD day). */
export function dayText(day: string | undefined): Text {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day ?? '');
  if (!m) return { ja: day ?? '', en: day ?? '' };
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return { ja: `${m[1]}年${Number(m[2])}月${Number(m[3])}日`, en: `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}` };
}

export const STATE: Record<string, { text: Text; tone: 'open' | 'held' | 'done' | 'stop' }> = {
  registered: { text: { ja: '受付待ち', en: 'Open' }, tone: 'open' },
  accepted: { text: { ja: '受付済み', en: 'Accepted' }, tone: 'held' },
  completed: { text: { ja: '調剤済み', en: 'Dispensed' }, tone: 'done' },
  cancelled: { text: { ja: '取消（処方医）', en: 'Cancelled by the prescriber' }, tone: 'stop' },
  expired: { text: { ja: '使用期限切れ', en: 'Expired' }, tone: 'stop' },
};

export const SUBSTITUTION: Record<string, Text> = {
  '0': { ja: '変更可', en: 'Substitution allowed' },
  '1': { ja: '後発品変更不可', en: 'No generic substitution' },
  '2': { ja: '剤形変更不可', en: 'No change of dosage form' },
  '3': { ja: '含量規格変更不可', en: 'No change of strength' },
};

export const ALERT_KIND: Record<string, { label: Text; severity: Text; level: 'high' | 'mid' }> = {
  contraindicated: {
    label: { ja: '併用禁忌', en: 'Contraindicated combination' },
    severity: { ja: '重大: 原則として併用できません。処方医への疑義照会が必要です', en: 'Serious: not to be combined; query the prescriber' },
    level: 'high',
  },
  'duplicate-ingredient': {
    label: { ja: '重複投薬（同一成分）', en: 'Duplicate (same ingredient)' },
    severity: { ja: '注意: 同じ成分の薬が他で処方・調剤されています', en: 'Caution: the same ingredient was prescribed or dispensed elsewhere' },
    level: 'mid',
  },
  'duplicate-class': {
    label: { ja: '重複投薬（同効薬）', en: 'Duplicate (same class)' },
    severity: { ja: '注意: 同じ効き目の薬が他で処方・調剤されています', en: 'Caution: a drug of the same class was prescribed or dispensed elsewhere' },
    level: 'mid',
  },
};

export const FACILITY_KIND: Record<string, Text> = {
  medical: { ja: '医科', en: 'medical' },
  dental: { ja: '歯科', en: 'dental' },
  pharmacy: { ja: '薬局', en: 'pharmacy' },
};

export const SOURCE: Record<string, Text> = {
  prescription: { ja: '処方', en: 'prescription' },
  dispensing: { ja: '調剤', en: 'dispensing' },
  receipt: { ja: 'レセプト', en: 'claim' },
  'same-prescription': { ja: 'この処方箋の中', en: 'within this prescription' },
};

/** Days from `day` to today (Japan time), for 「20日前」. */
export function daysBefore(day: string, today: string): number {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
}

export const quantityText = (n: number) => String(Math.round(n * 1000) / 1000);
