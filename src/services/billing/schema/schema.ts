/**
 * Schema version 600: the billing service's fee master (versions 600–699). One row per version — (code, valid_from)
 * for items, and per relation key and valid_from — so re-importing a file upserts and changes nothing.
 *   billing_items              医科診療行為マスター: the FeeItem of each version (item jsonb holds every field)
 *   billing_count_limits       算定回数テーブル
 *   billing_exclusions         背反テーブル (scope: day 1日 / month 同一月 / same-time 同時 / week 1週間)
 *   billing_inclusion_links    補助マスターテーブル: an item includes a 包括 group in a scope
 *   billing_inclusion_members  包括テーブル: the items of each group
 *   billing_bundle_steps       包括検査のまるめ steps (our file: the fee schedule's count → points)
 *   billing_master_files       each imported file: kind, name, rows, when (the master's description)
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE billing_items (
  code text NOT NULL CHECK (code ~ '^[0-9]{9}$'),
  valid_from date NOT NULL,
  valid_to date,
  item jsonb NOT NULL,
  PRIMARY KEY (code, valid_from)
);

CREATE TABLE billing_count_limits (
  code text NOT NULL,
  unit text NOT NULL CHECK (unit IN ('day', 'week', 'month', 'year')),
  valid_from date NOT NULL,
  valid_to date,
  max_count integer NOT NULL CHECK (max_count > 0),
  PRIMARY KEY (code, unit, valid_from)
);

CREATE TABLE billing_exclusions (
  code1 text NOT NULL,
  code2 text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('day', 'month', 'same-time', 'week')),
  valid_from date NOT NULL,
  valid_to date,
  keep text NOT NULL CHECK (keep IN ('first', 'second', 'either')),
  PRIMARY KEY (code1, code2, scope, valid_from)
);
CREATE INDEX billing_exclusions_code2 ON billing_exclusions (code2);

CREATE TABLE billing_inclusion_links (
  code text NOT NULL,
  group_no text NOT NULL,
  scope text NOT NULL CHECK (scope IN ('day', 'month')),
  valid_from date NOT NULL,
  valid_to date,
  PRIMARY KEY (code, group_no, scope, valid_from)
);

CREATE TABLE billing_inclusion_members (
  group_no text NOT NULL,
  code text NOT NULL,
  valid_from date NOT NULL,
  valid_to date,
  PRIMARY KEY (group_no, code, valid_from)
);

CREATE TABLE billing_bundle_steps (
  group_key text NOT NULL,
  min_items integer NOT NULL CHECK (min_items > 0),
  valid_from date NOT NULL,
  valid_to date,
  name text NOT NULL,
  points integer NOT NULL CHECK (points >= 0),
  source text,
  PRIMARY KEY (group_key, min_items, valid_from)
);

CREATE TABLE billing_master_files (
  kind text NOT NULL,
  file_name text NOT NULL,
  rows integer NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, file_name)
);
`;

export const billingMigration: Migration = { version: 600, name: 'billing-master', sql };
