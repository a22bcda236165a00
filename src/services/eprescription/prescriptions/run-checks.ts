/**
 * Runs the duplicate and contraindication check (重複投薬・併用禁忌) for a caller and decides what it may see of the
 * result: the conflicting drug, date and facility only with the patient's consent to the medication group at the
 * caller's organisation (閲覧同意「診療＋お薬…」), otherwise the alert kind alone (checks/alerts.ts).
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import type { ConsentAnswer } from '../../../platform/consent/consents.ts';
import { type CheckAlert, type InteractionIndex, type MedicationLine, type RedactedAlert, checkMedications, redactAlert } from '../checks/index.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import type { DrugLine } from './drug-lines.ts';
import { facilityKindOf, medicationHistory } from './medication-history.ts';

/** What the check needs of a line: its code, master name and keys. */
export type CheckLine = Pick<DrugLine, 'code' | 'name' | 'ingredientKey' | 'classKey'>;

export interface CheckRun {
  alerts: CheckAlert[];
  /** Lines (0-based) the check could not cover: the master has no ingredient / class key for their drug. */
  unchecked: number[];
  shown: (CheckAlert | RedactedAlert)[];
  consent: boolean;
}

export interface CheckRequest {
  patientId: string;
  /** 医療機関コード / 薬局コード of the caller (its own lines are left out, as the national service does). */
  facility: string;
  ownerKey: string;
  lines: readonly CheckLine[];
  /** The candidates' date (交付日 or 調剤日); default today. */
  date?: string;
  /** The prescription being checked (its own registered lines are not conflicts). */
  prescriptionId?: string;
  source: 'prescription' | 'dispensing';
}

/** What a check reads before comparing: the person's history, the rules and the consent (one set for several checks). */
export interface CheckBasis {
  history: MedicationLine[];
  rules: InteractionIndex;
  consent: ConsentAnswer;
}

export async function checkBasis(rt: EprescriptionRuntime, q: Omit<CheckRequest, 'lines'>, db: Queryable = rt.platform.db): Promise<CheckBasis> {
  const now = rt.clock();
  const [history, rules, consent] = await Promise.all([
    medicationHistory(db, q.patientId, japanDate(now), q.source === 'prescription' ? q.facility : ''),
    rt.rules.index(),
    rt.platform.consent.decide({ patientId: q.patientId, grantee: q.ownerKey, category: 'medication', at: now }, db),
  ]);
  return { history, rules, consent };
}

/** `basis`: read once for several checks of one person by one caller (a pharmacy's list of prescriptions). */
export async function runChecks(rt: EprescriptionRuntime, q: CheckRequest, basis?: CheckBasis): Promise<CheckRun> {
  const now = rt.clock();
  const today = japanDate(now);
  const { history, rules, consent } = basis ?? (await checkBasis(rt, q));
  // Lines without check keys (see drug-lines.ts) take no part; alert indices are mapped back to the caller's lines.
  const keyed = q.lines.flatMap((l, index) => (l.ingredientKey && l.classKey ? [{ l, index }] : []));
  const candidates = keyed.map(({ l }) => ({
    drug: { code: l.code, ingredient: l.ingredientKey, therapeuticClass: l.classKey, name: l.name },
    date: q.date ?? today,
    facilityKind: q.source === 'dispensing' ? ('pharmacy' as const) : facilityKindOf(q.facility),
    facilityCode: q.facility,
    source: q.source,
    prescriptionId: q.prescriptionId,
  }));
  const alerts = checkMedications(candidates, history, rules, { at: now, facilityCode: q.facility }).map((a) => ({
    ...a,
    candidateIndex: keyed[a.candidateIndex].index,
    conflicting: a.conflicting.candidateIndex === undefined ? a.conflicting : { ...a.conflicting, candidateIndex: keyed[a.conflicting.candidateIndex].index },
  }));
  const unchecked = q.lines.flatMap((l, i) => (l.ingredientKey && l.classKey ? [] : [i]));
  return { alerts, unchecked, shown: alerts.map((a) => redactAlert(a, { consent: consent.allow })), consent: consent.allow };
}
