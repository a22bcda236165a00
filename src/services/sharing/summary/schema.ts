/**
 * Schema version 204: one row per patient summary (患者サマリー) — per person (`patient_key`) and registering facility —
 * naming the stored resources of its version in force (Composition first). A new registration of the same facility
 * for the same person is a new version of the same row (and of the same Composition).
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE sharing_summaries (
  summary_id text PRIMARY KEY,
  patient_key text NOT NULL,
  facility text NOT NULL,
  document_id text NOT NULL,
  resources text[] NOT NULL,
  version integer NOT NULL DEFAULT 1,
  registered_at timestamptz NOT NULL,
  UNIQUE (patient_key, facility)
);
`;

export const summariesMigration: Migration = { version: 204, name: 'sharing-summaries', sql };
