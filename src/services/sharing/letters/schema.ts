/**
 * Schema version 220: referral letters and discharge summaries (診療情報提供書・退院時サマリー). One row per letter:
 * who sent it to whom, about which person (`patient_key`), its delivery state and times, and the document itself
 * (the Bundle JSON as sent — letters are documents, not searchable resources, so they never enter the store). Erasure
 * clears the documents and keeps the row, so the sender still sees the delivery state.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE sharing_letters (
  letter_id text PRIMARY KEY,
  patient_key text NOT NULL,
  kind text NOT NULL,
  sender text NOT NULL,
  addressee text NOT NULL,
  document_id text NOT NULL,
  signed boolean NOT NULL DEFAULT false,
  attachments integer NOT NULL DEFAULT 0,
  has_summary boolean NOT NULL DEFAULT false,
  items text[] NOT NULL DEFAULT '{}',
  state text NOT NULL,
  sent_at timestamptz NOT NULL,
  received_at timestamptz,
  acknowledged_at timestamptz,
  erase_after timestamptz NOT NULL,
  erased_at timestamptz,
  letter text,
  discharge_summary text,
  UNIQUE (sender, kind, document_id)
);
CREATE INDEX sharing_letters_addressee ON sharing_letters (addressee, sent_at DESC) WHERE erased_at IS NULL;
CREATE INDEX sharing_letters_sender ON sharing_letters (sender, sent_at DESC);
CREATE INDEX sharing_letters_due ON sharing_letters (erase_after) WHERE erased_at IS NULL;
CREATE INDEX sharing_letters_patient ON sharing_letters (patient_key);
`;

export const lettersMigration: Migration = { version: 220, name: 'sharing-letters', sql };
