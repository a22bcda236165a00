/**
 * MeasureReport rules (MeasureValidator of the HL7 Java validator). Without its Measure (not
 * contained, not loaded) a MeasureReport gets only a warning that the Measure was not found; with
 * it, the report's groups, populations, stratifiers and score are checked against the Measure:
 * group / population / stratifier codes must name ones of the Measure, once each, none missing
 * (data-collection reports may omit groups); population counts against subjectResults; the score
 * as the Measure's scoring requires (cohort: none; proportion: a unitless value in 0..1; ratio and
 * continuous-variable: a value, with the unit the Measure fixes by the questionnaire-unit extension).
 */
import type { Definitions } from '../definitions.ts';
import type { IssueCollector } from '../issues.ts';
import type { Message } from '../messages.ts';
import type { Json } from './references.ts';

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const UNIT_EXT = 'http://hl7.org/fhir/StructureDefinition/questionnaire-unit';
const MEASURE_OBSERVATION = 'measure-observation';

const m = {
  notFound: (url: string): Message => ({
    ja: `Measure ${url} が見つからないため、MeasureReport を照合できません`,
    en: `The Measure '${url}' could not be resolved, so no validation can be performed against the Measure`,
  }),
  noUsableCode: (): Message => ({
    ja: 'group.code に system と code のある coding がありません',
    en: 'The code for this group has no Coding that has a system and a code',
  }),
  wrongCode: (): Message => ({
    ja: 'group.code が Measure の group の code と一致しません',
    en: 'The code for this group does not match the code of the Measure group',
  }),
  noCode: (what: string): Message => ({ ja: `${what} に code がありません`, en: `The ${what} has no code, so it cannot be matched to the Measure` }),
  unknownCode: (what: string): Message => ({ ja: `${what} の code が Measure にありません`, en: `The code of this ${what} does not match one in the Measure` }),
  duplicateCode: (what: string): Message => ({ ja: `${what} の code が重複しています`, en: `The code of this ${what} is used more than once` }),
  missing: (what: string, code: string): Message => ({
    ja: `Measure の ${what} ${code} が MeasureReport にありません`,
    en: `The MeasureReport has no ${what} for the Measure's ${what} ${code}`,
  }),
  countMismatch: (count: number, n: number): Message => ({
    ja: `count ${count} が subjectResults の数 ${n} と一致しません`,
    en: `The count (${count}) does not match the number of subjectResults (${n})`,
  }),
  noSubjects: (): Message => ({
    ja: 'subject-list 以外の MeasureReport に subjectResults は使えません',
    en: 'subjectResults are only allowed in a MeasureReport of type subject-list',
  }),
  noCount: (): Message => ({ ja: 'population に count がありません', en: 'The population should have a count' }),
  scoreProhibited: (why: string): Message => ({ ja: `measureScore は使えません（${why}）`, en: `A measureScore is not allowed (${why})` }),
  scoreRequired: (scoring: string): Message => ({
    ja: `scoring ${scoring} の Measure では measureScore が必要です`,
    en: `A measureScore is required when the Measure scoring is ${scoring}`,
  }),
  unitProhibited: (scoring: string): Message => ({
    ja: `scoring ${scoring} の measureScore に単位は使えません`,
    en: `A measureScore for a Measure scored as ${scoring} must not have units`,
  }),
  valueRequired: (scoring: string): Message => ({
    ja: `scoring ${scoring} の measureScore には value が必要です`,
    en: `A value is required when the Measure scoring is ${scoring}`,
  }),
  valueRange: (): Message => ({ ja: 'proportion の measureScore は 0 から 1 の間です', en: 'The value of a proportion score must be in the range 0..1' }),
  unitFixed: (v: string): Message => ({ ja: `measureScore の単位は ${v} でなければなりません`, en: `The unit of the measureScore must be ${v}` }),
  unitRequired: (scoring: string): Message => ({
    ja: `scoring ${scoring} の measureScore には単位が必要です`,
    en: `A unit should be present when the scoring type is ${scoring}`,
  }),
};

interface Host {
  defs: Definitions;
  issues: IssueCollector;
}

function codings(cc: unknown): { system?: unknown; code?: unknown }[] {
  return isObj(cc) ? (arr(cc.coding).filter(isObj) as { system?: unknown; code?: unknown }[]) : [];
}

/** A Measure component whose code shares a coding (system and code) with `cc`; for stratifiers, also equal text. */
function findByCode(list: unknown[], cc: unknown, byText = false): Json | undefined {
  const mine = codings(cc);
  for (const t of list) {
    if (!isObj(t) || !isObj(t.code)) continue;
    for (const c of codings(t.code)) if (mine.some((x) => x.system === c.system && x.code === c.code)) return t;
    if (byText && !mine.length && !codings(t.code).length && isObj(cc) && typeof cc.text === 'string' && cc.text === t.code.text) return t;
  }
  return undefined;
}

function display(cc: unknown): string {
  const c = codings(cc)[0];
  if (c) return `${String(c.system ?? '')}#${String(c.code ?? '')}`;
  return isObj(cc) && typeof cc.text === 'string' ? cc.text : '';
}

export function checkMeasureReport(host: Host, mr: Json, loc: string): void {
  const ref = typeof mr.measure === 'string' ? mr.measure : undefined;
  if (!ref) return;
  const measure = ref.startsWith('#')
    ? (arr(mr.contained).find((c) => isObj(c) && c.resourceType === 'Measure' && c.id === ref.slice(1)) as Json | undefined)
    : host.defs.measures.get(ref);
  if (!measure) {
    host.issues.warning('not-found', m.notFound(ref), `${loc}.measure`);
    return;
  }
  const scoring = codings(measure.scoring)[0]?.code;
  const ctx = { host, measure, scoring: typeof scoring === 'string' ? scoring : undefined, type: typeof mr.type === 'string' ? mr.type : undefined };
  const glist = arr(mr.group);
  const mgroups = arr(measure.group).filter(isObj);
  if (glist.length === 1 && mgroups.length === 1) {
    const mrg = glist[0];
    const gLoc = `${loc}.group[0]`;
    if (!isObj(mrg)) return;
    if (isObj(mgroups[0].code) && isObj(mrg.code)) {
      if (!codings(mrg.code).some((c) => typeof c.system === 'string' && typeof c.code === 'string'))
        host.issues.error('business-rule', m.noUsableCode(), gLoc);
      else if (!findByCode(mgroups, mrg.code)) host.issues.error('business-rule', m.wrongCode(), gLoc);
    }
    checkGroup(ctx, mgroups[0], mrg, gLoc);
    return;
  }
  const seen = new Set<Json>();
  glist.forEach((mrg, i) => {
    if (!isObj(mrg)) return;
    const gLoc = `${loc}.group[${i}]`;
    if (!isObj(mrg.code)) {
      host.issues.error('business-rule', m.noCode('group'), gLoc);
      return;
    }
    const mg = findByCode(mgroups, mrg.code);
    if (!mg) {
      host.issues.error('business-rule', m.unknownCode('group'), gLoc);
      return;
    }
    if (seen.has(mg)) {
      host.issues.error('business-rule', m.duplicateCode('group'), gLoc);
      return;
    }
    seen.add(mg);
    checkGroup(ctx, mg, mrg, gLoc);
  });
  if (ctx.type !== 'data-collection')
    for (const mg of mgroups) if (!seen.has(mg)) host.issues.error('business-rule', m.missing('group', display(mg.code)), loc);
}

interface Ctx {
  host: Host;
  measure: Json;
  scoring?: string;
  type?: string;
}

function checkGroup(ctx: Ctx, mg: Json, mrg: Json, loc: string): void {
  const issues = ctx.host.issues;
  // populations
  const mpops = arr(mg.population).filter(isObj);
  const seen = new Set<Json>();
  arr(mrg.population).forEach((p, i) => {
    if (!isObj(p)) return;
    const pLoc = `${loc}.population[${i}]`;
    if (!isObj(p.code)) {
      issues.error('business-rule', m.noCode('population'), pLoc);
      return;
    }
    const mp = findByCode(mpops, p.code);
    if (!mp) {
      issues.error('business-rule', m.unknownCode('population'), pLoc);
      return;
    }
    if (seen.has(mp)) {
      issues.error('business-rule', m.duplicateCode('population'), pLoc);
      return;
    }
    seen.add(mp);
    const results = p.subjectResults === undefined ? 0 : 1;
    if (ctx.type === 'subject-list') {
      if (typeof p.count === 'number' && p.count !== results) issues.error('business-rule', m.countMismatch(p.count, results), pLoc);
    } else {
      if (results) issues.error('business-rule', m.noSubjects(), pLoc);
      if (p.count === undefined) issues.warning('business-rule', m.noCount(), pLoc);
    }
  });
  for (const mp of mpops) {
    if (seen.has(mp) || codings(mp.code).some((c) => c.code === MEASURE_OBSERVATION)) continue;
    issues.error('business-rule', m.missing('population', display(mp.code)), loc);
  }
  checkScore(ctx, mrg, loc);
  // stratifiers
  const mstrats = arr(mg.stratifier).filter(isObj);
  const seenS = new Set<Json>();
  arr(mrg.stratifier).forEach((s, i) => {
    if (!isObj(s)) return;
    const sLoc = `${loc}.stratifier[${i}]`;
    const code = arr(s.code)[0];
    if (!isObj(code)) {
      issues.error('business-rule', m.noCode('stratifier'), sLoc);
      return;
    }
    const ms = findByCode(mstrats, code, true);
    if (!ms) {
      issues.error('business-rule', m.unknownCode('stratifier'), sLoc);
      return;
    }
    if (seenS.has(ms)) {
      issues.error('business-rule', m.duplicateCode('stratifier'), sLoc);
      return;
    }
    seenS.add(ms);
  });
  for (const ms of mstrats) if (!seenS.has(ms)) issues.error('business-rule', m.missing('stratifier', display(ms.code)), loc);
}

function checkScore(ctx: Ctx, mrg: Json, loc: string): void {
  const issues = ctx.host.issues;
  const ms = isObj(mrg.measureScore) ? mrg.measureScore : undefined;
  const sLoc = `${loc}.measureScore`;
  if (ctx.type === 'data-collection') {
    if (ms) issues.error('business-rule', m.scoreProhibited('data-collection report'), sLoc);
    return;
  }
  const scoring = ctx.scoring;
  if (scoring === 'cohort') {
    if (ms) issues.error('business-rule', m.scoreProhibited('cohort measure'), sLoc);
    return;
  }
  if (scoring !== 'proportion' && scoring !== 'ratio' && scoring !== 'continuous-variable') return;
  if (!ms) {
    issues.error('required', m.scoreRequired(scoring), loc);
    return;
  }
  const value = ms.value;
  if (scoring === 'proportion') {
    for (const k of ['unit', 'system', 'code']) if (ms[k] !== undefined) issues.error('business-rule', m.unitProhibited('proportion'), `${sLoc}.${k}`);
    if (value === undefined) issues.error('required', m.valueRequired('proportion'), sLoc);
    else if (typeof value === 'number' && (value < 0 || value > 1)) issues.error('required', m.valueRange(), `${sLoc}.value`);
    return;
  }
  if (value === undefined) {
    issues.error('required', m.valueRequired(scoring), sLoc);
    return;
  }
  const unitExt = arr(ctx.measure.extension).find((e) => isObj(e) && e.url === UNIT_EXT) as Json | undefined;
  const fixed = unitExt && isObj(unitExt.valueCoding) ? unitExt.valueCoding : undefined;
  if (ms.code !== undefined) {
    if (fixed) {
      if (fixed.code !== ms.code) issues.error('code-invalid', m.unitFixed(String(fixed.code)), `${sLoc}.code`);
      if (fixed.system !== ms.system) issues.error('code-invalid', m.unitFixed(String(fixed.system)), sLoc);
    }
  } else if (fixed) issues.error('not-found', m.unitFixed(`${String(fixed.system)}#${String(fixed.code)}`), sLoc);
  else if (scoring === 'ratio') issues.warning('not-found', m.unitRequired('ratio'), sLoc);
}
