/**
 * What a check returns, and what a facility may see of it.
 *
 * MISSION.md S2 / issue 12: each alert says the kind, the conflicting drug, its date and the kind of facility; the
 * facility sees the conflicting details only with the patient's consent (the medication group 「診療＋お薬…」),
 * otherwise the alert kind alone. The national service does the same: a pharmacy system describes the check
 * running without the patient's consent with the other drug's name masked (unike.co.jp, P-CUBE n, 2023-06).
 */
import type { DrugKeys, FacilityKind, LineSource } from './drug-keys.ts';
import type { ContraindicationRule, DuplicateClassRule } from './rules.ts';

/** 重複投薬（同一成分）, 重複投薬（同効薬）, 併用禁忌. */
export type AlertKind = 'duplicate-ingredient' | 'duplicate-class' | 'contraindicated';

/** The other side of an alert: a line of the patient's history, or another line of the same candidate prescription. */
export interface ConflictingItem {
  drug: DrugKeys;
  date: string;
  facilityKind: FacilityKind;
  facilityCode: string;
  source: LineSource;
  /** `history`: the patient's other medication; `candidates`: another line of what is being checked. */
  origin: 'history' | 'candidates';
  /** origin `candidates`: the index of that line in the candidates. */
  candidateIndex?: number;
  /** History lines of the same drug collapsed into this alert (the latest one is shown); 1 for candidates. */
  occurrences: number;
}

export interface CheckAlert {
  kind: AlertKind;
  /** The index of the candidate line the alert is about. */
  candidateIndex: number;
  candidate: DrugKeys;
  conflicting: ConflictingItem;
  /** The rule that fired: the 併用禁忌 pair or the duplicate class (absent for a same-ingredient duplicate). */
  rule?: ContraindicationRule | DuplicateClassRule;
}

/** An alert without the conflicting details: the kind, and which of the caller's own lines it is about. */
export interface RedactedAlert {
  kind: AlertKind;
  candidateIndex: number;
  redacted: true;
}

/**
 * The alert as the facility may see it. With consent: whole. Without: the kind and the candidate line only — the
 * conflicting drug, its date, facility and the rule (whose statement names the other drug) are withheld. An alert
 * between two lines of the caller's own candidates discloses nothing of others and stays whole.
 */
export function redactAlert(alert: CheckAlert, { consent }: { consent: boolean }): CheckAlert | RedactedAlert {
  if (consent || alert.conflicting.origin === 'candidates') return alert;
  return { kind: alert.kind, candidateIndex: alert.candidateIndex, redacted: true };
}

export function isRedacted(alert: CheckAlert | RedactedAlert): alert is RedactedAlert {
  return 'redacted' in alert;
}
