/**
 * Extension rules (拡張の規則), as the HL7 Java validator applies them (InstanceValidator
 * checkExtension / checkExtensionContext):
 *
 * * an extension whose definition is not loaded is an error ("could not be found so is not allowed
 *   here"), unless the conformance engine was loaded with `unknownExtensions: 'warning'` (lenient);
 *   `url|version` names that version, a version not loaded is not found;
 * * an extension definition says where it may be used (StructureDefinition.context): `element`
 *   contexts (a path such as `Patient.name`, a type such as `HumanName`, `Element`, `Resource`,
 *   matched through the type's ancestors: `DomainResource` covers every domain resource),
 *   `extension` contexts (inside an extension of that URL) and `fhirpath` contexts (evaluated on
 *   the resource: the element holding the extension must be among the results); outside its
 *   context an extension is an error; `contextInvariant`s must hold on the element holding it;
 * * a modifier extension must be used as modifierExtension and a plain one as extension.
 *
 * Contexts are parsed once per definition; the type-ancestor chains once per type.
 */
import type { StructureDefinition } from '@medplum/fhirtypes';
import type { Definitions } from '../definitions.ts';
import { FHIR_SD_BASE } from '../definitions.ts';
import type { Message } from '../messages.ts';

export interface ParsedContext {
  /** `element` context expressions. */
  elements: string[];
  /** `extension` context URLs. */
  extensions: string[];
  /** `fhirpath` context expressions (evaluated on the resource; the holder must be selected). */
  fhirpath: string[];
  invariants: string[];
  /** No context at all: nothing to check. */
  none: boolean;
  /** What the definition allows, for messages. */
  described: string;
  isModifier: boolean;
}

const parsed = new WeakMap<StructureDefinition, ParsedContext>();

export function extensionContext(sd: StructureDefinition): ParsedContext {
  let hit = parsed.get(sd);
  if (hit) return hit;
  const elements: string[] = [];
  const extensions: string[] = [];
  const fhirpath: string[] = [];
  const described: string[] = [];
  for (const c of sd.context ?? []) {
    const expr = c.expression ?? '';
    if (c.type === 'element') {
      elements.push(expr);
      described.push(`e:${expr}`);
    } else if (c.type === 'extension') {
      extensions.push(expr);
      described.push(`x:${expr}`);
    } else if (c.type === 'fhirpath') {
      fhirpath.push(expr);
      described.push(`p:${expr}`);
    }
  }
  // R4 core definitions whose stated context is narrower than their use (the reference validator widens these too).
  if (sd.url === 'http://hl7.org/fhir/StructureDefinition/structuredefinition-normative-version') elements.push('Element');
  const first = sd.snapshot?.element?.[0] ?? sd.differential?.element?.[0];
  hit = {
    elements,
    extensions,
    fhirpath,
    invariants: sd.contextInvariant ?? [],
    none: !sd.context?.length,
    described: described.join(', '),
    isModifier: first?.isModifier === true,
  };
  parsed.set(sd, hit);
  return hit;
}

/** Where an extension sits: the element holding it. */
export interface ExtensionSite {
  /** Paths of the holding element, indexes stripped: instance path (`Patient.name`) and definition path. */
  paths: string[];
  /** FHIR type of the holding element (`HumanName`, `Patient`, `Extension`, `BackboneElement`, `date`…). */
  type: string | undefined;
  isResource: boolean;
  /** url of the holding extension, when the holder is an extension. */
  parentExtensionUrl?: string;
}

const ancestorCache = new WeakMap<Definitions, Map<string, string[]>>();

/** The type and the types it specializes (`Patient` → Patient, DomainResource, Resource). */
export function typeAncestors(defs: Definitions, type: string): string[] {
  let perDefs = ancestorCache.get(defs);
  if (!perDefs) {
    perDefs = new Map();
    ancestorCache.set(defs, perDefs);
  }
  let hit = perDefs.get(type);
  if (hit) return hit;
  hit = [];
  let sd = defs.structures.get(FHIR_SD_BASE + type);
  for (let guard = 0; sd && guard < 10; guard++) {
    if (sd.type && !hit.includes(sd.type)) hit.push(sd.type);
    sd = sd.baseDefinition ? defs.structures.get(sd.baseDefinition) : undefined;
  }
  if (!hit.length) hit.push(type);
  perDefs.set(type, hit);
  return hit;
}

/** True when an element context expression covers the site. */
function elementContextMatches(defs: Definitions, expr: string, site: ExtensionSite): boolean {
  if (expr === 'Element' || expr === 'Any') return true;
  if (expr === 'Resource' && site.isResource) return true;
  for (const p of site.paths) {
    if (p === expr) return true;
    const dot = p.indexOf('.');
    const head = dot < 0 ? p : p.slice(0, dot);
    const tail = dot < 0 ? '' : p.slice(dot);
    for (const t of typeAncestors(defs, head)) if (t + tail === expr) return true;
  }
  if (site.type) for (const t of typeAncestors(defs, site.type)) if (t === expr) return true;
  return false;
}

/**
 * Whether the extension may be used at the site. `undefined` when allowed; else the message. `fhirpath` contexts are
 * evaluated by `fhirpathSelects` (on the resource, as the reference does: the holder must be among the results); one
 * that cannot be evaluated is taken as allowed, so no error is invented for it.
 */
export function contextProblem(
  defs: Definitions,
  url: string,
  c: ParsedContext,
  site: ExtensionSite,
  fhirpathSelects?: (expression: string) => boolean | undefined,
): Message | undefined {
  if (c.none) return undefined;
  for (const expr of c.fhirpath) {
    // Selects the holding element: allowed. Cannot tell (not evaluable, primitive holder): allowed, no invented error.
    const r = fhirpathSelects?.(expr);
    if (r !== false) return undefined;
  }
  for (const e of c.elements) if (elementContextMatches(defs, e, site)) return undefined;
  if (site.parentExtensionUrl !== undefined && c.extensions.some((x) => x === site.parentExtensionUrl || x.split('|')[0] === site.parentExtensionUrl))
    return undefined;
  const where = site.paths[0] ?? site.type ?? '';
  return {
    ja: `拡張 ${url} は ${where} では使用できません（使用できる場所: ${c.described}）`,
    en: `The extension ${url} is not allowed to be used at this point (allowed = ${c.described}; this element is [${site.paths.join(', ')}])`,
  };
}

export const extensionMessages = {
  unknown: (url: string): Message => ({
    ja: `拡張 ${url} の定義が見つからないため、ここでは使用できません`,
    en: `The extension ${url} could not be found so is not allowed here`,
  }),
  unknownVersion: (url: string, version: string, loaded: string[]): Message => ({
    ja: `拡張 ${url} のバージョン ${version} が読み込まれていません（読み込み済み: ${loaded.join(', ') || 'なし'}）`,
    en: `The extension ${url} version ${version} could not be found so is not allowed here (loaded versions: ${loaded.join(', ') || 'none'})`,
  }),
  unknownLenient: (url: string): Message => ({
    ja: `拡張 ${url} の定義が読み込まれていないため、内容を検証できません`,
    en: `The extension ${url} is unknown (not loaded), so its content was not validated`,
  }),
  subExtensionInvalid: (url: string, profile: string): Message => ({
    ja: `サブ拡張 ${url} は拡張 ${profile} に定義されていません`,
    en: `Sub-extension url '${url}' is not defined by the Extension ${profile}`,
  }),
  mustBeModifier: (url: string): Message => ({
    ja: `拡張 ${url} は修飾拡張なので modifierExtension として使う必要があります`,
    en: `The Extension '${url}' must be used as a modifierExtension`,
  }),
  mustNotBeModifier: (url: string): Message => ({
    ja: `拡張 ${url} は修飾拡張ではないので modifierExtension として使えません`,
    en: `The Extension '${url}' must not be used as an extension (it's a modifierExtension)`,
  }),
  modifierMismatch: (url: string): Message => ({
    ja: `修飾拡張の定義 (${url}) と使われ方が一致しません`,
    en: `Extension modifier mismatch: the extension element is labelled as a modifier, but the underlying extension ${url} is not`,
  }),
  notHere: (url: string, expr: string): Message => ({
    ja: `拡張 ${url} はここでは使えません（contextInvariant ${expr} を満たしません）`,
    en: `The extension ${url} is not allowed to be used at this point (based on context invariant '${expr}')`,
  }),
};

/** Extensions whose definitions the reference validator does not require (tooling / DICOM). */
export function unknownAllowed(url: string): boolean {
  return url.includes('nema.org') || url.startsWith('http://hl7.org/fhir/tools/StructureDefinition/');
}

/**
 * Example URLs (example.org, acme.com): the reference validator accepts unknown extensions there when example URLs are
 * allowed (its test suite's setting), reporting them only as unknown; so does this engine (a warning).
 */
export function isExampleUrl(url: string): boolean {
  return url.includes('example.org') || url.includes('acme.com');
}

/** Indexes (`[3]`) and `.ofType(T)` removed from a FHIRPath location. */
export function logicalPath(loc: string): string {
  let out = '';
  let skip = 0;
  for (let i = 0; i < loc.length; i++) {
    const ch = loc.charCodeAt(i);
    if (ch === 91)
      skip++; // [
    else if (ch === 93)
      skip--; // ]
    else if (!skip) out += loc[i];
  }
  const of = out.indexOf('.ofType(');
  return of < 0 ? out : out.replace(/\.ofType\([^)]*\)/g, '');
}
