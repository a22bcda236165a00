/**
 * Parsing a FHIR search query (`?code=…&date=ge2024-01-01&_count=10`) into a structured request.
 * Repeated parameters are ANDed, comma-separated values are ORed. Unknown parameters are errors unless the
 * client asked for lenient handling (`Prefer: handling=lenient`), because silently ignoring a misspelt filter
 * would return more patients' data than asked for.
 */
import { r4PatientCompartmentParams } from '../fhir/base-definitions.ts';
import { FhirError, badRequest } from '../fhir/errors.ts';
import { parseReference } from '../fhir/references.ts';
import { textProblem } from '../fhir/resource-shape.ts';
import type { SearchParam, SearchRegistry } from './registry.ts';

export type ColumnParam = { code: '_id' | '_lastUpdated'; type: 'token' | 'date' };

export interface Chain {
  /** Reference parameter on the searched type. */
  via: SearchParam;
  targetType: string;
  /** Condition on the target resource. */
  filter: Filter;
}

export interface Filter {
  param: SearchParam | ColumnParam;
  modifier?: string;
  /** Alternatives (OR). */
  values: string[];
  chain?: Chain;
}

export interface SortRule {
  param: SearchParam | ColumnParam;
  descending: boolean;
}

export interface IncludeRule {
  /** The type holding the reference. */
  sourceType: string;
  param: SearchParam;
  targetType?: string;
}

export interface SearchRequest {
  resourceType: string;
  filters: Filter[];
  sort: SortRule[];
  count: number;
  offset: number;
  /** `default`: exact when it is cheap (filtered searches under the materialisation cap), otherwise omitted. */
  total: 'none' | 'estimate' | 'accurate' | 'default';
  summaryCount: boolean;
  /** `_summary=true|text|data`: the matches are served subsetted (src/platform/router/summary.ts). */
  summary?: SummaryMode;
  /** `_elements`: the top-level elements to serve of each match. */
  elements?: string[];
  include: IncludeRule[];
  revinclude: IncludeRule[];
  /** Parameters ignored under lenient handling. */
  ignored: string[];
}

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;
/** Deepest page: `_offset` above it is refused (a deeper OFFSET only burns the database). */
export const MAX_OFFSET = 10_000_000;
/** Most parameters in one search, and most comma-separated alternatives in one parameter (400 above). */
export const MAX_SEARCH_PARAMS = 100;
export const MAX_SEARCH_VALUES = 1000;

/** The subsets `_summary` asks for (`count` and `false` aside). */
export type SummaryMode = 'true' | 'text' | 'data';

/**
 * `_summary` of a read or search: a subset, `count` (searches only) or undefined for the whole resource (`false`).
 * Anything else is a 400, or undefined under lenient handling.
 */
export function parseSummary(value: string, opts: { lenient?: boolean; count?: boolean } = {}): SummaryMode | 'count' | undefined {
  if (value === 'true' || value === 'text' || value === 'data' || (value === 'count' && opts.count !== false)) return value;
  if (value === 'false' || opts.lenient) return undefined;
  throw badRequest(
    `_summary=${value.slice(0, 40)} には対応していません`,
    `_summary must be true, text, data${opts.count === false ? '' : ', count'} or false, got '${value.slice(0, 40)}'`,
    ['_summary'],
  );
}

/** `_elements`: a comma-separated list of element names (checked against the type where it is applied). */
export function parseElements(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw badRequest('_elements に要素名がありません', '_elements names no element', ['_elements']);
  return names;
}

/**
 * `_compartment=Patient/<id>`: the patient compartment criterion the router adds for `Patient/<id>/[type]` and
 * `$everything` (clients use those paths; the REST routes refuse it from them). A resource is in the compartment when
 * any of the type's compartment parameters (R4 CompartmentDefinition patient) refers to the patient — one condition
 * over the index rows of all of them — and the Patient itself when it is that patient.
 */
export const COMPARTMENT_PARAM = '_compartment';

function compartmentFilter(registry: SearchRegistry, type: string, value: string): Filter {
  const ref = parseReference(value);
  if (ref?.resourceType !== 'Patient' || value !== `Patient/${ref.id}`)
    throw badRequest(
      `コンパートメント ${value.slice(0, 60)} は Patient/[id] ではありません`,
      `the compartment must be Patient/[id], got '${value.slice(0, 60)}'`,
    );
  if (type === 'Patient') return { param: COLUMN._id, values: [ref.id] };
  const codes = r4PatientCompartmentParams(type).flatMap((code) => {
    const param = registry.get(type, code);
    return param?.type === 'reference' ? param.stored.codes : [];
  });
  if (codes.length === 0) throw badRequest(`${type} は患者コンパートメントに含まれません`, `${type} is not in the Patient compartment`, [type]);
  const param: SearchParam = {
    code: COMPARTMENT_PARAM,
    type: 'reference',
    url: 'http://hl7.org/fhir/CompartmentDefinition/patient',
    targets: ['Patient'],
    evaluate: () => [],
    stored: { codes: [...new Set(codes)] },
  };
  return { param, values: [value] };
}

const COLUMN: Record<string, ColumnParam> = {
  _id: { code: '_id', type: 'token' },
  _lastUpdated: { code: '_lastUpdated', type: 'date' },
};
const RESULT_PARAMS = new Set([
  '_count',
  '_offset',
  '_sort',
  '_total',
  '_summary',
  '_include',
  '_revinclude',
  '_format',
  '_pretty',
  '_elements',
  COMPARTMENT_PARAM,
]);
const MODIFIERS: Record<string, string[]> = {
  token: ['not', 'missing', 'text', 'above', 'below', 'in', 'not-in', 'of-type'],
  string: ['exact', 'contains', 'missing'],
  date: ['missing'],
  reference: ['missing', 'identifier'],
  number: ['missing'],
  quantity: ['missing'],
  uri: ['missing', 'below', 'above'],
};
const SUPPORTED_MODIFIERS = new Set(['not', 'missing', 'exact', 'contains', 'below', 'above']);

/**
 * `_count` or `_offset` (searches, histories, the audit log): a non-negative integer in decimal digits. `_count`
 * above MAX_COUNT is served as MAX_COUNT (the server may return fewer); `_offset` above MAX_OFFSET is refused.
 */
export function pagingParam(name: '_count' | '_offset', value: string): number {
  if (!/^\d+$/.test(value))
    throw badRequest(`${name} は0以上の整数で指定してください`, `${name} must be a non-negative integer in decimal digits, got '${value.slice(0, 40)}'`, [
      name,
    ]);
  // Beyond twelve digits it is no page anyone wants (nor a number SQL takes).
  const n = value.length <= 12 ? Number(value) : Infinity;
  if (name === '_count') {
    if (n === Infinity)
      throw badRequest(`_count が大きすぎます (1ページは ${MAX_COUNT} 件まで)`, `_count is too large (a page holds at most ${MAX_COUNT})`, [name]);
    return Math.min(n, MAX_COUNT);
  }
  if (n > MAX_OFFSET) throw badRequest(`_offset が大きすぎます (${MAX_OFFSET} まで)`, `_offset may be at most ${MAX_OFFSET}`, [name]);
  return n;
}

/** One component of a query string: `+` is a space, percent-escapes must spell UTF-8. */
function decodeComponent(raw: string, where: string): string {
  const s = raw.includes('+') ? raw.replace(/\+/g, ' ') : raw;
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(
      `${where} の % エンコードが正しくありません (UTF-8 ではありません)`,
      `${where}: invalid percent-encoding or UTF-8 in '${raw.slice(0, 60)}'`,
      [where],
    );
  }
}

/**
 * A query string (`a=1&b=x%20y`, also an application/x-www-form-urlencoded body) decoded strictly: an invalid
 * percent-escape or UTF-8 sequence, a NUL or another control character, is a 400 naming `where` — where
 * URLSearchParams would silently keep the escape or put U+FFFD in its place.
 */
export function decodeQueryString(text: string, where: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq >= 0 ? part.slice(0, eq) : part, where);
    const value = decodeComponent(eq >= 0 ? part.slice(eq + 1) : '', where);
    checkQueryText(key, value, where);
    out.push([key, value]);
  }
  return out;
}

function checkQueryText(key: string, value: string, where: string): void {
  const problem = textProblem(key) ?? textProblem(value);
  if (problem)
    throw badRequest(`${where} のパラメータ ${key.slice(0, 40)}: ${problem.ja}`, `${where}, parameter '${key.slice(0, 40)}': ${problem.en}`, [where]);
}

/** Splits on a separator (`,` between alternatives, `|` inside a token) unless escaped with a backslash. */
export function splitUnescaped(v: string, separator: ',' | '|'): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && i + 1 < v.length) {
      cur += v[i] + v[i + 1];
      i++;
    } else if (v[i] === separator) {
      out.push(cur);
      cur = '';
    } else cur += v[i];
  }
  out.push(cur);
  return out;
}

export function unescapeValue(v: string): string {
  return v.replace(/\\([,|$\\])/g, '$1');
}

function resolveParam(registry: SearchRegistry, type: string, code: string): SearchParam | ColumnParam | undefined {
  return COLUMN[code] ?? registry.get(type, code);
}

function parseFilter(registry: SearchRegistry, type: string, key: string, value: string, depth = 0): Filter {
  const dot = key.indexOf('.');
  const head = dot >= 0 ? key.slice(0, dot) : key;
  const [code, modifier] = head.split(':', 2) as [string, string | undefined];
  const param = resolveParam(registry, type, code);
  if (!param) throw badRequest(`${type} に検索パラメータ ${code} はありません`, `unknown search parameter '${code}' for ${type}`, [`${type}.${code}`]);
  if (dot >= 0) {
    // Chained search: subject:Patient.name=…, patient.identifier=…
    if (param.type !== 'reference' || !('targets' in param))
      throw badRequest(`${code} は参照パラメータではないため連鎖できません`, `cannot chain through non-reference parameter '${code}'`);
    if (depth >= 2) throw badRequest('連鎖検索は2段までです', 'chained search is limited to 2 levels');
    const targets = modifier ? [modifier] : param.targets;
    if (targets.length !== 1)
      throw badRequest(
        `${code} の参照先の型を ${code}:[型] で指定してください`,
        `'${code}' may refer to several types (${param.targets.join(', ')}); write ${code}:[type].${key.slice(dot + 1)}`,
      );
    const targetType = targets[0];
    if (!param.targets.includes(targetType)) throw badRequest(`${code} は ${targetType} を参照できません`, `'${code}' cannot refer to ${targetType}`);
    const inner = parseFilter(registry, targetType, key.slice(dot + 1), value, depth + 1);
    return { param, values: [], chain: { via: param, targetType, filter: inner } };
  }
  if (modifier !== undefined) {
    const allowed = MODIFIERS[param.type] ?? ['missing'];
    const isTypeModifier = param.type === 'reference' && /^[A-Z][A-Za-z]+$/.test(modifier);
    if (!isTypeModifier && (!allowed.includes(modifier) || !SUPPORTED_MODIFIERS.has(modifier)))
      throw badRequest(`修飾子 :${modifier} は ${code} では使えません`, `modifier ':${modifier}' is not supported for '${code}' (${param.type})`);
    if (modifier === 'missing' && value !== 'true' && value !== 'false') throw badRequest(':missing の値は true か false です', ':missing takes true or false');
  }
  const values = splitUnescaped(value, ',');
  if (values.length > MAX_SEARCH_VALUES)
    throw FhirError.of(
      400,
      'too-costly',
      `${code} の値は ${MAX_SEARCH_VALUES} 個までです`,
      `'${code}' has ${values.length} alternatives; at most ${MAX_SEARCH_VALUES}`,
      [`${type}.${code}`],
    );
  if (values.some((v) => v === '') && modifier !== 'missing') throw badRequest(`${code} の値が空です`, `empty value for '${code}'`);
  return { param, modifier, values };
}

function parseSort(registry: SearchRegistry, type: string, value: string): SortRule[] {
  return value.split(',').map((part) => {
    const descending = part.startsWith('-');
    const code = descending ? part.slice(1) : part;
    const param = resolveParam(registry, type, code);
    if (!param) throw badRequest(`並べ替えのパラメータ ${code} は不明です`, `unknown _sort parameter '${code}'`);
    if (param.type === 'reference' || param.type === 'uri') throw badRequest(`${code} では並べ替えできません`, `cannot sort by '${code}' (${param.type})`);
    return { param, descending };
  });
}

function parseInclude(registry: SearchRegistry, value: string, name: string): IncludeRule {
  const [sourceType, code, targetType] = value.split(':');
  const param = sourceType && code ? registry.get(sourceType, code) : undefined;
  if (param?.type !== 'reference')
    throw badRequest(`${name}=${value} は [型]:[参照パラメータ] の形で指定してください`, `${name}=${value} must be [type]:[reference parameter]`);
  if (targetType && !param.targets.includes(targetType))
    throw badRequest(`${code} は ${targetType} を参照できません`, `'${code}' cannot refer to ${targetType}`);
  return { sourceType, param, targetType };
}

export function parseSearch(registry: SearchRegistry, resourceType: string, query: URLSearchParams, opts: { lenient?: boolean } = {}): SearchRequest {
  const req: SearchRequest = {
    resourceType,
    filters: [],
    sort: [],
    count: DEFAULT_COUNT,
    offset: 0,
    total: 'default',
    summaryCount: false,
    include: [],
    revinclude: [],
    ignored: [],
  };
  let params = 0;
  for (const [key, value] of query) {
    // Every search value is checked before it can reach SQL, whichever way it came (URL, form body, Bundle entry).
    checkQueryText(key, value, 'search');
    if (++params > MAX_SEARCH_PARAMS)
      throw FhirError.of(400, 'too-costly', `検索パラメータは ${MAX_SEARCH_PARAMS} 個までです`, `a search takes at most ${MAX_SEARCH_PARAMS} parameters`);
    const base = key.split(':')[0];
    if (RESULT_PARAMS.has(base)) {
      switch (base) {
        case '_count':
          req.count = pagingParam('_count', value);
          break;
        case '_offset':
          req.offset = pagingParam('_offset', value);
          break;
        case '_sort':
          req.sort = parseSort(registry, resourceType, value);
          break;
        case '_total':
          if (value !== 'none' && value !== 'estimate' && value !== 'accurate')
            throw badRequest('_total は none / estimate / accurate です', '_total must be none, estimate or accurate');
          req.total = value;
          break;
        case '_summary': {
          const summary = parseSummary(value, opts);
          if (summary === 'count') req.summaryCount = true;
          else if (summary) req.summary = summary;
          else if (value !== 'false') req.ignored.push(key);
          break;
        }
        case '_elements':
          req.elements = [...(req.elements ?? []), ...parseElements(value)];
          break;
        case COMPARTMENT_PARAM:
          req.filters.push(compartmentFilter(registry, resourceType, value));
          break;
        case '_include':
          if (key !== '_include') throw badRequest(`${key} には対応していません`, `${key} is not supported`);
          req.include.push(parseInclude(registry, value, '_include'));
          break;
        case '_revinclude':
          if (key !== '_revinclude') throw badRequest(`${key} には対応していません`, `${key} is not supported`);
          req.revinclude.push(parseInclude(registry, value, '_revinclude'));
          break;
        case '_format':
        case '_pretty':
          break;
        default:
          if (!opts.lenient) throw badRequest(`${key} には対応していません`, `${key} is not supported`);
          req.ignored.push(key);
      }
      continue;
    }
    try {
      req.filters.push(parseFilter(registry, resourceType, key, value));
    } catch (err) {
      if (!opts.lenient) throw err;
      req.ignored.push(key);
    }
  }
  return req;
}
