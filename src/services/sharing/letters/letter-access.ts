/**
 * Who reaches a letter (MISSION.md S3, S4): its addressee (retrieve, acknowledge, status) and its sender (status).
 * Anyone else — another facility, the patient, insurers, operators — gets the answer of an absent letter (404), the
 * refusal recorded in the person's access log; a sender asking for the addressee's actions is refused (403, recorded).
 * Letters are never shown to the patient.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { badRequest, notFound } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { LETTER_COLUMNS, LETTER_REFERENCE_TYPE, letterRef, letterRow, type LetterRow } from './letter-model.ts';

/** The 医療機関コード a facility or pharmacy acts for (undefined for anyone else). */
export function callerFacility(ctx: RequestContext): string | undefined {
  const p = ctx.principal;
  return (p.kind === 'facility' || p.kind === 'pharmacy') && p.facilityCode ? p.facilityCode : undefined;
}

/** A letter id given as `<id>` or `Basic/<id>` (the notification's focus), or 400. */
export function letterIdOf(value: string, path: string): string {
  const v = value.trim();
  const id = v.startsWith(`${LETTER_REFERENCE_TYPE}/`) ? v.slice(LETTER_REFERENCE_TYPE.length + 1) : v;
  if (!isValidId(id))
    throw badRequest(`紹介状の ID が正しくありません（${value}）`, `invalid letter id ${value} (an id, or ${LETTER_REFERENCE_TYPE}/<id>)`, [path]);
  return id;
}

export type LetterRole = 'addressee' | 'party';

/** The row of letter `id` on `q` (`FOR UPDATE` inside a write), if any. */
export async function letterRowOf(q: Queryable, id: string, lock = false): Promise<LetterRow | undefined> {
  const raw = (await q.query<Record<string, unknown>>(`SELECT ${LETTER_COLUMNS} FROM sharing_letters WHERE letter_id = $1${lock ? ' FOR UPDATE' : ''}`, [id]))
    .rows[0];
  return raw ? letterRow(raw) : undefined;
}

/**
 * The letter `id` for `ctx` in `role` (`addressee`: only the addressee; `party`: sender or addressee), or the
 * refusal to throw (recorded at once: call it outside a transaction).
 */
export async function letterFor(rt: SharingRuntime, ctx: RequestContext, id: string, role: LetterRole, interaction: string): Promise<LetterRow> {
  const ref = letterRef(id);
  const row = await letterRowOf(rt.platform.db, id);
  if (!row) throw notFound(ref);
  const code = callerFacility(ctx);
  if (code === row.addressee) return row;
  if (code === row.sender && ctx.principal.kind === 'facility') {
    if (role === 'party') return row;
    throw await rt.platform.repo.deny(
      ctx,
      interaction,
      row.patient_key,
      ref,
      '紹介状の受け取り・受領確認は宛先の医療機関が行います',
      'only the addressee retrieves or acknowledges a letter',
    );
  }
  throw await rt.platform.repo.hide(ctx, interaction, row.patient_key, ref, 'not the sender or the addressee of the letter');
}
