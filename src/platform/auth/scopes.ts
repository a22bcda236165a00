/**
 * SMART on FHIR scopes. Accepted forms: v1 `system/Observation.read`, `system/*.write`, `patient/*.*`,
 * and v2 `system/Observation.rs`, `patient/*.cruds`. Interactions map to v2 letters:
 * c create, r read/vread/history, u update, d delete, s search.
 */

export type Interaction = 'c' | 'r' | 'u' | 'd' | 's';
export type ScopeContext = 'system' | 'user' | 'patient';

export interface Scope {
  context: ScopeContext;
  /** Resource type or `*`. */
  resourceType: string;
  permissions: ReadonlySet<Interaction>;
  raw: string;
}

const V1: Record<string, Interaction[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ['c', 'r', 'u', 'd', 's'] };
const SCOPE = /^(system|user|patient)\/([A-Z][A-Za-z]+|\*)\.(read|write|\*|c?r?u?d?s?)$/;

export function parseScope(raw: string): Scope | undefined {
  const m = SCOPE.exec(raw);
  if (!m || m[3] === '') return undefined;
  const perms = V1[m[3]] ?? (m[3].split('') as Interaction[]);
  return { context: m[1] as ScopeContext, resourceType: m[2], permissions: new Set(perms), raw };
}

/** Parses a space-separated scope string; unknown scopes (openid, launch…) are kept out. */
export function parseScopes(value: string | string[]): Scope[] {
  const list = Array.isArray(value) ? value : value.split(/\s+/);
  return list.map((s) => parseScope(s.trim())).filter((s): s is Scope => s !== undefined);
}

export function allows(scopes: Scope[], resourceType: string, interaction: Interaction): boolean {
  return scopes.some(
    (s) => (s.resourceType === '*' || s.resourceType === resourceType) && s.permissions.has(interaction),
  );
}

/** Scopes granted = requested ∩ allowed, compared permission by permission. */
export function intersectScopes(requested: Scope[], allowed: Scope[]): Scope[] {
  const out: Scope[] = [];
  for (const r of requested) {
    const perms = [...r.permissions].filter((p) =>
      allowed.some(
        (a) =>
          a.context === r.context &&
          (a.resourceType === '*' || a.resourceType === r.resourceType) &&
          a.permissions.has(p),
      ),
    );
    if (perms.length > 0) {
      const letters = (['c', 'r', 'u', 'd', 's'] as Interaction[]).filter((p) => perms.includes(p)).join('');
      out.push({ context: r.context, resourceType: r.resourceType, permissions: new Set(perms), raw: `${r.context}/${r.resourceType}.${letters}` });
    }
  }
  return out;
}
