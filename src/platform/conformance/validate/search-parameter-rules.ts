/**
 * SearchParameter rules (SearchParameterValidator of the HL7 Java validator): a SearchParameter
 * derived from another (`derivedFrom`) must keep to it — every base listed must be a base of the
 * one it derives from (or that one is on `Resource`), the type must be the same; an expression that
 * differs from the parent's once reduced to the bases both share is a warning. A `derivedFrom` not
 * found is a warning. Parents are looked up among the SearchParameters of the loaded IG packages
 * and base R4's (search-parameters.json, read on first need only).
 */
import { baseDefinitionFile } from '../../fhir/base-definitions.ts';
import type { Definitions } from '../definitions.ts';
import type { IssueCollector } from '../issues.ts';
import type { Message } from '../messages.ts';
import type { Json } from './references.ts';

let baseParams: Map<string, Json> | undefined;

function baseSearchParameter(url: string): Json | undefined {
  if (!baseParams) {
    baseParams = new Map();
    try {
      const bundle = baseDefinitionFile<{ entry?: { resource?: Json }[] }>('search-parameters.json');
      for (const e of bundle.entry ?? []) {
        const r = e.resource;
        if (r?.resourceType === 'SearchParameter' && typeof r.url === 'string') baseParams.set(r.url, r);
      }
    } catch {
      // no base search parameters available: parents are then only looked up in the packages
    }
  }
  return baseParams.get(url.split('|')[0]);
}

const m = {
  notFound: (url: string): Message => ({
    ja: `derivedFrom の SearchParameter ${url} が見つかりません`,
    en: `The parent SearchParameter '${url}' could not be found`,
  }),
  baseWrong: (parent: string, base: string): Message => ({
    ja: `リソース型 ${base} は派生元の SearchParameter (${parent}) の base にありません`,
    en: `The resource type ${base} is not listed as a base in the SearchParameter this is derived from (${parent})`,
  }),
  typeWrong: (parent: string, pt: string, t: string): Message => ({
    ja: `type ${t} は派生元の SearchParameter (${parent}) の type ${pt} と異なります`,
    en: `The type ${t} is different to the type ${pt} in the derivedFrom SearchParameter ${parent}`,
  }),
  expWrong: (parent: string, pe: string, e: string): Message => ({
    ja: `expression ${e} は派生元 ${parent} の expression ${pe} と整合しません`,
    en: `The expression '${e}' is not compatible with the expression '${pe}' in the derivedFrom SearchParameter ${parent}`,
  }),
};

interface Host {
  defs: Definitions;
  issues: IssueCollector;
}

export function checkSearchParameter(host: Host, sp: Json, loc: string): void {
  const master = typeof sp.derivedFrom === 'string' ? sp.derivedFrom : undefined;
  if (!master) return;
  const parent = host.defs.searchParameters.get(master) ?? baseSearchParameter(master);
  if (!parent) {
    host.issues.warning('business-rule', m.notFound(master), loc);
    return;
  }
  const parentBases = Array.isArray(parent.base) ? (parent.base as unknown[]) : [];
  const bases = Array.isArray(sp.base) ? (sp.base as unknown[]).filter((b): b is string => typeof b === 'string') : [];
  for (const b of bases) {
    if (!parentBases.includes(b) && !parentBases.includes('Resource')) host.issues.error('business-rule', m.baseWrong(master, b), loc);
  }
  if (typeof sp.type === 'string' && typeof parent.type === 'string' && sp.type !== parent.type) {
    host.issues.error('business-rule', m.typeWrong(master, parent.type, sp.type), loc);
  }
  if (typeof parent.expression === 'string' && typeof sp.expression === 'string' && parent.expression !== sp.expression) {
    if (reduce(sp.expression, bases, host.defs) !== reduce(parent.expression, bases, host.defs)) {
      host.issues.warning('business-rule', m.expWrong(master, parent.expression, sp.expression), loc);
    }
  }
}

/** A union of paths reduced to those on the given bases (paths not starting with a resource type kept), sorted. */
function reduce(expression: string, bases: string[], defs: Definitions): string {
  const parts = expression.split('|').map((p) => p.trim().replace(/^\((.*)\)$/, '$1'));
  const kept = parts.filter((p) => {
    const head = p.split(/[.(]/)[0];
    return !defs.resourceTypes.has(head) || bases.includes(head);
  });
  return kept.sort().join(' | ');
}
