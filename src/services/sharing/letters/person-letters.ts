/**
 * That letters about a person were sent (the person's portal): kind, sender, addressee, when and the state — never
 * the content (letters are not shown to the patient, MISSION.md S4). The caller decides who asks and audits the read.
 */
import type { Queryable } from '../../../platform/storage/database.ts';
import { LETTER_COLUMNS, letterRow, stateAt, type LetterKind, type LetterState } from './letter-model.ts';

export interface LetterSent {
  id: string;
  kind: LetterKind;
  /** 医療機関コード of the sender and of the addressee. */
  sender: string;
  addressee: string;
  sentAt: Date;
  state: LetterState;
}

/** The letters about `patientKey`, newest first, their state at `at`. */
export async function lettersAbout(q: Queryable, patientKey: string, at: Date): Promise<LetterSent[]> {
  const res = await q.query<Record<string, unknown>>(`SELECT ${LETTER_COLUMNS} FROM sharing_letters WHERE patient_key = $1 ORDER BY sent_at DESC, letter_id`, [
    patientKey,
  ]);
  return res.rows.map(letterRow).map((r) => ({
    id: r.letter_id,
    kind: r.kind,
    sender: r.sender,
    addressee: r.addressee,
    sentAt: r.sent_at,
    state: stateAt(r, at),
  }));
}
