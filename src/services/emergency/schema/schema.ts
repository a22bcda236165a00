/**
 * Schema version 500: the emergency service's records (versions 500–599).
 *   emergency_accesses   every use of the workflows — an emergency view (救急時医療情報閲覧, a time-limited grant), an
 *                        ambulance lookup (救急隊), a disaster view (災害時) — with who, why, how the person was
 *                        identified, the window, the views made, the facility's review and the patient's notice
 *   emergency_disasters  disasters an operator declared: prefectures and period (it ends by itself)
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE emergency_accesses (
  access_id text PRIMARY KEY,
  patient_key text NOT NULL,
  mode text NOT NULL CHECK (mode IN ('emergency', 'ambulance', 'disaster')),
  grantee text NOT NULL,
  organisation_name text NOT NULL,
  client_id text NOT NULL,
  staff_id text,
  staff_name text,
  staff_role text,
  reason_code text NOT NULL,
  reason_text text NOT NULL DEFAULT '',
  identified_by text NOT NULL CHECK (identified_by IN ('card', 'demographics')),
  disaster_id text,
  started_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  ended_at timestamptz,
  views integer NOT NULL DEFAULT 0,
  last_viewed_at timestamptz,
  review_state text NOT NULL DEFAULT 'pending' CHECK (review_state IN ('pending', 'confirmed', 'flagged')),
  reviewed_by text,
  reviewed_at timestamptz,
  review_note text,
  notice_id text
);
CREATE INDEX emergency_accesses_grantee ON emergency_accesses (grantee, started_at DESC);
CREATE INDEX emergency_accesses_patient ON emergency_accesses (patient_key, started_at DESC);
CREATE INDEX emergency_accesses_started ON emergency_accesses (started_at);

CREATE TABLE emergency_disasters (
  disaster_id text PRIMARY KEY,
  name text NOT NULL,
  prefectures text[] NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  ended_at timestamptz,
  declared_by text NOT NULL,
  declared_at timestamptz NOT NULL
);
`;

export const emergencyMigration: Migration = { version: 500, name: 'emergency-accesses', sql };
