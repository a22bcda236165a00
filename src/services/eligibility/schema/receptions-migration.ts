/**
 * Schema version 113: the facility's reception history (受付の資格確認の履歴, reception/reception-history.ts). One row
 * per successful reception of a facility or pharmacy ($verify-card, $verify-insurance): who, when, how, and the
 * eligibility the facility was answered, as it was answered (a snapshot, not a reference: a later change of the
 * record does not rewrite what the desk was told). The consent choices the patient made at the reader for that
 * visit are added by $reader-consent. Rows carry `patient_key` (distribute by it, docs/scaling.md); the facility
 * reads its own rows only ($reception-history).
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE elig_receptions (
  -- The visit id of the visit token issued by the reception (random, unique).
  reception_id text PRIMARY KEY,
  facility_code text NOT NULL,
  patient_key text NOT NULL,
  received_at timestamptz NOT NULL,
  -- The visit date eligibility was decided for (YYYY-MM-DD, Japan time).
  visit_date text NOT NULL,
  -- card-pin | card-face | insurance-card | eligibility-certificate
  method text NOT NULL,
  -- Loose search key (never shown): the 氏名 and the カナ氏名 folded (reception-history.ts searchKeyOf).
  search_key text NOT NULL,
  birth_date text NOT NULL,
  coverage_id text,
  -- JSON: the answer's eligibility (the record as answered, without its link key) and the derived values.
  snapshot text NOT NULL,
  -- JSON: the choices at the reader for this visit ({medication, surgery, checkup, setting, until, recordedAt}).
  consent text
);
CREATE INDEX elig_receptions_facility ON elig_receptions (facility_code, received_at DESC, reception_id DESC);
CREATE INDEX elig_receptions_facility_day ON elig_receptions (facility_code, visit_date);
CREATE INDEX elig_receptions_facility_patient ON elig_receptions (facility_code, patient_key, received_at DESC);
CREATE INDEX elig_receptions_patient ON elig_receptions (patient_key);
`;

export const receptionsMigration: Migration = { version: 113, name: 'eligibility-reception-history', sql };
