/**
 * What a person's sign-in grants (kept with the authorization code and the refresh token until a token is issued
 * from it): the app, the person, the organisation they act for and the scopes. Access tokens carry the same.
 */
import type { PrincipalKind, PrincipalUser } from '../principal.ts';

export interface UserGrant {
  /** The app (client_id). */
  clientId: string;
  /** One sign-in: every token refreshed from it shares this id; logout or a reused refresh token ends it. */
  sessionId: string;
  user: PrincipalUser;
  /** facility / pharmacy for staff, patient for a person. */
  kind: PrincipalKind;
  /** The principal's name: the facility's name for staff (as the access log shows it), the person's for a patient. */
  name: string;
  facilityCode?: string;
  patientId?: string;
  /** Granted scopes, raw (resource and launch scopes). */
  scopes: string[];
  /** When the person signed in (seconds since the epoch; the id token's auth_time). */
  authTime: number;
  /** The authorization request's nonce, echoed in the id token. */
  nonce?: string;
}
