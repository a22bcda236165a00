/**
 * A fast path for FHIRPath invariants: expressions made only of the common constructs (navigation,
 * where/exists/empty/count/all/select, boolean logic, equality, string functions, type tests,
 * %resource…) are compiled from the fhirpath.js parse tree into closures over plain JSON, typed
 * with fhirpath.js's own R4 model (path2Type, choiceTypePaths). Anything outside that subset —
 * at compile time or when a value needs semantics not covered here (date precision, quantities,
 * primitive extensions) — raises Unsupported, and the caller falls back to fhirpath.js, which
 * stays the reference implementation. test/conformance/fast-fhirpath.test.ts checks both agree.
 */
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { PRIMITIVE_TYPES } from '../model/type-names.ts';

export class Unsupported extends Error {}

export interface FastHost {
  resolveReference(ref: string): unknown;
  conformsTo(value: unknown, profile: string): boolean | undefined;
  memberOf(system: string | undefined, code: string, valueSet: string): boolean | undefined;
  htmlChecks(div: string): boolean;
}

interface Item {
  v: unknown;
  /** Model type: a type name (`Quantity`, `code`, `System.String`) or a backbone element path. */
  t: string;
}

interface Env {
  resource: Item;
  rootResource: Item;
  context: Item;
  host: FastHost;
}

type Fn = (focus: Item[], env: Env) => Item[];

interface AstNode {
  type: string;
  text?: string;
  atRoot?: number;
  children?: AstNode[];
}

interface Model {
  path2Type: Record<string, string | { code: string }>;
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
  type2Parent: Record<string, string>;
}

const model = r4 as unknown as Model;
const DATE_TYPES = new Set(['date', 'dateTime', 'instant', 'time', 'System.Date', 'System.DateTime', 'System.Time']);
const EMPTY: Item[] = [];
const TRUE: Item[] = [{ v: true, t: 'System.Boolean' }];
const FALSE: Item[] = [{ v: false, t: 'System.Boolean' }];
const bool = (b: boolean): Item[] => (b ? TRUE : FALSE);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unsupported(what: string): never {
  throw new Unsupported(what);
}

// ------------------------------------------------------------------ typing

/** Type of the value at `parentType.name`, or undefined when the model does not know it. */
/**
 * The element path where a recursive element is defined (contentReference: `Composition.section.section.section` →
 * `Composition.section`), so invariants on nested items compile once and on the fast path.
 */
export function definedPath(path: string): string {
  let out = path;
  for (let dot = out.indexOf('.', out.indexOf('.') + 1); dot !== -1; dot = out.indexOf('.', dot + 1)) {
    const head = out.slice(0, out.indexOf('.', dot + 1) === -1 ? out.length : out.indexOf('.', dot + 1));
    const elsewhere = model.pathsDefinedElsewhere[head];
    if (elsewhere) {
      out = elsewhere + out.slice(head.length);
      dot = elsewhere.length - 1;
    }
  }
  return out;
}

/** childType answers, per parent type and name (the model lookups and the key string cost on every navigation). */
const childTypes = new Map<string, Map<string, { type: string; choices?: string[] } | undefined>>();

function childType(parentType: string, name: string): { type: string; choices?: string[] } | undefined {
  let byName = childTypes.get(parentType);
  if (!byName) childTypes.set(parentType, (byName = new Map()));
  if (byName.has(name)) return byName.get(name);
  const found = modelChildType(parentType, name);
  byName.set(name, found);
  return found;
}

function modelChildType(parentType: string, name: string): { type: string; choices?: string[] } | undefined {
  const key = `${parentType}.${name}`;
  const choices = model.choiceTypePaths[key];
  if (choices) return { type: key, choices };
  const p2t = model.path2Type[key];
  if (p2t !== undefined) {
    const code = typeof p2t === 'string' ? p2t : p2t.code;
    if (code === 'BackboneElement' || code === 'Element') return { type: model.pathsDefinedElsewhere[key] ?? key };
    return { type: code };
  }
  const elsewhere = model.pathsDefinedElsewhere[key];
  if (elsewhere) return { type: elsewhere };
  // Inherited elements (id, extension, meta…) are keyed on the ancestor type.
  const parent = model.type2Parent[parentType];
  if (parent) return modelChildType(parent, name);
  return undefined;
}

function choiceItemType(suffix: string): string {
  const lower = suffix[0].toLowerCase() + suffix.slice(1);
  return PRIMITIVE_TYPES.has(lower) ? lower : suffix;
}

function pushValue(out: Item[], v: unknown, t: string): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(v)) {
    for (const x of v) pushValue(out, x, t);
    return;
  }
  if (t === 'Resource' || t === 'DomainResource') {
    out.push({ v, t: isObj(v) && typeof v.resourceType === 'string' ? v.resourceType : t });
    return;
  }
  out.push({ v, t });
}

function navigate(focus: Item[], name: string): Item[] {
  const out: Item[] = [];
  for (const item of focus) {
    const v = item.v;
    if (!isObj(v)) unsupported(`navigation into a primitive (${item.t}.${name})`);
    const ct = childType(item.t, name);
    if (!ct) unsupported(`unknown element ${item.t}.${name}`);
    if (ct.choices) {
      for (const s of ct.choices) {
        const key = name + s;
        if (v[`_${key}`] !== undefined) unsupported('primitive extension');
        pushValue(out, v[key], choiceItemType(s));
      }
      continue;
    }
    if (v[`_${name}`] !== undefined) unsupported('primitive extension');
    pushValue(out, v[name], ct.type);
  }
  return out;
}

function isType(t: string, wanted: string): boolean {
  let cur: string | undefined = t;
  for (let i = 0; cur && i < 20; i++) {
    if (cur === wanted) return true;
    cur = model.type2Parent[cur];
  }
  return false;
}

function typeName(spec: string): string {
  const s = spec.replace(/`/g, '');
  if (s.startsWith('System.')) unsupported('System type test');
  const name = s.startsWith('FHIR.') ? s.slice(5) : s;
  if (['String', 'Integer', 'Boolean', 'Decimal', 'Date', 'DateTime', 'Time', 'Quantity'].includes(name) && !s.startsWith('FHIR.')) {
    if (name !== 'Quantity') unsupported('ambiguous System/FHIR type name');
  }
  return name;
}

// ------------------------------------------------------------------ values

function singleton(c: Item[], what: string): Item | undefined {
  if (c.length > 1) unsupported(`${what} on a collection`);
  return c[0];
}

/** Boolean value of a collection in a logical context: true / false / undefined (empty). */
function toBool(c: Item[]): boolean | undefined {
  if (!c.length) return undefined;
  if (c.length > 1) unsupported('boolean of a collection');
  const v = c[0].v;
  return typeof v === 'boolean' ? v : true;
}

function str(c: Item[], what: string): string | undefined {
  const i = singleton(c, what);
  if (!i) return undefined;
  if (typeof i.v !== 'string') unsupported(`${what} on a non-string`);
  return i.v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function itemEquals(a: Item, b: Item): boolean {
  if ((DATE_TYPES.has(a.t) || DATE_TYPES.has(b.t)) && typeof a.v === 'string' && typeof b.v === 'string' && a.v.length !== b.v.length) {
    unsupported('date comparison with different precision');
  }
  if (isObj(a.v) || isObj(b.v)) {
    if (isObj(a.v) && isObj(b.v)) {
      if (a.t.includes('Quantity') || b.t.includes('Quantity')) unsupported('quantity equality');
      return deepEqual(a.v, b.v);
    }
    return false;
  }
  return a.v === b.v;
}

function equals(l: Item[], r: Item[]): boolean | undefined {
  if (!l.length || !r.length) return undefined;
  if (l.length !== r.length) return false;
  for (let i = 0; i < l.length; i++) if (!itemEquals(l[i], r[i])) return false;
  return true;
}

function compare(l: Item[], r: Item[]): number | undefined {
  const a = singleton(l, 'comparison');
  const b = singleton(r, 'comparison');
  if (!a || !b) return undefined;
  if (typeof a.v === 'number' && typeof b.v === 'number') return a.v - b.v;
  if (
    typeof a.v === 'string' &&
    typeof b.v === 'string' &&
    !DATE_TYPES.has(a.t) &&
    !DATE_TYPES.has(b.t) &&
    !/^\d{2,4}[-:]/.test(a.v) &&
    !/^\d{2,4}[-:]/.test(b.v)
  ) {
    return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  }
  return unsupported('comparison of these types');
}

function contains(coll: Item[], item: Item): boolean {
  return coll.some((x) => itemEquals(x, item));
}

function distinct(c: Item[]): Item[] {
  const out: Item[] = [];
  for (const i of c) if (!contains(out, i)) out.push(i);
  return out;
}

// ------------------------------------------------------------------ compiler

const regexCache = new Map<string, RegExp>();
function regex(src: string): RegExp {
  let re = regexCache.get(src);
  if (!re) {
    try {
      re = new RegExp(src, 'us');
    } catch {
      return unsupported('regex');
    }
    regexCache.set(src, re);
  }
  return re;
}

function child(n: AstNode, i: number): AstNode {
  const c = n.children?.[i];
  if (!c) unsupported(`malformed ${n.type}`);
  return c;
}

function compile(n: AstNode): Fn {
  switch (n.type) {
    case 'EntireExpression':
    case 'TermExpression':
    case 'ParenthesizedTerm':
    case 'InvocationTerm':
      if (n.children?.length !== 1) unsupported(n.type);
      return compile(child(n, 0));
    case 'LiteralTerm':
      return literal(child(n, 0));
    case 'ThisInvocation':
      return (focus) => focus;
    case 'ExternalConstantTerm':
      return externalConstant(n);
    case 'MemberInvocation':
      return member(n);
    case 'FunctionInvocation':
      return fn(child(n, 0), undefined);
    case 'InvocationExpression': {
      const left = compile(child(n, 0));
      const right = child(n, 1);
      if (right.type === 'MemberInvocation') {
        const name = identifier(right);
        return (focus, env) => navigate(left(focus, env), name);
      }
      if (right.type === 'FunctionInvocation') return fn(child(right, 0), left);
      return unsupported(right.type);
    }
    case 'IndexerExpression': {
      const c = compile(child(n, 0));
      const idx = compile(child(n, 1));
      return (focus, env) => {
        const i = singleton(idx(focus, env), 'index');
        if (!i || typeof i.v !== 'number') return EMPTY;
        const coll = c(focus, env);
        return coll[i.v] ? [coll[i.v]] : EMPTY;
      };
    }
    case 'PolarityExpression': {
      const c = compile(child(n, 0));
      const sign = n.text === '-' ? -1 : 1;
      return (focus, env) => {
        const i = singleton(c(focus, env), 'polarity');
        if (!i) return EMPTY;
        if (typeof i.v !== 'number') unsupported('polarity on non-number');
        return [{ v: sign * i.v, t: i.t }];
      };
    }
    case 'AndExpression':
    case 'OrExpression':
    case 'ImpliesExpression':
      return logic(n);
    case 'EqualityExpression':
      return equality(n);
    case 'InequalityExpression':
      return inequality(n);
    case 'UnionExpression': {
      const l = compile(child(n, 0));
      const r = compile(child(n, 1));
      return (focus, env) => distinct([...l(focus, env), ...r(focus, env)]);
    }
    case 'MembershipExpression': {
      const l = compile(child(n, 0));
      const r = compile(child(n, 1));
      const isIn = n.text === 'in';
      return (focus, env) => {
        const a = l(focus, env);
        const b = r(focus, env);
        const [needle, hay] = isIn ? [a, b] : [b, a];
        const item = singleton(needle, n.text ?? 'in');
        if (!item) return EMPTY;
        return bool(contains(hay, item));
      };
    }
    case 'AdditiveExpression':
      return additive(n);
    case 'TypeExpression': {
      const c = compile(child(n, 0));
      const t = typeName(child(n, 1).text ?? '');
      if (n.text === 'is') {
        return (focus, env) => {
          const i = singleton(c(focus, env), 'is');
          return i ? bool(isType(i.t, t)) : EMPTY;
        };
      }
      return (focus, env) => c(focus, env).filter((i) => isType(i.t, t));
    }
    default:
      return unsupported(n.type);
  }
}

function identifier(n: AstNode): string {
  const id = child(n, 0);
  return (id.text ?? '').replace(/^`|`$/g, '');
}

function literal(n: AstNode): Fn {
  const text = n.text ?? '';
  switch (n.type) {
    case 'StringLiteral': {
      const v = unescapeString(text.slice(1, -1));
      const c: Item[] = [{ v, t: 'System.String' }];
      return () => c;
    }
    case 'NumberLiteral': {
      const v = Number(text);
      const c: Item[] = [{ v, t: text.includes('.') ? 'System.Decimal' : 'System.Integer' }];
      return () => c;
    }
    case 'BooleanLiteral': {
      const c = bool(text === 'true');
      return () => c;
    }
    case 'NullLiteral':
      return () => EMPTY;
    default:
      return unsupported(n.type);
  }
}

function unescapeString(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.startsWith('u') && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

function externalConstant(n: AstNode): Fn {
  const name = (n.text ?? '').replace(/^`|`$/g, '');
  switch (name) {
    case 'resource':
      return (_f, env) => [env.resource];
    case 'rootResource':
      return (_f, env) => [env.rootResource];
    case 'context':
      return (_f, env) => [env.context];
    case 'ucum':
      return () => [{ v: 'http://unitsofmeasure.org', t: 'System.String' }];
    case 'sct':
      return () => [{ v: 'http://snomed.info/sct', t: 'System.String' }];
    case 'loinc':
      return () => [{ v: 'http://loinc.org', t: 'System.String' }];
    default:
      return unsupported(`%${name}`);
  }
}

function member(n: AstNode): Fn {
  const name = identifier(n);
  if (n.atRoot && /^[A-Z]/.test(name)) {
    // `Observation.code` at the root: the identifier names the type of the focus.
    return (focus) => {
      if (focus.every((i) => isType(i.t, name))) return focus;
      return navigate(focus, name);
    };
  }
  return (focus) => navigate(focus, name);
}

function params(f: AstNode): AstNode[] {
  const list = f.children?.find((c) => c.type === 'ParamList');
  return list?.children ?? [];
}

/** Compiles a function call; `input` computes the collection it applies to (focus when absent). */
function fn(f: AstNode, input: Fn | undefined): Fn {
  const name = identifier(f);
  const ps = params(f);
  const src: Fn = input ?? ((focus) => focus);
  const arity = (n: number) => {
    if (ps.length !== n) unsupported(`${name} with ${ps.length} arguments`);
  };
  const argFns = () => ps.map(compile);
  switch (name) {
    case 'empty':
      arity(0);
      return (focus, env) => bool(src(focus, env).length === 0);
    case 'exists': {
      if (ps.length === 0) return (focus, env) => bool(src(focus, env).length > 0);
      arity(1);
      const crit = compile(ps[0]);
      return (focus, env) => bool(src(focus, env).some((i) => toBool(crit([i], env)) === true));
    }
    case 'count':
      arity(0);
      return (focus, env) => [{ v: src(focus, env).length, t: 'System.Integer' }];
    case 'not':
      arity(0);
      return (focus, env) => {
        const b = toBool(src(focus, env));
        return b === undefined ? EMPTY : bool(!b);
      };
    case 'hasValue':
      arity(0);
      return (focus, env) => {
        const c = src(focus, env);
        return bool(c.length === 1 && !isObj(c[0].v));
      };
    case 'where': {
      arity(1);
      const crit = compile(ps[0]);
      return (focus, env) => src(focus, env).filter((i) => toBool(crit([i], env)) === true);
    }
    case 'all': {
      arity(1);
      const crit = compile(ps[0]);
      return (focus, env) => bool(src(focus, env).every((i) => toBool(crit([i], env)) === true));
    }
    case 'select': {
      arity(1);
      const proj = compile(ps[0]);
      return (focus, env) => src(focus, env).flatMap((i) => proj([i], env));
    }
    case 'first':
      arity(0);
      return (focus, env) => src(focus, env).slice(0, 1);
    case 'last':
      arity(0);
      return (focus, env) => src(focus, env).slice(-1);
    case 'tail':
      arity(0);
      return (focus, env) => src(focus, env).slice(1);
    case 'distinct':
      arity(0);
      return (focus, env) => distinct(src(focus, env));
    case 'isDistinct':
      arity(0);
      return (focus, env) => {
        const c = src(focus, env);
        return bool(distinct(c).length === c.length);
      };
    case 'ofType':
    case 'as': {
      arity(1);
      const t = typeName(ps[0].text ?? '');
      if (name === 'as') return (focus, env) => src(focus, env).filter((i) => isType(i.t, t));
      return (focus, env) => src(focus, env).filter((i) => isType(i.t, t));
    }
    case 'is': {
      arity(1);
      const t = typeName(ps[0].text ?? '');
      return (focus, env) => {
        const i = singleton(src(focus, env), 'is');
        return i ? bool(isType(i.t, t)) : EMPTY;
      };
    }
    case 'trace':
      return src;
    case 'allTrue':
    case 'anyTrue':
    case 'allFalse':
    case 'anyFalse': {
      arity(0);
      return (focus, env) => {
        const vals = src(focus, env).map((i) => i.v);
        if (vals.some((v) => typeof v !== 'boolean')) unsupported(`${name} on non-booleans`);
        if (name === 'allTrue') return bool(vals.every((v) => v === true));
        if (name === 'anyTrue') return bool(vals.some((v) => v === true));
        if (name === 'allFalse') return bool(vals.every((v) => v === false));
        return bool(vals.some((v) => v === false));
      };
    }
    case 'iif': {
      if (ps.length !== 2 && ps.length !== 3) unsupported('iif arity');
      const [c, a, b] = argFns();
      return (focus, env) => {
        const input2 = input ? src(focus, env) : focus;
        if (input && input2.length > 1) unsupported('iif on a collection');
        return toBool(c(input2, env)) === true ? a(input2, env) : b ? b(input2, env) : EMPTY;
      };
    }
    case 'intersect':
    case 'exclude':
    case 'combine':
    case 'union': {
      arity(1);
      const [other] = argFns();
      return (focus, env) => {
        const l = src(focus, env);
        const r = other(focus, env);
        if (name === 'combine') return [...l, ...r];
        if (name === 'union') return distinct([...l, ...r]);
        if (name === 'intersect') return distinct(l.filter((i) => contains(r, i)));
        return l.filter((i) => !contains(r, i));
      };
    }
    case 'matches':
    case 'startsWith':
    case 'endsWith':
    case 'contains':
    case 'indexOf': {
      arity(1);
      const [arg] = argFns();
      return (focus, env) => {
        const s = str(src(focus, env), name);
        const a = str(arg(focus, env), name);
        if (s === undefined || a === undefined) return EMPTY;
        if (name === 'matches') return bool(regex(a).test(s));
        if (name === 'startsWith') return bool(s.startsWith(a));
        if (name === 'endsWith') return bool(s.endsWith(a));
        if (name === 'contains') return bool(s.includes(a));
        return [{ v: s.indexOf(a), t: 'System.Integer' }];
      };
    }
    case 'substring': {
      if (ps.length !== 1 && ps.length !== 2) unsupported('substring arity');
      const [start, len] = argFns();
      return (focus, env) => {
        const s = str(src(focus, env), name);
        const st = singleton(start(focus, env), 'substring');
        if (s === undefined || !st || typeof st.v !== 'number') return EMPTY;
        if (st.v < 0 || st.v >= s.length) return EMPTY;
        if (!len) return [{ v: s.slice(st.v), t: 'System.String' }];
        const l = singleton(len(focus, env), 'substring');
        if (!l || typeof l.v !== 'number') return [{ v: s.slice(st.v), t: 'System.String' }];
        return [{ v: s.substr(st.v, l.v), t: 'System.String' }];
      };
    }
    case 'length':
    case 'upper':
    case 'lower':
      arity(0);
      return (focus, env) => {
        const s = str(src(focus, env), name);
        if (s === undefined) return EMPTY;
        if (name === 'length') return [{ v: s.length, t: 'System.Integer' }];
        return [{ v: name === 'upper' ? s.toUpperCase() : s.toLowerCase(), t: 'System.String' }];
      };
    case 'extension': {
      arity(1);
      const [urlFn] = argFns();
      return (focus, env) => {
        const url = str(urlFn(focus, env), 'extension');
        const out: Item[] = [];
        for (const i of src(focus, env)) {
          if (!isObj(i.v)) {
            if (PRIMITIVE_TYPES.has(i.t)) unsupported('extension() on a primitive');
            continue;
          }
          const exts = i.v.extension;
          if (Array.isArray(exts)) for (const x of exts) if (isObj(x) && x.url === url) out.push({ v: x, t: 'Extension' });
        }
        return out;
      };
    }
    case 'resolve':
      arity(0);
      return (focus, env) => {
        const out: Item[] = [];
        for (const i of src(focus, env)) {
          const ref = typeof i.v === 'string' ? i.v : isObj(i.v) ? i.v.reference : undefined;
          if (typeof ref !== 'string') continue;
          const target = env.host.resolveReference(ref);
          if (isObj(target) && typeof target.resourceType === 'string') out.push({ v: target, t: target.resourceType });
          // `#id` names a resource contained in the reference's own holder, which items here do not
          // know (an entry's reference seen from the Bundle): fhirpath.js walks the parents.
          else if (ref.startsWith('#')) unsupported('contained reference outside the context resource');
        }
        return out;
      };
    case 'conformsTo': {
      arity(1);
      const [urlFn] = argFns();
      return (focus, env) => {
        const url = str(urlFn(focus, env), name);
        const c = src(focus, env);
        if (url === undefined || !c.length) return EMPTY;
        const results = c.map((i) => env.host.conformsTo(i.v, url));
        if (results.some((r) => r === undefined)) unsupported('conformsTo undecided');
        return bool(results.every(Boolean));
      };
    }
    case 'memberOf': {
      arity(1);
      const [vsFn] = argFns();
      return (focus, env) => {
        const vs = str(vsFn(focus, env), name);
        const i = singleton(src(focus, env), name);
        if (!i || vs === undefined) return EMPTY;
        const v = i.v;
        const codings: Record<string, unknown>[] =
          typeof v === 'string' ? [{ code: v }] : isObj(v) && Array.isArray(v.coding) ? v.coding.filter(isObj) : isObj(v) ? [v] : [];
        let undecided = false;
        for (const c of codings) {
          if (typeof c.code !== 'string') continue;
          const r = env.host.memberOf(typeof c.system === 'string' ? c.system : undefined, c.code, vs);
          if (r === true) return TRUE;
          if (r === undefined) undecided = true;
        }
        return undecided ? EMPTY : FALSE;
      };
    }
    case 'htmlChecks':
      arity(0);
      return (focus, env) => bool(src(focus, env).every((i) => typeof i.v !== 'string' || env.host.htmlChecks(i.v)));
    default:
      return unsupported(`function ${name}()`);
  }
}

function logic(n: AstNode): Fn {
  const l = compile(child(n, 0));
  const r = compile(child(n, 1));
  const op = n.text;
  return (focus, env) => {
    const a = toBool(l(focus, env));
    if (op === 'and') {
      if (a === false) return FALSE;
      const b = toBool(r(focus, env));
      if (b === false) return FALSE;
      return a === true && b === true ? TRUE : EMPTY;
    }
    if (op === 'or') {
      if (a === true) return TRUE;
      const b = toBool(r(focus, env));
      if (b === true) return TRUE;
      return a === false && b === false ? FALSE : EMPTY;
    }
    if (op === 'xor') {
      const b = toBool(r(focus, env));
      return a === undefined || b === undefined ? EMPTY : bool(a !== b);
    }
    if (op === 'implies') {
      if (a === false) return TRUE;
      const b = toBool(r(focus, env));
      if (a === true) return b === undefined ? EMPTY : bool(b);
      return b === true ? TRUE : EMPTY;
    }
    return unsupported(`operator ${op}`);
  };
}

function equality(n: AstNode): Fn {
  const l = compile(child(n, 0));
  const r = compile(child(n, 1));
  const op = n.text;
  if (op !== '=' && op !== '!=') unsupported(`operator ${op}`);
  return (focus, env) => {
    const e = equals(l(focus, env), r(focus, env));
    if (e === undefined) return EMPTY;
    return bool(op === '=' ? e : !e);
  };
}

function inequality(n: AstNode): Fn {
  const l = compile(child(n, 0));
  const r = compile(child(n, 1));
  const op = n.text;
  return (focus, env) => {
    const c = compare(l(focus, env), r(focus, env));
    if (c === undefined) return EMPTY;
    if (op === '<') return bool(c < 0);
    if (op === '<=') return bool(c <= 0);
    if (op === '>') return bool(c > 0);
    return bool(c >= 0);
  };
}

function additive(n: AstNode): Fn {
  const l = compile(child(n, 0));
  const r = compile(child(n, 1));
  const op = n.text;
  return (focus, env) => {
    const a = singleton(l(focus, env), op ?? '+');
    const b = singleton(r(focus, env), op ?? '+');
    if (op === '&') return [{ v: `${typeof a?.v === 'string' ? a.v : ''}${typeof b?.v === 'string' ? b.v : ''}`, t: 'System.String' }];
    if (!a || !b) return EMPTY;
    if (typeof a.v === 'number' && typeof b.v === 'number' && (op === '+' || op === '-')) {
      if (a.t.includes('Decimal') || b.t.includes('Decimal') || a.t === 'decimal' || b.t === 'decimal') unsupported('decimal arithmetic');
      return [{ v: op === '+' ? a.v + b.v : a.v - b.v, t: 'System.Integer' }];
    }
    if (typeof a.v === 'string' && typeof b.v === 'string' && op === '+') return [{ v: a.v + b.v, t: 'System.String' }];
    return unsupported(`operator ${op} on these types`);
  };
}

// ------------------------------------------------------------------ entry points

export type FastInvariant = (value: unknown, env: { resource: unknown; rootResource: unknown }, host: FastHost) => boolean | undefined;

const compiledCache = new Map<string, FastInvariant | null>();

/** Called after each fast evaluation (tests compare it with fhirpath.js). */
export type FastPathObserver = (e: {
  base: string;
  expression: string;
  value: unknown;
  env: { resource: unknown; rootResource: unknown };
  host: FastHost;
  result: boolean | undefined;
}) => void;
let observer: FastPathObserver | undefined;

export function setFastPathObserver(o: FastPathObserver | undefined): void {
  observer = o;
}

function rootItem(v: unknown, fallbackType: string): Item {
  return { v, t: isObj(v) && typeof v.resourceType === 'string' ? v.resourceType : fallbackType };
}

/**
 * The fast evaluator for (base, expression), or undefined when the expression is outside the
 * supported subset. The returned function throws Unsupported when a value needs the full engine.
 * Result: true / false, or undefined for an empty result.
 */
export function fastInvariant(base: string, expression: string): FastInvariant | undefined {
  const key = `${base}\u0000${expression}`;
  const cached = compiledCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let result: FastInvariant | null = null;
  try {
    const ast = (fhirpath as unknown as { parse(e: string): AstNode }).parse(expression);
    const f = compile(ast);
    result = (value, env, host) => {
      const focus: Item = { v: value, t: isObj(value) && typeof value.resourceType === 'string' ? value.resourceType : base };
      const out = f([focus], {
        resource: rootItem(env.resource, 'Resource'),
        rootResource: rootItem(env.rootResource, 'Resource'),
        context: focus,
        host,
      });
      if (out.length > 1) unsupported('collection result');
      const r = out.length ? (typeof out[0].v === 'boolean' ? out[0].v : true) : undefined;
      observer?.({ base, expression, value, env, host, result: r });
      return r;
    };
  } catch (e) {
    if (!(e instanceof Unsupported)) result = null;
  }
  compiledCache.set(key, result);
  return result ?? undefined;
}
