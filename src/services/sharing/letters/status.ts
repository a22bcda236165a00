/**
 * `$referral-status` (送信状況): the sender sees the delivery state of its letters — sent, received, acknowledged,
 * erased — never their content (after erasure there is none). One letter (sender or addressee), or the sender's
 * latest letters.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { forbidden } from '../../../platform/fhir/errors.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { callerFacility, letterFor } from './letter-access.ts';
import { LETTER_COLUMNS, letterRow, type LetterRow } from './letter-model.ts';

export async function letterStatus(rt: SharingRuntime, ctx: RequestContext, opts: { id?: string; limit: number }): Promise<LetterRow[]> {
  if (opts.id) return [await letterFor(rt, ctx, opts.id, 'party', 'referral-status')];
  const code = callerFacility(ctx);
  if (!code || ctx.principal.kind !== 'facility') throw forbidden('送信状況は送信した医療機関が確認します', 'the delivery state is for the sending facility');
  const res = await rt.platform.db.query<Record<string, unknown>>(
    `SELECT ${LETTER_COLUMNS} FROM sharing_letters WHERE sender = $1 ORDER BY sent_at DESC, letter_id DESC LIMIT $2`,
    [code, opts.limit],
  );
  return res.rows.map(letterRow);
}
