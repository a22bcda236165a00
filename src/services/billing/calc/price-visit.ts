/**
 * The fee points of one visit: the items entered, the 初診・再診 fee, its time and age additions, the 判断料, then
 * the limiting rules (age, 包括, 背反, 外来管理加算, counts) and the まるめ of bundled tests.
 */
import type { AppliedRule, FacilityInput, FeeLine, FeeMaster, RemovedLine, VisitInput } from '../model/types.ts';
import { ageOn } from '../copay/index.ts';
import { BASIC_FEE_CODES, decideEncounter, type Encounter, isBasicFee } from './encounter.ts';
import {
  applyAfterFirstVisit,
  applyAgeLimits,
  applyCountLimits,
  applyExclusions,
  applyInclusions,
  applyOutpatientManagement,
  type RuleContext,
} from './item-rules.ts';
import type { MonthLedger } from './month-ledger.ts';
import { applied } from './rules.ts';
import { addPrescriptionFees } from './prescription-rules.ts';
import { addJudgementFees, bundleTests } from './test-rules.ts';
import { additionCode, TIME_AND_AGE_ADDITION_CODES, TIME_BAND_NAMES, timeBandOf } from './time-band.ts';
import { itemOn, VisitLines } from './working-lines.ts';

export interface PricedVisit {
  encounter: Encounter;
  lines: FeeLine[];
  removed: RemovedLine[];
  rules: AppliedRule[];
  totalPoints: number;
}

export interface VisitContext {
  master: FeeMaster;
  facility: FacilityInput;
  birthDate: string;
  ledger: MonthLedger;
}

export function priceVisit(ctx: VisitContext, visit: VisitInput, path: string): PricedVisit {
  const { master, ledger } = ctx;
  const date = visit.date;
  const v = new VisitLines();
  visit.items.forEach((input, i) => {
    const p = `${path}.items[${i}].code`;
    const item = itemOn(master, input.code, date, p);
    const same = v.lines.find((l) => l.code === input.code);
    if (same) same.count += input.count ?? 1;
    else v.add({ code: input.code, item, count: input.count ?? 1, origin: 'entered', path: p });
  });

  addPrescriptionFees(v, master, date, visit.prescriptions ?? [], path);

  // 初診・再診
  const { encounter, rule } = decideEncounter(
    visit,
    v.lines.map((l) => l.code),
    ledger,
    path,
  );
  v.note(rule);
  if (encounter !== 'none') {
    const code = BASIC_FEE_CODES[encounter];
    const entered = v.lines.find((l) => isBasicFee(l.code));
    v.lines = v.lines.filter((l) => !isBasicFee(l.code));
    v.add(
      {
        code,
        item: itemOn(master, code, date, entered?.path ?? `${path}.date`),
        count: 1,
        origin: entered?.code === code ? 'entered' : 'added',
        path: entered?.path ?? '',
      },
      rule,
    );
  }

  // 時間外・休日・深夜, 乳幼児
  const age = ageOn(ctx.birthDate, date);
  const enteredAdditions = v.lines.filter((l) => TIME_AND_AGE_ADDITION_CODES.has(l.code));
  v.lines = v.lines.filter((l) => !TIME_AND_AGE_ADDITION_CODES.has(l.code));
  const band = timeBandOf(visit, ctx.facility);
  const addition = encounter === 'none' ? undefined : additionCode(encounter === 'first' ? 'first' : 'revisit', band, age < 6);
  for (const l of enteredAdditions)
    if (l.code !== addition)
      v.removed.push({
        code: l.code,
        name: l.item.name,
        rule: 'A000-A001-time',
        text: `${l.item.name} は条件（${TIME_BAND_NAMES[band]}・${age}歳）に合わないため算定しません`,
      });
  if (addition) {
    const entered = enteredAdditions.find((l) => l.code === addition);
    const additionRule =
      age < 6
        ? band === 'regular'
          ? applied('infantAddition', String(age))
          : applied('infantTimeAddition', TIME_BAND_NAMES[band])
        : applied('timeAddition', TIME_BAND_NAMES[band]);
    v.add(
      {
        code: addition,
        item: itemOn(master, addition, date, entered?.path ?? `${path}.time`),
        count: 1,
        origin: entered ? 'entered' : 'added',
        path: entered?.path ?? '',
      },
      additionRule,
    );
  }

  const rc: RuleContext = { master, date, age, ledger, encounter };
  addJudgementFees(v, rc);
  applyAgeLimits(v, rc);
  applyInclusions(v, rc);
  applyExclusions(v, rc);
  applyOutpatientManagement(v, rc);
  applyAfterFirstVisit(v, rc, visit.firstVisitDate);
  applyCountLimits(v, rc);
  const bundles = bundleTests(v, rc);

  const rank = (l: FeeLine) => (isBasicFee(l.code) ? 0 : TIME_AND_AGE_ADDITION_CODES.has(l.code) ? 1 : 2);
  const lines = [...v.lines.map(toFeeLine), ...bundles].sort((a, b) => a.section.localeCompare(b.section) || rank(a) - rank(b));
  const totalPoints = lines.reduce((sum, l) => sum + l.total, 0);
  return { encounter, lines, removed: v.removed, rules: v.rules, totalPoints };
}

/** 金額 items (yen) become points: yen ÷ 10, rounded (告示 第一号: 1点 10円). */
function toFeeLine(l: VisitLines['lines'][number]): FeeLine {
  const points = l.item.kind === 'yen' ? Math.round(l.item.value / 10) : l.item.value;
  return {
    code: l.code,
    name: l.item.name,
    section: l.item.section,
    points,
    count: l.count,
    total: points * l.count,
    origin: l.origin,
    ...(l.rule ? { rule: l.rule } : {}),
  };
}
