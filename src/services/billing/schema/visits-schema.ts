/**
 * Schema version 610: the visits a facility recorded (会計済みの受診). Each row keeps what was entered, the patient's
 * eligibility as the reception was answered (with the 公費 caps the desk added), and the result charged at the window;
 * the month's claim file is made from these rows. A cancelled visit stays (cancelled_at, who, why) and is not claimed.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE billing_visits (
  visit_id text PRIMARY KEY,
  facility_code text NOT NULL,
  patient_key text NOT NULL,
  visit_date date NOT NULL,
  visit_month text NOT NULL CHECK (visit_month ~ '^[0-9]{4}-[0-9]{2}$'),
  recorded_at timestamptz NOT NULL,
  recorded_by text NOT NULL,
  facility jsonb NOT NULL,
  patient jsonb NOT NULL,
  visit jsonb NOT NULL,
  result jsonb NOT NULL,
  total_points integer NOT NULL,
  patient_yen integer NOT NULL,
  cancelled_at timestamptz,
  cancelled_by text,
  cancel_reason text
);
CREATE INDEX billing_visits_month ON billing_visits (facility_code, visit_month, patient_key, visit_date, recorded_at);
CREATE INDEX billing_visits_patient ON billing_visits (patient_key, facility_code, visit_date);
`;

export const billingVisitsMigration: Migration = { version: 610, name: 'billing-visits', sql };
