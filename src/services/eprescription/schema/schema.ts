/**
 * Schema version 303: prescriptions (処方箋), their lines, the dispensings (調剤結果) and their lines, the service's
 * receipt signing key and failed retrievals (for throttling guesses of 引換番号). Rows of a person carry patient_key.
 * Versions 301 (drug master) and 302 (interaction data) are in master/ and checks/.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE eprescription_prescriptions (
  prescription_id text PRIMARY KEY,
  patient_key text NOT NULL,
  insured_key text NOT NULL,
  birth_date text NOT NULL,
  exchange_number text NOT NULL,
  issuer text NOT NULL,
  kind text NOT NULL,
  document_id text NOT NULL,
  issued_on date NOT NULL,
  valid_until date NOT NULL,
  uses_allowed integer NOT NULL,
  split boolean NOT NULL,
  state text NOT NULL,
  uses_done integer NOT NULL DEFAULT 0,
  next_use_from date,
  next_use_until date,
  accepted_by text,
  accepted_at timestamptz,
  prescriber text NOT NULL,
  registered_at timestamptz NOT NULL,
  cancelled_at timestamptz,
  override_reason text,
  alerts text NOT NULL DEFAULT '[]',
  bundle text NOT NULL,
  UNIQUE (issuer, document_id)
);
CREATE INDEX eprescription_prescriptions_person ON eprescription_prescriptions (patient_key, issued_on);
CREATE INDEX eprescription_prescriptions_exchange ON eprescription_prescriptions (exchange_number);
-- a 引換番号 names one open prescription of a person (registration also takes a per-person lock)
CREATE UNIQUE INDEX eprescription_prescriptions_open_exchange ON eprescription_prescriptions (patient_key, exchange_number)
  WHERE state IN ('registered', 'accepted');

CREATE TABLE eprescription_lines (
  prescription_id text NOT NULL,
  line_no integer NOT NULL,
  patient_key text NOT NULL,
  code_system text NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  ingredient_key text NOT NULL,
  class_key text NOT NULL,
  generic_key text,
  quantity numeric NOT NULL,
  unit text NOT NULL,
  days integer,
  substitution text NOT NULL,
  free_text text,
  PRIMARY KEY (prescription_id, line_no)
);
CREATE INDEX eprescription_lines_person ON eprescription_lines (patient_key);

CREATE TABLE eprescription_dispensings (
  dispensing_id text PRIMARY KEY,
  prescription_id text NOT NULL,
  patient_key text NOT NULL,
  pharmacy text NOT NULL,
  use_no integer NOT NULL,
  completes_use boolean NOT NULL,
  dispensed_on date NOT NULL,
  state text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  registered_at timestamptz NOT NULL,
  changed_at timestamptz,
  result text NOT NULL,
  receipt text NOT NULL
);
CREATE INDEX eprescription_dispensings_prescription ON eprescription_dispensings (prescription_id);
CREATE INDEX eprescription_dispensings_person ON eprescription_dispensings (patient_key, dispensed_on);

CREATE TABLE eprescription_dispensed_lines (
  dispensing_id text NOT NULL,
  line_no integer NOT NULL,
  prescription_line integer NOT NULL,
  patient_key text NOT NULL,
  code_system text NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  ingredient_key text NOT NULL,
  class_key text NOT NULL,
  quantity numeric NOT NULL,
  substituted boolean NOT NULL,
  PRIMARY KEY (dispensing_id, line_no)
);

CREATE TABLE eprescription_receipt_keys (
  kid text PRIMARY KEY,
  private_jwk text NOT NULL,
  public_jwk text NOT NULL,
  created timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE eprescription_retrieval_failures (
  caller text NOT NULL,
  failed_at timestamptz NOT NULL
);
CREATE INDEX eprescription_retrieval_failures_caller ON eprescription_retrieval_failures (caller, failed_at);
`;

export const prescriptionsMigration: Migration = { version: 303, name: 'eprescription-prescriptions', sql };
