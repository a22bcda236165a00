/**
 * What a token request is granted (RFC 6749 §3.3, SMART backend services): the requested resource scopes that the
 * client's registration allows, each in the form it was asked in (scopes.ts intersectScopes). No `scope` asks for
 * everything registered. Launch and identity scopes (`openid`, `fhirUser`, `launch`, `offline_access` …) are left
 * out of the grant — the response's `scope` says what was granted — and an unknown or malformed scope (a typo, a v2
 * scope with query parameters) is refused as `invalid_scope`, as is a request of which nothing can be granted.
 */
import { OAuthError } from './client-assertion.ts';
import { intersectScopes, LAUNCH_SCOPES, parseScope, parseScopes, type Scope } from './scopes.ts';

export function grantScopes(requested: string | undefined, registered: string[]): Scope[] {
  const names = (requested ?? '').split(/\s+/).filter(Boolean);
  const unknown = names.filter((s) => !parseScope(s) && !LAUNCH_SCOPES.has(s));
  if (unknown.length) throw new OAuthError('invalid_scope', `unknown scope(s): ${unknown.join(' ')}`);
  const allowed = parseScopes(registered);
  const asked = names.length ? parseScopes(names) : allowed;
  if (names.length && asked.length === 0)
    throw new OAuthError('invalid_scope', `no resource scope requested (${names.join(' ')} are not granted to backend services)`);
  const granted = intersectScopes(asked, allowed);
  if (granted.length === 0) throw new OAuthError('invalid_scope', 'none of the requested scopes is allowed for this client');
  return granted;
}
