/**
 * Staff accounts of facilities and pharmacies (src/platform/auth/staff): who signs in to the apps, for which
 * facility, in which role. `password_hash` is a scrypt hash (password-hash.ts); `failed_count` / `locked_until` are the
 * lockout after repeated failures; `totp_secret` is the optional second factor (RFC 6238), `totp_last_step` the time step of the last code accepted (a
 * code is good once). Rows are never deleted
 * (the audit log names staff by id): a retired account is inactive.
 */
export const staffAccounts = `
CREATE TABLE staff_accounts (
  staff_id text PRIMARY KEY,
  facility_code text NOT NULL,
  facility_kind text NOT NULL,
  login text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL,
  password_hash text NOT NULL,
  totp_secret text,
  totp_last_step bigint,
  failed_count integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  active boolean NOT NULL DEFAULT true,
  created timestamptz NOT NULL DEFAULT now(),
  UNIQUE (facility_code, login)
);
`;
