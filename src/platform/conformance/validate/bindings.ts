/**
 * Terminology bindings (バインディング). Required bindings are checked against value sets expanded
 * locally: a code outside the value set is an error; a code whose membership cannot be decided
 * (value set or code system not loaded, or not expandable) is a warning. Extensible, preferred and
 * example bindings never produce errors (see docs/conformance.md).
 */
import type { Binding } from '../model/element-node.ts';
import type { IssueCollector } from '../issues.ts';
import { msg } from '../messages.ts';
import type { Terminology, Tri } from '../terminology/terminology.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkBinding(value: unknown, type: string, binding: Binding, loc: string, term: Terminology, issues: IssueCollector, from?: string): void {
  if (binding.strength !== 'required' || !binding.valueSet) return;
  const vs = binding.valueSet;
  if (binding.alsoAllowed && typeof value === 'string' && binding.alsoAllowed.has(value)) return;
  switch (type) {
    case 'code':
    case 'string':
    case 'uri':
      if (typeof value === 'string') report(term.inValueSet(from, vs, undefined, value), vs, undefined, value, loc, issues);
      return;
    case 'Coding':
    case 'Quantity':
    case 'SimpleQuantity':
    case 'Age':
    case 'Duration':
    case 'Count':
    case 'Distance':
    case 'MoneyQuantity':
      if (isObj(value) && typeof value.code === 'string') {
        report(
          term.inValueSet(from, vs, value.system as string | undefined, value.code),
          vs,
          value.system as string | undefined,
          value.code,
          `${loc}.code`,
          issues,
        );
      }
      return;
    case 'CodeableConcept': {
      if (!isObj(value)) return;
      const codings = (Array.isArray(value.coding) ? value.coding : []).filter((c): c is Record<string, unknown> => isObj(c) && typeof c.code === 'string');
      if (!codings.length) {
        issues.error('code-invalid', msg.noCodeForRequired(vs), loc);
        return;
      }
      let uncheckable: { reason: string; code: string; i: number } | undefined;
      for (let i = 0; i < codings.length; i++) {
        const c = codings[i];
        const r = term.inValueSet(from, vs, c.system as string | undefined, c.code as string);
        if (r.result === 'yes') return;
        if (r.result === 'unknown') uncheckable ??= { reason: r.reason, code: String(c.code), i };
      }
      if (uncheckable) {
        issues.warning('code-invalid', msg.bindingUncheckable(vs, uncheckable.reason, uncheckable.code), `${loc}.coding[${uncheckable.i}]`);
      } else {
        issues.error('code-invalid', msg.noCodeInValueSet(vs), loc);
      }
      return;
    }
    default:
  }
}

function report(r: Tri, vs: string, system: string | undefined, code: string, loc: string, issues: IssueCollector): void {
  if (r.result === 'no') issues.error('code-invalid', msg.codeNotInValueSet(code, system, vs), loc);
  else if (r.result === 'unknown') issues.warning('code-invalid', msg.bindingUncheckable(vs, r.reason, code), loc);
}
