/** Access to rows a query returned (search matches and includes, history versions): checked row by row. */
import type { RequestContext } from '../auth/principal.ts';
import type { Interaction } from '../access/policy.ts';
import type { Repository } from './repository.ts';
import { relativeRef, type StoredResource } from './stored-resource.ts';

export interface RowAccess {
  kept: StoredResource[];
  /** Rows the rules refused (already recorded in the audit log, one event per person and type). */
  refused: StoredResource[];
  /** The basis of each person's rows that were kept (for the audit event of the access). */
  decisions: Map<string, { basis?: string }>;
}

/**
 * Drops the rows the caller may not read and records each refusal (outcome 4) in the person's access log. Rows of
 * one person and type with the same registrant, security labels and clinical date share one decision: reads
 * depend on nothing else of a row (AccessPolicy). Scopes are the caller's business (checked before); `at` is the
 * instant the search's SQL judged grants at.
 */
export async function filterByAccess(repo: Repository, ctx: RequestContext, interaction: Interaction, rows: StoredResource[], at?: Date): Promise<RowAccess> {
  const decisions = new Map<string, { allow: boolean; basis?: string; en?: string }>();
  const bases = new Map<string, Set<string>>();
  const kept: StoredResource[] = [];
  const refused: { row: StoredResource; reason?: string }[] = [];
  for (const row of rows) {
    if (!row.patientKey) {
      kept.push(row);
      continue;
    }
    const key = `${row.patientKey}\u0000${row.resourceType}\u0000${row.owner}\u0000${row.labels.join(' ')}\u0000${row.dataDate?.toISOString() ?? ''}`;
    let d = decisions.get(key);
    if (!d) {
      const decision = await repo.deps.policy.canSee({
        ctx,
        interaction,
        resourceType: row.resourceType,
        patientKey: row.patientKey,
        owner: row.owner,
        labels: row.labels,
        dataDate: row.dataDate,
        at,
      });
      d = decision.allow ? decision : { allow: false, en: decision.en };
      decisions.set(key, d);
    }
    if (!d.allow) {
      refused.push({ row, reason: d.en });
      continue;
    }
    kept.push(row);
    if (d.basis) bases.set(row.patientKey, (bases.get(row.patientKey) ?? new Set()).add(d.basis));
  }
  await auditRefusals(repo, ctx, interaction, refused);
  const basisByPatient = new Map([...bases].map(([pk, set]) => [pk, { basis: [...set].join(' ') }]));
  return { kept, refused: refused.map((r) => r.row), decisions: basisByPatient };
}

/** One refusal event per person and type: the person sees in their access log that someone was turned away. */
async function auditRefusals(
  repo: Repository,
  ctx: RequestContext,
  interaction: Interaction,
  refused: { row: StoredResource; reason?: string }[],
): Promise<void> {
  if (refused.length === 0) return;
  const groups = new Map<string, { patientKey: string; type: string; entities: string[]; reasons: Set<string> }>();
  for (const { row, reason } of refused) {
    const k = `${row.patientKey}\u0000${row.resourceType}`;
    const g = groups.get(k) ?? { patientKey: row.patientKey, type: row.resourceType, entities: [], reasons: new Set<string>() };
    g.entities.push(relativeRef(row));
    if (reason) g.reasons.add(reason);
    groups.set(k, g);
  }
  await repo.deps.readAudit.write(
    [...groups.values()].map((g) =>
      repo.auditRecord(ctx, 'R', `${interaction}-type`, '4', g.patientKey, g.entities, { outcomeDesc: `${g.type}: ${[...g.reasons].join('; ')}` }),
    ),
  );
}
