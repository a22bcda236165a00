/** Builds a statement's parameter list while its SQL text is assembled (`$1`, `$2`, … with optional casts). */
export class StatementParams {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(cast === 'text[]' && Array.isArray(value) ? textArrayLiteral(value) : value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

const NEEDS_ESCAPE = /["\\]/;
const CONTROL = /[\u0000-\u001f]/;
/** `String.prototype.isWellFormed` (ES2024, in Node 20): no lone surrogates, which JSON.stringify would escape. */
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** One quoted element. JSON's string quoting equals the array literal's when the text holds no control characters
 * or lone surrogates (the only other things JSON escapes), and is native code: a resource's JSON goes this way. */
function quoted(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return `"${v}"`;
  if (!CONTROL.test(v) && wellFormed(v)) return JSON.stringify(v);
  return `"${v.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * A PostgreSQL array literal of strings and NULLs (`{"a","b\"c",NULL}`), for a `$n::text[]` parameter. Inside
 * double quotes only `"` and `\` are special, so most elements are copied as they are (the drivers' generic
 * array encoders run two regular expressions over every element). Arrays holding anything else are returned
 * unchanged for the driver.
 */
export function textArrayLiteral(values: readonly unknown[]): string | readonly unknown[] {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v !== 'string') return values;
    else out += quoted(v);
  }
  return `${out}}`;
}
