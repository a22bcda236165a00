/**
 * Writes a letter being sent, in one transaction: the prescriptions it carries as items of the 6 information
 * (source `referral`), its row with the document(s), the notification of the addressee (topic referral-received) and
 * the audit event of the sending. A document the sender sent before (same kind and Bundle.identifier) is refused.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import { conflict } from '../../../platform/fhir/errors.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import type { DocumentPerson } from '../registration/document-checks.ts';
import { writeItems, type PreparedItem, type StoredItem } from '../registration/items.ts';
import { eraseAfter, letterRef, REFERRAL_RECEIVED_TOPIC, type LetterKind } from './letter-model.ts';

export interface NewLetter {
  id: string;
  kind: LetterKind;
  person: DocumentPerson;
  sender: string;
  addressee: string;
  /** Bundle.identifier.value of the document sent (the referral letter, or the discharge summary sent alone). */
  documentId: string;
  signed: boolean;
  attachments: number;
  /** The letter Bundle (JSON) as the addressee will get it: the referral letter, or the generated cover letter. */
  letter: string;
  /** A discharge summary attached to a referral letter (JSON). */
  dischargeSummary?: string;
  /** Prescriptions of the letter, checked (registration/items.ts). */
  prescriptions: PreparedItem[];
}

export interface SentLetter {
  id: string;
  eraseAfter: Date;
  items: StoredItem[];
}

/** Who is told of the letter: the addressee's organisation (a facility, or a pharmacy holding that code). */
export const addresseeOwners = (code: string) => [`facility:${code}`, `pharmacy:${code}`];

export async function storeLetter(rt: SharingRuntime, ctx: RequestContext, l: NewLetter, now: Date): Promise<SentLetter> {
  const { repo, subscriptions } = rt.platform;
  const until = eraseAfter(now);
  return repo.transaction(
    async (session) => {
      await session.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sharing-letter:${l.sender}|${l.kind}|${l.documentId}`]);
      const sent = await session.tx.query<{ letter_id: string }>('SELECT letter_id FROM sharing_letters WHERE sender = $1 AND kind = $2 AND document_id = $3', [
        l.sender,
        l.kind,
        l.documentId,
      ]);
      if (sent.rows[0])
        throw conflict(
          `この文書（Bundle.identifier ${l.documentId}）は送信済みです（${letterRef(sent.rows[0].letter_id)}）。訂正版は新しい識別子で送信してください`,
          `this document (Bundle.identifier ${l.documentId}) was sent before (${letterRef(sent.rows[0].letter_id)}); send a correction under a new identifier`,
        );
      const items = l.prescriptions.length ? await writeItems(rt, session, ctx, l.prescriptions, l.person, l.sender, 'referral', now) : [];
      await session.tx.query(
        `INSERT INTO sharing_letters (letter_id, patient_key, kind, sender, addressee, document_id, signed, attachments, has_summary, items, state, sent_at, erase_after, letter, discharge_summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $14, $9::text[], 'sent', $10, $11, $12, $13)`,
        [
          l.id,
          l.person.patientId,
          l.kind,
          l.sender,
          l.addressee,
          l.documentId,
          l.signed,
          l.attachments,
          items.map((i) => i.reference),
          now.toISOString(),
          until.toISOString(),
          l.letter,
          l.dischargeSummary ?? null,
          l.kind === 'discharge-summary' || l.dischargeSummary !== undefined,
        ],
      );
      await subscriptions.publish(session.tx, {
        topic: REFERRAL_RECEIVED_TOPIC,
        focus: letterRef(l.id),
        patientKey: l.person.patientId,
        audience: { ownerKeys: addresseeOwners(l.addressee) },
      });
      session.audits.push(
        toAuditRow(
          repo.auditRecord(ctx, 'C', `send-${l.kind}`, '0', l.person.patientId, [letterRef(l.id), ...items.map((i) => i.reference)], {
            outcomeDesc: `${l.kind} to ${l.addressee}`,
          }),
        ),
      );
      return { id: l.id, eraseAfter: until, items };
    },
    { trusted: true },
  );
}
