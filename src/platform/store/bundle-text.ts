/**
 * Bundles assembled as text: stored resources are already JSON, so a searchset or history Bundle is built by
 * concatenation instead of parsing and re-serialising every resource.
 */

export interface TextEntry {
  fullUrl?: string;
  /** Resource JSON text. */
  resource?: string | null;
  /** Other entry members (search, request, response), serialised normally. */
  extra?: Record<string, unknown>;
}

export function bundleText(head: Record<string, unknown>, entries: TextEntry[]): string {
  const headJson = JSON.stringify({ resourceType: 'Bundle', ...head });
  const parts = entries.map((e) => {
    const members: string[] = [];
    if (e.fullUrl) members.push(`"fullUrl":${JSON.stringify(e.fullUrl)}`);
    if (e.resource) members.push(`"resource":${e.resource}`);
    for (const [k, v] of Object.entries(e.extra ?? {})) members.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    return `{${members.join(',')}}`;
  });
  if (parts.length === 0) return headJson;
  return `${headJson.slice(0, -1)},"entry":[${parts.join(',')}]}`;
}
