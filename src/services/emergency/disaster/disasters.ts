/**
 * Disaster mode (災害時モード): an operator declares a disaster for prefectures and a period (`$declare-disaster`);
 * while it lasts, facilities and pharmacies there and medical teams deployed there may use the disaster view. It ends
 * by itself at the end of the period, or earlier by `$end-disaster`. `$disasters` lists them for anyone signed in
 * (a declaration is public information).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import { badRequest, forbidden, notFound } from '../../../platform/fhir/errors.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { operator } from '../access/caller.ts';
import { prefectureCode, prefectureName } from '../../../platform/identity/prefectures.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';

export interface DisasterRow {
  disaster_id: string;
  name: string;
  prefectures: string[];
  starts_at: Date;
  ends_at: Date;
  ended_at: Date | null;
  declared_by: string;
  declared_at: Date;
}

/** Longest declared period (a longer disaster is declared again). */
export const MAX_DISASTER_DAYS = 180;

function instant(input: ParamReader, name: string, ja: string): Date {
  const v = input.requiredString(name, ja);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00+09:00` : v);
  if (Number.isNaN(d.getTime())) throw badRequest(`${ja}（${name}）は日時です`, `${name} must be a date or instant`, [input.path(name)]);
  return d;
}

export const isInForce = (d: DisasterRow, at: Date) => !d.ended_at && new Date(d.starts_at) <= at && at < new Date(d.ends_at);

export async function disasterFor(q: Queryable, prefecture: string, at: Date): Promise<DisasterRow | undefined> {
  return (
    await q.query<DisasterRow>(
      `SELECT * FROM emergency_disasters WHERE $1 = ANY(prefectures) AND ended_at IS NULL AND starts_at <= $2 AND ends_at > $2 ORDER BY starts_at DESC LIMIT 1`,
      [prefecture, at.toISOString()],
    )
  ).rows[0];
}

export function disasterParameter(d: DisasterRow, at: Date): OutParam {
  return {
    name: 'disaster',
    part: [
      { name: 'id', valueString: d.disaster_id },
      { name: 'name', valueString: d.name },
      ...d.prefectures.map((p) => ({ name: 'prefecture', valueCoding: { code: p, display: prefectureName(p) } })),
      { name: 'start', valueInstant: new Date(d.starts_at).toISOString() },
      { name: 'end', valueInstant: new Date(d.ended_at ?? d.ends_at).toISOString() },
      { name: 'inForce', valueBoolean: isInForce(d, at) },
    ],
  };
}

export async function declareDisaster(rt: EmergencyRuntime, ctx: RequestContext, input: ParamReader): Promise<OutParam[]> {
  operator(ctx);
  const name = input.requiredString('name', '災害名').trim();
  if (name.length > 200) throw badRequest('災害名は200文字までです', 'name is at most 200 characters', [input.path('name')]);
  const raw = input.strings('prefecture');
  if (raw.length === 0) throw badRequest('対象の都道府県（prefecture）を1つ以上指定してください', 'give at least one prefecture', [input.path('prefecture')]);
  const prefectures = [
    ...new Set(
      raw.map((p) => {
        const code = prefectureCode(p);
        if (!code)
          throw badRequest(`都道府県「${p}」は 01〜47 の番号か都道府県名です`, `prefecture "${p}" is not 01–47 or a prefecture name`, [
            input.path('prefecture'),
          ]);
        return code;
      }),
    ),
  ].sort();
  const start = instant(input, 'start', '開始');
  const end = instant(input, 'end', '終了');
  if (end <= start) throw badRequest('終了は開始より後です', 'end must be after start', [input.path('end')]);
  if (end.getTime() - start.getTime() > MAX_DISASTER_DAYS * 86_400_000)
    throw badRequest(`期間は${MAX_DISASTER_DAYS}日までです（延長は改めて宣言します）`, `the period is at most ${MAX_DISASTER_DAYS} days`, [input.path('end')]);
  const now = rt.clock();
  if (end <= now) throw badRequest('終了が過去の日時です', 'end is in the past', [input.path('end')]);
  const row: DisasterRow = {
    disaster_id: newId(),
    name,
    prefectures,
    starts_at: start,
    ends_at: end,
    ended_at: null,
    declared_by: ctx.principal.user?.name ?? ctx.principal.name,
    declared_at: now,
  };
  await rt.platform.repo.transaction(
    async (session) => {
      await session.tx.query(
        'INSERT INTO emergency_disasters (disaster_id, name, prefectures, starts_at, ends_at, declared_by, declared_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [row.disaster_id, name, prefectures, start.toISOString(), end.toISOString(), row.declared_by, now.toISOString()],
      );
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'C', 'declare-disaster', '0', '', [], {
            outcomeDesc: `${name}: ${prefectures.join(',')} ${start.toISOString()}–${end.toISOString()}`,
          }),
        ),
      );
    },
    { trusted: true },
  );
  return [disasterParameter(row, now)];
}

export async function endDisaster(rt: EmergencyRuntime, ctx: RequestContext, input: ParamReader): Promise<OutParam[]> {
  operator(ctx);
  const id = input.requiredString('disaster', '災害のID');
  const row = isValidId(id) ? (await rt.platform.db.query<DisasterRow>('SELECT * FROM emergency_disasters WHERE disaster_id = $1', [id])).rows[0] : undefined;
  if (!row) throw notFound(`disaster/${id}`);
  const now = rt.clock();
  if (row.ended_at || new Date(row.ends_at) <= now) throw forbidden('この災害はすでに終了しています', 'this disaster has already ended');
  await rt.platform.repo.transaction(
    async (session) => {
      await session.tx.query('UPDATE emergency_disasters SET ended_at = $2 WHERE disaster_id = $1', [id, now.toISOString()]);
      session.audits.push(toAuditRow(rt.platform.repo.auditRecord(ctx, 'U', 'end-disaster', '0', '', [], { outcomeDesc: `ended ${row.name}` })));
    },
    { trusted: true },
  );
  return [disasterParameter({ ...row, ended_at: now }, now)];
}

export async function listDisasters(rt: EmergencyRuntime, _ctx: RequestContext, input: ParamReader): Promise<OutParam[]> {
  const now = rt.clock();
  const all = input.boolean('all') ?? false;
  const rows = (
    await rt.platform.db.query<DisasterRow>(
      `SELECT * FROM emergency_disasters WHERE $1 OR (ended_at IS NULL AND ends_at > $2) ORDER BY starts_at DESC LIMIT 200`,
      [all, now.toISOString()],
    )
  ).rows;
  return rows.map((r) => disasterParameter(r, now));
}
