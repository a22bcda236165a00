/**
 * Writes a checked check-up report in one transaction: its resources (document-resources.ts, labelled `checkup`), its
 * row, and the person's notification (topic checkup-registered). A report the provider registered before under the
 * same Composition.identifier becomes a new version (the same Composition id; the earlier results replaced) — also
 * after a withdrawal or the purge; one registered for another person is refused.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { securityLabel } from '../../../platform/consent/categories.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import type { DocumentPerson, Entry } from '../registration/document-checks.ts';
import { CHECKUP_REGISTERED_TOPIC, CHECKUP_TAG } from './checkup-model.ts';
import { writeDocumentResources } from './document-resources.ts';
import type { ReportFacts } from './report-facts.ts';

export interface StoredReport {
  report: string;
  results: string[];
  version: number;
  status: 'created' | 'updated';
}

interface Earlier {
  report_id: string;
  patient_key: string;
  resources: string[];
  version: number;
}

export async function storeReport(
  rt: SharingRuntime,
  ctx: RequestContext,
  r: { entries: Entry[]; kept: Entry[]; person: DocumentPerson; facts: ReportFacts; provider: string; bundleId: string },
): Promise<StoredReport> {
  const { repo, subscriptions } = rt.platform;
  const now = rt.clock();
  return repo.transaction(
    async (session) => {
      await session.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sharing-checkup:${r.provider}|${r.facts.documentId}`]);
      const earlier = (
        await session.tx.query<Earlier>(
          'SELECT report_id, patient_key, resources, version FROM sharing_checkups WHERE provider = $1 AND document_id = $2 FOR UPDATE',
          [r.provider, r.facts.documentId],
        )
      ).rows[0];
      if (earlier && earlier.patient_key !== r.person.patientId)
        throw FhirError.of(
          422,
          'business-rule',
          `識別子 ${r.facts.documentId.split('|')[1]} の健診結果報告書は別の受診者について登録済みです`,
          `the report with identifier ${r.facts.documentId.split('|')[1]} was registered for another person`,
          ['Bundle.entry[0].resource.identifier'],
        );
      const refs = await writeDocumentResources(rt, session, ctx, {
        kept: r.kept,
        entries: r.entries,
        person: r.person,
        compositionId: earlier?.report_id,
        previous: earlier ? earlier.resources.slice(1) : [],
        security: [securityLabel('checkup')],
        tag: CHECKUP_TAG,
      });
      const reportId = refs[0].split('/')[1];
      const version = (earlier?.version ?? 0) + 1;
      await session.tx.query(
        `INSERT INTO sharing_checkups (report_id, patient_key, provider, document_id, bundle_id, kind, program_code, report_category, checkup_date,
                                       resources, version, registered_at, withdrawn_at, purged_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10::text[], $11, $12, NULL, NULL)
         ON CONFLICT (report_id) DO UPDATE SET bundle_id = EXCLUDED.bundle_id, kind = EXCLUDED.kind, program_code = EXCLUDED.program_code,
           report_category = EXCLUDED.report_category, checkup_date = EXCLUDED.checkup_date, resources = EXCLUDED.resources,
           version = EXCLUDED.version, registered_at = EXCLUDED.registered_at, withdrawn_at = NULL, purged_at = NULL`,
        [
          reportId,
          r.person.patientId,
          r.provider,
          r.facts.documentId,
          r.bundleId,
          r.facts.kind,
          r.facts.programCode,
          r.facts.reportCategory,
          r.facts.checkupDate,
          refs,
          version,
          now.toISOString(),
        ],
      );
      await subscriptions.publish(session.tx, {
        topic: CHECKUP_REGISTERED_TOPIC,
        focus: refs[0],
        patientKey: r.person.patientId,
        audience: { patientId: r.person.patientId },
      });
      return { report: refs[0], results: refs.slice(1), version, status: earlier ? 'updated' : 'created' };
    },
    { trusted: true },
  );
}
