/**
 * FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html): a Parameters resource whose `operation` parameters each
 * have parts `type` (add | insert | delete | replace | move), `path` (FHIRPath, evaluated with the `fhirpath`
 * package on the resource), and as the type needs `name`, `value` (a `value[x]`, a `resource`, or parts for an
 * anonymous element), `index`, `source`, `destination`. Operations apply in order to a copy of the resource.
 *
 * Each path result is located in the JSON through the nodes `fhirpath` returns (parent, property name, index), so a
 * change lands exactly where the path points. The model (repeating elements, choice types) is the `fhirpath` R4
 * model. A malformed patch is a 400; one that does not apply to the resource (a path that finds nothing where an
 * element is needed, or several, an element that already exists, an index out of range) a 422. Elements left empty
 * are removed (FHIR has no empty objects or arrays).
 */
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4/index.js';
import { FhirError, badRequest } from '../fhir/errors.ts';
import { ParamReader, type ParamValue } from './operations/parameters.ts';

type Json = Record<string, unknown>;

/** The parts of a ResourceNode of `fhirpath` (resolveInternalTypes: false) that tell where a value lives. */
interface PathNode {
  data: unknown;
  parentResNode: PathNode | null;
  /** The model path of a backbone element (`Patient.contact`), or the type name (`HumanName`, `Patient`). */
  path: string | null;
  propName: string | null;
  index: number | null;
}

/** Where an element is: `container[key]`, or `container[key][index]` in a list. */
interface Place {
  container: Json;
  key: string;
  index?: number;
  /** The model path of the element (`Patient.name`), for its type, repetition and choice. */
  modelPath: string;
}

/** A list (possibly absent) inside `container[key]`. */
interface ListPlace {
  container: Json;
  key: string;
  modelPath: string;
}

const model = r4model as unknown as {
  path2Type: Record<string, unknown>;
  path2Repeating: Record<string, true>;
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
};

const MAX_PATH_LENGTH = 1000;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNode = (v: unknown): v is PathNode => isObject(v) && 'parentResNode' in v && 'propName' in v;
const cannot = (i: number, ja: string, en: string) =>
  FhirError.of(422, 'processing', `操作 ${i}: ${ja}`, `FHIRPath Patch operation ${i}: ${en}`, [`Parameters.parameter[${i}]`]);
const malformed = (i: number, ja: string, en: string) => badRequest(`操作 ${i}: ${ja}`, `FHIRPath Patch operation ${i}: ${en}`, [`Parameters.parameter[${i}]`]);

/** The model path of an element `name` of the element at `parentPath`. */
function childPath(parentPath: string, name: string): string {
  return `${model.pathsDefinedElsewhere[parentPath] ?? parentPath}.${name}`;
}

/** The JSON key of an element in its container (`value` → `valueQuantity` for a choice). */
function keyIn(container: Json, propName: string): string | undefined {
  if (Object.hasOwn(container, propName)) return propName;
  return Object.keys(container).find((k) => k.length > propName.length && k.startsWith(propName) && /[A-Z]/.test(k[propName.length]));
}

/** The model path a node's children are named under. */
function nodeModelPath(node: PathNode, root: Json): string {
  if (node.parentResNode === null || (isObject(node.data) && typeof node.data.resourceType === 'string'))
    return String((node.data as Json).resourceType ?? root.resourceType);
  return node.path ?? '';
}

class PathEvaluator {
  constructor(
    private readonly doc: Json,
    private readonly i: number,
  ) {}

  nodes(path: string): PathNode[] {
    if (path.length > MAX_PATH_LENGTH) throw malformed(this.i, 'path が長すぎます', `path is longer than ${MAX_PATH_LENGTH} characters`);
    let out: unknown[];
    try {
      out = fhirpath.evaluate(this.doc, path, undefined, r4model, { resolveInternalTypes: false }) as unknown[];
    } catch (err) {
      throw malformed(
        this.i,
        `path (${path.slice(0, 80)}) を評価できません`,
        `cannot evaluate path '${path.slice(0, 80)}': ${(err as Error).message.slice(0, 200)}`,
      );
    }
    if (!Array.isArray(out))
      throw malformed(this.i, `path (${path.slice(0, 80)}) を評価できません`, `path '${path.slice(0, 80)}' needs asynchronous evaluation`);
    if (!out.every(isNode))
      throw cannot(this.i, 'path がリソースの要素を指していません', `path '${path.slice(0, 80)}' does not select elements of the resource`);
    return out;
  }

  /** The one element a path selects (none: undefined when `optional`, else 422; several: 422). */
  single(path: string, optional = false): PathNode | undefined {
    const found = this.nodes(path);
    if (found.length > 1)
      throw cannot(
        this.i,
        `path (${path.slice(0, 80)}) が ${found.length} 個の要素を指しています`,
        `path '${path.slice(0, 80)}' selects ${found.length} elements; it must select one`,
      );
    if (found.length === 0 && !optional)
      throw cannot(this.i, `path (${path.slice(0, 80)}) に一致する要素がありません`, `path '${path.slice(0, 80)}' selects nothing`);
    return found[0];
  }

  /** Where a selected element is in the JSON (the resource itself has no place). */
  place(node: PathNode): Place {
    const parent = node.parentResNode;
    if (!parent || node.propName === null) throw cannot(this.i, 'リソース全体は対象にできません', 'the resource itself cannot be the target');
    const container = parent.data;
    const key = isObject(container) ? keyIn(container, node.propName) : undefined;
    if (!isObject(container) || key === undefined) throw cannot(this.i, '要素の場所が見つかりません', `element '${node.propName}' could not be located`);
    const value = container[key];
    const index = node.index ?? undefined;
    if (index !== undefined && !(Array.isArray(value) && index < value.length))
      throw cannot(this.i, '要素の場所が見つかりません', `element '${node.propName}[${index}]' could not be located`);
    return { container, key, index, modelPath: childPath(nodeModelPath(parent, this.doc), node.propName) };
  }

  /** The list a path names: from its elements, or — when it has none — from the element that would hold it. */
  list(path: string): ListPlace {
    const found = this.nodes(path);
    if (found.length > 0) {
      const places = found.map((n) => this.place(n));
      const first = places[0];
      if (places.some((p) => p.container !== first.container || p.key !== first.key || p.index === undefined))
        throw cannot(this.i, `path (${path.slice(0, 80)}) が1つのリストを指していません`, `path '${path.slice(0, 80)}' does not select one list`);
      return { container: first.container, key: first.key, modelPath: first.modelPath };
    }
    const m = /^(.+)\.([a-z][A-Za-z0-9]*)$/.exec(path.trim());
    if (!m) throw cannot(this.i, `path (${path.slice(0, 80)}) に一致する要素がありません`, `path '${path.slice(0, 80)}' selects nothing`);
    const owner = this.single(m[1])!;
    if (!isObject(owner.data)) throw cannot(this.i, `${m[1]} は要素を持てません`, `'${m[1]}' cannot hold elements`);
    return { container: owner.data, key: m[2], modelPath: childPath(nodeModelPath(owner, this.doc), m[2]) };
  }
}

/** Suffix of a value key (`valueQuantity` → `Quantity`). */
const suffixOf = (key: string) => key.slice('value'.length);

/** The JSON key for element `name` (model path `path`) holding a value given as `valueKey`. */
function keyFor(name: string, path: string, valueKey: string | undefined, i: number): string {
  const choices = model.choiceTypePaths[path];
  if (!choices) return name;
  const suffix = valueKey?.startsWith('value') ? suffixOf(valueKey) : undefined;
  if (!suffix || !choices.includes(suffix))
    throw malformed(i, `${name} の値の型が違います（${choices.join(', ')} のいずれか）`, `the value of '${name}' must be one of ${choices.join(', ')}`);
  return `${name}${suffix}`;
}

/** The JSON of a `value` part: a value[x], a resource, or an anonymous element made of parts. */
function partValue(v: ParamValue | undefined, path: string, i: number): unknown {
  if (!v) throw malformed(i, 'value がありません', 'value is required');
  if (v.key === 'resource') return v.resource;
  if (v.key?.startsWith('value')) return v.value;
  if (v.key === 'part' && v.part) {
    const out: Json = {};
    for (const name of v.part.names()) {
      const p = childPath(path, name);
      const values = v.part.all(name);
      if (values.length > 1 && !model.path2Repeating[p]) throw malformed(i, `${name} は繰り返せません`, `'${name}' does not repeat`);
      const key = keyFor(name, p, values[0].key, i);
      out[key] = model.path2Repeating[p] ? values.map((x) => partValue(x, p, i)) : partValue(values[0], p, i);
    }
    return out;
  }
  throw malformed(i, 'value の形式が正しくありません', 'value must be a value[x], a resource or parts');
}

function integer(op: ParamReader, name: string, i: number): number {
  const v = op.all(name)[0]?.value;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw malformed(i, `${name} は0以上の整数です`, `${name} must be a non-negative integer`);
  return v;
}

/** Removes `[index]` (or the element) from `container[key]` and its primitive extensions `_key`. */
function removeAt(container: Json, key: string, index: number | undefined): void {
  const companion = `_${key}`;
  if (index === undefined) {
    delete container[key];
    delete container[companion];
    return;
  }
  (container[key] as unknown[]).splice(index, 1);
  if (Array.isArray(container[companion])) (container[companion] as unknown[]).splice(index, 1);
}

/** Drops empty objects and arrays (and primitive extension lists of nulls) left by deletions, below the root. */
function prune(node: unknown): boolean {
  if (Array.isArray(node)) {
    for (let k = node.length - 1; k >= 0; k--) if (node[k] !== null && prune(node[k])) node.splice(k, 1);
    return node.length === 0 || node.every((x) => x === null);
  }
  if (isObject(node)) {
    for (const k of Object.keys(node)) if (node[k] !== null && typeof node[k] === 'object' && prune(node[k])) delete node[k];
    return Object.keys(node).length === 0;
  }
  return false;
}

const TYPES = new Set(['add', 'insert', 'delete', 'replace', 'move']);
const PARTS: Record<string, string[]> = {
  add: ['type', 'path', 'name', 'value'],
  insert: ['type', 'path', 'value', 'index'],
  delete: ['type', 'path'],
  replace: ['type', 'path', 'value'],
  move: ['type', 'path', 'source', 'destination'],
};

/** Is this body a FHIRPath Patch (a Parameters resource)? */
export const isFhirPathPatch = (body: unknown): body is Json => isObject(body) && body.resourceType === 'Parameters';

/** The resource with the patch applied (a new object; `resource` is not changed). */
export function applyFhirPathPatch(resource: Json, patch: Json): Json {
  const doc = structuredClone(resource);
  const reader = ParamReader.of(patch);
  for (const name of reader.names())
    if (name !== 'operation')
      throw badRequest(`FHIRPath Patch のパラメータは operation です（${name}）`, `a FHIRPath Patch has only 'operation' parameters, got '${name}'`);
  reader.all('operation').forEach((entry, i) => {
    if (!entry.part) throw malformed(i, 'operation に part がありません', 'operation has no parts');
    const op = entry.part;
    const type = op.string('type') ?? '';
    if (!TYPES.has(type))
      throw malformed(
        i,
        `type (${type.slice(0, 20)}) は add / insert / delete / replace / move です`,
        `type must be add, insert, delete, replace or move, got '${type.slice(0, 20)}'`,
      );
    for (const n of op.names()) {
      if (!PARTS[type].includes(n)) throw malformed(i, `${type} に ${n} は使えません`, `'${n}' is not a part of ${type}`);
      if (op.all(n).length > 1) throw malformed(i, `${n} が複数あります`, `'${n}' given more than once`);
    }
    for (const n of PARTS[type]) if (!op.has(n)) throw malformed(i, `${type} には ${n} が必要です`, `${type} needs '${n}'`);
    const path = op.requiredString('path', 'path');
    const at = new PathEvaluator(doc, i);
    switch (type) {
      case 'add': {
        const owner = at.single(path)!;
        if (!isObject(owner.data)) throw cannot(i, `${path.slice(0, 80)} は要素を持てません`, `'${path.slice(0, 80)}' cannot hold elements`);
        const name = op.requiredString('name', 'name');
        if (!/^[a-z][A-Za-z0-9]*$/.test(name))
          throw malformed(i, `name (${name.slice(0, 40)}) が要素名ではありません`, `name '${name.slice(0, 40)}' is not an element name`);
        const p = childPath(nodeModelPath(owner, doc), name);
        const v = op.all('value')[0];
        const key = keyFor(name, p, v?.key, i);
        const value = partValue(v, p, i);
        const existing = keyIn(owner.data, name);
        if (model.path2Repeating[p] || Array.isArray(owner.data[key])) owner.data[key] = [...((owner.data[key] as unknown[] | undefined) ?? []), value];
        else if (existing !== undefined) throw cannot(i, `${name} は既にあります（繰り返せない要素です）`, `'${name}' already exists and does not repeat`);
        else owner.data[key] = value;
        break;
      }
      case 'insert': {
        const list = at.list(path);
        const current = (list.container[list.key] as unknown[] | undefined) ?? [];
        const index = integer(op, 'index', i);
        if (index > current.length)
          throw cannot(i, `index ${index} が範囲外です（${current.length} 件）`, `index ${index} is beyond the list (${current.length} items)`);
        const value = partValue(op.all('value')[0], list.modelPath, i);
        list.container[list.key] = [...current.slice(0, index), value, ...current.slice(index)];
        const companion = list.container[`_${list.key}`];
        if (Array.isArray(companion)) companion.splice(index, 0, null);
        break;
      }
      case 'delete': {
        const node = at.single(path, true);
        if (!node) break;
        const place = at.place(node);
        removeAt(place.container, place.key, place.index);
        break;
      }
      case 'replace': {
        const place = at.place(at.single(path)!);
        const v = op.all('value')[0];
        const name = place.modelPath.slice(place.modelPath.lastIndexOf('.') + 1);
        const key = model.choiceTypePaths[place.modelPath] ? keyFor(name, place.modelPath, v?.key, i) : place.key;
        const value = partValue(v, place.modelPath, i);
        if (place.index !== undefined) (place.container[place.key] as unknown[])[place.index] = value;
        else {
          if (key !== place.key) removeAt(place.container, place.key, undefined);
          place.container[key] = value;
        }
        break;
      }
      case 'move': {
        const list = at.list(path);
        const items = (list.container[list.key] as unknown[] | undefined) ?? [];
        const source = integer(op, 'source', i);
        const destination = integer(op, 'destination', i);
        if (source >= items.length || destination >= items.length)
          throw cannot(i, `source / destination が範囲外です（${items.length} 件）`, `source and destination must be below ${items.length}`);
        for (const key of [list.key, `_${list.key}`]) {
          const l = list.container[key];
          if (Array.isArray(l)) l.splice(destination, 0, ...l.splice(source, 1));
        }
        break;
      }
    }
    prune(doc);
  });
  return doc;
}
