/**
 * QuestionnaireResponse answers against their Questionnaire (問診票・予診票の回答検証), following the HL7
 * validator's QuestionnaireValidator / EnableWhenEvaluator (FHIR R4 semantics):
 *
 * * the Questionnaire named by `questionnaire`: `#id` (contained), a loaded one (packages / terminology
 *   files), or one carried in the same Bundle. None named: information; named but not found: warning
 *   (information for example.org URLs) — no further checks, as the reference does.
 * * items: linkId required, known in the Questionnaire (unknown: error; known but elsewhere: error, then
 *   checked against that definition), in Questionnaire order, only one item per linkId unless
 *   `repeats`, `text` equal to the definition's when present.
 * * required items answered (error; warning while `status` is in-progress), only when enabled.
 * * enableWhen (operators exists, =, !=, >, <, >=, <=; enableBehavior all / any): an item with answers
 *   or child items that is not enabled is an error.
 * * answers: at most one unless `repeats`; value type by item type; choice / open-choice Codings must be
 *   one of answerOption, or in answerValueSet when it can be decided locally (not found / undecidable:
 *   warning); integer / date / time / string options; no answers on group items (error) or display
 *   items (warning); display items without child items; non-group items keep child items under answer.
 * * maxLength and the minLength extension on string / text / url answers: warning (the spec makes them
 *   validity rules, the reference validator does not check them).
 *
 * The Questionnaire itself: enableWhen must point to an existing, other, not inner item (error) and
 * should point to an earlier one (warning).
 */
import type { IssueCollector } from '../issues.ts';
import type { Message } from '../messages.ts';
import type { Terminology } from '../terminology/terminology.ts';
import { splitCanonical, versionMatches } from '../registry.ts';
import { resolveContained, type BundleIndex, type Json } from './references.ts';

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObj) : []);

const MIN_LENGTH_EXT = 'http://hl7.org/fhir/StructureDefinition/minLength';
const ENABLE_WHEN_EXPRESSION = [
  'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression',
  'http://phr.kanta.fi/StructureDefinition/fiphr-ext-questionnaire-enablewhen',
];

/** Answer value[x] types accepted per item type (R4 QuestionnaireResponse.item.answer.value[x]). */
const ANSWER_TYPES: Record<string, string[]> = {
  boolean: ['Boolean'],
  decimal: ['Decimal'],
  integer: ['Integer'],
  date: ['Date'],
  dateTime: ['DateTime'],
  time: ['Time'],
  string: ['String'],
  text: ['String'],
  url: ['Uri'],
  attachment: ['Attachment'],
  reference: ['Reference'],
  quantity: ['Quantity'],
  choice: ['Coding', 'Date', 'Time', 'Integer', 'String'],
  'open-choice': ['Coding', 'Date', 'Time', 'Integer', 'String'],
};

export const qMsg = {
  noQuestionnaire: (): Message => ({
    ja: 'questionnaire が指定されていないため、質問票に対する検証はできません',
    en: 'No questionnaire is identified, so no validation can be performed against the base questionnaire',
  }),
  notFound: (ref: string): Message => ({
    ja: `質問票 '${ref}' が見つからないため、質問票に対する検証はできません`,
    en: `The questionnaire '${ref}' could not be resolved, so no validation can be performed against the base questionnaire`,
  }),
  noLinkId: (): Message => ({ ja: 'item に linkId がないため検証できません', en: "No LinkId, so can't be validated" }),
  linkIdNotFound: (id: string): Message => ({ ja: `linkId '${id}' は質問票にありません`, en: `LinkId '${id}' not found in questionnaire` }),
  misplaced: (id: string): Message => ({
    ja: `linkId '${id}' の item の位置が質問票と異なります`,
    en: `Structural Error: item with linkid ${id} is in the wrong place`,
  }),
  order: (): Message => ({ ja: 'item の順序が質問票と異なります', en: 'Structural Error: items are out of order' }),
  textMismatch: (id: string): Message => ({
    ja: `item.text は質問票の linkId '${id}' の text と一致しなければなりません`,
    en: `If text exists, it must match the questionnaire definition for linkId ${id}`,
  }),
  missing: (id: string): Message => ({
    ja: `必須の質問 (linkId '${id}') に回答がありません`,
    en: `No response found for required item with id = '${id}'`,
  }),
  notEnabled: (id: string): Message => ({
    ja: `質問 (linkId '${id}') は enableWhen により無効ですが回答があります`,
    en: `Item has answer, even though it is not enabled (item id = '${id}')`,
  }),
  onlyOneItem: (id: string, n: number): Message => ({
    ja: `linkId '${id}' は繰り返し不可 (repeats でない) ですが item が ${n} 個あります`,
    en: `Only one response item with linkId '${id}' allowed unless it repeats (found ${n})`,
  }),
  onlyOneAnswer: (): Message => ({ ja: 'この質問は repeats でないため回答は1つまでです', en: 'Only one response answer item with this linkId allowed' }),
  groupAnswer: (): Message => ({ ja: 'group 型の item に answer は置けません', en: 'Items of type group should not have answers' }),
  displayAnswer: (id: string): Message => ({
    ja: `display 型の item (linkId '${id}') に answer があります`,
    en: `Items of type display should not have answers (linkId '${id}')`,
  }),
  displayItems: (id: string): Message => ({
    ja: `display 型の item (linkId '${id}') に子 item は置けません`,
    en: `Items of type display should not have items - linkId ${id}`,
  }),
  itemsOutsideAnswer: (id: string): Message => ({
    ja: `group 以外の item (linkId '${id}') の子 item は answer.item に置かなければなりません`,
    en: `Items not of type group should not have items outside answers (use answer.item not .item) - linkId ${id}`,
  }),
  wrongType: (types: string[]): Message => ({
    ja: `回答の型が不正です（${types.join(', ')} が必要です）`,
    en: types.length === 1 ? `Answer value must be of type ${types[0]}` : `Answer value must be one of the types ${types.join(', ')}`,
  }),
  noOptionsOfType: (type: string): Message => ({
    ja: `選択肢 (answerOption) に ${type} 型の値がありません`,
    en: `Option list has no option values of type ${type}`,
  }),
  notAnOption: (type: string, value: string): Message => ({
    ja: `${type} の回答 ${value} は選択肢 (answerOption) にありません`,
    en: `The ${type} ${value} is not a valid option`,
  }),
  codeNotAnOption: (system: unknown, code: unknown): Message => ({
    ja: `コード ${String(system ?? '')}::${String(code ?? '')} は選択肢 (answerOption) にありません`,
    en: `The code ${String(system ?? '')}::${String(code ?? '')} is not a valid option`,
  }),
  valueSetNotFound: (ref: string): Message => ({
    ja: `回答の値セット ${ref} が見つからないため回答を確認できません`,
    en: `ValueSet ${ref} not found by validator`,
  }),
  notInValueSet: (system: unknown, code: unknown, vs: string): Message => ({
    ja: `コード ${String(system ?? '')}#${String(code ?? '')} は質問票の回答値セット (${vs}) にありません`,
    en: `The code ${String(code ?? '')} in the system ${String(system ?? '')} is not in the options value set (${vs}) specified by the questionnaire`,
  }),
  valueSetUndecided: (system: unknown, code: unknown, vs: string, reason: string): Message => ({
    ja: `コード ${String(system ?? '')}#${String(code ?? '')} が回答値セット ${vs} に含まれるか確認できません（${reason}）`,
    en: `Cannot check whether ${String(system ?? '')}#${String(code ?? '')} is in the options value set ${vs}: ${reason}`,
  }),
  tooLong: (max: number, n: number): Message => ({
    ja: `回答は ${max} 文字以内ですが ${n} 文字あります (maxLength)`,
    en: `The answer is ${n} characters long, more than the item's maxLength ${max}`,
  }),
  tooShort: (min: number, n: number): Message => ({
    ja: `回答は ${min} 文字以上必要ですが ${n} 文字です (minLength)`,
    en: `The answer is ${n} characters long, less than the item's minLength ${min}`,
  }),
  ewNoQuestion: (): Message => ({
    ja: 'enableWhen に question (linkId) がありません',
    en: 'Questions with an enableWhen must have a value for the question link',
  }),
  ewInner: (): Message => ({
    ja: 'enableWhen は自身の内側の質問を参照できません',
    en: "Questions with an enableWhen cannot refer to an inner question for it's enableWhen condition",
  }),
  ewNoTarget: (q: string, id: unknown): Message => ({
    ja: `enableWhen の対象 '${q}' (item '${String(id ?? '')}') が質問票にありません`,
    en: `Unable to find an item with the linkId '${q}' which is referenced in the enableWhen for '${String(id ?? '')}'`,
  }),
  ewSelf: (): Message => ({ ja: 'enableWhen は自分自身を参照できません', en: 'Target for this question enableWhen can\u2019t reference itself' }),
  ewAfter: (q: string): Message => ({
    ja: `enableWhen の対象 '${q}' がこの質問より後にあります`,
    en: `The target of this enableWhen rule (${q}) comes after the question itself`,
  }),
};

export interface QuestionnaireContext {
  terminology: Terminology;
  issues: IssueCollector;
  /** The resource holding `contained` (the QuestionnaireResponse, or its container). */
  rootResource: Json;
  bundle?: BundleIndex;
}

interface Source {
  q: Json;
  /** Resource whose `contained` answers `#id` answerValueSet references (the Questionnaire, or its container). */
  container: Json;
}

/** One level of the response being walked: the Questionnaire item and the response element it matched. */
interface Frame {
  q: Json;
  a: Json;
}

interface Walk {
  src: Source;
  inProgress: boolean;
  root: Json;
  ctx: QuestionnaireContext;
  /** Parent item of each Questionnaire item (for enableWhen's common group). */
  parents: Map<Json, Json | undefined>;
}

// ---------------------------------------------------------------- entry points

/** Checks a QuestionnaireResponse (at `loc`) against its Questionnaire. */
export function checkQuestionnaireResponse(qr: Json, loc: string, ctx: QuestionnaireContext): void {
  const ref = typeof qr.questionnaire === 'string' && qr.questionnaire ? qr.questionnaire : undefined;
  if (!ref) {
    ctx.issues.info('required', qMsg.noQuestionnaire(), loc);
    return;
  }
  const src = resolveQuestionnaire(ref, qr, ctx);
  if (!src) {
    const example = /^https?:\/\/example\.org/.test(ref);
    ctx.issues.add(example ? 'information' : 'warning', 'not-found', qMsg.notFound(ref), `${loc}.questionnaire`);
    return;
  }
  const parents = new Map<Json, Json | undefined>();
  const index = (items: Json[], parent: Json | undefined) => {
    for (const it of items) {
      parents.set(it, parent);
      index(arr(it.item), it);
    }
  };
  index(arr(src.q.item), undefined);
  const walk: Walk = { src, inProgress: qr.status === 'in-progress', root: qr, ctx, parents };
  checkItems(walk, arr(src.q.item), qr, loc, []);
}

/** Checks a Questionnaire's enableWhen links (the reference's Questionnaire checks). */
export function checkQuestionnaire(q: Json, loc: string, issues: IssueCollector): void {
  const visit = (holder: Json, holderLoc: string, ancestors: Json[]) => {
    arr(holder.item).forEach((item, i) => {
      const itemLoc = `${holderLoc}.item[${i}]`;
      arr(item.enableWhen).forEach((ew) => {
        const ql = typeof ew.question === 'string' ? ew.question : undefined;
        if (!ql) {
          issues.error('business-rule', qMsg.ewNoQuestion(), itemLoc);
          return;
        }
        if (findItem(arr(item.item), ql)) {
          issues.error('business-rule', qMsg.ewInner(), itemLoc);
          return;
        }
        const target = findItem(arr(q.item), ql);
        if (!target) issues.error('business-rule', qMsg.ewNoTarget(ql, item.linkId), itemLoc);
        else if (target === item) issues.error('business-rule', qMsg.ewSelf(), itemLoc);
        else if (!isBefore(item, target, ancestors)) issues.warning('business-rule', qMsg.ewAfter(ql), itemLoc);
      });
      visit(item, itemLoc, [item, ...ancestors]);
    });
  };
  visit(q, loc, [q]);
}

// ---------------------------------------------------------------- resolution

function resolveQuestionnaire(ref: string, qr: Json, ctx: QuestionnaireContext): Source | undefined {
  if (ref.startsWith('#')) {
    const q = resolveContained(ctx.rootResource, ref) ?? resolveContained(qr, ref);
    return q?.resourceType === 'Questionnaire' ? { q, container: ctx.rootResource } : undefined;
  }
  const loaded = ctx.terminology.questionnaires.get(ref);
  if (loaded) return { q: loaded, container: loaded };
  // Deliberate difference: a Questionnaire carried in the same Bundle is used (the reference looks only in its loaded context).
  if (ctx.bundle) {
    const { url, version } = splitCanonical(ref);
    for (const r of ctx.bundle.byFullUrl.values()) {
      if (r.resourceType !== 'Questionnaire' || r.url !== url) continue;
      if (version && !versionMatches(version, typeof r.version === 'string' ? r.version : undefined)) continue;
      return { q: r, container: r };
    }
  }
  return undefined;
}

function findItem(items: Json[], linkId: string): Json | undefined {
  for (const it of items) {
    if (it.linkId === linkId) return it;
    const inner = findItem(arr(it.item), linkId);
    if (inner) return inner;
  }
  return undefined;
}

/** True when `target` comes before `item` (or encloses it) in the Questionnaire. */
function isBefore(item: Json, target: Json, ancestors: Json[]): boolean {
  if (ancestors.includes(target)) return true;
  for (const p of ancestors) {
    const children = arr(p.item);
    const i = children.findIndex((c) => c === item || contains(c, item));
    const t = children.findIndex((c) => c === target || contains(c, target));
    if (i > -1 && t > -1) return i > t;
  }
  return false;
}

function contains(holder: Json, x: Json): boolean {
  return arr(holder.item).some((c) => c === x || contains(c, x));
}

// ---------------------------------------------------------------- response items

/** The `item` list of a response element (QR, item or answer) against the Questionnaire items of that level. */
function checkItems(w: Walk, qItems: Json[], holder: Json, loc: string, stack: Frame[]): void {
  const { issues } = w.ctx;
  const map = new Map<string, { item: Json; loc: string }[]>();
  let lastIndex = -1;
  arr(holder.item).forEach((item, i) => {
    const itemLoc = `${loc}.item[${i}]`;
    const linkId = typeof item.linkId === 'string' && item.linkId ? item.linkId : undefined;
    if (!linkId) {
      issues.error('required', qMsg.noLinkId(), itemLoc);
      return;
    }
    const index = qItems.findIndex((q) => q.linkId === linkId);
    if (index === -1) {
      const elsewhere = findItem(arr(w.src.q.item), linkId);
      if (elsewhere) {
        issues.error('structure', qMsg.misplaced(linkId), itemLoc);
        checkResponseItem(w, elsewhere, item, itemLoc, [...stack, { q: elsewhere, a: item }]);
      } else issues.error('not-found', qMsg.linkIdNotFound(linkId), itemLoc);
      return;
    }
    if (index < lastIndex) issues.error('structure', qMsg.order(), itemLoc);
    lastIndex = index;
    // An item with neither answers nor child items counts as absent (as for enableWhen).
    if (arr(item.answer).length || arr(item.item).length) {
      const list = map.get(linkId) ?? [];
      list.push({ item, loc: itemLoc });
      map.set(linkId, list);
    }
  });
  for (const q of qItems) {
    const linkId = typeof q.linkId === 'string' ? q.linkId : '';
    const found = map.get(linkId);
    const enabled = isEnabled(w, q, stack);
    if (found) {
      if (enabled === false) for (const f of found) issues.error('invalid', qMsg.notEnabled(linkId), f.loc);
      if (found.length > 1 && q.repeats !== true) issues.error('invalid', qMsg.onlyOneItem(linkId, found.length), found[1].loc);
      for (const f of found) checkResponseItem(w, q, f.item, f.loc, [...stack, { q, a: f.item }]);
    } else if (enabled === true && q.required === true) {
      if (w.inProgress) issues.warning('required', qMsg.missing(linkId), loc);
      else issues.error('required', qMsg.missing(linkId), loc);
    }
  }
}

function checkResponseItem(w: Walk, q: Json, item: Json, loc: string, stack: Frame[]): void {
  const { issues } = w.ctx;
  const linkId = String(q.linkId ?? '');
  const type = typeof q.type === 'string' ? q.type : '';
  if (typeof item.text === 'string' && item.text && item.text !== q.text) issues.error('invalid', qMsg.textMismatch(linkId), loc);
  const answers = arr(item.answer);
  const fulfilled = answers.length > 0 || q.required !== true || type === 'group';
  if (!fulfilled) {
    if (w.inProgress) issues.warning('required', qMsg.missing(linkId), loc);
    else if (isEnabled(w, q, stack.slice(0, -1)) === true) issues.error('required', qMsg.missing(linkId), loc);
  }
  if (answers.length > 1 && q.repeats !== true) issues.error('invalid', qMsg.onlyOneAnswer(), `${loc}.answer[1]`);
  answers.forEach((answer, j) => {
    const aLoc = `${loc}.answer[${j}]`;
    if (type === 'group') issues.error('structure', qMsg.groupAnswer(), aLoc);
    else if (type === 'display') issues.warning('structure', qMsg.displayAnswer(linkId), aLoc);
    else checkAnswerValue(w, q, type, answer, aLoc);
    if (type !== 'group') checkItems(w, arr(q.item), answer, aLoc, stack);
  });
  const children = arr(item.item);
  if (type === 'display') {
    if (children.length) issues.error('structure', qMsg.displayItems(linkId), loc);
  } else if (type !== 'group') {
    if (children.length) issues.error('structure', qMsg.itemsOutsideAnswer(linkId), loc);
  } else checkItems(w, arr(q.item), item, loc, stack);
}

/** The answer's value[x] property: [type suffix, value], or undefined when it has none. */
function answerValue(answer: Json): [string, unknown] | undefined {
  for (const k of Object.keys(answer)) {
    if (k.startsWith('value') && k.length > 5 && answer[k] !== undefined) return [k.slice(5), answer[k]];
  }
  return undefined;
}

function checkAnswerValue(w: Walk, q: Json, type: string, answer: Json, loc: string): void {
  const { issues } = w.ctx;
  const allowed = ANSWER_TYPES[type];
  const v = answerValue(answer);
  if (!allowed || !v) return;
  const [suffix, value] = v;
  const valueLoc = `${loc}.value.ofType(${suffix})`;
  if (!allowed.includes(suffix)) {
    issues.error('structure', qMsg.wrongType(allowed.map(typeName)), valueLoc);
    return;
  }
  if (typeof value === 'string' && (suffix === 'String' || suffix === 'Uri')) checkLength(w, q, value, valueLoc);
  if (type !== 'choice' && type !== 'open-choice') return;
  const open = type === 'open-choice';
  if (suffix === 'Coding') {
    if (isObj(value)) checkCodingAnswer(w, q, value, valueLoc, open);
    return;
  }
  const options = arr(q.answerOption);
  if (!options.length) return; // the reference gives a hint only
  if (suffix === 'String' && open) return; // free text is what open-choice allows
  const values = options.map((o) => o[`value${suffix}`]).filter((x) => x !== undefined);
  if (!values.length && !open) {
    issues.error('structure', qMsg.noOptionsOfType(typeName(suffix)), valueLoc);
    return;
  }
  if (!values.some((x) => x === value)) issues.error('structure', qMsg.notAnOption(typeName(suffix), String(value)), valueLoc);
}

function typeName(suffix: string): string {
  return suffix === 'Coding' || suffix === 'Attachment' || suffix === 'Reference' || suffix === 'Quantity'
    ? suffix
    : suffix.charAt(0).toLowerCase() + suffix.slice(1);
}

function checkLength(w: Walk, q: Json, value: string, loc: string): void {
  const n = [...value].length;
  if (typeof q.maxLength === 'number' && n > q.maxLength) w.ctx.issues.warning('value', qMsg.tooLong(q.maxLength, n), loc);
  const min = arr(q.extension).find((e) => e.url === MIN_LENGTH_EXT)?.valueInteger;
  if (typeof min === 'number' && n < min) w.ctx.issues.warning('value', qMsg.tooShort(min, n), loc);
}

function checkCodingAnswer(w: Walk, q: Json, coding: Json, loc: string, open: boolean): void {
  const { issues, terminology } = w.ctx;
  const options = arr(q.answerOption);
  if (options.length) {
    const codings = options.map((o) => o.valueCoding).filter(isObj);
    if (!codings.length && !open) {
      issues.error('structure', qMsg.noOptionsOfType('Coding'), loc);
      return;
    }
    if (!codings.some((c) => c.system === coding.system && c.code === coding.code)) {
      issues.error('structure', qMsg.codeNotAnOption(coding.system, coding.code), loc);
    }
    return;
  }
  const ref = typeof q.answerValueSet === 'string' ? q.answerValueSet : undefined;
  if (!ref) return; // no options to check against (the reference gives a hint only)
  if (open && coding.code === undefined && coding.system === undefined && typeof coding.display === 'string') return;
  const code = typeof coding.code === 'string' ? coding.code : undefined;
  const system = typeof coding.system === 'string' ? coding.system : undefined;
  let result: { result: 'yes' | 'no' } | { result: 'unknown'; reason: string };
  if (ref.startsWith('#')) {
    const vs = resolveContained(w.src.container, ref) ?? resolveContained(w.src.q, ref);
    if (vs?.resourceType !== 'ValueSet') {
      issues.warning('code-invalid', qMsg.valueSetNotFound(ref), loc);
      return;
    }
    result = code ? containedMembership(vs, system, code, terminology) : { result: 'no' };
  } else {
    if (!terminology.valueSet(ref)) {
      issues.warning('code-invalid', qMsg.valueSetNotFound(ref), loc);
      return;
    }
    result = code ? terminology.inValueSet(undefined, ref, system, code) : { result: 'no' };
  }
  if (result.result === 'no') issues.error('code-invalid', qMsg.notInValueSet(system, code, ref), loc);
  else if (result.result === 'unknown') issues.warning('code-invalid', qMsg.valueSetUndecided(system, code, ref, result.reason), loc);
}

/** Membership in a contained ValueSet: expansion, or compose with concept lists / whole systems / loaded value sets. */
function containedMembership(
  vs: Json,
  system: string | undefined,
  code: string,
  terminology: Terminology,
): { result: 'yes' | 'no' } | { result: 'unknown'; reason: string } {
  const expansion = isObj(vs.expansion) ? arr(vs.expansion.contains) : [];
  const inExpansion = (list: Json[]): boolean => list.some((c) => (c.code === code && (!system || c.system === system)) || inExpansion(arr(c.contains)));
  if (expansion.length && inExpansion(expansion)) return { result: 'yes' };
  const compose = isObj(vs.compose) ? vs.compose : undefined;
  if (!compose) return expansion.length ? { result: 'no' } : { result: 'unknown', reason: 'the contained ValueSet has no compose or expansion' };
  let unknown: string | undefined;
  const includeHas = (inc: Json): boolean | undefined => {
    const s = typeof inc.system === 'string' ? inc.system : undefined;
    if (s && system && s !== system) return false;
    let r: boolean | undefined = true;
    if (s) {
      const concepts = arr(inc.concept);
      if (concepts.length) r = concepts.some((c) => c.code === code);
      else if (arr(inc.filter).length) r = undefined;
      else {
        const t = terminology.codeInSystem(s, code);
        r = t.result === 'unknown' ? undefined : t.result === 'yes';
      }
    }
    for (const ref of Array.isArray(inc.valueSet) ? inc.valueSet : []) {
      if (typeof ref !== 'string') continue;
      const t = terminology.inValueSet(undefined, ref, system ?? s, code);
      if (t.result === 'no') return false;
      if (t.result === 'unknown') r = undefined;
    }
    return r;
  };
  let yes = false;
  for (const inc of arr(compose.include)) {
    const r = includeHas(inc);
    if (r === true) {
      yes = true;
      break;
    }
    if (r === undefined) unknown = 'the contained ValueSet uses filters or systems not loaded';
  }
  if (yes) {
    for (const exc of arr(compose.exclude)) if (includeHas(exc) === true) return { result: 'no' };
    return { result: 'yes' };
  }
  return unknown ? { result: 'unknown', reason: unknown } : { result: 'no' };
}

// ---------------------------------------------------------------- enableWhen

/** true / false, or undefined when it cannot be decided (expression-based enableWhen). */
function isEnabled(w: Walk, q: Json, stack: Frame[]): boolean | undefined {
  if (arr(q.extension).some((e) => typeof e.url === 'string' && ENABLE_WHEN_EXPRESSION.includes(e.url))) return undefined;
  const conditions = arr(q.enableWhen);
  if (!conditions.length) return true;
  const results = conditions.map((ew) => evaluateCondition(w, q, ew, stack));
  if (q.enableBehavior === 'any' || results.length === 1) return results.some((r) => r);
  if (q.enableBehavior === 'all') return results.every((r) => r);
  return true; // enableBehavior is required with several conditions (que-12 reports it); the reference assumes enabled
}

function evaluateCondition(w: Walk, source: Json, ew: Json, stack: Frame[]): boolean {
  const question = typeof ew.question === 'string' ? ew.question : '';
  const answers = findAnswers(w, source, question, stack);
  const expected = Object.keys(ew).find((k) => k.startsWith('answer') && k.length > 6);
  if (ew.operator === 'exists') {
    const want = expected ? ew[expected] : undefined;
    return typeof want === 'boolean' && want !== (answers.length === 0);
  }
  if (!expected) return false;
  const suffix = expected.slice(6);
  return answers.some(([s, v]) => s === suffix && compareAnswer(suffix, v, ew[expected], String(ew.operator ?? '')));
}

/** Answers to `question` within the response group that also holds the asking item (the reference's common-group rule). */
function findAnswers(w: Walk, source: Json, question: string, stack: Frame[]): [string, unknown][] {
  const target = findItem(arr(w.src.q.item), question);
  if (!target) return [];
  const group = commonGroup(w, source, target);
  let focus: Json | undefined;
  if (!group) focus = w.root;
  else for (let i = stack.length - 1; i >= 0 && !focus; i--) if (stack[i].q === group) focus = stack[i].a;
  if (!focus) return [];
  const out: [string, unknown][] = [];
  const collect = (holder: Json) => {
    for (const it of arr(holder.item)) {
      if (it.linkId === question) for (const a of arr(it.answer)) pushValue(a, out);
      collect(it);
      for (const a of arr(it.answer)) collect(a); // questions nested under answers too
    }
  };
  collect(focus);
  if (focus.linkId === question) for (const a of arr(focus.answer)) pushValue(a, out);
  return out;
}

function pushValue(answer: Json, out: [string, unknown][]): void {
  const v = answerValue(answer);
  if (v) out.push(v);
}

/** Nearest Questionnaire item enclosing both (undefined: the Questionnaire itself). */
function commonGroup(w: Walk, a: Json, b: Json): Json | undefined {
  const up = (x: Json): Json[] => {
    const out: Json[] = [];
    for (let p = w.parents.get(x); p; p = w.parents.get(p)) out.push(p);
    return out;
  };
  const bAncestors = new Set(up(b));
  for (const p of up(a)) if (bAncestors.has(p)) return p;
  return undefined;
}

function compareAnswer(suffix: string, actual: unknown, expected: unknown, op: string): boolean {
  if (suffix === 'Coding') {
    if (!isObj(actual) || !isObj(expected)) return false;
    const same =
      (expected.system === undefined || expected.system === actual.system) &&
      (expected.code === undefined) === (actual.code === undefined) &&
      (expected.code === undefined || expected.code === actual.code);
    if (op === '=') return same;
    if (op === '!=') return !same;
    return false;
  }
  let a: unknown = actual;
  let e: unknown = expected;
  if (suffix === 'Quantity') {
    a = isObj(actual) ? actual.value : undefined;
    e = isObj(expected) ? expected.value : undefined;
  } else if (suffix === 'Reference') {
    a = isObj(actual) ? actual.reference : undefined;
    e = isObj(expected) ? expected.reference : undefined;
    if (op !== '=' && op !== '!=') return false;
  }
  if (a === undefined || e === undefined) return false;
  const c =
    typeof a === 'number' && typeof e === 'number'
      ? a - e
      : typeof a === 'boolean' && typeof e === 'boolean'
        ? Number(a) - Number(e)
        : String(a) < String(e)
          ? -1
          : String(a) > String(e)
            ? 1
            : 0;
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    default:
      return false;
  }
}
