/**
 * The order a transaction's entries are written in. Groups come in the order the specification gives (DELETE, POST,
 * PUT …: the caller's group number); within a group, entries keep their Bundle order except that an entry waits
 * for what it depends on in the same group:
 * - a conditional reference `[type]?…` waits for the entries of the types its criteria read (it is resolved just
 *   before its entry is written, so the resources it may match must be there);
 * - a reference to the fullUrl of a conditional create waits for that entry (only then is its id known).
 * Dependencies in a cycle cannot all be met: the earliest waiting entry goes first.
 */

export interface OrderedEntry {
  index: number;
  /** Processing group (lower first). */
  group: number;
  type: string;
  fullUrl?: string;
  /** Types read by the criteria of the entry's conditional references. */
  reads: string[];
  /** fullUrls of conditional creates the entry refers to. */
  awaits: string[];
}

export function processingOrder<T extends OrderedEntry>(entries: T[]): T[] {
  const sorted = [...entries].sort((a, b) => a.group - b.group || a.index - b.index);
  const out: T[] = [];
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end < sorted.length && sorted[end].group === sorted[start].group) end++;
    out.push(...withinGroup(sorted.slice(start, end)));
    start = end;
  }
  return out;
}

function withinGroup<T extends OrderedEntry>(group: T[]): T[] {
  if (!group.some((e) => e.reads.length > 0 || e.awaits.length > 0)) return group;
  const unplacedOfType = new Map<string, number>();
  for (const e of group) unplacedOfType.set(e.type, (unplacedOfType.get(e.type) ?? 0) + 1);
  const unplacedUrls = new Set(group.flatMap((e) => (e.fullUrl ? [e.fullUrl] : [])));
  const ready = (e: T) =>
    e.reads.every((t) => (unplacedOfType.get(t) ?? 0) - (e.type === t ? 1 : 0) === 0) && e.awaits.every((u) => u === e.fullUrl || !unplacedUrls.has(u));
  const waiting = [...group];
  const out: T[] = [];
  while (waiting.length > 0) {
    const k = Math.max(0, waiting.findIndex(ready));
    const [e] = waiting.splice(k, 1);
    out.push(e);
    unplacedOfType.set(e.type, unplacedOfType.get(e.type)! - 1);
    if (e.fullUrl) unplacedUrls.delete(e.fullUrl);
  }
  return out;
}
