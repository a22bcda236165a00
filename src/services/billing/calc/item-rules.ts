/**
 * Rules on the items of one visit, in the order the calculation applies them: age limits, 包括 (inclusion), 背反
 * (not combinable), 外来管理加算, counting limits. Each removal is recorded with its rule (nothing disappears silently).
 */
import type { CountLimit, Exclusion, FeeItem, FeeMaster, Inclusion } from '../model/types.ts';
import { addMonths } from './dates.ts';
import { BASIC_FEE_CODES, type Encounter } from './encounter.ts';
import type { MonthLedger } from './month-ledger.ts';
import type { VisitLines, WorkingLine } from './working-lines.ts';

/** 外来管理加算 (医科診療行為マスター). */
export const OUTPATIENT_MANAGEMENT_CODE = '112011010';
const FIRST_VISIT_CODE = BASIC_FEE_CODES.first;

const SCOPE_NAMES: Record<Exclusion['scope'], string> = { day: '同一日に', week: '同一週に', month: '同一月に', 'same-time': '同時に' };
const UNIT_NAMES: Record<CountLimit['unit'], string> = { day: '1日', week: '1週', month: '1月', year: '1年' };

export interface RuleContext {
  master: FeeMaster;
  date: string;
  age: number;
  ledger: MonthLedger;
  encounter: Encounter;
}

export function applyAgeLimits(v: VisitLines, ctx: RuleContext): void {
  for (const line of [...v.lines]) {
    const { ageFrom, ageTo } = line.item;
    if ((ageFrom !== undefined && ctx.age < ageFrom) || (ageTo !== undefined && ctx.age >= ageTo)) v.remove(line, 'ageLimit', line.item.name, String(ctx.age));
  }
}

/** 包括: an item included in another billed the same day (or month) is not billed itself. */
export function applyInclusions(v: VisitLines, ctx: RuleContext): void {
  const relations = new Map<string, Inclusion>();
  for (const line of v.lines) for (const r of ctx.master.inclusions(line.code, ctx.date)) relations.set(`${r.including}>${r.included}`, r);
  for (const line of [...v.lines]) {
    for (const r of relations.values()) {
      if (r.included !== line.code || r.including === line.code) continue;
      const includer = v.lines.find((l) => l.code === r.including);
      if (includer || ctx.ledger.has(r.including, r.scope, ctx.date)) {
        const name = includer?.item.name ?? nameOf(ctx, r.including);
        v.remove(line, 'inclusion', line.item.name, name);
        break;
      }
    }
  }
}

/** 背反: of two items that may not be billed together, the one the table names stays (or the one with more points). */
export function applyExclusions(v: VisitLines, ctx: RuleContext): void {
  for (const line of [...v.lines]) {
    if (!v.lines.includes(line)) continue;
    for (const r of ctx.master.exclusions(line.code, ctx.date)) {
      const other = r.code1 === line.code ? r.code2 : r.code1;
      const current = v.lines.find((l) => l.code === other);
      if (current) {
        const loser = loserOf(r, line, current);
        v.remove(loser, 'exclusion', loser.item.name, (loser === line ? current : line).item.name, SCOPE_NAMES[r.scope]);
        if (loser === line) break;
      } else if (r.scope !== 'same-time' && ctx.ledger.has(other, r.scope, ctx.date)) {
        v.remove(line, 'exclusion', line.item.name, `既に算定した ${nameOf(ctx, other)}`, SCOPE_NAMES[r.scope]);
        break;
      }
    }
  }
}

function loserOf(r: Exclusion, a: WorkingLine, b: WorkingLine): WorkingLine {
  const [first, second] = a.code === r.code1 ? [a, b] : [b, a];
  if (r.keep === 'first') return second;
  if (r.keep === 'second') return first;
  return second.item.value > first.item.value ? first : second;
}

/** 外来管理加算 (A001 注8): on a 再診 only, and not on a day with an item that excludes it. */
export function applyOutpatientManagement(v: VisitLines, ctx: RuleContext): void {
  const line = v.lines.find((l) => l.code === OUTPATIENT_MANAGEMENT_CODE);
  if (!line) return;
  if (ctx.encounter === 'first' || ctx.encounter === 'none') {
    v.remove(line, 'managementNotOnFirst');
    return;
  }
  const blocker =
    v.lines.find((l) => l.item.blocksOutpatientManagement)?.item.name ??
    ctx.ledger
      .codesOn(ctx.date)
      .map((c) => ctx.master.item(c, ctx.date))
      .find((i): i is FeeItem => !('refused' in i) && i.blocksOutpatientManagement === true)?.name;
  if (blocker) v.remove(line, 'managementBlocked', blocker);
}

/** 特定疾患療養管理料 (B000). */
export const SPECIFIC_DISEASE_MANAGEMENT_CODE = '113001810';

/** B000: the management in the month after the 初診 (the 初診日 itself included) is part of the 初診料. */
export function applyAfterFirstVisit(v: VisitLines, ctx: RuleContext, firstVisitDate: string | null | undefined): void {
  const line = v.lines.find((l) => l.code === SPECIFIC_DISEASE_MANAGEMENT_CODE);
  if (!line) return;
  const first = ctx.encounter === 'first' ? ctx.date : (ctx.ledger.lastDateOf(FIRST_VISIT_CODE, ctx.date) ?? firstVisitDate ?? undefined);
  if (first && ctx.date <= addMonths(first, 1)) v.remove(line, 'managementAfterFirst', first);
}

/** Counting limits (算定回数テーブル, 上限回数): the count over the limit is not billed. */
export function applyCountLimits(v: VisitLines, ctx: RuleContext): void {
  for (const line of [...v.lines]) {
    const limits: Pick<CountLimit, 'unit' | 'count'>[] = [...ctx.master.countLimits(line.code, ctx.date)];
    if (line.item.maxPerMonth) limits.push({ unit: 'month', count: line.item.maxPerMonth });
    let allowed = line.count;
    let tightest: Pick<CountLimit, 'unit' | 'count'> | undefined;
    for (const limit of limits) {
      const left = Math.max(0, limit.count - ctx.ledger.count(line.code, limit.unit, ctx.date));
      if (left < allowed) {
        allowed = left;
        tightest = limit;
      }
    }
    if (!tightest) continue;
    const phrase = `${UNIT_NAMES[tightest.unit]}に${tightest.count}回`;
    if (allowed === 0) {
      if (line.item.judgement === 'judgement') v.remove(line, 'judgementBilled', line.item.name);
      else v.remove(line, 'countLimit', line.item.name, phrase);
    } else {
      v.removed.push({
        code: line.code,
        name: line.item.name,
        rule: 'count-limit',
        text: `${line.item.name} は${phrase}までのため ${line.count - allowed}回分を算定しません`,
      });
      line.count = allowed;
      v.note({ id: 'count-limit', source: '電子点数表 算定回数テーブル; 医科診療行為マスター 上限回数', text: `${line.item.name} は${phrase}までです` });
    }
  }
}

function nameOf(ctx: RuleContext, code: string): string {
  const found = ctx.master.item(code, ctx.date);
  return 'refused' in found ? (found.item?.name ?? code) : found.name;
}
