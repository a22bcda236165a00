/**
 * 資格 and today's receptions from the platform's reception history: `GET /fhir/$reception-history` answers this
 * facility's own receptions ($verify-card / $verify-insurance that found the patient eligible) of the last 3 months,
 * newest first, each with the eligibility the desk was answered (insurer, numbers, 負担割合, 限度額区分, 高齢受給者, 公費)
 * — so the doctor's PC sees what the desk's PC received. Another facility's receptions never come back. Pure: the
 * answer's Parameters in, records out.
 */
import { type EligibilitySummary, type Param, param, paramValue, params, summaryOf } from '../reception/parameters.ts';

/** The patient as the reception answered them (the shape of the app's CurrentPatient, kept here so this stays DOM-free). */
export interface ReceivedPatient {
  id: string;
  name: string;
  kana?: string;
  birthDate?: string;
  gender?: string;
}

/** The eligibility a reception was answered (the reception screen's reading of the same parts). */
export type ReceptionEligibility = EligibilitySummary;

export interface ReceptionRecord {
  /** ISO instant of the reception. */
  at: string;
  /** The visit date eligibility was decided for (YYYY-MM-DD). */
  visitDate?: string;
  patient: ReceivedPatient;
  method?: string;
  eligibility?: ReceptionEligibility;
  /** The insurer's name, when registered. */
  insurer?: string;
  /** The choices at the reader for this visit. */
  consent?: { medication?: boolean; surgery?: boolean; checkup?: boolean };
}

export interface HistoryPage {
  receptions: ReceptionRecord[];
  /** Cursor of the next page, when there are more. */
  next?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Parameters (or parts) of an untrusted answer: objects with a string name only. */
const listOf = (v: unknown): Param[] => (Array.isArray(v) ? v.filter((p): p is Param => isRecord(p) && typeof p.name === 'string') : []);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
const s = (list: Param[], name: string) => str(paramValue(param(list, name)));

function receptionOf(parts: Param[]): ReceptionRecord | undefined {
  const at = s(parts, 'received');
  const ref = paramValue(param(parts, 'patient'));
  const id = isRecord(ref) && typeof ref.reference === 'string' ? /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(ref.reference)?.[1] : undefined;
  const name = s(parts, 'name');
  if (!at || !id || !name) return undefined;
  const eligibility = param(parts, 'eligibility');
  const consent = param(parts, 'consent');
  const cp = listOf(consent?.part);
  return {
    at,
    visitDate: s(parts, 'visitDate'),
    patient: {
      id,
      name,
      ...(s(parts, 'kana') ? { kana: s(parts, 'kana') } : {}),
      ...(s(parts, 'birthDate') ? { birthDate: s(parts, 'birthDate') } : {}),
      ...(s(parts, 'gender') ? { gender: s(parts, 'gender') } : {}),
    },
    method: s(parts, 'method'),
    eligibility: eligibility ? summaryOf(listOf(eligibility.part)) : undefined,
    insurer: s(parts, 'insurerName'),
    consent: consent
      ? {
          medication: bool(paramValue(param(cp, 'medication'))),
          surgery: bool(paramValue(param(cp, 'surgery'))),
          checkup: bool(paramValue(param(cp, 'checkup'))),
        }
      : undefined,
  };
}

/** Reads a `$reception-history` answer (anything unreadable is left out). */
export function readHistory(body: unknown): HistoryPage {
  const list = isRecord(body) && body.resourceType === 'Parameters' ? listOf(body.parameter) : [];
  const receptions = params(list, 'reception')
    .map((r) => receptionOf(listOf(r.part)))
    .filter((r): r is ReceptionRecord => r !== undefined);
  const next = s(list, 'next');
  return next ? { receptions, next } : { receptions };
}

/** The path of a `$reception-history` read. */
export function historyPath(q: { date?: string; patient?: string; name?: string; birthdate?: string; count?: number; cursor?: string }): string {
  const p = new URLSearchParams();
  if (q.date) p.set('date', q.date);
  if (q.patient) p.set('patient', `Patient/${q.patient}`);
  if (q.name) p.set('name', q.name);
  if (q.birthdate) p.set('birthdate', q.birthdate);
  if (q.count) p.set('_count', String(q.count));
  if (q.cursor) p.set('cursor', q.cursor);
  return `$reception-history?${p.toString()}`;
}

/** One entry per patient (their latest reception first — the answer is newest first). */
export function latestPerPatient(receptions: readonly ReceptionRecord[]): ReceptionRecord[] {
  const seen = new Set<string>();
  return receptions.filter((r) => {
    if (seen.has(r.patient.id)) return false;
    seen.add(r.patient.id);
    return true;
  });
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
export { japanTime, japanToday } from '../../shared/japan-time.ts';
