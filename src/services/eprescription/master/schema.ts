/**
 * Schema version 301: the imported drug master rows (importers.ts), one per code version per source; merged with
 * the shipped sample when loaded (store.ts). No person data, so no patient_key.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE eprescription_drug_master (
  source text NOT NULL,
  row_key text NOT NULL,
  receipt_code text,
  yj_code text,
  price_code text,
  general_code text,
  hot9 text,
  name text NOT NULL,
  general_name text,
  unit text,
  ingredient_key text,
  class_key text,
  valid_from date,
  valid_to date,
  revised_on date,
  PRIMARY KEY (source, row_key)
);
CREATE INDEX eprescription_drug_master_receipt ON eprescription_drug_master (receipt_code);
CREATE INDEX eprescription_drug_master_yj ON eprescription_drug_master (yj_code);
CREATE INDEX eprescription_drug_master_general ON eprescription_drug_master (general_code);
CREATE INDEX eprescription_drug_master_hot9 ON eprescription_drug_master (hot9);
`;

export const drugMasterMigration: Migration = { version: 301, name: 'eprescription-drug-master', sql };
