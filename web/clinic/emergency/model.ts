/**
 * The emergency service's answers read for the screens (pure, no DOM): the `access` of `$emergency-access`,
 * `$emergency-view`, `$end-emergency-access` and `$emergency-reviews`; the `candidate`s of an identification by name;
 * the essential set (救急時に必要な情報) of `$emergency-view` — alerts, drug lines, allergies, diagnoses, infections,
 * the latest labs, surgery / dialysis / transplant and the person. Parameters as in src/services/emergency/http/specs.ts.
 */
import { itemOf, type SharedItem } from '../patient/clinical.ts';
import { conceptName, isRecord, japanDay } from '../patient/format.ts';
import { type Param, paramValue, params, patientOf, type ReceivedPatient } from '../reception/parameters.ts';

export type ReviewState = 'pending' | 'confirmed' | 'flagged';

/** 救急時閲覧: one declared access, as every emergency operation returns it. */
export interface Access {
  id: string;
  mode: string;
  /** The Patient id. */
  patient: string;
  reason: string;
  /** The reason's Japanese name. */
  reasonDisplay: string;
  reasonText?: string;
  identifiedBy: 'card' | 'demographics' | string;
  organisation: string;
  staffName?: string;
  /** Instants (ISO). */
  start: string;
  /** Open until, or ended at. */
  end: string;
  views: number;
  reviewState: ReviewState;
  reviewNote?: string;
  reviewedBy?: string;
  /** The review list only. */
  patientName?: string;
}

/** A person matching the name, birth date and sex typed (two or three are shown to choose from). */
export interface Candidate {
  patient: string;
  name: string;
  kana: string;
  birthDate: string;
  sex: string;
  postalCodeMatches?: boolean;
}

export type AlertCode = 'antithrombotic' | 'high-risk' | 'dialysis' | 'transplant' | 'bleeding-disorder' | 'drug-allergy' | 'infection';

export interface Alert {
  code: AlertCode | string;
  /** The service's Japanese text. */
  text: string;
}

export interface DrugLine {
  name: string;
  date: string;
  source: string;
  facility?: string;
  days?: number;
  quantity?: string;
  /** Still being taken (date + days reaches today). */
  current: boolean;
  riskClass?: 'antithrombotic' | 'high-risk';
  riskLabel?: string;
}

export interface ProcedureLine {
  tag: 'surgery' | 'dialysis' | 'transplant' | string;
  name: string;
  date?: string;
}

export interface EssentialView {
  access: Access;
  patient?: ReceivedPatient;
  alerts: Alert[];
  drugs: DrugLine[];
  allergies: SharedItem[];
  diagnoses: SharedItem[];
  infections: SharedItem[];
  labs: SharedItem[];
  procedures: ProcedureLine[];
}

const parameterList = (body: unknown): Param[] =>
  isRecord(body) && body.resourceType === 'Parameters' && Array.isArray(body.parameter) ? (body.parameter as Param[]) : [];

/** The parts of a group parameter by name (the value of each; a Reference as its `reference`). */
function partValues(p: Param): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of p.part ?? []) {
    const v = paramValue(part);
    out[part.name] = isRecord(v) && typeof v.reference === 'string' ? v.reference : (v ?? part.resource);
  }
  return out;
}

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const patientId = (v: unknown): string => (s(v) ?? '').replace(/^Patient\//, '');

export function accessOf(p: Param): Access {
  const v = partValues(p);
  return {
    id: s(v.id) ?? '',
    mode: s(v.mode) ?? 'emergency',
    patient: patientId(v.patient),
    reason: s(v.reason) ?? '',
    reasonDisplay: s(v.reasonDisplay) ?? s(v.reason) ?? '',
    ...(s(v.reasonText) ? { reasonText: s(v.reasonText) } : {}),
    identifiedBy: s(v.identifiedBy) ?? '',
    organisation: s(v.organisation) ?? '',
    ...(s(v.staffName) ? { staffName: s(v.staffName) } : {}),
    start: s(v.start) ?? '',
    end: s(v.end) ?? '',
    views: typeof v.views === 'number' ? v.views : 0,
    reviewState: v.reviewState === 'confirmed' || v.reviewState === 'flagged' ? v.reviewState : 'pending',
    ...(s(v.reviewNote) ? { reviewNote: s(v.reviewNote) } : {}),
    ...(s(v.reviewedBy) ? { reviewedBy: s(v.reviewedBy) } : {}),
    ...(s(v.patientName) ? { patientName: s(v.patientName) } : {}),
  };
}

/** Every `access` of an answer. */
export const accessesOf = (body: unknown): Access[] => params(parameterList(body), 'access').map(accessOf);

export function candidatesOf(body: unknown): Candidate[] {
  return params(parameterList(body), 'candidate').map((p) => {
    const v = partValues(p);
    return {
      patient: patientId(v.patient),
      name: s(v.name) ?? '',
      kana: s(v.kana) ?? '',
      birthDate: s(v.birthDate) ?? '',
      sex: s(v.sex) ?? '',
      ...(typeof v.postalCodeMatches === 'boolean' ? { postalCodeMatches: v.postalCodeMatches } : {}),
    };
  });
}

/** The answer of `$emergency-access`: the access opened (201), or the candidates to choose from (200). */
export type Declared = { kind: 'opened'; access: Access } | { kind: 'candidates'; candidates: Candidate[] };

export function declaredOf(body: unknown): Declared {
  const access = accessesOf(body)[0];
  if (access?.id) return { kind: 'opened', access };
  return { kind: 'candidates', candidates: candidatesOf(body) };
}

function drugOf(p: Param): DrugLine {
  const v = partValues(p);
  const risk = v.riskClass === 'antithrombotic' || v.riskClass === 'high-risk' ? v.riskClass : undefined;
  return {
    name: s(v.name) ?? '',
    date: s(v.date) ?? '',
    source: s(v.source) ?? '',
    ...(s(v.facility) ? { facility: s(v.facility) } : {}),
    ...(typeof v.days === 'number' ? { days: v.days } : {}),
    ...(s(v.quantity) ? { quantity: s(v.quantity) } : {}),
    current: v.current === true,
    ...(risk ? { riskClass: risk } : {}),
    ...(s(v.riskLabel) ? { riskLabel: s(v.riskLabel) } : {}),
  };
}

function procedureOf(p: Param): ProcedureLine {
  const v = partValues(p);
  const r = isRecord(v.record) ? v.record : {};
  const period = isRecord(r.performedPeriod) ? r.performedPeriod.start : undefined;
  const date = japanDay(r.performedDateTime) ?? japanDay(period) ?? japanDay(r.recorded);
  return { tag: s(v.tag) ?? '', name: conceptName(r.code) ?? '（名称の記載なし）', ...(date ? { date } : {}) };
}

const items = (list: Param[], name: string): SharedItem[] =>
  params(list, name).flatMap((p) => {
    const item = isRecord(p.resource) ? itemOf(p.resource) : undefined;
    return item ? [item] : [];
  });

/** `$emergency-view`'s answer; undefined when it carries no access (not an answer of this operation). */
export function essentialViewOf(body: unknown): EssentialView | undefined {
  const list = parameterList(body);
  const access = params(list, 'access')[0];
  if (!access) return undefined;
  const record = params(list, 'patientRecord')[0]?.resource;
  const patient = patientOf(record);
  return {
    access: accessOf(access),
    ...(patient ? { patient } : {}),
    alerts: params(list, 'alert').map((p) => {
      const v = partValues(p);
      return { code: s(v.code) ?? '', text: s(v.text) ?? '' };
    }),
    drugs: params(list, 'drug').map(drugOf),
    allergies: items(list, 'allergy'),
    diagnoses: items(list, 'diagnosis'),
    // The service sends infections as their own parameter: keep them here whatever itemOf calls them.
    infections: items(list, 'infection').map((i) => ({ ...i, kind: 'infection' as const })),
    labs: items(list, 'lab'),
    procedures: params(list, 'procedure').map(procedureOf),
  };
}

/** Alerts shown in strong red (what changes the treatment at once); the others as warnings. */
export const DANGER_ALERTS: ReadonlySet<string> = new Set(['antithrombotic', 'high-risk', 'dialysis', 'drug-allergy', 'bleeding-disorder', 'transplant']);
