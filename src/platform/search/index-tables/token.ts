/** sp_token: codes, identifiers, booleans, contact points — `[system|]code`. */
import { badRequest } from '../../fhir/errors.ts';
import { splitUnescaped, unescapeValue } from '../search-request.ts';
import { isObj, nonEmpty, type IndexTable } from './descriptor.ts';
import { textEquals } from './text-columns.ts';

export type TokenRows = { param: string[]; system: (string | null)[]; code: (string | null)[] };

function add(rows: TokenRows, param: string, system: string | null, code: string | null) {
  if (code === null && system === null) return;
  for (let i = 0; i < rows.param.length; i++) if (rows.param[i] === param && rows.system[i] === system && rows.code[i] === code) return; // no duplicate rows
  rows.param.push(param);
  rows.system.push(system);
  rows.code.push(code);
}

/** ContactPoint.system codes: for a ContactPoint the token is its value alone. */
const CONTACT_SYSTEMS = new Set(['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other']);

/** `system|code` parts, unescaped. */
export const splitBars = (v: string) => splitUnescaped(v, '|').map(unescapeValue);

export const tokenTable: IndexTable<TokenRows> = {
  type: 'token',
  table: 'sp_token',
  columns: {
    param: { name: 'param', cast: 'text[]' },
    system: { name: 'system', cast: 'text[]', prefixed: true },
    code: { name: 'code', cast: 'text[]', prefixed: true },
  },
  empty: () => ({ param: [], system: [], code: [] }),
  extract(rows, p, { value }) {
    if (typeof value === 'string') return add(rows, p, null, value);
    if (typeof value === 'boolean') return add(rows, p, null, String(value));
    if (!isObj(value)) return;
    if (Array.isArray(value.coding) || 'text' in value) {
      // CodeableConcept
      for (const c of (value.coding as unknown[]) ?? []) if (isObj(c)) add(rows, p, nonEmpty(c.system), nonEmpty(c.code));
      return;
    }
    if (typeof value.value === 'string' && !('code' in value)) {
      // Identifier or ContactPoint
      const system = CONTACT_SYSTEMS.has(value.system as string) ? null : nonEmpty(value.system);
      return add(rows, p, system, nonEmpty(value.value));
    }
    // Coding (also Quantity/Money used as a token)
    if ('code' in value || 'system' in value) return add(rows, p, nonEmpty(value.system), nonEmpty(value.code));
  },
  condition(raw, _modifier, p, a) {
    const parts = splitBars(raw);
    if (parts.length > 2) throw badRequest(`トークン ${raw} の形式が正しくありません`, `token '${raw}' has more than one '|'`);
    if (parts.length === 1) return textEquals(`${a}.code`, p, parts[0]);
    const [system, code] = parts;
    if (system === '') return `(${a}.system IS NULL AND ${textEquals(`${a}.code`, p, code)})`;
    if (code === '') return textEquals(`${a}.system`, p, system);
    return `(${textEquals(`${a}.system`, p, system)} AND ${textEquals(`${a}.code`, p, code)})`;
  },
  sort: { ascending: 'code', descending: 'code' },
};
