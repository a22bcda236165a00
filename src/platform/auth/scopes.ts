/**
 * SMART on FHIR scopes. Accepted forms: v1 `system/Observation.read`, `system/*.write`, `patient/*.*`,
 * and v2 `system/Observation.rs`, `patient/*.cruds`. Interactions map to v2 letters:
 * c create, r read/vread/history, u update, d delete, s search. A granted scope keeps the form it was asked in
 * (v1 stays v1) when that form can say exactly what is granted; otherwise it is granted in v2 letters.
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
  return scopes.some((s) => (s.resourceType === '*' || s.resourceType === resourceType) && s.permissions.has(interaction));
}

/**
 * SMART scopes of app launch and identity (no user, no launch context, no refresh token in backend services): a token
 * request may name them, they are never granted.
 */
export const LAUNCH_SCOPES: ReadonlySet<string> = new Set([
  'openid',
  'fhirUser',
  'profile',
  'launch',
  'launch/patient',
  'launch/encounter',
  'offline_access',
  'online_access',
]);

const LETTERS: Interaction[] = ['c', 'r', 'u', 'd', 's'];
const isV1 = (s: Scope) => Object.hasOwn(V1, s.raw.slice(s.raw.lastIndexOf('.') + 1));

/** A scope's suffix for a set of permissions: the v1 word that says exactly this set when `v1`, else v2 letters. */
function suffixOf(perms: ReadonlySet<Interaction>, v1: boolean): string {
  if (v1) for (const [word, set] of Object.entries(V1)) if (set.length === perms.size && set.every((p) => perms.has(p))) return word;
  return LETTERS.filter((p) => perms.has(p)).join('');
}

/**
 * Scopes granted = requested ∩ allowed, compared permission by permission, each in the form it was requested: v1
 * `system/Observation.read` stays v1 when both r and s are allowed; when only part of a v1 scope is allowed (`r`
 * alone, or `c` of `write`), v1 cannot say it, and the part is granted in v2 letters (`system/Observation.r`).
 */
export function intersectScopes(requested: Scope[], allowed: Scope[]): Scope[] {
  const out = new Map<string, Scope>();
  for (const r of requested) {
    const perms = new Set(
      [...r.permissions].filter((p) =>
        allowed.some((a) => a.context === r.context && (a.resourceType === '*' || a.resourceType === r.resourceType) && a.permissions.has(p)),
      ),
    );
    if (perms.size === 0) continue;
    const raw = `${r.context}/${r.resourceType}.${suffixOf(perms, isV1(r))}`;
    out.set(raw, { context: r.context, resourceType: r.resourceType, permissions: perms, raw });
  }
  return [...out.values()];
}
