/**
 * fixed[x] and pattern[x] (固定値・パターン) matching. fixed: the instance equals the value exactly
 * (no extra properties). pattern: every property of the pattern is present with the same value;
 * arrays in a pattern must each match some item of the instance array.
 */

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function primitiveEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return a === b;
}

/** Exact equality of a fixed value (ignoring `id` and extensions on the instance is not allowed: fixed means equal). */
export function matchesFixed(instance: unknown, fixed: unknown): boolean {
  if (!isObj(fixed) && !Array.isArray(fixed)) return primitiveEquals(instance, fixed);
  if (Array.isArray(fixed)) {
    if (!Array.isArray(instance) || instance.length !== fixed.length) return false;
    return fixed.every((f, i) => matchesFixed(instance[i], f));
  }
  if (!isObj(instance)) return false;
  const keys = Object.keys(fixed);
  const instKeys = Object.keys(instance).filter((k) => instance[k] !== undefined);
  if (keys.length !== instKeys.length) return false;
  return keys.every((k) => k in instance && matchesFixed(instance[k], fixed[k]));
}

export function matchesPattern(instance: unknown, pattern: unknown): boolean {
  if (!isObj(pattern) && !Array.isArray(pattern)) return primitiveEquals(instance, pattern);
  if (Array.isArray(pattern)) {
    const items = Array.isArray(instance) ? instance : instance === undefined ? [] : [instance];
    return pattern.every((p) => items.some((i) => matchesPattern(i, p)));
  }
  if (!isObj(instance)) return false;
  for (const k of Object.keys(pattern)) {
    if (!(k in instance)) return false;
    if (!matchesPattern(instance[k], pattern[k])) return false;
  }
  return true;
}
