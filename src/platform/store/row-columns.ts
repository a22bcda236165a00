/** Column lists of stored rows in SELECTs over an alias. */
import { STORED_COLUMNS } from './stored-resource.ts';

const COLUMNS = STORED_COLUMNS.split(', ');

/** Every stored column of rows aliased `alias`. */
export const storedColumns = (alias: string) => COLUMNS.map((c) => `${alias}.${c}`).join(', ');

/** A row's columns without its content, for rows only judged, never returned. */
export const keyColumns = (alias: string) => COLUMNS.map((c) => (c === 'content' ? 'NULL::text AS content' : `${alias}.${c}`)).join(', ');
