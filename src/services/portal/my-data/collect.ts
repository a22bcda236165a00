/**
 * The person's own data for a download ($my-data, $my-data-pdf): every resource of their patient compartment they may
 * read, found by ordinary compartment searches as the person (the machinery of Patient/$everything: the store's
 * access rule — 未告知 items never reach the person — and the store's audit of each search), less the items of the 6
 * information no longer in force (retention, withdrawal); and the person's prescriptions and dispensings from the
 * e-prescription service (medicationRecords). Letters are not part of it (they are never shown to the patient).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { patientCompartmentTypes, compartmentQuery } from '../../../platform/router/compartment.ts';
import { runSearch } from '../../../platform/store/search-executor.ts';
import { medicationRecords, type MedicationRecord } from '../../eprescription/index.ts';
import { SHARED_ITEM_LABEL, personItems, type ItemKind } from '../../sharing/index.ts';
import type { PortalRuntime } from '../model/runtime.ts';

type Json = Record<string, unknown>;

export interface MyResource {
  resourceType: string;
  id: string;
  resource: Json;
  /** The kind of a 6-information item. */
  kind?: ItemKind;
}

export interface MyData {
  at: Date;
  patient?: Json;
  resources: MyResource[];
  medication: MedicationRecord[];
}

const SHARED_LABEL_KEY = `${SHARED_ITEM_LABEL.system}|${SHARED_ITEM_LABEL.code}`;
/** Entries per compartment search page. */
const PAGE = 1000;
/** Resources at most in one download (a person's lifetime data is far less; beyond it the answer says so). */
export const MY_DATA_MAX = 20_000;

export async function collectMyData(rt: PortalRuntime, ctx: RequestContext, patientId: string, subtype: string): Promise<MyData> {
  const at = rt.clock();
  const repo = rt.platform.repo;
  const types = patientCompartmentTypes().filter((t) => repo.deps.policy.scopeDecision(ctx, t, 'search').allow);
  const items = await personItems(rt.platform.db, patientId, at);
  const resources: MyResource[] = [];
  for (const type of types) {
    for (let offset = 0; resources.length < MY_DATA_MAX; offset += PAGE) {
      const q = type === 'Patient' ? new URLSearchParams({ _id: patientId }) : compartmentQuery(patientId, new URLSearchParams());
      q.set('_count', String(PAGE));
      if (offset) q.set('_offset', String(offset));
      const found = await runSearch(repo, ctx, type, q);
      for (const m of found.matches) {
        if (!m.content) continue;
        const ref = `${m.resourceType}/${m.id}`;
        if (items.all.has(ref) && !items.inForce.has(ref)) continue;
        resources.push({ resourceType: m.resourceType, id: m.id, resource: JSON.parse(m.content) as Json, kind: items.inForce.get(ref) });
      }
      if (found.matches.length < PAGE) break;
    }
  }
  // The 6 information and the documents name the person by identifier (JP-CLINS), not always by reference: they are
  // found by the person's key with the same visibility (the person's rule: never 未告知), and recorded as read.
  const seen = new Set(resources.map((r) => `${r.resourceType}/${r.id}`));
  const shared = await rt.platform.system.personData(ctx, patientId, [...patientCompartmentTypes(), 'Composition'], SHARED_LABEL_KEY);
  const sharedRefs: string[] = [];
  for (const m of shared) {
    const ref = `${m.resourceType}/${m.id}`;
    if (!m.content || seen.has(ref) || (items.all.has(ref) && !items.inForce.has(ref))) continue;
    seen.add(ref);
    sharedRefs.push(ref);
    resources.push({ resourceType: m.resourceType, id: m.id, resource: JSON.parse(m.content) as Json, kind: items.inForce.get(ref) });
  }
  if (sharedRefs.length)
    await rt.platform.readAudit.write([repo.auditRecord(ctx, 'R', subtype, '0', patientId, sharedRefs, { basis: 'patient', query: 'shared-information' })]);
  const medication = await medicationRecords(rt.platform.db, patientId, { limit: 5000 });
  const patient = resources.find((r) => r.resourceType === 'Patient' && r.id === patientId)?.resource;
  return { at, patient, resources, medication };
}
