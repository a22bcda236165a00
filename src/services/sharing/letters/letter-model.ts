/**
 * Letters (紹介状) of the sharing service (MISSION.md S3): a referral letter (診療情報提供書, JP_Bundle_eReferral), or a
 * discharge summary (退院時サマリー, JP_Bundle_eDischargeSummary) sent alone under a cover letter (頭紙) the service
 * generates. A letter goes from one facility (the sender) to one addressee (宛先医療機関), both by 医療機関コード.
 *
 *   state         sent → received (first retrieval by the addressee) → acknowledged (受領確認) → erased
 *   kept          6 months after sending, and at most 7 days after the addressee received it (erase_after)
 *   reference     `Basic/<letter id>`: the focus of notifications and the entity of audit events — no Basic resource
 *                 exists; the letter is reached only through the letter operations
 */
import { TSUNAGU_CANONICAL } from '../../../platform/fhir/canonical.ts';

export type LetterKind = 'referral' | 'discharge-summary';
export type LetterState = 'sent' | 'received' | 'acknowledged' | 'erased';

/** The topic an addressee subscribes to: a letter was addressed to it. */
export const REFERRAL_RECEIVED_TOPIC = `${TSUNAGU_CANONICAL}/SubscriptionTopic/referral-received`;
/** Resource type of a letter's reference (notification focus, audit entity). */
export const LETTER_REFERENCE_TYPE = 'Basic';
export const letterRef = (id: string) => `${LETTER_REFERENCE_TYPE}/${id}`;

/** Months a letter is kept after sending (保存期間 6か月). */
export const KEEP_MONTHS = 6;
/** Days the content stays after the addressee received it (受信後 約1週間で削除). */
export const DAYS_AFTER_RECEIPT = 7;
const DAY_MS = 86_400_000;

/** `at` plus `months` calendar months (UTC), on the month's last day when it has no such day (Aug 31 → Feb 28). */
export function addMonths(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** When a letter sent at `sentAt` and received at `receivedAt` (if it was) loses its content. */
export function eraseAfter(sentAt: Date, receivedAt?: Date): Date {
  const kept = addMonths(sentAt, KEEP_MONTHS);
  if (!receivedAt) return kept;
  const afterReceipt = new Date(receivedAt.getTime() + DAYS_AFTER_RECEIPT * DAY_MS);
  return afterReceipt < kept ? afterReceipt : kept;
}

/** A row of sharing_letters (without the documents). */
export interface LetterRow {
  letter_id: string;
  patient_key: string;
  kind: LetterKind;
  sender: string;
  addressee: string;
  document_id: string;
  signed: boolean;
  attachments: number;
  /** A discharge summary comes with it (attached, or under the cover letter). */
  has_summary: boolean;
  items: string[];
  state: LetterState;
  sent_at: Date;
  received_at: Date | null;
  acknowledged_at: Date | null;
  erase_after: Date;
  erased_at: Date | null;
}

export const LETTER_COLUMNS =
  'letter_id, patient_key, kind, sender, addressee, document_id, signed, attachments, has_summary, items, state, sent_at, received_at, acknowledged_at, erase_after, erased_at';

const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

/** Timestamps as Dates whatever the engine returned. */
export function letterRow(raw: Record<string, unknown>): LetterRow {
  const r = raw as unknown as LetterRow;
  return {
    ...r,
    items: r.items ?? [],
    sent_at: toDate(raw.sent_at)!,
    received_at: toDate(raw.received_at),
    acknowledged_at: toDate(raw.acknowledged_at),
    erase_after: toDate(raw.erase_after)!,
    erased_at: toDate(raw.erased_at),
  };
}

/** Is the letter's content gone at `at` (purged, or due — views apply the rule whether or not the purge ran)? */
export const isErased = (row: Pick<LetterRow, 'erased_at' | 'erase_after'>, at: Date) => row.erased_at !== null || row.erase_after <= at;

/** The state at `at`. */
export const stateAt = (row: LetterRow, at: Date): LetterState => (isErased(row, at) ? 'erased' : row.state);

/** When the content was (or is due to be) erased, once it is. */
export const erasedAt = (row: LetterRow, at: Date): Date | undefined => row.erased_at ?? (row.erase_after <= at ? row.erase_after : undefined);
