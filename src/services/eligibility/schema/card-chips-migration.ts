/**
 * Schema version 112: the chip memory of the virtual card reader (reception/chip-memory.ts). One row per virtual
 * card used through the platform's reader, keyed by the opaque card id (no person, no My Number): the retry
 * counters an uploaded card file cannot reset. Distribute by `card_id`.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';

const sql = `
CREATE TABLE elig_card_chips (
  card_id text PRIMARY KEY,
  pin_retries_left integer NOT NULL,
  pin_locked boolean NOT NULL,
  admin_retries_left integer NOT NULL,
  blocked boolean NOT NULL,
  -- The PIN slot the counters belong to, and those it replaced (JSON array): copies with those are outdated.
  pin_slot text NOT NULL,
  previous_pin_slots text NOT NULL,
  -- Compare-and-set: every write names the version it read.
  version integer NOT NULL,
  updated timestamptz NOT NULL DEFAULT now()
);
`;

export const cardChipsMigration: Migration = { version: 112, name: 'eligibility-virtual-reader-chips', sql };
