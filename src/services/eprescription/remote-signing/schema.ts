/**
 * Schema version 305: the prescribers' signing keys held by the platform for remote signing (リモート署名, modelled on
 * the HPKIセカンド電子証明書): one per staff account, the credential sealed under the holder's signing passphrase.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE eprescription_signing_keys (
  staff_id text PRIMARY KEY,
  facility_code text NOT NULL,
  holder_name text NOT NULL,
  role text NOT NULL,
  registration_number text,
  certificate_serial text NOT NULL,
  certificate_fingerprint text NOT NULL,
  not_after timestamptz NOT NULL,
  sealed text NOT NULL,
  failed_count integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  enrolled_at timestamptz NOT NULL,
  last_used_at timestamptz
);
-- one certificate belongs to one person: it cannot be enrolled for a second account
CREATE UNIQUE INDEX eprescription_signing_keys_certificate ON eprescription_signing_keys (certificate_fingerprint);
`;

export const signingKeysMigration: Migration = { version: 305, name: 'eprescription-signing-keys', sql };
