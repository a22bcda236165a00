/**
 * Rules on conformance resources themselves (定義リソースの検証), when the instance validated is one,
 * following the HL7 Java validator (StructureDefinitionValidator, OperationDefinition checks):
 *
 * * StructureDefinition: every element path (snapshot and differential) starts with the type it
 *   defines (`Patient.name` in a Patient profile; logical models excepted); no slicing on the root;
 *   targetProfile only on Reference / canonical / CodeableReference; context and contextInvariant
 *   only on extension definitions; with the base loaded: a derivation, the same kind (unless the
 *   base is abstract), the same type for a constraint and another type for a specialization; an
 *   extension derived from Extension fixes Extension.url to its own url; a constraint may not widen
 *   its base's cardinality (min below the base's min outside slices, max above the base's max) —
 *   for a derived extension as for any profile, checked against the loaded base snapshot (the
 *   errors the reference's snapshot generation reports);
 * * OperationDefinition: a parameter's min may not exceed its max;
 * * SearchParameter: derivedFrom consistency (search-parameter-rules.ts);
 * * MeasureReport: against its Measure when contained or loaded (measure-rules.ts).
 *
 * Each problem is one error, at the element concerned. Nothing here runs for other resources.
 */
import type { Definitions } from '../definitions.ts';
import type { IssueCollector } from '../issues.ts';
import type { Message } from '../messages.ts';
import type { Json } from './references.ts';
import { checkMeasureReport } from './measure-rules.ts';
import { checkSearchParameter } from './search-parameter-rules.ts';

export interface DefinitionRuleHost {
  defs: Definitions;
  issues: IssueCollector;
}

const m = {
  pathType: (path: string, type: string): Message => ({
    ja: `要素のパス ${path} が型 ${type} で始まっていません`,
    en: `The path '${path}' must start with the type '${type}' of the StructureDefinition`,
  }),
  minBelowBase: (path: string, min: number, baseMin: number): Message => ({
    ja: `${path} の min ${min} が基底定義の min ${baseMin} より小さくなっています`,
    en: `The element ${path} has a minimum of ${min} which is less than the base minimum of ${baseMin}`,
  }),
  maxAboveBase: (path: string, max: string, baseMax: string): Message => ({
    ja: `${path} の max ${max} が基底定義の max ${baseMax} を超えています`,
    en: `The element ${path} has a maximum of ${max} which is greater than the base maximum of ${baseMax}`,
  }),
  noSlicingOnRoot: (path: string): Message => ({
    ja: `ルート要素 ${path} にスライシングは定義できません`,
    en: `Slicing is not allowed at the root of a profile (${path})`,
  }),
  contextNotExtension: (type: string): Message => ({
    ja: `context は拡張 (Extension) の定義にしか使えません（type ${type}）`,
    en: `Definitions of type ${type} cannot have a context: only extension definitions can`,
  }),
  contextInvariantNotExtension: (type: string): Message => ({
    ja: `contextInvariant は拡張 (Extension) の定義にしか使えません（type ${type}）`,
    en: `Definitions of type ${type} cannot have a context invariant: only extension definitions can`,
  }),
  noDerivation: (url: string): Message => ({
    ja: `StructureDefinition ${url} に derivation がありません`,
    en: `The StructureDefinition ${url} has a base but no derivation`,
  }),
  kindMismatch: (kind: string, baseKind: string, baseType: string, baseUrl: string): Message => ({
    ja: `kind ${kind} が基底定義 ${baseUrl} (${baseType}) の kind ${baseKind} と一致しません`,
    en: `The kind ${kind} does not match the kind ${baseKind} of the base ${baseType} (${baseUrl})`,
  }),
  derivationKindMismatch: (baseKind: string, kind: string): Message => ({
    ja: `制約プロファイルの kind ${kind} は基底定義の kind ${baseKind} と同じでなければなりません`,
    en: `The base definition has kind ${baseKind}, and this constraint has kind ${kind}: a constraint cannot change the kind`,
  }),
  constrainedType: (type: string, baseType: string): Message => ({
    ja: `制約プロファイルの type ${type} が基底定義の type ${baseType} と異なります`,
    en: `The type ${type} must be the same as the type ${baseType} of the base definition when the derivation is constraint`,
  }),
  specializedType: (type: string): Message => ({
    ja: `特殊化 (specialization) の type ${type} が基底定義と同じです`,
    en: `The type ${type} must differ from the base type when the derivation is specialization`,
  }),
  extUrlMissing: (url: string): Message => ({
    ja: `拡張定義 ${url} の differential に Extension.url の固定値がありません`,
    en: `The extension definition ${url} must fix Extension.url (fixedUri) in its differential`,
  }),
  extUrlMismatch: (url: string, fixed: string): Message => ({
    ja: `拡張定義の url ${url} と Extension.url の固定値 ${fixed} が一致しません`,
    en: `The url of the extension definition (${url}) does not match the fixed value of Extension.url (${fixed})`,
  }),
  targetProfileNotAllowed: (type: string): Message => ({
    ja: `型 ${type} に targetProfile は指定できません`,
    en: `targetProfile is not allowed on the type ${type} (only on Reference, canonical and CodeableReference)`,
  }),
  opMinMax: (name: string, min: number, max: string): Message => ({
    ja: `パラメータ ${name} の min ${min} が max ${max} を超えています`,
    en: `The parameter ${name} has min ${min} greater than max ${max}`,
  }),
};

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const maxNum = (max: string): number => (max === '*' ? Number.POSITIVE_INFINITY : Number(max));

export function checkDefinitionRules(host: DefinitionRuleHost, res: Json, rt: string, loc: string): void {
  if (rt === 'StructureDefinition') checkStructureDefinition(host, res, loc);
  else if (rt === 'OperationDefinition') checkOperationDefinition(host, res, loc);
  else if (rt === 'MeasureReport') checkMeasureReport(host, res, loc);
  else if (rt === 'SearchParameter') checkSearchParameter(host, res, loc);
}

const HAS_TARGET = new Set(['Reference', 'canonical', 'CodeableReference']);

function checkStructureDefinition(host: DefinitionRuleHost, sd: Json, loc: string): void {
  const type = typeof sd.type === 'string' ? sd.type : undefined;
  const url = typeof sd.url === 'string' ? sd.url : '';
  if (type && type !== 'Extension') {
    const contexts = Array.isArray(sd.context) ? sd.context : [];
    for (let i = 0; i < contexts.length; i++) host.issues.error('invalid', m.contextNotExtension(type), `${loc}.context[${i}]`);
    const invariants = Array.isArray(sd.contextInvariant) ? sd.contextInvariant : [];
    for (let i = 0; i < invariants.length; i++) host.issues.error('invalid', m.contextInvariantNotExtension(type), `${loc}.contextInvariant[${i}]`);
  }
  const baseSd = typeof sd.baseDefinition === 'string' ? host.defs.structures.get(sd.baseDefinition) : undefined;
  if (baseSd && type) {
    if (sd.derivation === undefined) host.issues.error('not-found', m.noDerivation(url), loc);
    else {
      if (!baseSd.abstract && typeof sd.kind === 'string' && sd.kind !== baseSd.kind) {
        host.issues.error('not-found', m.kindMismatch(sd.kind, String(baseSd.kind), String(baseSd.type), String(baseSd.url)), loc);
      }
      if (sd.derivation === 'constraint' && type !== baseSd.type) host.issues.error('not-found', m.constrainedType(type, String(baseSd.type)), loc);
      if (sd.derivation === 'specialization' && type === baseSd.type) host.issues.error('not-found', m.specializedType(type), loc);
    }
    if (sd.derivation === 'constraint' && typeof sd.kind === 'string' && baseSd.kind !== sd.kind) {
      host.issues.error('not-found', m.derivationKindMismatch(String(baseSd.kind), sd.kind), loc);
    }
  }
  if (type === 'Extension' && sd.baseDefinition === 'http://hl7.org/fhir/StructureDefinition/Extension' && url) {
    const diff = isObj(sd.differential) && Array.isArray(sd.differential.element) ? sd.differential.element : [];
    const urlEl = diff.find((e) => isObj(e) && e.path === 'Extension.url') as Json | undefined;
    const fixed = urlEl ? fixedValue(urlEl) : undefined;
    if (typeof fixed !== 'string') host.issues.error('invalid', m.extUrlMissing(url), loc);
    else if (fixed !== url) host.issues.error('invalid', m.extUrlMismatch(url, fixed), loc);
  }
  if (!type || sd.kind === 'logical') return;
  // Types named by URL (logical-model style) are not checked.
  if (type.includes(':') || type.includes('/')) return;
  for (const part of ['snapshot', 'differential'] as const) {
    const holder = sd[part];
    const elements = isObj(holder) && Array.isArray(holder.element) ? holder.element : [];
    elements.forEach((e, i) => {
      if (!isObj(e) || typeof e.path !== 'string') return;
      const p = e.path;
      const eLoc = `${loc}.${part}.element[${i}]`;
      if (p !== type && !p.startsWith(`${type}.`)) host.issues.error('invalid', m.pathType(p, type), eLoc);
      if (part === 'differential' && !p.includes('.') && e.slicing !== undefined) host.issues.error('invalid', m.noSlicingOnRoot(p), eLoc);
      const types = Array.isArray(e.type) ? e.type : [];
      for (const t of types) {
        if (isObj(t) && typeof t.code === 'string' && Array.isArray(t.targetProfile) && t.targetProfile.length && !HAS_TARGET.has(t.code)) {
          host.issues.error('business-rule', m.targetProfileNotAllowed(t.code), eLoc);
        }
      }
    });
  }
  if (sd.derivation !== 'constraint' || typeof sd.baseDefinition !== 'string') return;
  const base = host.defs.structures.get(sd.baseDefinition);
  const baseElements = base ? host.defs.snapshotElements(base) : undefined;
  if (!baseElements?.length) return;
  const byId = new Map<string, (typeof baseElements)[number]>();
  for (const be of baseElements) byId.set(be.id ?? be.path ?? '', be);
  const diff = isObj(sd.differential) && Array.isArray(sd.differential.element) ? sd.differential.element : [];
  diff.forEach((e, i) => {
    if (!isObj(e) || typeof e.path !== 'string') return;
    const id = typeof e.id === 'string' ? e.id : e.path;
    const be = byId.get(id) ?? (id.includes(':') ? undefined : byId.get(e.path));
    if (!be) return;
    const eLoc = `${loc}.differential.element[${i}]`;
    if (typeof e.min === 'number' && typeof be.min === 'number' && e.min < be.min && e.sliceName === undefined)
      host.issues.error('invalid', m.minBelowBase(e.path, e.min, be.min), eLoc);
    if (typeof e.max === 'string' && typeof be.max === 'string' && maxNum(e.max) > maxNum(be.max))
      host.issues.error('invalid', m.maxAboveBase(e.path, e.max, be.max), eLoc);
  });
}

function fixedValue(e: Json): unknown {
  for (const k in e) if (k.startsWith('fixed') && k.length > 5) return e[k];
  return undefined;
}

function checkOperationDefinition(host: DefinitionRuleHost, od: Json, loc: string): void {
  const walk = (params: unknown, pLoc: string) => {
    if (!Array.isArray(params)) return;
    params.forEach((p, i) => {
      if (!isObj(p)) return;
      const here = `${pLoc}[${i}]`;
      if (typeof p.min === 'number' && typeof p.max === 'string' && p.max !== '*' && /^\d+$/.test(p.max) && p.min > Number(p.max)) {
        host.issues.error('invalid', m.opMinMax(String(p.name ?? ''), p.min, p.max), here);
      }
      walk(p.part, `${here}.part`);
    });
  };
  walk(od.parameter, `${loc}.parameter`);
}
