/**
 * The addressee's side (紹介状の受信): the inbox of letters addressed to it and not erased (metadata only, newest
 * first), retrieval of a letter (the first marks it received and starts the 7 days after which its content is erased;
 * audited as a read with basis `addressee`) and the acknowledgement of receipt (受領確認).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import { FhirError, forbidden } from '../../../platform/fhir/errors.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { summaryOfCover } from './cover-letter.ts';
import { callerFacility, letterFor, letterRowOf } from './letter-access.ts';
import { eraseAfter, isErased, LETTER_COLUMNS, letterRef, letterRow, type LetterRow } from './letter-model.ts';

type Json = Record<string, unknown>;

export async function inbox(rt: SharingRuntime, ctx: RequestContext, limit: number): Promise<LetterRow[]> {
  const code = callerFacility(ctx);
  if (!code) throw forbidden('紹介状の受信箱は医療機関・薬局が使います', 'the letter inbox is for facilities and pharmacies');
  const res = await rt.platform.db.query<Record<string, unknown>>(
    `SELECT ${LETTER_COLUMNS} FROM sharing_letters
      WHERE addressee = $1 AND erased_at IS NULL AND erase_after > $2
      ORDER BY sent_at DESC, letter_id DESC LIMIT $3`,
    [code, rt.clock().toISOString(), limit],
  );
  return res.rows.map(letterRow);
}

const erasedLetter = (id: string) =>
  new FhirError(410, {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'deleted',
        details: { text: `紹介状 ${letterRef(id)} は保存期間を過ぎたため内容が削除されています` },
        diagnostics: `the content of letter ${letterRef(id)} has been erased (retention over)`,
      },
    ],
  });

export interface Retrieved {
  row: LetterRow;
  letter: Json;
  dischargeSummary?: Json;
}

export async function retrieveLetter(rt: SharingRuntime, ctx: RequestContext, id: string): Promise<Retrieved> {
  await letterFor(rt, ctx, id, 'addressee', 'retrieve-referral');
  const now = rt.clock();
  return rt.platform.repo.transaction(
    async (session) => {
      const row = (await letterRowOf(session.tx, id, true))!;
      if (isErased(row, now)) throw erasedLetter(id);
      const docs = (
        await session.tx.query<{ letter: string; discharge_summary: string | null }>(
          'SELECT letter, discharge_summary FROM sharing_letters WHERE letter_id = $1',
          [id],
        )
      ).rows[0];
      let current = row;
      if (!row.received_at) {
        const until = eraseAfter(row.sent_at, now);
        await session.tx.query("UPDATE sharing_letters SET received_at = $2, erase_after = $3, state = 'received' WHERE letter_id = $1", [
          id,
          now.toISOString(),
          until.toISOString(),
        ]);
        current = { ...row, received_at: now, erase_after: until, state: 'received' };
      }
      session.audits.push(
        toAuditRow(rt.platform.repo.auditRecord(ctx, 'R', 'retrieve-referral', '0', row.patient_key, [letterRef(id)], { basis: 'addressee' })),
      );
      const letter = JSON.parse(docs.letter) as Json;
      const summary = docs.discharge_summary
        ? (JSON.parse(docs.discharge_summary) as Json)
        : row.kind === 'discharge-summary'
          ? summaryOfCover(letter)
          : undefined;
      return { row: current, letter, dischargeSummary: summary };
    },
    { trusted: true },
  );
}

export async function acknowledgeLetter(rt: SharingRuntime, ctx: RequestContext, id: string): Promise<LetterRow> {
  await letterFor(rt, ctx, id, 'addressee', 'acknowledge-referral');
  const now = rt.clock();
  return rt.platform.repo.transaction(
    async (session) => {
      const row = (await letterRowOf(session.tx, id, true))!;
      if (isErased(row, now)) throw erasedLetter(id);
      if (!row.received_at)
        throw FhirError.of(
          409,
          'conflict',
          '受領確認の前に紹介状を受け取ってください（$retrieve-referral）',
          'retrieve the letter ($retrieve-referral) before acknowledging it',
        );
      if (row.acknowledged_at) return row;
      await session.tx.query("UPDATE sharing_letters SET acknowledged_at = $2, state = 'acknowledged' WHERE letter_id = $1", [id, now.toISOString()]);
      session.audits.push(
        toAuditRow(rt.platform.repo.auditRecord(ctx, 'U', 'acknowledge-referral', '0', row.patient_key, [letterRef(id)], { basis: 'addressee' })),
      );
      return { ...row, acknowledged_at: now, state: 'acknowledged' };
    },
    { trusted: true },
  );
}
