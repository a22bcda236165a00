/** The audit events of a search: one per person whose data it returned (or one for a search of people's data that returned none). */
import type { RequestContext } from '../auth/principal.ts';
import type { AuditRecord } from '../audit/audit-record.ts';
import { isPatientCompartmentType } from '../search/patient-key.ts';
import type { Repository } from './repository.ts';
import { relativeRef, type StoredResource } from './stored-resource.ts';

/** Records the search `type?query` returning `rows`; `decisions` hold each person's basis for the access. */
export async function auditSearch(
  repo: Repository,
  ctx: RequestContext,
  type: string,
  query: URLSearchParams,
  rows: StoredResource[],
  decisions: Map<string, { basis?: string }>,
): Promise<void> {
  const byPatient = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!r.patientKey) continue;
    const set = byPatient.get(r.patientKey) ?? new Set<string>();
    set.add(relativeRef(r));
    byPatient.set(r.patientKey, set);
  }
  const qs = `${type}?${query.toString()}`;
  const records: AuditRecord[] = [...byPatient].map(([pk, entities]) =>
    repo.auditRecord(ctx, 'R', 'search-type', '0', pk, [...entities], { query: qs, basis: decisions.get(pk)?.basis }),
  );
  // A search for people's data that returned nothing is still recorded.
  if (records.length === 0 && isPatientCompartmentType(type)) records.push(repo.auditRecord(ctx, 'R', 'search-type', '0', '', [], { query: qs }));
  await repo.deps.readAudit.write(records);
}
