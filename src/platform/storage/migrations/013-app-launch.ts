/**
 * Sign-in to the apps (SMART App Launch, issue 13):
 *   facilities           the facility directory (医療機関・薬局・保険者・健診機関 by code, with the name people pick by)
 *   clients              gains `redirect_uris` and `app_users` for app clients (public clients of the authorization
 *                        server, kind `app`), and an explicit `deleted` (an app client has no keys, so "no keys" no longer
 *                        means deleted)
 *   authorization_codes  one-time codes of the authorization code flow (stored as a hash; PKCE challenge beside it)
 *   refresh_tokens       a signed-in person's session: rotated on each use, a reused one ends the session
 */
export const appLaunch = `
CREATE TABLE facilities (
  code text PRIMARY KEY,
  name text NOT NULL,
  kana text,
  kind text NOT NULL,
  prefecture text,
  address text,
  active boolean NOT NULL DEFAULT true,
  created timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE clients ADD COLUMN redirect_uris text[] NOT NULL DEFAULT '{}';
ALTER TABLE clients ADD COLUMN app_users text[] NOT NULL DEFAULT '{}';
ALTER TABLE clients ADD COLUMN deleted boolean NOT NULL DEFAULT false;
UPDATE clients SET deleted = true WHERE jsonb_array_length(jwks::jsonb -> 'keys') = 0;
CREATE TABLE authorization_codes (
  code_hash text PRIMARY KEY,
  client_id text NOT NULL,
  redirect_uri text NOT NULL,
  code_challenge text NOT NULL,
  grant_data text NOT NULL,
  expires_at timestamptz NOT NULL,
  used boolean NOT NULL DEFAULT false
);
CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id text NOT NULL,
  client_id text NOT NULL,
  grant_data text NOT NULL,
  expires_at timestamptz NOT NULL,
  used boolean NOT NULL DEFAULT false
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
`;
