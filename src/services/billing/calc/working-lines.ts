/** The lines of one visit while the rules work on them: each with its master item and where it came from. */
import type { AppliedRule, FeeItem, FeeMaster, RemovedLine } from '../model/types.ts';
import { notCalculable, unknownCode } from '../model/errors.ts';
import { applied, type FeeRuleName } from './rules.ts';

export interface WorkingLine {
  code: string;
  item: FeeItem;
  count: number;
  origin: 'entered' | 'added';
  rule?: string;
  /** The input path of an entered item (for messages). */
  path: string;
}

/** The item in force on `date`, or a 422 naming the path: unknown code, not yet valid, or abolished. */
export function itemOn(master: FeeMaster, code: string, date: string, path: string): FeeItem {
  const found = master.item(code, date);
  if (!('refused' in found)) return found;
  const name = found.item ? `${found.item.name}（${code}）` : code;
  switch (found.refused) {
    case 'unknown':
      throw unknownCode(`診療行為コード ${code} は点数マスターにありません`, `procedure code ${code} is not in the fee master`, path);
    case 'not-yet':
      throw notCalculable(
        `${name} は ${date} にはまだ算定できません${found.item ? `（${found.item.validFrom} から）` : ''}`,
        `${code} is not billable on ${date} yet${found.item ? ` (from ${found.item.validFrom})` : ''}`,
        path,
      );
    case 'expired':
      throw notCalculable(
        `${name} は ${date} には算定できません${found.item?.validTo ? `（${found.item.validTo} で廃止、または点数マスターにその日の版がありません）` : ''}`,
        `${code} is not billable on ${date}${found.item?.validTo ? ` (valid until ${found.item.validTo}; the master has no version for that date)` : ''}`,
        path,
      );
  }
}

/** A visit's working set: its lines, what the rules removed and the rules they applied. */
export class VisitLines {
  lines: WorkingLine[] = [];
  readonly removed: RemovedLine[] = [];
  readonly rules: AppliedRule[] = [];

  has(code: string): boolean {
    return this.lines.some((l) => l.code === code);
  }

  add(line: WorkingLine, rule?: AppliedRule): void {
    this.lines.push(rule ? { ...line, rule: rule.id } : line);
    if (rule) this.note(rule);
  }

  /** Removes a line for a rule, recording why. */
  remove(line: WorkingLine, name: FeeRuleName, ...args: string[]): void {
    const r = applied(name, ...args);
    this.lines = this.lines.filter((l) => l !== line);
    this.removed.push({ code: line.code, name: line.item.name, rule: r.id, text: r.text });
    this.note(r);
  }

  note(rule: AppliedRule): void {
    if (!this.rules.some((r) => r.id === rule.id && r.text === rule.text)) this.rules.push(rule);
  }
}
