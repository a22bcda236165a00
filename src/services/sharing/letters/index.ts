/**
 * Referral letters and discharge summaries (診療情報提供書・退院時サマリー, MISSION.md S3 ❶): sent by a facility to an
 * addressee, retrieved and acknowledged there, erased after 6 months or 7 days after receipt; never shown to the
 * patient. See docs/sharing.md, "Referral letters and discharge summaries".
 *
 *   letter-model.ts         kinds, states, retention, the `Basic/<id>` reference, the notification topic
 *   letter-parties.ts       addressee, sender and custodian read off the Composition
 *   letter-person.ts        document identifier, one person across attached documents
 *   discharge-summary.ts    checks of a JP_Bundle_eDischargeSummary
 *   cover-letter.ts         the cover letter (頭紙) of a summary sent alone
 *   send-referral.ts        $send-referral
 *   send-discharge-summary.ts  $send-discharge-summary
 *   store-letter.ts         the send transaction: prescriptions as items, the row, the notification, the audit
 *   letter-access.ts        who reaches a letter (404 for anyone but its sender and addressee)
 *   receive.ts              inbox, retrieval, acknowledgement
 *   status.ts               the sender's delivery state
 *   purge-letters.ts        erasure
 *   letter-specs.ts, letter-operations.ts   the FHIR operations
 *   schema.ts               table sharing_letters (schema version 220)
 */
export { registerLetterOperations } from './letter-operations.ts';
export { lettersMigration } from './schema.ts';
export { purgeLetters } from './purge-letters.ts';
export { REFERRAL_RECEIVED_TOPIC } from './letter-model.ts';
