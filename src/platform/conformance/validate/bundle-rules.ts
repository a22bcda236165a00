/**
 * Bundle rules (Bundle の規則) that no invariant of the R4 definitions encodes, as the HL7 Java
 * validator applies them (BundleValidator): fullUrl absolute and consistent with a RESTful
 * resource's type and id, fullUrl present outside transactions / batches, link relations per
 * Bundle type, searchset entries (self link, search.mode, ids, types of the search), document
 * Bundles (first entry a Composition, the Composition's references resolving inside the Bundle,
 * every entry reachable from the Composition) and message Bundles (first entry a MessageHeader).
 * Severities follow the reference: what it reports with `rule` is an error, `warning` a warning.
 * Runs once per Bundle, outside the per-element walk.
 */
import type { IssueCollector } from '../issues.ts';
import type { Message } from '../messages.ts';
import { resolveInBundle, type BundleIndex, type Json } from './references.ts';

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An absolute URI as the reference validator tests it: a lower-case scheme, something after the colon, no spaces. */
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\S+$/;
/** A RESTful URL of a resource: `[base]/Type/id` (optionally `/_history/v`). */
const RESTFUL = /^https?:\/\/(?:[^/?#]*\/)*([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const V2V3 = /^http:\/\/hl7\.org\/fhir\/v[23]\//;
const SEARCH_RELATIONS = new Set(['first', 'previous', 'next', 'last']);
const NO_FULLURL_NEEDED = new Set(['transaction', 'transaction-response', 'batch', 'batch-response']);

const m = {
  fullUrlNotAbsolute: (u: string): Message => ({
    ja: `fullUrl ${u} は絶対 URL（または urn:uuid: / urn:oid:）でなければなりません`,
    en: `The fullUrl '${u}' must be an absolute URL (not relative)`,
  }),
  fullUrlNoId: (u: string): Message => ({
    ja: `fullUrl ${u} は RESTful な URL ですが、リソースに id がありません`,
    en: `The fullUrl '${u}' looks like a RESTful server URL, so the resource must have an id`,
  }),
  fullUrlMismatch: (u: string, t: string, id: string): Message => ({
    ja: `fullUrl ${u} がリソースの型と id (${t}/${id}) と一致しません`,
    en: `The fullUrl '${u}' does not match the type and id of the resource (${t}/${id})`,
  }),
  canonicalMismatch: (url: string, id: string): Message => ({
    ja: `リソースの url ${url} が fullUrl と同じですが、RESTful な URL（…/id ${id}）ではありません`,
    en: `The canonical URL (${url}) cannot match the fullUrl unless the resource id (${id}) also matches`,
  }),
  fullUrlRequired: (): Message => ({
    ja: 'この種類の Bundle の entry には fullUrl が必要です',
    en: 'Except for transactions and batches, each entry in a Bundle must have a fullUrl which is the identity of the resource in the entry',
  }),
  linkProhibited: (rel: string): Message => ({
    ja: `この種類の Bundle では link.relation '${rel}' は使えません`,
    en: `The link relation '${rel}' is only allowed on searchset and history Bundles`,
  }),
  linkDuplicate: (rel: string): Message => ({
    ja: `link.relation '${rel}' が重複しています`,
    en: `Duplicate link relation '${rel}'`,
  }),
  noEntries: (type: string): Message => ({
    ja: `${type} の Bundle には entry が必要です`,
    en: `Documents or Messages must contain at least one entry (Bundle type ${type})`,
  }),
  firstNoResource: (): Message => ({ ja: '最初の entry にリソースがありません', en: 'The first entry in a document or message must contain a resource' }),
  firstNotComposition: (): Message => ({
    ja: 'document の Bundle の最初の entry は Composition でなければなりません',
    en: 'The first entry in a document must be a Composition',
  }),
  firstNotMessageHeader: (): Message => ({
    ja: 'message の Bundle の最初の entry は MessageHeader でなければなりません',
    en: 'The first entry in a message must be a MessageHeader',
  }),
  documentRefNotFound: (ref: string, what: string): Message => ({
    ja: `${what} の参照 ${ref} が Bundle 内で見つかりません`,
    en: `Can't find '${ref}' in the bundle (${what})`,
  }),
  orphanDocument: (u: string): Message => ({
    ja: `entry ${u} は Composition から参照をたどって到達できません`,
    en: `Entry ${u} isn't reachable by traversing links (forward or backward) from the Composition`,
  }),
  orphanMessage: (u: string): Message => ({
    ja: `entry ${u} は MessageHeader から参照をたどって到達できません`,
    en: `Entry ${u} isn't reachable by traversing forward links from the MessageHeader`,
  }),
  reverseLink: (u: string): Message => ({
    ja: `entry ${u} は逆方向の参照でしか到達できません`,
    en: `Entry ${u} is only reachable by traversing links backwards from the Composition`,
  }),
  searchNoSelf: (): Message => ({
    ja: 'searchset の Bundle に self リンクがありません',
    en: 'Search Bundles should have a self link that specifies what the search was',
  }),
  searchNoMode: (): Message => ({
    ja: 'searchset の entry に search.mode がありません',
    en: 'SearchSet bundles should have search modes on the entries',
  }),
  searchNoResource: (): Message => ({ ja: 'searchset の entry にリソースがありません', en: 'SearchSet Bundle Entries must have resources' }),
  searchNoId: (): Message => ({ ja: 'searchset の entry のリソースに id がありません', en: 'Search results must have ids' }),
  searchWrongType: (rt: string, types: string[], withMode: boolean): Message => ({
    ja: `検索結果のリソース型 ${rt} は検索対象 (${types.join(', ')}) ではありません`,
    en: withMode
      ? `This is not a matching resource type for the search ('${rt}', expecting ${types.join(', ')})`
      : `This is not a matching resource type for the search ('${rt}', expecting ${types.join(', ')}) - and there is no search mode to tell whether it is a match`,
  }),
  searchOutcome: (rt: string): Message => ({
    ja: `search.mode が outcome の entry は OperationOutcome でなければなりません（${rt}）`,
    en: `An entry with search mode 'outcome' must be an OperationOutcome, not ${rt}`,
  }),
};

export interface BundleRuleHost {
  issues: IssueCollector;
  resourceTypes: ReadonlySet<string>;
}

/** Applies the Bundle rules to `bundle` (at `loc`), using its index for resolution. */
export function checkBundleRules(host: BundleRuleHost, bundle: Json, loc: string, index: BundleIndex): void {
  const issues = host.issues;
  const type = typeof bundle.type === 'string' ? bundle.type : '';
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  const links = Array.isArray(bundle.link) ? (bundle.link as unknown[]) : [];

  checkLinks(issues, links, type, loc);

  if (!entries.length) {
    if (type === 'document' || type === 'message') issues.error('invalid', m.noEntries(type), loc);
  } else if (type === 'document' || type === 'message') {
    const first = isObj(entries[0]) ? entries[0] : undefined;
    const res = first && isObj(first.resource) ? first.resource : undefined;
    const firstLoc = `${loc}.entry[0]`;
    if (!res) issues.error('invalid', m.firstNoResource(), firstLoc);
    else if (type === 'document') {
      if (res.resourceType !== 'Composition') issues.error('invalid', m.firstNotComposition(), `${firstLoc}.resource`);
      else checkCompositionReferences(issues, res, `${firstLoc}.resource`, index, fullUrlOf(first));
      checkInterlinked(issues, entries, loc, index, false);
    } else {
      if (res.resourceType !== 'MessageHeader') issues.error('invalid', m.firstNotMessageHeader(), `${firstLoc}.resource`);
      else {
        const focus = Array.isArray(res.focus) ? res.focus : [];
        for (const [i, f] of focus.entries()) requireInBundle(issues, f, `${firstLoc}.resource.focus[${i}]`, 'MessageHeader Data', index, fullUrlOf(first));
      }
      checkInterlinked(issues, entries, loc, index, true);
    }
  } else if (type === 'searchset') {
    checkSearchSet(host, entries, links, loc);
  }

  const fullUrlOptional = NO_FULLURL_NEEDED.has(type);
  entries.forEach((e, i) => {
    if (!isObj(e)) return;
    const eLoc = `${loc}.entry[${i}]`;
    const fullUrl = typeof e.fullUrl === 'string' ? e.fullUrl : undefined;
    const res = isObj(e.resource) ? e.resource : undefined;
    const rt = typeof res?.resourceType === 'string' ? res.resourceType : undefined;
    if (fullUrl) {
      if (!ABSOLUTE.test(fullUrl)) issues.error('invalid', m.fullUrlNotAbsolute(fullUrl), eLoc);
      else if (rt) {
        const rest = RESTFUL.exec(fullUrl);
        if (rest && host.resourceTypes.has(rest[1])) {
          const id = typeof res?.id === 'string' ? res.id : undefined;
          if (id === undefined) issues.error('invalid', m.fullUrlNoId(fullUrl), eLoc);
          else if (!fullUrl.endsWith(`/${rt}/${id}`)) issues.error('invalid', m.fullUrlMismatch(fullUrl, rt, id), eLoc);
        }
      }
    }
    const canonical = typeof res?.url === 'string' ? res.url : undefined;
    if (canonical !== undefined && canonical === fullUrl && !V2V3.test(canonical)) {
      const id = typeof res?.id === 'string' ? res.id : '';
      const rest = RESTFUL.exec(canonical);
      if (!(rest && host.resourceTypes.has(rest[1]) && canonical.endsWith(`/${id}`))) issues.error('invalid', m.canonicalMismatch(canonical, id), eLoc);
    }
    if (!fullUrl && !fullUrlOptional && e.fullUrl === undefined) {
      issues.error('invalid', m.fullUrlRequired(), eLoc);
    }
  });
}

function fullUrlOf(entry: Json | undefined): string | undefined {
  return entry && typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined;
}

function checkLinks(issues: IssueCollector, links: unknown[], type: string, loc: string): void {
  const searchLike = type === 'searchset' || type === 'history';
  const known =
    searchLike ||
    ['document', 'message', 'collection', 'subscription-notification', 'transaction', 'transaction-response', 'batch', 'batch-response'].includes(type);
  if (!known) return;
  const seen = new Set<string>();
  links.forEach((l, i) => {
    if (!isObj(l) || typeof l.relation !== 'string') return;
    const rel = l.relation;
    const lLoc = `${loc}.link[${i}]`;
    if (searchLike) {
      if ((SEARCH_RELATIONS.has(rel) || rel === 'self') && seen.has(rel)) issues.error('invalid', m.linkDuplicate(rel), lLoc);
    } else {
      if (SEARCH_RELATIONS.has(rel)) issues.error('invalid', m.linkProhibited(rel), `${lLoc}.relation`);
      if (rel === 'self' && seen.has(rel)) issues.error('invalid', m.linkDuplicate(rel), `${lLoc}.relation`);
    }
    seen.add(rel);
  });
}

/** Composition.subject, author, encounter, custodian, attester.party, event.detail and section author / focus / entry. */
function checkCompositionReferences(issues: IssueCollector, comp: Json, loc: string, index: BundleIndex, fullUrl: string | undefined): void {
  const one = (name: string) => {
    if (comp[name] !== undefined) requireInBundle(issues, comp[name], `${loc}.${name}`, `Composition.${name}`, index, fullUrl);
  };
  const many = (holder: Json, name: string, hLoc: string, what: string) => {
    const v = holder[name];
    if (Array.isArray(v)) for (const [i, r] of v.entries()) requireInBundle(issues, r, `${hLoc}.${name}[${i}]`, what, index, fullUrl);
  };
  one('subject');
  many(comp, 'author', loc, 'Composition.author');
  one('encounter');
  one('custodian');
  const attesters = Array.isArray(comp.attester) ? comp.attester : [];
  attesters.forEach((a, i) => {
    if (isObj(a) && a.party !== undefined) requireInBundle(issues, a.party, `${loc}.attester[${i}].party`, 'Composition.attester.party', index, fullUrl);
  });
  const events = Array.isArray(comp.event) ? comp.event : [];
  events.forEach((ev, i) => {
    if (isObj(ev)) many(ev, 'detail', `${loc}.event[${i}]`, 'Composition.event.detail');
  });
  const sections = (holder: Json, hLoc: string) => {
    const list = Array.isArray(holder.section) ? holder.section : [];
    list.forEach((s, i) => {
      if (!isObj(s)) return;
      const sLoc = `${hLoc}.section[${i}]`;
      many(s, 'author', sLoc, 'Section.author');
      if (s.focus !== undefined) requireInBundle(issues, s.focus, `${sLoc}.focus`, 'Section.focus', index, fullUrl);
      many(s, 'entry', sLoc, 'Section Entry');
      sections(s, sLoc);
    });
  };
  sections(comp, loc);
}

/**
 * A reference that must resolve inside the Bundle (error). `urn:uuid:` / `urn:oid:` ones are left to the reference
 * check, which already reports them unresolved as an error: one problem, one error.
 */
function requireInBundle(issues: IssueCollector, ref: unknown, loc: string, what: string, index: BundleIndex, fullUrl: string | undefined): void {
  if (!isObj(ref) || typeof ref.reference !== 'string') return;
  const r = ref.reference;
  if (!r || r.startsWith('#') || r.startsWith('urn:uuid:') || r.startsWith('urn:oid:')) return;
  if (!resolveInBundle(index, r, fullUrl)) issues.error('not-found', m.documentRefNotFound(r, what), loc);
}

/** Every entry must be reachable from the first one (documents: error; messages: warning), reverse links tolerated. */
function checkInterlinked(issues: IssueCollector, entries: unknown[], loc: string, index: BundleIndex, isMessage: boolean): void {
  const list: { i: number; entry: Json; res: Json; targets: Set<number> }[] = [];
  const byResource = new Map<Json, number>();
  entries.forEach((e, i) => {
    if (isObj(e) && isObj(e.resource)) {
      byResource.set(e.resource, list.length);
      list.push({ i, entry: e, res: e.resource, targets: new Set() });
    }
  });
  if (!list.length) return;
  for (const [n, s] of list.entries()) {
    const fullUrl = fullUrlOf(s.entry);
    for (const ref of collectReferences(s.res)) {
      const tgt = resolveInBundle(index, ref, fullUrl);
      const t = tgt ? byResource.get(tgt) : undefined;
      if (t !== undefined && t !== n) s.targets.add(t);
    }
  }
  const visited = new Set<number>();
  const visit = (n: number) => {
    if (visited.has(n)) return;
    visited.add(n);
    for (const t of list[n].targets) visit(t);
  };
  visit(0);
  let found = true;
  while (found) {
    found = false;
    for (const [n, s] of list.entries()) {
      if (visited.has(n) || ![...s.targets].some((t) => visited.has(t))) continue;
      if (!isMessage && s.res.resourceType !== 'Provenance') issues.warning('invalid', m.reverseLink(label(s.entry)), `${loc}.entry[${s.i}]`);
      found = true;
      visit(n);
    }
  }
  for (const [n, s] of list.entries()) {
    if (visited.has(n)) continue;
    if (isMessage) issues.warning('informational', m.orphanMessage(label(s.entry)), `${loc}.entry[${s.i}]`);
    else issues.error('informational', m.orphanDocument(label(s.entry)), `${loc}.entry[${s.i}]`);
  }
}

function label(entry: Json): string {
  return typeof entry.fullUrl === 'string' ? `'${entry.fullUrl}'` : '';
}

/** `reference` values of the Reference-shaped objects inside a resource (not into nested Bundles, not `#id`). */
function collectReferences(res: Json): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (!isObj(v)) return;
    if (v.resourceType === 'Bundle' && v !== res) return;
    for (const k in v) {
      const x = v[k];
      if (k === 'reference' && typeof x === 'string') {
        if (!x.startsWith('#')) out.add(x);
      } else if (typeof x === 'object') walk(x);
    }
  };
  walk(res);
  return out;
}

function checkSearchSet(host: BundleRuleHost, entries: unknown[], links: unknown[], loc: string): void {
  const issues = host.issues;
  const self = links.find((l): l is Json => isObj(l) && l.relation === 'self');
  const types: string[] = [];
  if (!self) issues.warning('invalid', m.searchNoSelf(), loc);
  else if (typeof self.url === 'string') readSearchTypes(self.url, host.resourceTypes, types);
  const modes = entries.map((e) => (isObj(e) && isObj(e.search) && typeof e.search.mode === 'string' ? e.search.mode : undefined));
  const anyMode = modes.some((x) => x !== undefined);
  if (!anyMode) {
    let typeProblem = false;
    let first: string | undefined;
    entries.forEach((e, i) => {
      const eLoc = `${loc}.entry[${i}]`;
      const res = isObj(e) && isObj(e.resource) ? e.resource : undefined;
      if (!res) {
        issues.error('invalid', m.searchNoResource(), eLoc);
        return;
      }
      const rt = String(res.resourceType ?? '');
      if (!types.length) {
        typeProblem = true;
        if (res.id === undefined && rt !== 'OperationOutcome') issues.warning('invalid', m.searchNoId(), `${eLoc}.resource`);
      } else if (types.includes(rt)) {
        if (rt !== 'OperationOutcome') {
          if (res.id === undefined) issues.warning('invalid', m.searchNoId(), `${eLoc}.resource`);
          if (first !== undefined && first !== rt) typeProblem = true;
          first ??= rt;
        }
      } else {
        typeProblem = true;
        issues.warning('invalid', m.searchWrongType(rt, types, false), eLoc);
      }
    });
    if (typeProblem && entries.length) issues.warning('invalid', m.searchNoMode(), loc);
    return;
  }
  entries.forEach((e, i) => {
    const eLoc = `${loc}.entry[${i}]`;
    const sm = modes[i];
    if (sm === undefined) issues.warning('invalid', m.searchNoMode(), eLoc);
    const res = isObj(e) && isObj(e.resource) ? e.resource : undefined;
    if (!res) {
      issues.error('invalid', m.searchNoResource(), eLoc);
      return;
    }
    const rt = String(res.resourceType ?? '');
    const rLoc = `${eLoc}.resource`;
    if (sm === 'match') {
      if (res.id === undefined) issues.error('invalid', m.searchNoId(), rLoc);
      if (types.length && !types.includes(rt)) issues.error('invalid', m.searchWrongType(rt, types, true), rLoc);
    } else if (sm === 'include') {
      if (res.id === undefined) issues.error('invalid', m.searchNoId(), rLoc);
    } else if (sm !== undefined && rt !== 'OperationOutcome') {
      issues.error('invalid', m.searchOutcome(rt), rLoc);
    }
  });
}

/** Resource types a search URL names: the last path segment, else `_type=`. */
function readSearchTypes(url: string, resourceTypes: ReadonlySet<string>, out: string[]): void {
  const q = url.indexOf('?');
  const head = (q >= 0 ? url.slice(0, q) : url).split('/');
  const last = head[head.length - 1];
  if (last && resourceTypes.has(last)) {
    out.push(last);
    return;
  }
  if (q < 0) return;
  for (const part of url.slice(q + 1).split('&')) {
    if (part.startsWith('_type=')) for (const t of decodeURIComponent(part.slice(6)).split(',')) if (t) out.push(t);
  }
}
