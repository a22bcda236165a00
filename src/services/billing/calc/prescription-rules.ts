/**
 * What the prescriptions of a visit add (告示 F400 処方箋料, 注 一般名処方加算): one 処方箋料 per outpatient prescription
 * (処方箋の交付1回につき), and per prescription 一般名処方加算１ when two or more lines and every line are 一般名処方, else
 * 一般名処方加算２ when at least one line is. The rule counts every brand-name line as a drug with generics (the sample
 * has no 後発医薬品 master), so 加算１ needs all lines in 一般名 — a clinic that knows better enters the code itself, and
 * an entered code is never replaced. In-house prescriptions (処方料・調剤料・薬剤料) are not priced: a rule says so.
 */
import type { FeeMaster, PrescriptionIssued } from '../model/types.ts';
import { applied } from './rules.ts';
import { itemOn, type VisitLines } from './working-lines.ts';

export const PRESCRIPTION_FEE = '120002910';
export const GENERIC_NAME_1 = '120004270';
export const GENERIC_NAME_2 = '120003570';

export function addPrescriptionFees(v: VisitLines, master: FeeMaster, date: string, prescriptions: PrescriptionIssued[], path: string): void {
  const entered = (code: string) => v.lines.some((l) => l.code === code);
  const outpatient = prescriptions.filter((p) => p.kind === 'outpatient');
  for (const p of prescriptions.filter((x) => x.kind === 'in-house')) v.note(applied('inHouseNotPriced', p.id ?? ''));
  if (outpatient.length === 0) return;
  const add = (code: string, count: number, rule: Parameters<typeof applied>) =>
    v.add({ code, item: itemOn(master, code, date, `${path}.prescriptions`), count, origin: 'added', path: '' }, applied(...rule));
  if (!entered(PRESCRIPTION_FEE)) add(PRESCRIPTION_FEE, outpatient.length, ['prescriptionFee', String(outpatient.length)]);
  if (entered(GENERIC_NAME_1) || entered(GENERIC_NAME_2)) return;
  let first = 0;
  let second = 0;
  for (const p of outpatient) {
    const generic = p.lines.filter((l) => l.generic).length;
    if (generic >= 2 && generic === p.lines.length) first++;
    else if (generic >= 1) second++;
  }
  if (first) add(GENERIC_NAME_1, first, ['genericName1']);
  if (second) add(GENERIC_NAME_2, second, ['genericName2']);
}
