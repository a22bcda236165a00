/** 救急時・災害時の閲覧: `$my-emergency-accesses` read for the portal (pure) — every access without consent. */
import type { Text } from '../../shared/text.ts';
import { flatParts, str } from '../parts.ts';

export interface EmergencyAccessView {
  id: string;
  mode: 'emergency' | 'ambulance' | 'disaster';
  organisation: string;
  staffName?: string;
  reason?: string;
  reasonDisplay?: string;
  reasonText?: string;
  identifiedBy?: 'card' | 'demographics';
  start: string;
  end?: string;
  views: number;
  reviewState: 'pending' | 'confirmed' | 'flagged';
}

const MODES = new Set(['emergency', 'ambulance', 'disaster']);

export function emergencyAccessesOf(body: unknown): EmergencyAccessView[] {
  return flatParts(body, 'access').flatMap((a): EmergencyAccessView[] => {
    const id = str(a.id);
    const start = str(a.start);
    if (!id || !start) return [];
    const mode = MODES.has(String(a.mode)) ? (a.mode as EmergencyAccessView['mode']) : 'emergency';
    const state = a.reviewState === 'confirmed' || a.reviewState === 'flagged' ? a.reviewState : 'pending';
    return [
      {
        id,
        mode,
        organisation: str(a.organisation) ?? '—',
        staffName: str(a.staffName),
        reason: str(a.reason),
        reasonDisplay: str(a.reasonDisplay),
        reasonText: str(a.reasonText),
        identifiedBy: a.identifiedBy === 'card' || a.identifiedBy === 'demographics' ? a.identifiedBy : undefined,
        start,
        end: str(a.end),
        views: typeof a.views === 'number' ? a.views : 0,
        reviewState: state,
      },
    ];
  });
}

/** The accesses that began in the last `days` days. */
export const recentAccesses = (list: EmergencyAccessView[], now: number, days = 30) => list.filter((a) => now - Date.parse(a.start) <= days * 86_400_000);

export const MODE_TEXT: Record<EmergencyAccessView['mode'], Text> = {
  emergency: { ja: '救急時の閲覧（医療機関）', en: 'Emergency view (medical facility)' },
  ambulance: { ja: '救急隊による照会', en: 'Ambulance lookup' },
  disaster: { ja: '災害時の閲覧', en: 'Disaster view' },
};

export const IDENTIFIED_TEXT: Record<'card' | 'demographics', Text> = {
  card: { ja: 'カード（マイナンバーカードを暗証番号なしで読み取り）', en: 'Card (My Number card read without the PIN)' },
  demographics: { ja: '氏名等（氏名・生年月日・性別など）', en: 'Name etc. (name, birth date, sex)' },
};

export const REVIEW_TEXT: Record<EmergencyAccessView['reviewState'], Text> = {
  pending: { ja: '医療機関による確認はまだです', en: 'Not yet reviewed by the facility' },
  confirmed: { ja: '医療機関が妥当な閲覧だったと確認しました', en: 'The facility confirmed it was appropriate' },
  flagged: { ja: '医療機関が「要確認」としました（調査中）', en: 'The facility flagged it for follow-up' },
};
