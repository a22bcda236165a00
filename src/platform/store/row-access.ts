/** Access to rows a query returned (search matches and includes, history versions): checked row by row. */
import type { RequestContext } from '../auth/principal.ts';
import type { Repository } from './repository.ts';
import type { StoredResource } from './stored-resource.ts';

/**
 * Drops the rows the access rules refuse; returns the audit basis per patient kept. Each row is checked with its
 * own resource; rows of one patient and type with the same security labels (meta.security) share one decision,
 * so rules may depend on the caller, the patient, the type and the labels — nothing else of a row.
 */
export async function filterByAccess(repo: Repository, ctx: RequestContext, interaction: 'search' | 'history', rows: StoredResource[]) {
  const decisions = new Map<string, { allow: boolean; basis?: string }>();
  const bases = new Map<string, Set<string>>();
  const kept: StoredResource[] = [];
  for (const row of rows) {
    if (!row.patientKey) {
      kept.push(row);
      continue;
    }
    const { labels, resource } = labelsOf(row);
    const key = `${row.patientKey}\u0000${row.resourceType}\u0000${labels}`;
    let d = decisions.get(key);
    if (!d) {
      d = await repo.deps.policy.check({ ctx, interaction, resourceType: row.resourceType, patientKey: row.patientKey, resource });
      decisions.set(key, d);
    }
    if (!d.allow) continue;
    kept.push(row);
    if (d.basis) bases.set(row.patientKey, (bases.get(row.patientKey) ?? new Set()).add(d.basis));
  }
  const basisByPatient = new Map([...bases].map(([pk, set]) => [pk, { basis: [...set].join(' ') }]));
  return { kept, decisions: basisByPatient };
}

/** A row's security labels as a comparison key, and its resource parsed on demand. */
function labelsOf(row: StoredResource): { labels: string; resource: () => Record<string, unknown> } {
  let parsed: Record<string, unknown> | undefined;
  const resource = () => (parsed ??= JSON.parse(row.content ?? '{}') as Record<string, unknown>);
  if (!row.content?.includes('"security"')) return { labels: '', resource };
  const security = (resource().meta as { security?: { system?: string; code?: string }[] } | undefined)?.security ?? [];
  return { labels: security.map((c) => `${c.system ?? ''}|${c.code ?? ''}`).sort().join(' '), resource };
}
