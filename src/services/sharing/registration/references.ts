/** References between the entries of a document Bundle, rewritten to where the entries are stored. */
type Json = Record<string, unknown>;

/**
 * A copy of `value` where every `reference` naming a key of `targets` (an entry's fullUrl) names its stored
 * resource instead (`Type/id`), as a transaction Bundle would resolve it; everything else is kept as it was.
 */
export function rewriteReferences<T>(value: T, targets: Map<string, string>): T {
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, targets)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    out[k] = k === 'reference' && typeof v === 'string' && targets.has(v) ? targets.get(v) : rewriteReferences(v, targets);
  }
  return out as T;
}
