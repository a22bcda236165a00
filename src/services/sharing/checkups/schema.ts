/**
 * Schema version 203: one row per check-up report (健診結果報告書) — whose (`patient_key`), by which provider, of which
 * kind and date, and the stored resources (Composition first). The report's data are FHIR resources in the store; the
 * row lets views, retention and withdrawal decide in one statement. A report the provider registers again under the
 * same Composition.identifier is a new version of the same row.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE sharing_checkups (
  report_id text PRIMARY KEY,
  patient_key text NOT NULL,
  provider text NOT NULL,
  document_id text NOT NULL,
  bundle_id text NOT NULL,
  kind text NOT NULL,
  program_code text NOT NULL,
  report_category text NOT NULL DEFAULT '',
  checkup_date date NOT NULL,
  resources text[] NOT NULL,
  version integer NOT NULL DEFAULT 1,
  registered_at timestamptz NOT NULL,
  withdrawn_at timestamptz,
  purged_at timestamptz,
  UNIQUE (provider, document_id)
);
CREATE INDEX sharing_checkups_patient ON sharing_checkups (patient_key, checkup_date DESC);
CREATE INDEX sharing_checkups_due ON sharing_checkups (checkup_date) WHERE withdrawn_at IS NULL AND purged_at IS NULL;
`;

export const checkupsMigration: Migration = { version: 203, name: 'sharing-checkups', sql };
