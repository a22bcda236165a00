/**
 * The letter operations on the platform's registry (specs: letter-specs.ts) and the topic their notifications use:
 *   senders     $send-referral, $send-discharge-summary, $referral-status
 *   addressees  $referral-inbox, $retrieve-referral, $acknowledge-referral
 */
import { badRequest } from '../../../platform/fhir/errors.ts';
import type { OperationRegistry } from '../../../platform/router/operations/operation-registry.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { letterIdOf } from './letter-access.ts';
import { erasedAt, LETTER_REFERENCE_TYPE, letterRef, REFERRAL_RECEIVED_TOPIC, stateAt, type LetterRow } from './letter-model.ts';
import { LETTER_SPECS } from './letter-specs.ts';
import { acknowledgeLetter, inbox, retrieveLetter } from './receive.ts';
import { sendDischargeSummary } from './send-discharge-summary.ts';
import { sendReferral } from './send-referral.ts';
import { letterStatus } from './status.ts';
import type { SentLetter } from './store-letter.ts';

const instant = (d: Date) => d.toISOString();

/** `count`: 1–1000, default 100. */
function countOf(input: ParamReader): number {
  const raw = input.string('count');
  if (raw === undefined) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw badRequest('件数（count）は 1〜1000 です', 'count must be 1–1000', [input.path('count')]);
  return n;
}

function sentParameters(s: SentLetter & { addressee: string }): OutParam[] {
  return [
    { name: 'letter', valueString: s.id },
    { name: 'reference', valueReference: { reference: letterRef(s.id) } },
    { name: 'addressee', valueString: s.addressee },
    { name: 'state', valueCode: 'sent' },
    { name: 'eraseAfter', valueInstant: instant(s.eraseAfter) },
    ...s.items.map((i) => ({ name: 'item', valueReference: { reference: i.reference } })),
  ];
}

/** One letter's delivery state (never its content). */
function letterParameter(row: LetterRow, at: Date): OutParam {
  const erased = erasedAt(row, at);
  return {
    name: 'letter',
    part: [
      { name: 'id', valueString: row.letter_id },
      { name: 'kind', valueCode: row.kind },
      { name: 'sender', valueString: row.sender },
      { name: 'addressee', valueString: row.addressee },
      { name: 'state', valueCode: stateAt(row, at) },
      { name: 'sentAt', valueInstant: instant(row.sent_at) },
      ...(row.received_at ? [{ name: 'receivedAt', valueInstant: instant(row.received_at) }] : []),
      ...(row.acknowledged_at ? [{ name: 'acknowledgedAt', valueInstant: instant(row.acknowledged_at) }] : []),
      { name: 'eraseAfter', valueInstant: instant(row.erase_after) },
      ...(erased ? [{ name: 'erasedAt', valueInstant: instant(erased) }] : []),
      { name: 'signed', valueBoolean: row.signed },
      { name: 'attachments', valueInteger: row.attachments },
      { name: 'dischargeSummary', valueBoolean: row.has_summary },
    ],
  };
}

export function registerLetterOperations(operations: OperationRegistry, rt: SharingRuntime): void {
  rt.platform.subscriptions.topics.register({
    url: REFERRAL_RECEIVED_TOPIC,
    title: '紹介状の受信',
    description: `A referral letter or discharge summary was addressed to your organisation; the focus (${LETTER_REFERENCE_TYPE}/<letter id>) names it for $retrieve-referral`,
    resourceTypes: [LETTER_REFERENCE_TYPE],
  });

  operations.register(LETTER_SPECS.sendReferral, async ({ context, input }) => {
    const sent = await sendReferral(rt, await context(), {
      letter: input.all('letter')[0]?.resource,
      dischargeSummary: input.all('dischargeSummary')[0]?.resource,
    });
    return { status: 201, parameters: sentParameters(sent) };
  });

  operations.register(LETTER_SPECS.sendDischargeSummary, async ({ context, input }) => {
    const sent = await sendDischargeSummary(rt, await context(), {
      dischargeSummary: input.all('dischargeSummary')[0]?.resource,
      addressee: input.requiredString('addressee', '宛先の医療機関コード'),
      note: input.string('note'),
    });
    return { status: 201, parameters: sentParameters(sent) };
  });

  operations.register(LETTER_SPECS.inbox, async ({ context, input }) => {
    const rows = await inbox(rt, await context(), countOf(input));
    const at = rt.clock();
    return { parameters: rows.map((r) => letterParameter(r, at)) };
  });

  operations.register(LETTER_SPECS.retrieve, async ({ context, input }) => {
    const id = letterIdOf(input.requiredString('letter', '紹介状 ID'), input.path('letter'));
    const got = await retrieveLetter(rt, await context(), id);
    return {
      parameters: [
        { name: 'letter', resource: got.letter },
        got.dischargeSummary && { name: 'dischargeSummary', resource: got.dischargeSummary },
        { name: 'state', valueCode: got.row.state },
        { name: 'eraseAfter', valueInstant: instant(got.row.erase_after) },
      ],
    };
  });

  operations.register(LETTER_SPECS.acknowledge, async ({ context, input }) => {
    const id = letterIdOf(input.requiredString('letter', '紹介状 ID'), input.path('letter'));
    const row = await acknowledgeLetter(rt, await context(), id);
    return {
      parameters: [
        { name: 'state', valueCode: 'acknowledged' },
        { name: 'acknowledgedAt', valueInstant: instant(row.acknowledged_at!) },
      ],
    };
  });

  operations.register(LETTER_SPECS.status, async ({ context, input }) => {
    const given = input.string('letter');
    const id = given === undefined ? undefined : letterIdOf(given, input.path('letter'));
    const rows = await letterStatus(rt, await context(), { id, limit: countOf(input) });
    const at = rt.clock();
    return { parameters: rows.map((r) => letterParameter(r, at)) };
  });
}
