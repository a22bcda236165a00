/**
 * Eligibility service tables (schema versions 100–199). The FHIR resources (Patient, Coverage, Organization,
 * Consent) are the record clients read; these tables are the fast path at reception, written in the same
 * transaction as the resources. Rows about a person carry `patient_key` (docs/scaling.md); dates are ISO
 * `YYYY-MM-DD` text (eligibility works in whole Japan-time days and compares them as strings).
 */
import type { Migration } from '../../../platform/storage/migrate.ts';
import { CONSENT_CATEGORY_SYSTEM } from '../model/fhir-codes.ts';

const v100 = `
-- Insurers seen so far: 保険者番号 (8 digits) → the Organization resource.
CREATE TABLE elig_insurers (
  insurer_number text PRIMARY KEY,
  organization_id text NOT NULL
);

-- 個人連携キー (the role of the 機関別符号: the same key for one person at every insurer) → Patient.
CREATE TABLE elig_person_links (
  link_key text PRIMARY KEY,
  patient_key text NOT NULL
);
CREATE INDEX elig_person_links_patient ON elig_person_links (patient_key);

-- One row per eligibility period (資格); the Coverage resource coverage_id holds the same data as FHIR.
CREATE TABLE elig_records (
  record_key text PRIMARY KEY,
  patient_key text NOT NULL,
  insured_key text NOT NULL,
  number_key text NOT NULL,
  insurer_number text NOT NULL,
  birth_date text NOT NULL,
  acquired_on text NOT NULL,
  lost_on text,
  coverage_id text NOT NULL,
  record text NOT NULL,
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX elig_records_patient ON elig_records (patient_key);
CREATE INDEX elig_records_number ON elig_records (number_key);
CREATE INDEX elig_records_insured ON elig_records (insured_key);

-- 利用者証明用電子証明書 → person. Serials are unique per issuing CA; a renewal supersedes the old row.
CREATE TABLE elig_cards (
  issuer_fingerprint text NOT NULL,
  serial text NOT NULL,
  fingerprint text NOT NULL,
  card_id text NOT NULL,
  patient_key text NOT NULL,
  not_after timestamptz,
  linked_at timestamptz NOT NULL DEFAULT now(),
  superseded_by text,
  unlinked_at timestamptz,
  PRIMARY KEY (issuer_fingerprint, serial)
);
CREATE UNIQUE INDEX elig_cards_fingerprint ON elig_cards (fingerprint);
CREATE INDEX elig_cards_patient ON elig_cards (patient_key);

-- Replay guard: a redeemed challenge nonce, kept until its challenge has expired.
CREATE TABLE elig_challenge_nonces (
  nonce text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX elig_challenge_nonces_expiry ON elig_challenge_nonces (expires_at);

-- Secrets every node shares (challenge MAC key, visit-token key).
CREATE TABLE elig_secrets (
  name text PRIMARY KEY,
  value bytea NOT NULL
);

-- Consent at the reader: one row per category choice (the Consent resource is the record).
CREATE TABLE elig_consents (
  consent_id text PRIMARY KEY,
  patient_key text NOT NULL,
  facility_code text NOT NULL,
  category text NOT NULL,
  decision text NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz NOT NULL,
  visit_id text NOT NULL,
  recorded timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX elig_consents_lookup ON elig_consents (patient_key, facility_code, category, recorded DESC);

-- Which consent categories a person has data of, per resource type (searches check these: they do not see rows).
CREATE TABLE elig_labelled_data (
  patient_key text NOT NULL,
  resource_type text NOT NULL,
  category text NOT NULL,
  PRIMARY KEY (patient_key, resource_type, category)
);
`;

/**
 * Issue 9: identity records (who may set a person's identity fields), insurers' check-up grants for the records
 * registered before grants existed, and the limits of number input at reception.
 */
const v101 = `
-- The record was matched on an identity basis: it created the person, or came with their registered link key
-- (person-identity.ts). Records registered before this version keep setting identity, as they did.
ALTER TABLE elig_records ADD COLUMN identity boolean NOT NULL DEFAULT true;
-- When the record was first registered (a record linked from another insurer opens data from then on).
ALTER TABLE elig_records ADD COLUMN registered timestamptz NOT NULL DEFAULT now();

-- Insurers read check-up data of their members dated within each membership period (member-grants.ts).
INSERT INTO access_grants (source, grantee, patient_key, label, valid_from, valid_to, data_from, data_to, basis)
SELECT 'eligibility:record:' || r.record_key, 'insurer:' || r.insurer_number, r.patient_key, '${CONSENT_CATEGORY_SYSTEM}|checkup', now(), NULL,
       (r.acquired_on || ' 00:00:00+09')::timestamptz, (r.lost_on || ' 00:00:00+09')::timestamptz, 'Coverage/' || r.coverage_id
  FROM elig_records r
 WHERE NOT EXISTS (SELECT 1 FROM access_grants g WHERE g.source = 'eligibility:record:' || r.record_key);

-- Number input per client (probe-guard.ts): entries looked up per minute; the limit applies to the last 60 minutes.
CREATE TABLE elig_number_lookups (
  client_id text NOT NULL,
  minute timestamptz NOT NULL,
  entries integer NOT NULL,
  PRIMARY KEY (client_id, minute)
);
CREATE INDEX elig_number_lookups_minute ON elig_number_lookups (minute);

-- Failed number lookups per card number 保険者番号:記号:番号 (every 枝番), whether or not anyone is registered under
-- it, in a 24-hour window from the first failure. Keyed by the number (not a person): distribute by number_key.
CREATE TABLE elig_number_failures (
  number_key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  failures integer NOT NULL
);
CREATE INDEX elig_number_failures_window ON elig_number_failures (window_start);
`;

export const eligibilityMigrations: Migration[] = [
  { version: 100, name: 'eligibility', sql: v100 },
  { version: 101, name: 'eligibility-identity-grants-probing', sql: v101 },
];
