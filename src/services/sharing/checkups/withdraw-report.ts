/**
 * `$withdraw-checkup-report` (健診結果報告書の取下げ): the provider that registered a report withdraws it (named by its
 * Composition reference); its resources are deleted in the store (history kept) and it leaves every view at once.
 * Another provider's report, or none, answers 404 alike.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { notFound } from '../../../platform/fhir/errors.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { registeringFacility } from '../registration/document-checks.ts';

export async function withdrawCheckupReport(rt: SharingRuntime, ctx: RequestContext, reference: string): Promise<string> {
  const facility = registeringFacility(ctx, { ja: '健診結果報告書の取下げ', en: 'withdrawal of a check-up report' });
  const id = reference.split('/')[1];
  return rt.platform.repo.transaction(
    async (session) => {
      const row = (
        await session.tx.query<{ resources: string[] }>(
          'SELECT resources FROM sharing_checkups WHERE report_id = $1 AND provider = $2 AND withdrawn_at IS NULL AND purged_at IS NULL FOR UPDATE',
          [id, facility],
        )
      ).rows[0];
      if (!row) throw notFound(reference);
      for (const ref of row.resources) {
        const [type, rid] = ref.split('/');
        await rt.platform.repo.delete(ctx, type, rid, { session });
      }
      await session.tx.query('UPDATE sharing_checkups SET withdrawn_at = $2 WHERE report_id = $1', [id, rt.clock().toISOString()]);
      return reference;
    },
    { trusted: true },
  );
}
