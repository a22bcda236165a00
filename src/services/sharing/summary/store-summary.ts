/**
 * Writes a checked patient summary in one transaction: its Composition, Conditions and CarePlan (labelled
 * SHARED_ITEM_LABEL: the facility and the person only) and its row. The facility's earlier summary of the person is
 * replaced: the same Composition id gets a new version, the earlier diagnoses and care plans are deleted (history kept).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { SHARED_ITEM_LABEL } from '../model/fhir-codes.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { writeDocumentResources } from '../checkups/document-resources.ts';
import type { DocumentPerson, Entry } from '../registration/document-checks.ts';
import { SUMMARY_TAG } from './summary-model.ts';

export interface StoredSummary {
  summary: string;
  resources: string[];
  version: number;
  status: 'created' | 'updated';
}

export async function storeSummary(
  rt: SharingRuntime,
  ctx: RequestContext,
  s: { entries: Entry[]; kept: Entry[]; person: DocumentPerson; facility: string; documentId: string },
): Promise<StoredSummary> {
  const now = rt.clock();
  return rt.platform.repo.transaction(
    async (session) => {
      await session.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sharing-summary:${s.person.patientId}|${s.facility}`]);
      const earlier = (
        await session.tx.query<{ summary_id: string; resources: string[]; version: number }>(
          'SELECT summary_id, resources, version FROM sharing_summaries WHERE patient_key = $1 AND facility = $2 FOR UPDATE',
          [s.person.patientId, s.facility],
        )
      ).rows[0];
      const refs = await writeDocumentResources(rt, session, ctx, {
        kept: s.kept,
        entries: s.entries,
        person: s.person,
        compositionId: earlier?.summary_id,
        previous: earlier ? earlier.resources.slice(1) : [],
        security: [SHARED_ITEM_LABEL],
        tag: SUMMARY_TAG,
      });
      const version = (earlier?.version ?? 0) + 1;
      await session.tx.query(
        `INSERT INTO sharing_summaries (summary_id, patient_key, facility, document_id, resources, version, registered_at)
         VALUES ($1, $2, $3, $4, $5::text[], $6, $7)
         ON CONFLICT (summary_id) DO UPDATE SET document_id = EXCLUDED.document_id, resources = EXCLUDED.resources,
           version = EXCLUDED.version, registered_at = EXCLUDED.registered_at`,
        [refs[0].split('/')[1], s.person.patientId, s.facility, s.documentId, refs, version, now.toISOString()],
      );
      return { summary: refs[0], resources: refs.slice(1), version, status: earlier ? 'updated' : 'created' };
    },
    { trusted: true },
  );
}
