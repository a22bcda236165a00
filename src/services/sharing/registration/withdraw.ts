/**
 * `$withdraw-clinical-information` (取下げ): the registering facility withdraws one of its items, named by its
 * business identifier (and resource type) or by reference. The resource is deleted in the store (its history kept)
 * and leaves every view at once. Another facility's item, or none, answers 404 alike.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { notFound } from '../../../platform/fhir/errors.ts';
import { RESOURCE_INSTANCE_IDENTIFIER } from '../model/fhir-codes.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { registeringFacility } from './document-checks.ts';

export type ItemName = { reference: string } | { resourceType: string; identifier: string };

export async function withdrawItem(rt: SharingRuntime, ctx: RequestContext, name: ItemName): Promise<string> {
  const facility = registeringFacility(ctx, { ja: '6情報の取下げ', en: 'withdrawal of an item' });
  const [type, key] =
    'reference' in name ? name.reference.split('/') : [name.resourceType, `${RESOURCE_INSTANCE_IDENTIFIER}|${name.identifier.normalize('NFKC').trim()}`];
  const byId = 'reference' in name;
  const what = 'reference' in name ? name.reference : `${name.resourceType}?identifier=${name.identifier}`;
  return rt.platform.repo.transaction(
    async (session) => {
      const row = (
        await session.tx.query<{ resource_id: string }>(
          `SELECT resource_id FROM sharing_items WHERE facility = $1 AND resource_type = $2 AND ${byId ? 'resource_id' : 'business_id'} = $3
              AND withdrawn_at IS NULL AND purged_at IS NULL FOR UPDATE`,
          [facility, type, key],
        )
      ).rows[0];
      if (!row) throw notFound(what);
      await rt.platform.repo.delete(ctx, type, row.resource_id, { session });
      await session.tx.query('UPDATE sharing_items SET withdrawn_at = $3 WHERE resource_type = $1 AND resource_id = $2', [
        type,
        row.resource_id,
        rt.clock().toISOString(),
      ]);
      return `${type}/${row.resource_id}`;
    },
    { trusted: true },
  );
}
