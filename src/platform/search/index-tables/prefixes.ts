/**
 * Search prefixes of ordered values (http://hl7.org/fhir/R4/search.html#prefix): `ge2024-01-01`, `lt5.4`. Dates and
 * numbers are ranges given by the precision of the value; see date.ts and number.ts for each.
 */
const PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/s;

export function splitPrefix(value: string): { prefix: string; rest: string } {
  const m = PREFIX.exec(value)!;
  return { prefix: m[1] ?? 'eq', rest: m[2] };
}

/** A parameter placeholder added to the statement only if the SQL uses it (unused parameters are errors). */
export function lazy(make: () => string): () => string {
  let placeholder: string | undefined;
  return () => (placeholder ??= make());
}
