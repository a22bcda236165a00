/** The searchset Bundle of a search: its entries, paging links, total and warnings, as text. */
import { outcome, type Issue } from '../fhir/outcome.ts';
import type { SearchRequest } from '../search/search-request.ts';
import { bundleText, type TextEntry } from './bundle-text.ts';
import { relativeRef, type StoredResource } from './stored-resource.ts';

export interface SearchOutput {
  req: SearchRequest;
  matches: StoredResource[];
  included: StoredResource[];
  total?: number;
}

/** The searchset Bundle, as text. `query` is the query string as received (its `_offset` is replaced in the links). */
export function searchBundle(out: SearchOutput, base: string, type: string, query: URLSearchParams): string {
  const { req } = out;
  const linkFor = (offset: number) => {
    const q = new URLSearchParams(query);
    q.delete('_offset');
    if (offset > 0) q.set('_offset', String(offset));
    const s = q.toString();
    return `${base}/${type}${s ? `?${s}` : ''}`;
  };
  const link = [{ relation: 'self', url: linkFor(req.offset) }];
  if (req.count > 0) {
    link.push({ relation: 'first', url: linkFor(0) });
    if (req.offset > 0) link.push({ relation: 'previous', url: linkFor(Math.max(0, req.offset - req.count)) });
    const more = out.total !== undefined ? req.offset + req.count < out.total : out.matches.length >= req.count;
    if (more) link.push({ relation: 'next', url: linkFor(req.offset + req.count) });
    if (out.total !== undefined && out.total > 0) link.push({ relation: 'last', url: linkFor(Math.floor((out.total - 1) / req.count) * req.count) });
  }
  const entries: TextEntry[] = [
    ...out.matches.map((m) => ({ fullUrl: `${base}/${relativeRef(m)}`, resource: m.content, extra: { search: { mode: 'match' } } })),
    ...out.included.map((m) => ({ fullUrl: `${base}/${relativeRef(m)}`, resource: m.content, extra: { search: { mode: 'include' } } })),
  ];
  // Warnings about the search itself go in one OperationOutcome entry.
  const warnings: Issue[] = [];
  if (req.ignored.length > 0)
    warnings.push({
      severity: 'warning',
      code: 'not-supported',
      ja: `次の検索パラメータは無視されました: ${req.ignored.join(', ')}`,
      en: `ignored search parameters: ${req.ignored.join(', ')}`,
    });
  if (warnings.length) entries.push({ resource: JSON.stringify(outcome(warnings)), extra: { search: { mode: 'outcome' } } });
  const head: Record<string, unknown> = { type: 'searchset' };
  if (out.total !== undefined) head.total = out.total;
  head.link = link;
  return bundleText(head, entries);
}
