/**
 * POST /eligibility/virtual-reader/authenticate — the virtual card reader (仮想カードリーダー) for browser apps at the
 * desk (reception/virtual-reader.ts). Served unless TSUNAGU_VIRTUAL_READER=0.
 *
 *   in   { card: <card file JSON>, challenge: <from $card-challenge>, pin: "1234" } or { …, faceMatched: true }
 *   out  200 { ok: true, assertion, card }                       the assertion is what $verify-card takes
 *        200 { ok: false, code, ja, en, retriesLeft?, card? }    the chip refused (wrong-pin, pin-locked, pin-format,
 *                                                                face-not-matched, card-blocked, card-outdated)
 *        400 OperationOutcome                                    bad input (not a card file or an altered one, not
 *                                                                this facility's challenge …): nothing counted
 *
 * Who: a facility or pharmacy that may verify eligibility (the reception token of `$verify-card`; a signed-in staff
 * member's role must allow reception). The patient's own sign-in does not use this endpoint; it calls the reader in
 * process (reception/card-sign-in.ts). Audit: using the reader is not an access to anyone's data (the `$verify-card`
 * that follows is audited), but a refused attempt at a card linked to a person — a wrong PIN, a locked or blocked
 * card, an outdated copy — is recorded in that person's access log.
 */
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { assertStaffMay } from '../../../platform/auth/staff/index.ts';
import { badRequest } from '../../../platform/fhir/errors.ts';
import { authenticate } from '../../../platform/http/request-context.ts';
import type { HolderProof } from '../reception/card/card.ts';
import { checkCardFile } from '../reception/card/card-file-check.ts';
import { certificateHolder } from '../reception/cards.ts';
import type { EligibilityRuntime } from '../model/runtime.ts';
import { assertReception } from '../reception/verification.ts';
import type { ReaderAnswer, VirtualReader } from '../reception/virtual-reader.ts';

export const VIRTUAL_READER_PATH = '/eligibility/virtual-reader/authenticate';

const FIELDS = new Set(['card', 'challenge', 'pin', 'faceMatched']);

interface ReaderInput {
  card: unknown;
  challenge: string;
  proof: HolderProof;
}

/** The request body, or a 400 naming the field. */
function readerInput(body: unknown): ReaderInput {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest(
      '本文は JSON オブジェクト（card, challenge, pin または faceMatched）です',
      'the body must be a JSON object: card, challenge, pin or faceMatched',
    );
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!FIELDS.has(k)) throw badRequest(`不明な項目「${k}」があります`, `unknown field "${k}"`, [k]);
  if (b.card === undefined) throw badRequest('カードのファイル（card）がありません', 'card (the card file as JSON) is required', ['card']);
  if (typeof b.challenge !== 'string' || b.challenge === '' || b.challenge.length > 512)
    throw badRequest('チャレンジ（challenge）がありません（$card-challenge で取得してください）', 'challenge is required (from $card-challenge)', [
      'challenge',
    ]);
  if ((b.pin === undefined) === (b.faceMatched === undefined))
    throw badRequest('暗証番号（pin）か顔認証の結果（faceMatched）のどちらか一方を指定してください', 'give either pin or faceMatched', ['pin']);
  if (b.pin !== undefined && (typeof b.pin !== 'string' || b.pin.length > 64)) throw badRequest('暗証番号（pin）は文字列です', 'pin must be a string', ['pin']);
  if (b.faceMatched !== undefined && typeof b.faceMatched !== 'boolean')
    throw badRequest('顔認証の結果（faceMatched）は true / false です', 'faceMatched must be true or false', ['faceMatched']);
  return { card: b.card, challenge: b.challenge, proof: typeof b.pin === 'string' ? { pin: b.pin } : { faceMatched: b.faceMatched as boolean } };
}

/** Refusals recorded in the card holder's log (a malformed PIN or a face mismatch did not reach the chip's secret). */
const AUDITED = new Set(['wrong-pin', 'pin-locked', 'card-blocked', 'card-outdated']);

async function auditRefusal(rt: EligibilityRuntime, ctx: RequestContext, fingerprint: string, answer: Extract<ReaderAnswer, { ok: false }>): Promise<void> {
  const holder = await certificateHolder(rt.platform, fingerprint);
  if (!holder || holder.superseded || holder.unlinked) return;
  const left = answer.retriesLeft !== undefined ? ` (${answer.retriesLeft} tries left)` : '';
  await rt.audit.write([
    rt.platform.repo.auditRecord(ctx, 'E', 'virtual-reader', '4', holder.patientId, [`Patient/${holder.patientId}`], {
      outcomeDesc: `${answer.code}${left}: ${answer.en} (virtual card reader)`,
    }),
  ]);
}

export function virtualReaderRoute(app: FastifyInstance, rt: EligibilityRuntime, reader: VirtualReader): void {
  const { platform } = rt;
  app.post(VIRTUAL_READER_PATH, async (request, reply) => {
    const ctx = await authenticate(request, platform.tokens);
    const facility = assertReception(platform, ctx);
    assertStaffMay(ctx, 'reception');
    const input = readerInput(request.body);
    const checked = await checkCardFile(input.card);
    if (!checked.ok) throw badRequest(checked.ja, checked.en, [checked.field]);
    // The reader signs only this facility's live challenges (`$verify-card` checks and consumes them again).
    const challenge = rt.challenges.check(input.challenge, facility);
    if (!challenge.ok) throw badRequest(`チャレンジ：${challenge.ja}`, `challenge: ${challenge.en} (${challenge.code})`, ['challenge']);
    const answer = await reader.authenticate(checked.file, input.challenge, input.proof);
    if (!answer.ok && answer.code === 'malformed') throw badRequest(answer.ja, answer.en, ['card']);
    if (!answer.ok && AUDITED.has(answer.code)) await auditRefusal(rt, ctx, checked.fingerprint, answer);
    return reply.code(200).send(answer);
  });
}
