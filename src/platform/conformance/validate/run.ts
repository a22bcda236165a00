/**
 * One validation (検証) of one resource: walks the instance alongside the compiled element trees
 * of every applicable profile (base definition of its type, meta.profile claims, profiles asked
 * for, profiles required by the element holding it) and reports each finding once.
 */
import type { ChildIndex, ChildResolver } from '../model/child-index.ts';
import type { CompiledProfile } from '../model/compiled-profile.ts';
import type { ElementNode } from '../model/element-node.ts';
import { isPrimitiveType, isResourceTypeCode } from '../model/type-names.ts';
import type { Definitions } from '../definitions.ts';
import { IssueCollector } from '../issues.ts';
import { msg } from '../messages.ts';
import { checkBinding } from './bindings.ts';
import { evaluateInvariant, evaluateRaw, type FhirPathHost } from './fhirpath-engine.ts';
import { definedPath, fastInvariant, Unsupported, type FastHost } from './fast-fhirpath.ts';
import { xhtmlProblem } from './xhtml.ts';
import { matchesFixed, matchesPattern } from './fixed-pattern.ts';
import { nativeInvariant } from './native-invariants.ts';
import { checkPrimitive, comparePrimitive } from './primitives.ts';
import { indexBundle, resolveContained, resolveInBundle, type Json } from './references.ts';
import { checkReference, type ReferenceContext } from './reference-check.ts';
import { assignSlices, type SlicingHost } from './slicing.ts';
import { checkGrammarCode } from '../terminology/grammar-systems.ts';
import { checkBundleRules } from './bundle-rules.ts';
import { contextProblem, extensionContext, extensionMessages, isExampleUrl, logicalPath, unknownAllowed } from './extension-rules.ts';
import { implicitProfiles } from './implicit-profiles.ts';
import { checkDefinitionRules } from './definition-rules.ts';
import { versionMatches } from '../registry.ts';
// Conformance II (questionnaire answers, displays, signatures): display-check.ts, questionnaire-response.ts, signature-check.ts
import { checkDisplay } from './display-check.ts';
import { checkQuestionnaire, checkQuestionnaireResponse } from './questionnaire-response.ts';
import { checkSignature } from './signature-check.ts';

/** Where a value sits: its resource, the container (for contained ones), the enclosing Bundle. */
type Ctx = ReferenceContext;

interface Item {
  value: unknown;
  /** The `_name` part of a primitive (id / extensions). */
  ext?: unknown;
  type?: string;
  loc: string;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const jsonTypeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const EXAMPLE_VALUE = /\.(example|fixed[A-Z]\w*|pattern[A-Z]\w*|defaultValue[A-Z]\w*)(\.|$)/;
const QUANTITY_TYPES = new Set(['Quantity', 'SimpleQuantity', 'Age', 'Duration', 'Count', 'Distance', 'MoneyQuantity']);

interface WalkResult {
  loc: string;
  issues: IssueCollector;
}

export class ValidationRun implements FhirPathHost, FastHost, SlicingHost {
  issues: IssueCollector;
  private ctx: Ctx | undefined;
  /** Profile walks already done, per value: profile canonical → result (and where it was done). */
  private readonly walks = new WeakMap<object, Map<string, WalkResult>>();
  private readonly inProgress = new WeakMap<object, Set<string>>();
  /** Invariant results per value (objects only), so several profile walks do not re-evaluate them. */
  private readonly invariantResults = new WeakMap<object, Map<string, boolean | string>>();
  /** Where each resource met sits (its FHIRPath location), for instance paths relative to it. */
  private readonly resourceLocs = new WeakMap<object, string>();
  /** FHIR type of the element whose children are being walked (the holder of an extension met there). */
  private holderType: string | undefined;
  /** Definition path of that element (`HumanName.family`, `Patient.name`). */
  private holderPath: string | undefined;

  constructor(
    readonly defs: Definitions,
    readonly children: ChildResolver,
  ) {
    this.issues = new IssueCollector();
  }

  /** Validates a top-level resource against its type, its meta.profile claims and `profiles`. */
  validate(resource: unknown, profiles: string[]): void {
    const loc = isObj(resource) && typeof resource.resourceType === 'string' ? resource.resourceType : '';
    this.validateResource(resource, loc, profiles, undefined, false, undefined);
  }

  // ---------------------------------------------------------------- resources

  private validateResource(res: unknown, loc: string, required: string[], parent: Ctx | undefined, contained: boolean, fullUrl: string | undefined): void {
    if (!isObj(res)) {
      this.issues.error('structure', msg.notAnObject(), loc);
      return;
    }
    const rt = res.resourceType;
    if (typeof rt !== 'string') {
      this.issues.error('structure', msg.noResourceType(), loc);
      return;
    }
    if (!this.defs.resourceTypes.has(rt)) {
      this.issues.error('structure', msg.unknownResourceType(rt), loc);
      return;
    }
    const ctx = this.resourceCtx(res, parent, contained, fullUrl);
    if (!this.resourceLocs.has(res)) this.resourceLocs.set(res, loc);
    const implicit = implicitProfiles(this.defs, res, rt);
    const all = implicit.length ? [...required, ...implicit.filter((p) => !required.includes(p) && this.defs.profile(p))] : required;
    for (const p of this.profilesFor(res, rt, loc, all)) {
      this.issues.merge(this.profileWalk(res, p, loc, ctx).issues);
    }
    if (rt === 'Bundle' && ctx.bundle) checkBundleRules(this, res, loc, ctx.bundle);
    checkDefinitionRules(this, res, rt, loc);
    // Conformance II: questionnaire-response.ts
    if (rt === 'QuestionnaireResponse') {
      checkQuestionnaireResponse(res, loc, { terminology: this.defs.terminology, issues: this.issues, rootResource: ctx.rootResource, bundle: ctx.bundle });
    } else if (rt === 'Questionnaire') checkQuestionnaire(res, loc, this.issues);
  }

  /** Resource types of R4 (BundleRuleHost). */
  get resourceTypes(): ReadonlySet<string> {
    return this.defs.resourceTypes;
  }

  /**
   * A resource in an element whose type lists several profiles (Bundle.entry.resource of an eCheckup report:
   * JP_Observation_eCheckupGeneral or JP_ObservationGroup_eCheckupGeneral): its claims and base type as always, and
   * at least one of the listed profiles (ElementDefinition.type.profile: "conform to at least one").
   */
  private validateResourceAnyOf(
    res: unknown,
    loc: string,
    options: string[],
    parent: Ctx,
    contained: boolean,
    fullUrl: string | undefined,
    from: string,
  ): void {
    this.validateResource(res, loc, [], parent, contained, fullUrl);
    if (!isObj(res) || typeof res.resourceType !== 'string' || !this.defs.resourceTypes.has(res.resourceType)) return;
    const rt = res.resourceType;
    const loaded = options
      .map((o) => this.defs.profile(o, from))
      .filter((p): p is CompiledProfile => !!p && (p.type === rt || p.type === 'Resource' || p.type === 'DomainResource'));
    if (!loaded.length) {
      this.issues.warning('not-supported', msg.profileNotLoaded(options.join(', ')), loc);
      return;
    }
    const claims = (isObj(res.meta) && Array.isArray(res.meta.profile) ? (res.meta.profile as unknown[]) : [])
      .map((c) => (typeof c === 'string' ? this.defs.profile(c) : undefined))
      .filter((p): p is CompiledProfile => !!p);
    if (loaded.some((o) => claims.some((c) => c === o || c.derivesFrom(o.url)))) return; // a claimed profile (walked above) is one of them
    const ctx = this.resourceCtx(res, parent, contained, fullUrl);
    const walks = loaded.map((p) => this.profileWalk(res, p, loc, ctx));
    const passing = walks.find((w) => !w.issues.hasLocalErrors);
    if (passing) {
      this.issues.merge(passing.issues);
      return;
    }
    if (walks.length > 1) this.issues.error('structure', msg.noProfileMatch(options), loc);
    this.issues.merge(walks[0].issues);
  }

  private resourceCtx(res: Json, parent: Ctx | undefined, contained: boolean, fullUrl: string | undefined): Ctx {
    const ctx: Ctx = {
      resource: res,
      rootResource: contained && parent ? parent.rootResource : res,
      bundle: parent?.bundle,
      fullUrl: contained ? parent?.fullUrl : fullUrl,
    };
    if (res.resourceType === 'Bundle') ctx.bundle = indexBundle(res);
    return ctx;
  }

  /** Profiles to walk: claims, required ones and the base type, minus those another one derives from. */
  private profilesFor(res: Json, rt: string, loc: string, required: string[]): CompiledProfile[] {
    const list: CompiledProfile[] = [];
    const meta = isObj(res.meta) ? res.meta : undefined;
    const claims = Array.isArray(meta?.profile) ? (meta.profile as unknown[]) : [];
    claims.forEach((claim, i) => {
      if (typeof claim !== 'string') return;
      this.addProfile(list, claim, rt, `${loc}.meta.profile[${i}]`);
    });
    for (const r of required) this.addProfile(list, r, rt, loc);
    const base = this.defs.baseType(rt);
    if (base) list.push(base);
    const unique = [...new Set(list)];
    return unique.filter((p) => !unique.some((q) => q !== p && q.url !== p.url && q.derivesFrom(p.url)));
  }

  private addProfile(list: CompiledProfile[], ref: string, rt: string, loc: string): void {
    const prof = this.defs.profile(ref);
    if (!prof) {
      this.issues.warning('not-supported', msg.profileNotLoaded(ref), loc);
      return;
    }
    if (prof.type !== rt && prof.type !== 'Resource' && prof.type !== 'DomainResource') {
      this.issues.error('invalid', msg.profileWrongType(ref, prof.type, rt), loc);
      return;
    }
    list.push(prof);
  }

  /** Walks a value (resource or data type) against one profile, once per value and location. */
  private profileWalk(value: Json, prof: CompiledProfile, loc: string, ctx: Ctx): WalkResult {
    let perValue = this.walks.get(value);
    if (!perValue) {
      perValue = new Map();
      this.walks.set(value, perValue);
    }
    const key = walkKey(prof);
    const cached = perValue.get(key);
    if (cached && cached.loc === loc) return cached;
    if (this.inProgress.get(value)?.has(key)) return { loc, issues: new IssueCollector() }; // re-entered: already being walked
    const saved = this.issues;
    const savedCtx = this.ctx;
    const sub = new IssueCollector();
    this.issues = sub;
    this.ctx = ctx;
    const running = this.inProgress.get(value) ?? new Set<string>();
    running.add(key);
    this.inProgress.set(value, running);
    const savedHolder = this.holderType;
    const savedHolderPath = this.holderPath;
    try {
      if (typeof value.resourceType === 'string' && prof.kind === 'resource') {
        this.holderType = value.resourceType;
        this.holderPath = prof.root.path;
        this.validateObject(value, this.children.index(prof.root, prof.type), loc, ctx, true);
        this.checkInvariants(prof.root, prof.type, value, loc, ctx);
      } else {
        this.validateComplex(value, prof.root, prof.type, loc, ctx);
      }
    } finally {
      this.holderType = savedHolder;
      this.holderPath = savedHolderPath;
      running.delete(key);
      this.issues = saved;
      this.ctx = savedCtx;
    }
    const result = { loc, issues: sub };
    if (!cached) perValue.set(key, result);
    return result;
  }

  /** SlicingHost / FHIRPath conformsTo(): true when the value has no errors against the profile. */
  conformsTo(value: unknown, profile: string, loc?: string, from?: string): boolean {
    if (!isObj(value)) return false;
    const prof = this.defs.profile(profile, from);
    if (!prof) return false;
    if (this.inProgress.get(value)?.has(walkKey(prof))) return true; // reference cycle: assume yes
    const known = this.walks.get(value)?.get(walkKey(prof));
    if (known) return !known.issues.hasLocalErrors;
    const ctx = this.ctxFor(value);
    return !this.profileWalk(value, prof, loc ?? String(value.resourceType ?? prof.type), ctx).issues.hasLocalErrors;
  }

  /** Context of a resource met in a slicing or reference check (entry of the current Bundle, contained…). */
  private ctxFor(value: Json): Ctx {
    const cur = this.ctx;
    if (cur && Array.isArray(cur.rootResource.contained) && cur.rootResource.contained.includes(value)) {
      return { resource: value, rootResource: cur.rootResource, bundle: cur.bundle, fullUrl: cur.fullUrl };
    }
    if (typeof value.resourceType === 'string') {
      let fullUrl: string | undefined;
      if (cur?.bundle) for (const [u, r] of cur.bundle.byFullUrl) if (r === value) fullUrl = u;
      const ctx: Ctx = { resource: value, rootResource: value, bundle: cur?.bundle, fullUrl };
      if (value.resourceType === 'Bundle') ctx.bundle = indexBundle(value);
      return ctx;
    }
    return cur ?? { resource: value, rootResource: value };
  }

  // ---------------------------------------------------------------- objects and elements

  /** Validates the properties of an object against the children of its definition. */
  private validateObject(obj: Json, idx: ChildIndex, loc: string, ctx: Ctx, isResourceRoot: boolean): void {
    const present = new Map<ElementNode, string[]>();
    for (const key of Object.keys(obj)) {
      if ((isResourceRoot && key === 'resourceType') || obj[key] === undefined) continue;
      const isExtPart = key.charCodeAt(0) === 95; // '_'
      const name = isExtPart ? key.slice(1) : key;
      const ref = idx.byJsonName.get(name);
      if (!ref) {
        this.issues.error('structure', msg.unknownProperty(key), `${loc}.${key}`);
        continue;
      }
      const type = ref.type ?? singleType(ref.node);
      if (isExtPart) {
        if (!type || !isPrimitiveType(type)) {
          this.issues.error('structure', msg.extensionOnNonPrimitive(name), `${loc}.${key}`);
          continue;
        }
        if (obj[name] !== undefined) continue; // counted with its value
      }
      const names = present.get(ref.node);
      if (names) {
        if (!names.includes(name)) names.push(name);
      } else present.set(ref.node, [name]);
    }
    for (const node of idx.nodes) {
      const names = present.get(node);
      if (!names) {
        if (node.min > 0) this.issues.error('required', msg.minCardinality(`${loc}.${node.name}`, node.min, 0), loc);
        continue;
      }
      if (names.length > 1) this.issues.error('structure', msg.multipleChoice(node.jsonName, names), `${loc}.${node.jsonName}`);
      const items: Item[] = [];
      for (const name of names) {
        const ref = idx.byJsonName.get(name);
        const type = ref?.type ?? singleType(node);
        this.collectItems(obj, name, node, type, loc, items);
      }
      if (items.length < node.min) this.issues.error('required', msg.minCardinality(`${loc}.${node.name}`, node.min, items.length), loc);
      if (items.length > node.max) {
        this.issues.error('structure', msg.maxCardinality(`${loc}.${node.name}`, node.max, items.length), `${loc}.${node.jsonName}`);
      }
      const targets = node.slices.length ? assignSlices(node, items, this, loc) : undefined;
      for (const [i, item] of items.entries()) this.validateItem(item, targets?.[i] ?? node, ctx, obj);
    }
  }

  /** Items of one JSON property (arrays unrolled, `_name` parts aligned), reporting shape errors. */
  private collectItems(obj: Json, name: string, node: ElementNode, type: string | undefined, loc: string, out: Item[]): void {
    let value = obj[name];
    let ext = obj[`_${name}`];
    const locName = node.isChoice && type ? `${node.jsonName}.ofType(${type})` : name;
    if (node.isArray) {
      if (value !== undefined && !Array.isArray(value)) {
        this.issues.error('structure', msg.mustBeArray(name), `${loc}.${locName}`);
        value = [value];
      }
      if (ext !== undefined && !Array.isArray(ext)) {
        this.issues.error('structure', msg.mustBeArray(`_${name}`), `${loc}._${name}`);
        ext = [ext];
      }
      const vals = (value ?? []) as unknown[];
      const exts = (ext ?? []) as unknown[];
      if (value !== undefined && vals.length === 0) this.issues.error('structure', msg.emptyArray(name), `${loc}.${locName}`);
      if (value !== undefined && ext !== undefined && vals.length !== exts.length) {
        this.issues.error('structure', msg.primitiveObjectMismatch(name), `${loc}.${locName}`);
      }
      const n = Math.max(vals.length, exts.length);
      for (let i = 0; i < n; i++) {
        const v = vals[i];
        const e = exts[i];
        const itemLoc = `${loc}.${locName}[${i}]`;
        if ((v === null || v === undefined) && (e === null || e === undefined)) {
          this.issues.error('structure', msg.nullValue(name), itemLoc);
          continue;
        }
        out.push({ value: v === null ? undefined : v, ext: e === null ? undefined : e, type, loc: itemLoc });
      }
      return;
    }
    if (Array.isArray(value)) {
      this.issues.error('structure', msg.mustNotBeArray(name), `${loc}.${locName}`);
      value = value[0];
    }
    if (Array.isArray(ext)) {
      this.issues.error('structure', msg.mustNotBeArray(`_${name}`), `${loc}._${name}`);
      ext = ext[0];
    }
    if ((value === null || value === undefined) && (ext === null || ext === undefined)) {
      this.issues.error('structure', msg.nullValue(name), `${loc}.${locName}`);
      return;
    }
    out.push({ value: value === null ? undefined : value, ext: ext === null ? undefined : ext, type, loc: `${loc}.${locName}` });
  }

  private validateItem(item: Item, node: ElementNode, ctx: Ctx, parent: Json): void {
    let type = item.type ?? singleType(node);
    if ((type === 'Resource' || type === 'DomainResource') && isObj(item.value) && typeof item.value.resourceType === 'string' && !node.typeRef(type)) {
      type = item.value.resourceType; // a slice of a Resource element typed to one resource type
    }
    // an element (or slice) allowing several resource types: the resource's own type
    if (
      !type &&
      isObj(item.value) &&
      typeof item.value.resourceType === 'string' &&
      node.types.length > 1 &&
      node.types.every((t) => isResourceTypeCode(t.code, this.defs.resourceTypes))
    )
      type = item.value.resourceType;
    if (type && node.types.length && !node.types.some((t) => t.code === type)) {
      this.issues.error(
        'structure',
        msg.typeNotAllowed(
          type,
          node.types.map((t) => t.code),
        ),
        item.loc,
      );
      return;
    }
    if (type && (type === 'Resource' || type === 'DomainResource' || this.defs.resourceTypes.has(type))) {
      const rt = isObj(item.value) ? item.value.resourceType : undefined;
      if (type !== 'Resource' && type !== 'DomainResource' && typeof rt === 'string' && rt !== type) {
        this.issues.error('structure', msg.typeNotAllowed(rt, [type]), item.loc);
        return;
      }
      const profiles = node.types.filter((t) => t.code === type || t.code === rt).flatMap((t) => t.profiles);
      const contained = node.path.endsWith('.contained');
      const fullUrl = typeof parent.fullUrl === 'string' ? parent.fullUrl : undefined;
      if (profiles.length > 1) this.validateResourceAnyOf(item.value, item.loc, profiles, ctx, contained, fullUrl, node.owner.source);
      else this.validateResource(item.value, item.loc, profiles, ctx, contained, fullUrl);
      return;
    }
    if (type && isPrimitiveType(type)) {
      this.validatePrimitive(item, node, type, ctx);
      return;
    }
    this.validateComplex(item.value, node, type, item.loc, ctx, parent);
  }

  private validatePrimitive(item: Item, node: ElementNode, type: string, ctx: Ctx): void {
    const { value, ext, loc } = item;
    if (value !== undefined) {
      const effective = node.basePath === 'Resource.id' ? 'id' : type;
      const chk = checkPrimitive(effective, value);
      if (!chk.ok) {
        if (chk.problem === 'json-type') this.issues.error('structure', msg.wrongJsonType(chk.expectedJson ?? '', jsonTypeName(value)), loc);
        else if (chk.problem === 'empty') this.issues.error('value', msg.emptyString(), loc);
        else if (chk.problem === 'range') this.issues.error('value', msg.outOfRange(effective, value), loc);
        else this.issues.error('value', msg.invalidPrimitive(effective, value), loc);
      } else {
        if (effective === 'id' && typeof value === 'string' && !ID.test(value)) this.issues.error('value', msg.invalidPrimitive('id', value), loc);
        if (node.maxLength !== undefined && typeof value === 'string' && value.length > node.maxLength) {
          this.issues.error('value', msg.maxLength(node.maxLength, value.length), loc);
        }
        if (node.minValue && comparePrimitive(value, node.minValue.value) < 0) this.issues.error('value', msg.belowMin(node.minValue.value, value), loc);
        if (node.maxValue && comparePrimitive(value, node.maxValue.value) > 0) this.issues.error('value', msg.aboveMax(node.maxValue.value, value), loc);
        if (node.fixed && !matchesFixed(value, node.fixed.value) && !isVersionedSelf(node, value)) {
          this.issues.error('value', msg.fixedMismatch(node.fixed.value, value), loc);
        }
        if (node.pattern && !matchesPattern(value, node.pattern.value)) this.issues.error('value', msg.fixedMismatch(node.pattern.value, value), loc);
        if (node.binding) checkBinding(value, type, node.binding, loc, this.defs.terminology, this.issues, node.owner.source);
      }
    } else if (node.fixed || node.pattern) {
      this.issues.error('value', msg.fixedMismatch((node.fixed ?? node.pattern)?.value, null), loc);
    }
    if (ext !== undefined) {
      if (!isObj(ext)) {
        this.issues.error('structure', msg.wrongJsonType('object', jsonTypeName(ext)), loc);
      } else {
        const root = this.defs.baseType(type)?.root;
        if (root) {
          const savedHolder = this.holderType;
          const savedHolderPath = this.holderPath;
          this.holderType = type;
          this.holderPath = node.path;
          this.validateObject(ext, this.children.index(root, type), loc, ctx, false);
          this.holderType = savedHolder;
          this.holderPath = savedHolderPath;
        }
      }
    }
    if (value !== undefined) this.checkInvariants(node, type, value, loc, ctx);
  }

  private validateComplex(value: unknown, node: ElementNode, type: string | undefined, loc: string, ctx: Ctx, holder?: Json): void {
    if (!isObj(value)) {
      this.issues.error('structure', msg.wrongJsonType('object', jsonTypeName(value)), loc);
      return;
    }
    if (!hasContent(value)) {
      this.issues.error('structure', msg.emptyObject(), loc);
      return;
    }
    const holderType = this.holderType;
    const holderPath = this.holderPath;
    this.holderType = type ?? singleType(node);
    this.holderPath = node.path;
    this.validateObject(value, this.children.index(node, type), loc, ctx, false);
    this.holderType = holderType;
    this.holderPath = holderPath;
    const concrete = type && type !== 'Element' && type !== 'BackboneElement' ? type : undefined;
    if (concrete) {
      const root = this.children.typeRoot(node, concrete);
      if (root && root !== node) this.checkInvariants(root, concrete, value, loc, ctx);
    }
    this.checkInvariants(node, type, value, loc, ctx);
    if (node.fixed && !matchesFixed(value, node.fixed.value)) this.issues.error('value', msg.fixedMismatch(node.fixed.value, value), loc);
    if (node.pattern && !matchesPattern(value, node.pattern.value)) this.issues.error('value', msg.patternMismatch(node.pattern.value), loc);
    if (!concrete) return;
    if (node.binding) checkBinding(value, concrete, node.binding, loc, this.defs.terminology, this.issues, node.owner.source);
    if (concrete === 'Coding') this.checkCoding(value, loc);
    else if (QUANTITY_TYPES.has(concrete)) this.checkUcum(value, loc);
    else if (concrete === 'Reference') checkReference(this, value, node, loc, ctx);
    else if (concrete === 'Extension') this.checkExtension(value, node, loc, ctx, holder, holderType, holderPath);
    else if (concrete === 'Signature') checkSignature(value, loc, this.issues); // Conformance II: signature-check.ts
    this.checkTypeProfiles(value, node, concrete, loc, ctx);
  }

  /** The value must also conform to the type's profile(s) when the walk above did not go through them. */
  private checkTypeProfiles(value: Json, node: ElementNode, type: string, loc: string, ctx: Ctx): void {
    const ref = node.typeRef(type);
    if (!ref?.profiles.length) return;
    const from = node.owner.source;
    if (ref.profiles.length === 1 && !node.children.length && this.defs.profile(ref.profiles[0], from)?.type === type) return;
    const loaded = ref.profiles.map((p) => this.defs.profile(p, from)).filter((p): p is CompiledProfile => !!p);
    if (!loaded.length) {
      this.issues.warning('not-supported', msg.profileNotLoaded(ref.profiles.join(', ')), loc);
      return;
    }
    const walks = loaded.map((p) => this.profileWalk(value, p, loc, ctx));
    if (walks.length === 1 || !walks.some((w) => !w.issues.hasLocalErrors)) {
      if (walks.length > 1) this.issues.error('structure', msg.noProfileMatch(ref.profiles), loc);
      this.issues.merge(walks[0].issues);
    }
  }

  // ---------------------------------------------------------------- type-specific checks

  /** A code in a loaded, complete code system must exist there (whatever the binding). */
  private checkCoding(coding: Json, loc: string): void {
    const { system, code } = coding;
    if (typeof system !== 'string' || typeof code !== 'string') return;
    const r = this.defs.terminology.codeInSystem(system, code);
    if (r.result === 'no') this.issues.error('code-invalid', msg.unknownCode(system, code), `${loc}.code`);
    else checkDisplay(coding, loc, this.defs.terminology, this.issues); // Conformance II: display-check.ts
  }

  private checkUcum(q: Json, loc: string): void {
    if (q.system === 'http://unitsofmeasure.org' && typeof q.code === 'string' && checkGrammarCode(q.system, q.code) === false) {
      this.issues.error('code-invalid', msg.unknownCode(q.system, q.code), `${loc}.code`);
    }
  }

  /**
   * An extension: its definition must be loaded (error; `unknownExtensions: 'warning'` makes it a warning), used
   * where its context allows, as modifier or not as defined, and its content valid against it (see extension-rules).
   */
  private checkExtension(
    ext: Json,
    node: ElementNode,
    loc: string,
    ctx: Ctx,
    holder: Json | undefined,
    holderType: string | undefined,
    holderPath: string | undefined,
  ): void {
    const url = ext.url;
    if (typeof url !== 'string') return;
    const profiled = !!node.typeRef('Extension')?.profiles.length;
    const isModifierUse = node.jsonName === 'modifierExtension';
    const from = node.owner.source;
    if (!ABSOLUTE_URL.test(url)) {
      // A sub-extension: must be one the holding extension's definition slices for (matched slices carry a sliceName).
      if (holderType === 'Extension' && node.sliceName === undefined && !profiled && node.owner.type === 'Extension' && holder?.url === node.owner.url) {
        this.issues.error('structure', extensionMessages.subExtensionInvalid(url, node.owner.url), loc);
      }
      return;
    }
    const sd = this.defs.structures.get(url, from);
    if (!sd) {
      if (profiled || unknownAllowed(url)) return; // profiled slices: checkTypeProfiles reports the missing profile
      if (isModifierUse) this.issues.error('extension', msg.modifierExtensionUnknown(url), loc);
      else {
        const bar = url.indexOf('|');
        const lenient = this.defs.options.unknownExtensions === 'warning' || isExampleUrl(url);
        if (bar > 0 && this.defs.structures.hasUrl(url)) {
          // url|version with that version not loaded (other versions are): not found, as the reference resolves it.
          const loaded = this.defs.structures.versionsOf(url).filter((v): v is string => !!v);
          this.issues.add(lenient ? 'warning' : 'error', 'extension', extensionMessages.unknownVersion(url.slice(0, bar), url.slice(bar + 1), loaded), loc);
        } else if (lenient) this.issues.warning('extension', extensionMessages.unknownLenient(url), loc);
        else this.issues.error('extension', extensionMessages.unknown(url), loc);
      }
      return;
    }
    if (sd.type !== 'Extension') return;
    if (holder) {
      const c = extensionContext(sd);
      if (isModifierUse && !c.isModifier) this.issues.error('structure', extensionMessages.modifierMismatch(url), loc);
      else if (!isModifierUse && c.isModifier) this.issues.error('structure', extensionMessages.mustNotBeModifier(url), loc);
      const holderLoc = loc.slice(0, Math.max(0, loc.lastIndexOf('.')));
      const paths: string[] = [];
      const resLoc = this.resourceLocs.get(ctx.resource);
      const rt = typeof ctx.resource.resourceType === 'string' ? ctx.resource.resourceType : '';
      if (resLoc !== undefined && holderLoc.startsWith(resLoc) && rt) paths.push(rt + logicalPath(holderLoc.slice(resLoc.length)));
      if (holderPath && !paths.includes(holderPath)) paths.push(holderPath);
      // Extensions are always allowed inside example, fixed and pattern values of an ElementDefinition.
      if (paths.some((p) => EXAMPLE_VALUE.test(p))) return;
      const site = {
        paths,
        type: holderType,
        isResource: typeof holder.resourceType === 'string',
        parentExtensionUrl: holderType === 'Extension' && typeof holder.url === 'string' ? holder.url : undefined,
      };
      const problem = contextProblem(this.defs, url, c, site, (expr) => {
        const res = evaluateRaw(expr, rt, ctx.resource, { resource: ctx.resource, rootResource: ctx.rootResource }, this);
        if (!Array.isArray(res) || (holderType && isPrimitiveType(holderType))) return undefined; // primitives: not comparable
        return res.includes(holder);
      });
      if (problem) this.issues.error('structure', problem, loc);
      else if (c.invariants.length) {
        const base = holderType ?? rt;
        for (const expr of c.invariants) {
          if (this.evaluate(expr, base, holder, ctx) === false) this.issues.error('structure', extensionMessages.notHere(url, expr), loc);
        }
      }
    }
    if (profiled) return; // validated through the slice's profile
    const prof = this.defs.profile(url, from);
    if (prof?.type !== 'Extension') return;
    this.issues.merge(this.profileWalk(ext, prof, loc, ctx).issues);
  }

  // ---------------------------------------------------------------- invariants

  private checkInvariants(node: ElementNode, type: string | undefined, value: unknown, loc: string, ctx: Ctx): void {
    const invariants = node.activeInvariants;
    if (!invariants.length) return;
    let cache: Map<string, boolean | string> | undefined;
    if (isObj(value)) {
      cache = this.invariantResults.get(value);
      if (!cache) {
        cache = new Map();
        this.invariantResults.set(value, cache);
      }
    }
    for (const inv of invariants) {
      const key = (inv.cacheKey ??= `${inv.key}\u0000${inv.expression}`);
      let result = cache?.get(key);
      if (result === undefined) {
        const native = nativeInvariant(inv.expression);
        if (native) result = native(value);
        else result = this.evaluate(inv.expression, fhirpathBase(node, type), value, ctx);
        cache?.set(key, result);
      }
      if (typeof result === 'string') this.issues.warning('invariant', msg.invariantNotEvaluated(inv.key, result), loc);
      else if (!result) {
        this.issues.add(inv.severity === 'error' ? 'error' : 'warning', 'invariant', msg.invariantFailed(inv.key, inv.human, inv.expression), loc, { key });
      }
    }
  }

  /** Fast path first; fhirpath.js when the expression or the data needs the full engine. Error text when it fails. */
  private evaluate(expression: string, base: string, value: unknown, ctx: Ctx): boolean | string {
    const env = { resource: ctx.resource, rootResource: ctx.rootResource };
    const fast = fastInvariant(base, expression);
    if (fast) {
      try {
        return fast(value, env, this) !== false;
      } catch (e) {
        if (!(e instanceof Unsupported)) return (e as Error).message;
      }
    }
    const r = evaluateInvariant(expression, base, value, env, this);
    return 'error' in r ? r.error : r.ok;
  }

  // ---------------------------------------------------------------- hosts (FHIRPath, slicing)

  htmlChecks(div: string): boolean {
    return xhtmlProblem(div) === undefined;
  }

  resolve(ref: string): unknown {
    return this.resolveReference(ref);
  }

  resolveReference(ref: string): unknown {
    const ctx = this.ctx;
    if (!ctx) return undefined;
    if (ref.startsWith('#')) return resolveContained(ctx.rootResource, ref);
    return ctx.bundle ? resolveInBundle(ctx.bundle, ref, ctx.fullUrl) : undefined;
  }

  memberOf(system: string | undefined, code: string, valueSet: string): boolean | undefined {
    const r = this.defs.terminology.inValueSet(undefined, valueSet, system, code);
    return r.result === 'unknown' ? undefined : r.result === 'yes';
  }

  inValueSet(valueSet: string, system: string | undefined, code: string): boolean {
    return this.defs.terminology.inValueSet(undefined, valueSet, system, code).result === 'yes';
  }
}

/** `Extension.url` given as `url|version` of the very definition being walked (a versioned extension reference). */
function isVersionedSelf(node: ElementNode, value: unknown): boolean {
  if (node.path !== 'Extension.url' || typeof value !== 'string' || typeof node.fixed?.value !== 'string') return false;
  const fixed = node.fixed.value;
  return value.startsWith(`${fixed}|`) && versionMatches(value.slice(fixed.length + 1), node.owner.version);
}

/** Walks are cached per definition (a URL may be loaded from several packages). */
function walkKey(prof: CompiledProfile): string {
  return `${prof.source}|${prof.canonical}`;
}

function singleType(node: ElementNode): string | undefined {
  return node.types.length === 1 ? node.types[0].code : undefined;
}

function hasContent(v: Json): boolean {
  for (const k in v) {
    if (k === 'id') continue;
    const x = v[k];
    if (x !== undefined && !(Array.isArray(x) && x.length === 0)) return true;
  }
  return false;
}

/** FHIRPath base path for evaluating an element's invariants: its type, else its base path. */
function fhirpathBase(node: ElementNode, type: string | undefined): string {
  if (type && type !== 'Element' && type !== 'BackboneElement') return type;
  return definedPath(node.basePath.replace(/\[x\]/g, ''));
}
