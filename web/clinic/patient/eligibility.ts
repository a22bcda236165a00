/**
 * 資格: what the platform told this facility about the patient's eligibility at today's reception. A facility has no
 * read of the registry afterwards (the Patient and Coverage records are the insurers'; `$eligibility-history` is for
 * the person, their insurers and operators), so the page shows the reception's answer as the reception screen kept it
 * in this tab (`…data.reception-log`, reception/reception-log.ts): 負担割合 always, and the insurer, 限度額区分, 高齢受給者
 * and 公費 when the entry carries the answer's eligibility summary. Pure apart from reading sessionStorage.
 */
import { japanDay } from './format.ts';

export const RECEPTION_LOG_KEY = 'tsunagu.tsunagu-clinic.data.reception-log';

export interface ReceptionEligibility {
  insurerNumber?: string;
  symbol?: string;
  number?: string;
  branch?: string;
  relationship?: string;
  acquiredOn?: string;
  lostOn?: string;
  copayRatio?: number;
  limitCategory?: { code?: string; display?: string };
  elderlyCopayRatio?: number;
  specificDiseases?: { code?: string; display?: string; monthlyLimitYen?: number }[];
  publicExpenses?: { payer?: string; recipient?: string; validFrom?: string; validTo?: string }[];
}

export interface ReceptionRecord {
  /** ISO instant of the reception. */
  at: string;
  facilityCode?: string;
  patientId: string;
  eligible: boolean;
  method?: string;
  copayRatio?: number;
  eligibility?: ReceptionEligibility;
  /** 保険種別 (国保, 医保, 後期高齢者). */
  insuranceType?: string;
  /** `Organization/<id>` of the insurer. */
  payor?: string;
  /** The insurer's name, when the reception read it. */
  insurer?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Today's latest reception of the patient at the facility, from the log's raw JSON. */
export function latestReception(raw: string | null, patientId: string, facilityCode: string | undefined, today: string): ReceptionRecord | undefined {
  let list: unknown;
  try {
    list = raw ? JSON.parse(raw) : [];
  } catch {
    return undefined;
  }
  if (!Array.isArray(list)) return undefined;
  for (const e of list) {
    if (!isRecord(e) || !isRecord(e.patient) || e.patient.id !== patientId || typeof e.at !== 'string') continue;
    if (facilityCode && e.facilityCode !== facilityCode) continue;
    if (japanDay(e.at) !== today) continue;
    return {
      at: e.at,
      facilityCode: typeof e.facilityCode === 'string' ? e.facilityCode : undefined,
      patientId,
      eligible: e.eligible === true,
      method: typeof e.method === 'string' ? e.method : undefined,
      copayRatio: typeof e.copayRatio === 'number' ? e.copayRatio : undefined,
      eligibility: isRecord(e.eligibility) ? (e.eligibility as ReceptionEligibility) : undefined,
      insuranceType: typeof e.insuranceType === 'string' ? e.insuranceType : undefined,
      insurer: typeof e.insurer === 'string' && e.insurer.trim() ? e.insurer : undefined,
      payor: typeof e.payor === 'string' && /^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(e.payor) ? e.payor : undefined,
    };
  }
  return undefined;
}

/** 保険者番号 as printed (国保: 6 digits without the leading 00). */
export const printedInsurer = (n: string) => (n.length === 8 && n.startsWith('00') ? n.slice(2) : n);

/** 3 → 3割. */
export const copayText = (ratio: number | undefined) => (ratio === undefined ? undefined : `${ratio}割`);

export const METHOD_NAMES: Record<string, { ja: string; en: string }> = {
  'card-pin': { ja: 'マイナ保険証（暗証番号）', en: 'My Number card (PIN)' },
  'card-face': { ja: 'マイナ保険証（顔認証）', en: 'My Number card (face)' },
  'insurance-card': { ja: '保険証（番号入力）', en: 'insurance card (number typed)' },
  'eligibility-certificate': { ja: '資格確認書（番号入力）', en: 'eligibility certificate (number typed)' },
};

export const RELATIONSHIP_NAMES: Record<string, { ja: string; en: string }> = {
  insured: { ja: '本人（被保険者）', en: 'insured person' },
  dependant: { ja: '家族（被扶養者）', en: 'dependant' },
};

/** Today in Japan (YYYY-MM-DD). */
export const japanToday = (now = Date.now()) => new Date(now + 9 * 3600_000).toISOString().slice(0, 10);
