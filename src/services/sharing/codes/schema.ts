/**
 * Schema version 201: the imported code lists (official files, importers.ts). One row per code per source; the
 * lists are merged when loaded (code-store.ts). No person data.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE sharing_codes (
  list text NOT NULL,
  code text NOT NULL,
  display text,
  item text,
  valid_from date,
  valid_to date,
  source text NOT NULL,
  PRIMARY KEY (list, code, source)
);
CREATE INDEX sharing_codes_source ON sharing_codes (source);
`;

export const codeTablesMigration: Migration = { version: 201, name: 'sharing-codes', sql };
