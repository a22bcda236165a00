/**
 * Schema version 302: the imported interaction data (import-csv.ts, store.ts). One row per rule per dataset (an
 * import's name); `rule_id` is the same for A × B and B × A (rules.ts ruleIdentity). No person data, so no
 * patient_key. Version 302 sits in the e-prescription block (300–399).
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE eprescription_interactions (
  dataset text NOT NULL,
  rule_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('contraindicated', 'duplicate-class')),
  scope_a text NOT NULL CHECK (scope_a IN ('ingredient', 'class')),
  key_a text NOT NULL,
  name_a text,
  scope_b text CHECK (scope_b IN ('ingredient', 'class')),
  key_b text,
  name_b text,
  statement text,
  reference text,
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dataset, rule_id)
);
`;

export const interactionsMigration: Migration = { version: 302, name: 'eprescription-interactions', sql };
