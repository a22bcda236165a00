/**
 * The sharing service's tables (schema versions 200–299). Items themselves are FHIR resources in the store; these
 * rows say what the service knows of each: its kind, registrant, business identifier, flags, clinical date and
 * state, so views, retention and withdrawal are decided in one statement. Every row has `patient_key`.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const v200 = `
CREATE TABLE sharing_items (
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  patient_key text NOT NULL,
  kind text NOT NULL,
  facility text NOT NULL,
  business_id text NOT NULL,
  test_key text NOT NULL DEFAULT '',
  clinical_date timestamptz NOT NULL,
  registered_at timestamptz NOT NULL,
  uninformed boolean NOT NULL DEFAULT false,
  undelivered boolean NOT NULL DEFAULT false,
  long_term boolean NOT NULL DEFAULT false,
  source text NOT NULL,
  withdrawn_at timestamptz,
  purged_at timestamptz,
  PRIMARY KEY (resource_type, resource_id),
  UNIQUE (facility, resource_type, business_id)
);
CREATE INDEX sharing_items_patient ON sharing_items (patient_key, kind, clinical_date DESC);

CREATE TABLE sharing_holds (
  hold_id text PRIMARY KEY,
  patient_key text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  held_at timestamptz NOT NULL,
  released_at timestamptz
);
CREATE INDEX sharing_holds_patient ON sharing_holds (patient_key);
`;

export const sharingMigrations: Migration[] = [{ version: 200, name: 'sharing-items', sql: v200 }];
