/**
 * Turns a resource into the rows of the search index tables (sp_token, sp_string, …), column-wise so that
 * each table is filled by one `INSERT … SELECT FROM unnest(…)` in the write statement.
 */
import { parseReference } from '../fhir/references.ts';
import { isoOrInfinity, parseDateRange } from './dates.ts';
import { normalizeForSearch } from './normalize.ts';
import type { FoundValue } from './expression.ts';
import type { SearchParam, SearchRegistry } from './registry.ts';

export interface IndexRows {
  token: { param: string[]; system: (string | null)[]; code: (string | null)[] };
  string: { param: string[]; norm: string[]; exact: (string | null)[] };
  date: { param: string[]; low: string[]; high: string[] };
  reference: { param: string[]; targetType: (string | null)[]; targetId: (string | null)[]; targetUrl: (string | null)[] };
  number: { param: string[]; value: string[] };
  quantity: { param: string[]; value: string[]; system: (string | null)[]; code: (string | null)[]; unit: (string | null)[] };
  uri: { param: string[]; uri: string[] };
}

export function emptyIndexRows(): IndexRows {
  return {
    token: { param: [], system: [], code: [] },
    string: { param: [], norm: [], exact: [] },
    date: { param: [], low: [], high: [] },
    reference: { param: [], targetType: [], targetId: [], targetUrl: [] },
    number: { param: [], value: [] },
    quantity: { param: [], value: [], system: [], code: [], unit: [] },
    uri: { param: [], uri: [] },
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function addToken(rows: IndexRows, param: string, system: string | null, code: string | null) {
  if (code === null && system === null) return;
  const t = rows.token;
  for (let i = 0; i < t.param.length; i++)
    if (t.param[i] === param && t.system[i] === system && t.code[i] === code) return; // no duplicate rows
  t.param.push(param);
  t.system.push(system);
  t.code.push(code);
}

/** ContactPoint.system codes: for a ContactPoint the token is its value alone. */
const CONTACT_SYSTEMS = new Set(['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other']);

function indexToken(rows: IndexRows, p: string, { value }: FoundValue) {
  if (typeof value === 'string') return addToken(rows, p, null, value);
  if (typeof value === 'boolean') return addToken(rows, p, null, String(value));
  if (!isObj(value)) return;
  if (Array.isArray(value.coding) || 'text' in value) {
    // CodeableConcept
    for (const c of (value.coding as unknown[]) ?? [])
      if (isObj(c)) addToken(rows, p, str(c.system), str(c.code));
    return;
  }
  if (typeof value.value === 'string' && !('code' in value)) {
    // Identifier or ContactPoint
    const system = CONTACT_SYSTEMS.has(value.system as string) ? null : str(value.system);
    return addToken(rows, p, system, str(value.value));
  }
  if ('code' in value || 'system' in value) {
    // Coding (also Quantity/Money used as a token)
    return addToken(rows, p, str(value.system), str(value.code));
  }
}

function addString(rows: IndexRows, p: string, s: unknown) {
  if (typeof s !== 'string' || s.length === 0) return;
  const norm = normalizeForSearch(s);
  rows.string.param.push(p);
  rows.string.norm.push(norm);
  rows.string.exact.push(norm === s ? null : s);
}

function indexString(rows: IndexRows, p: string, { value }: FoundValue) {
  if (typeof value === 'string') return addString(rows, p, value);
  if (!isObj(value)) return;
  // HumanName, Address and other complex types: every string part is searchable, and the whole as written.
  const parts: string[] = [];
  for (const key of ['text', 'family', 'given', 'prefix', 'suffix', 'line', 'city', 'district', 'state', 'postalCode', 'country']) {
    const v = value[key];
    for (const s of Array.isArray(v) ? v : [v]) {
      if (typeof s === 'string' && s) {
        addString(rows, p, s);
        if (key !== 'text') parts.push(s);
      }
    }
  }
  if (parts.length > 1 && typeof value.text !== 'string') addString(rows, p, parts.join(' '));
}

function addDate(rows: IndexRows, p: string, low: number | undefined, high: number | undefined) {
  if (low === undefined && high === undefined) return;
  rows.date.param.push(p);
  rows.date.low.push(isoOrInfinity(low, 'low'));
  rows.date.high.push(isoOrInfinity(high, 'high'));
}

function indexDate(rows: IndexRows, p: string, { value }: FoundValue) {
  if (typeof value === 'string') {
    const r = parseDateRange(value);
    if (r) addDate(rows, p, r.low, r.high);
    return;
  }
  if (!isObj(value)) return;
  if ('start' in value || 'end' in value) {
    // Period: an open end is unbounded
    const start = typeof value.start === 'string' ? parseDateRange(value.start) : undefined;
    const end = typeof value.end === 'string' ? parseDateRange(value.end) : undefined;
    return addDate(rows, p, start?.low, end?.high);
  }
  if (Array.isArray(value.event)) {
    // Timing
    for (const e of value.event) if (typeof e === 'string') indexDate(rows, p, { value: e });
  }
}

function indexReference(rows: IndexRows, p: string, { value }: FoundValue) {
  const ref = typeof value === 'string' ? value : isObj(value) ? str(value.reference) : null;
  if (!ref) return;
  const parsed = parseReference(ref);
  rows.reference.param.push(p);
  rows.reference.targetType.push(parsed?.resourceType ?? null);
  rows.reference.targetId.push(parsed?.id ?? null);
  rows.reference.targetUrl.push(parsed && !ref.includes('://') ? null : ref);
}

function indexNumber(rows: IndexRows, p: string, { value }: FoundValue) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return;
  rows.number.param.push(p);
  rows.number.value.push(String(value));
}

function indexQuantity(rows: IndexRows, p: string, { value }: FoundValue) {
  if (!isObj(value)) return;
  if (typeof value.value === 'number') {
    const q = rows.quantity;
    q.param.push(p);
    q.value.push(String(value.value));
    q.system.push(str(value.system));
    q.code.push(str(value.code) ?? str(value.currency));
    q.unit.push(str(value.unit));
  } else if (isObj(value.low) || isObj(value.high)) {
    // Range: index both bounds
    if (isObj(value.low)) indexQuantity(rows, p, { value: value.low });
    if (isObj(value.high)) indexQuantity(rows, p, { value: value.high });
  }
}

function indexUri(rows: IndexRows, p: string, { value }: FoundValue) {
  if (typeof value !== 'string' || !value) return;
  rows.uri.param.push(p);
  rows.uri.uri.push(value);
}

const INDEXERS: Record<SearchParam['type'], (rows: IndexRows, p: string, v: FoundValue) => void> = {
  token: indexToken,
  string: indexString,
  date: indexDate,
  reference: indexReference,
  number: indexNumber,
  quantity: indexQuantity,
  uri: indexUri,
};

export function buildIndexRows(resource: Obj, registry: SearchRegistry): IndexRows {
  const rows = emptyIndexRows();
  for (const param of registry.forType(resource.resourceType as string).values()) {
    if (param.stored.codes[0] !== param.code || param.stored.targetType) continue; // answered from other rows
    const index = INDEXERS[param.type];
    for (const found of param.evaluate(resource)) index(rows, param.code, found);
  }
  return rows;
}
