/**
 * The duplicate and contraindication check (重複投薬等チェック): the lines about to be prescribed or dispensed (the
 * candidates) against the patient's other medication across facilities (the history) and against each other.
 *
 * Rules, after the national service (医療機関等向け総合ポータルサイト, 電子処方箋 FAQ「重複投薬等チェックでチェックする
 * 内容」; MHLW, 令和4年度 電子処方箋モデル事業 中間報告書 p.36):
 * - 重複投薬: a candidate and another line with the same ingredient key (同一成分, also the very same drug), or with
 *   different ingredients of one therapeutic class that the interaction data lists as a duplicate class (同効薬).
 * - 併用禁忌: a candidate and another line forming a combination of the interaction data, in either order, by
 *   ingredient or by class.
 * - The history counts for `windowDays` (100: the service's prescription and dispensing data of the last 100 days)
 *   counted back from the day of the check: a line dated d counts when 0 ≤ (day of `at`) − d ≤ windowDays. The
 *   boundary day is INCLUDED — a line exactly 100 days old is not older than the window, and at the boundary a
 *   missed conflict costs more than an extra alert. Lines dated after `at` are not counted (they did not exist yet).
 * - Left out of the history: the candidates' own prescription (same `prescriptionId`), inpatient in-house lines
 *   (服用まで入院中に完了, the FAQ), and — when `facilityCode` is given — the checking facility's own lines, as the
 *   national service does by default (the facility's own system checks those); `includeOwnFacility` keeps them.
 * - Several history lines of the same drug (monthly refills, a prescription and its dispensing) make one alert per
 *   candidate and kind: the latest line, with `occurrences`.
 * - Two candidates conflicting with each other make one alert, on the later line, pointing at the earlier one.
 */
import type { AlertKind, CheckAlert } from './alerts.ts';
import { dayNumber, dayOf } from './calendar.ts';
import type { MedicationLine } from './drug-keys.ts';
import type { DrugEntry, InteractionIndex } from './rule-index.ts';
import type { ContraindicationRule, DuplicateClassRule } from './rules.ts';

/** 過去100日分 (outside: the national service's window). */
export const CHECK_WINDOW_DAYS = 100;

export interface CheckOptions {
  /** The moment of the check (its date in Japan), or the date itself (YYYY-MM-DD). */
  at: Date | string;
  /** Default 100 (CHECK_WINDOW_DAYS). */
  windowDays?: number;
  /** The checking facility's 医療機関コード / 薬局コード: its own history lines are left out unless includeOwnFacility. */
  facilityCode?: string;
  includeOwnFacility?: boolean;
  /** Report same-ingredient duplicates (default true). */
  ingredientDuplicates?: boolean;
}

interface Indexed {
  line: MedicationLine;
  entry: DrugEntry;
  day: number;
  index: number;
}

const KIND_ORDER: Record<AlertKind, number> = { contraindicated: 0, 'duplicate-ingredient': 1, 'duplicate-class': 2 };

function lineDay(line: MedicationLine, role: string, index: number): number {
  const day = dayNumber(line.date);
  if (day === undefined) throw new TypeError(`${role}[${index}]: date "${line.date}" is not a YYYY-MM-DD date`);
  return day;
}

export function checkMedications(
  candidates: readonly MedicationLine[],
  history: readonly MedicationLine[],
  rules: InteractionIndex,
  options: CheckOptions,
): CheckAlert[] {
  const atDay = dayOf(options.at);
  const windowDays = options.windowDays ?? CHECK_WINDOW_DAYS;
  if (!Number.isInteger(windowDays) || windowDays < 0) throw new TypeError(`windowDays: ${windowDays} is not a whole number of days ≥ 0`);
  const ingredientDuplicates = options.ingredientDuplicates !== false;
  const skipFacility = options.facilityCode !== undefined && !options.includeOwnFacility ? options.facilityCode : undefined;

  const cands: Indexed[] = candidates.map((line, index) => ({ line, entry: rules.entry(line.drug), day: lineDay(line, 'candidates', index), index }));
  const own = new Set<string>();
  for (const c of candidates) if (c.prescriptionId !== undefined) own.add(c.prescriptionId);

  const active: Indexed[] = [];
  for (const [index, line] of history.entries()) {
    if (line.inpatient) continue;
    if (line.prescriptionId !== undefined && own.has(line.prescriptionId)) continue;
    if (skipFacility !== undefined && line.facilityCode === skipFacility) continue;
    const day = lineDay(line, 'history', index);
    const age = atDay - day;
    if (age < 0 || age > windowDays) continue;
    active.push({ line, entry: rules.entry(line.drug), day, index });
  }

  const alerts = new Map<string, CheckAlert & { day: number }>();
  const add = (c: Indexed, o: Indexed, origin: 'history' | 'candidates', kind: AlertKind, rule?: ContraindicationRule | DuplicateClassRule) => {
    const key = origin === 'history' ? `${c.index}\u0000${kind}\u0000${o.line.drug.code}` : `${c.index}\u0000${kind}\u0000#${o.index}`;
    const seen = alerts.get(key);
    if (seen) {
      seen.conflicting.occurrences++;
      if (o.day <= seen.day) return;
    }
    const alert: CheckAlert & { day: number } = {
      kind,
      candidateIndex: c.index,
      candidate: c.line.drug,
      conflicting: {
        drug: o.line.drug,
        date: o.line.date,
        facilityKind: o.line.facilityKind,
        facilityCode: o.line.facilityCode,
        source: o.line.source,
        origin,
        ...(origin === 'candidates' ? { candidateIndex: o.index } : {}),
        occurrences: seen ? seen.conflicting.occurrences : 1,
      },
      ...(rule ? { rule } : {}),
      day: o.day,
    };
    alerts.set(key, alert);
  };
  const compare = (c: Indexed, o: Indexed, origin: 'history' | 'candidates') => {
    const x = c.line.drug;
    const y = o.line.drug;
    if (x.ingredient === y.ingredient) {
      if (ingredientDuplicates) add(c, o, origin, 'duplicate-ingredient');
    } else if (x.therapeuticClass === y.therapeuticClass) {
      const rule = rules.duplicateClass(x.therapeuticClass);
      if (rule) add(c, o, origin, 'duplicate-class', rule);
    }
    const contra = rules.contraindication(c.entry, o.entry);
    if (contra) add(c, o, origin, 'contraindicated', contra);
  };

  for (const c of cands) {
    for (const h of active) compare(c, h, 'history');
    for (let j = 0; j < c.index; j++) compare(c, cands[j], 'candidates');
  }

  return [...alerts.values()]
    .sort((p, q) => p.candidateIndex - q.candidateIndex || KIND_ORDER[p.kind] - KIND_ORDER[q.kind] || q.day - p.day)
    .map(({ day: _day, ...alert }) => alert);
}
