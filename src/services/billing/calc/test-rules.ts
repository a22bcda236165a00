/**
 * 検体検査: the 判断料 of each group once a month (告示 D026), and the まるめ of tests billed together by their number
 * (告示 D007 注: 生化学的検査（１） 5 items or more).
 */
import type { FeeLine } from '../model/types.ts';
import { notCalculable } from '../model/errors.ts';
import type { RuleContext } from './item-rules.ts';
import { applied } from './rules.ts';
import type { VisitLines } from './working-lines.ts';

/** Adds the 判断料 of every group with a test today, unless billed (or entered) this month. */
export function addJudgementFees(v: VisitLines, ctx: RuleContext): void {
  const groups = new Set(v.lines.filter((l) => l.item.judgement === 'test' && l.item.judgementGroup).map((l) => l.item.judgementGroup as string));
  for (const group of groups) {
    const fee = ctx.master.judgementFee(group, ctx.date);
    if (!fee || v.has(fee.code)) continue;
    if (ctx.ledger.count(fee.code, 'month', ctx.date) > 0) {
      v.note(applied('judgementBilled', fee.name));
      continue;
    }
    v.add({ code: fee.code, item: fee, count: 1, origin: 'added', path: '' }, applied('judgementFee', fee.name));
  }
}

/** まるめ: the tests of a bundle group billed on one visit become one line priced by their number. */
export function bundleTests(v: VisitLines, ctx: RuleContext): FeeLine[] {
  const byGroup = new Map<string, typeof v.lines>();
  for (const l of v.lines) {
    const g = l.item.bundleGroup;
    if (!g) continue;
    byGroup.set(g, [...(byGroup.get(g) ?? []), l]);
  }
  const bundles: FeeLine[] = [];
  for (const [group, lines] of byGroup) {
    const steps = ctx.master.bundleSteps(group, ctx.date).sort((a, b) => a.minItems - b.minItems);
    if (steps.length === 0)
      throw notCalculable(
        `${lines[0].item.name} などの包括検査（${group}）の項目数による点数が ${ctx.date} の点数マスターにありません（その日の点数表のマスターを取り込んでください）`,
        `the fee master has no bundle points for group ${group} on ${ctx.date}`,
        lines[0].path || 'visit.items',
      );
    const n = lines.length;
    const step = steps.filter((s) => s.minItems <= n).pop();
    if (!step) continue;
    v.lines = v.lines.filter((l) => !lines.includes(l));
    const rule = applied('bundle', step.name, String(n), String(step.points));
    v.note(rule);
    bundles.push({
      code: lines[0].code,
      name: `${step.name}（${n}項目）`,
      section: lines[0].item.section,
      points: step.points,
      count: 1,
      total: step.points,
      origin: 'entered',
      rule: rule.id,
      bundledCodes: lines.map((l) => l.code),
    });
  }
  return bundles;
}
