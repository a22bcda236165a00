/**
 * Reading the audit log as FHIR AuditEvents (`GET /fhir/AuditEvent`). A patient sees who accessed their data;
 * an operator sees everything; any other client sees the events it caused itself, except its refused attempts: a
 * refusal records whose data was withheld (rows of a search the caller could not see), which the caller must not
 * learn from its own log.
 */
import type { RequestContext } from '../auth/principal.ts';
import { badRequest, forbidden, notFound } from '../fhir/errors.ts';
import { parseDateRange } from '../search/dates.ts';
import { DEFAULT_COUNT, pagingParam } from '../search/search-request.ts';
import type { Queryable } from '../storage/database.ts';
import { StatementParams } from '../storage/sql-params.ts';
import { auditEventId, fromStoredAuditRow, parseAuditEventId, renderAuditEvent, type StoredAuditRow } from './audit-record.ts';

const AUDIT_COLUMNS = 'chain, seq, recorded, patient_key, client_id, facility_code, action, outcome, purpose, entities, detail';

/**
 * How the log is rendered for its reader. `hiddenEntities`: of these references, the ones the reader may not know of
 * (a patient reading their own log: items withheld from the person, e.g. 未告知 diagnoses a facility viewed) — the
 * event stays, those references are left out of it.
 */
export interface AuditReadOptions {
  hiddenEntities?: (refs: string[]) => Promise<Set<string>>;
}

/** `Type/id` of an entity reference (`Type/id` or `Type/id/_history/n`), or undefined for other forms. */
const baseRef = (e: string) => /^([A-Z][A-Za-z]+\/[^/]+)(\/_history\/[^/]+)?$/.exec(e)?.[1];

const render = (r: StoredAuditRow, hidden?: Set<string>) => {
  const row = fromStoredAuditRow(r);
  if (!hidden?.size) return renderAuditEvent(r.chain, r.seq, row);
  return renderAuditEvent(r.chain, r.seq, { ...row, entities: row.entities.filter((e) => !hidden.has(baseRef(e) ?? '')) });
};

async function hiddenOf(ctx: RequestContext, rows: StoredAuditRow[], opts: AuditReadOptions): Promise<Set<string> | undefined> {
  if (ctx.principal.kind !== 'patient' || !opts.hiddenEntities) return undefined;
  const refs = [...new Set(rows.flatMap((r) => r.entities.map(baseRef)).filter((e): e is string => e !== undefined))];
  return refs.length ? opts.hiddenEntities(refs) : undefined;
}

const SUPPORTED = new Set(['patient', 'date', 'agent', 'entity', 'action', 'outcome', 'altid', '_id', '_count', '_offset', '_sort', '_format']);

function visibility(ctx: RequestContext, p: StatementParams): string {
  const pr = ctx.principal;
  if (pr.kind === 'operator') return 'TRUE';
  if (pr.kind === 'patient') return `patient_key = ${p.add(pr.patientId ?? '')}`;
  return `client_id = ${p.add(pr.clientId)} AND outcome <> '4'`;
}

export interface AuditPage {
  /** `patientKey`: whose log the event belongs to ('' for none). */
  events: { id: string; json: string; patientKey: string }[];
  total: number;
  count: number;
  offset: number;
}

export async function searchAuditEvents(db: Queryable, ctx: RequestContext, query: URLSearchParams, opts: AuditReadOptions = {}): Promise<AuditPage> {
  const p = new StatementParams();
  const conds = [visibility(ctx, p)];
  let count = DEFAULT_COUNT;
  let offset = 0;
  let order = 'recorded DESC, chain, seq';
  for (const [key, value] of query) {
    if (!SUPPORTED.has(key)) throw badRequest(`AuditEvent の検索パラメータ ${key} には対応していません`, `unsupported AuditEvent search parameter '${key}'`);
    switch (key) {
      case 'patient':
        conds.push(`patient_key = ${p.add(value.replace(/^Patient\//, ''))}`);
        break;
      case 'date': {
        const m = /^(ge|le|gt|lt|eq)?(.+)$/.exec(value)!;
        const r = parseDateRange(m[2]);
        if (!r) throw badRequest(`日付 ${value} の形式が正しくありません`, `invalid date '${value}'`);
        // Only the bounds the comparison uses become parameters (an unused one is an error).
        const lo = () => p.add(new Date(r.low).toISOString(), 'timestamptz');
        const hi = () => p.add(new Date(r.high).toISOString(), 'timestamptz');
        const op = m[1] ?? 'eq';
        conds.push(
          op === 'ge'
            ? `recorded >= ${lo()}`
            : op === 'gt'
              ? `recorded > ${hi()}`
              : op === 'le'
                ? `recorded <= ${hi()}`
                : op === 'lt'
                  ? `recorded < ${lo()}`
                  : `recorded BETWEEN ${lo()} AND ${hi()}`,
        );
        break;
      }
      case 'agent':
        conds.push(`client_id = ${p.add(value.replace(/^.*\|/, ''))}`);
        break;
      case 'altid':
        conds.push(`facility_code = ${p.add(value)}`);
        break;
      case 'entity':
        conds.push(`(${p.add(value)} = ANY(entities) OR EXISTS (SELECT 1 FROM unnest(entities) e WHERE e LIKE ${p.add(`${value}/_history/%`)}))`);
        break;
      case 'action':
        conds.push(`action = ${p.add(value)}`);
        break;
      case 'outcome':
        conds.push(`outcome = ${p.add(value)}`);
        break;
      case '_id': {
        const pos = parseAuditEventId(value);
        conds.push(pos ? `chain = ${p.add(pos.chain)} AND seq = ${p.add(pos.seq)}` : 'FALSE');
        break;
      }
      case '_count':
        count = pagingParam('_count', value);
        break;
      case '_offset':
        offset = pagingParam('_offset', value);
        break;
      case '_sort':
        if (value === 'date') order = 'recorded, chain, seq';
        else if (value !== '-date') throw badRequest('_sort は date か -date です', '_sort must be date or -date');
        break;
    }
  }
  const where = conds.join(' AND ');
  const rows = await db.query<StoredAuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE ${where} ORDER BY ${order} LIMIT ${count} OFFSET ${offset}`,
    p.values,
  );
  const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE ${where}`, p.values);
  const hidden = await hiddenOf(ctx, rows.rows, opts);
  return {
    events: rows.rows.map((r) => ({ id: auditEventId(r.chain, r.seq), json: JSON.stringify(render(r, hidden)), patientKey: r.patient_key })),
    total: total.rows[0].n,
    count,
    offset,
  };
}

export async function readAuditEvent(
  db: Queryable,
  ctx: RequestContext,
  id: string,
  opts: AuditReadOptions = {},
): Promise<{ json: string; patientKey: string }> {
  const pos = parseAuditEventId(id);
  if (!pos) throw notFound(`AuditEvent/${id}`);
  const p = new StatementParams();
  const res = await db.query<StoredAuditRow & { visible: boolean }>(
    `SELECT ${AUDIT_COLUMNS}, (${visibility(ctx, p)}) AS visible FROM audit_events WHERE chain = ${p.add(pos.chain)} AND seq = ${p.add(pos.seq)}`,
    p.values,
  );
  const row = res.rows[0];
  if (!row) throw notFound(`AuditEvent/${id}`);
  if (!row.visible) throw forbidden('この監査記録は閲覧できません', 'this audit event is not visible to you');
  return { json: JSON.stringify(render(row, await hiddenOf(ctx, [row], opts))), patientKey: row.patient_key };
}
