/**
 * $my-data: the person's own data as one `collection` Bundle (base R4): the stored resources (collect.ts), each with
 * its fullUrl on this server, then the e-prescription lines and dispensings as MedicationRequest / MedicationDispense.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import { auditOwnRead } from '../model/person.ts';
import { directoryNames } from '../model/names.ts';
import type { PortalRuntime } from '../model/runtime.ts';
import { collectMyData, type MyData } from './collect.ts';
import { medicationResources } from './medication-resources.ts';

/** Facility names of the medication records. */
export async function medicationNames(rt: PortalRuntime, data: MyData): Promise<Map<string, string>> {
  const nameOf = directoryNames(rt);
  const names = new Map<string, string>();
  for (const code of new Set(data.medication.map((m) => m.facility))) {
    const n = await nameOf(code);
    if (n) names.set(code, n);
  }
  return names;
}

export const myDataFilename = (at: Date, ext: 'json' | 'pdf') => `tsunagu-my-data-${japanDate(at)}.${ext}`;

export async function myDataBundle(rt: PortalRuntime, ctx: RequestContext, patientId: string, base: string): Promise<{ body: string; at: Date }> {
  const data = await collectMyData(rt, ctx, patientId, 'my-data');
  const names = await medicationNames(rt, data);
  const entries = [
    ...data.resources.map((r) => ({ fullUrl: `${base}/${r.resourceType}/${r.id}`, resource: r.resource })),
    ...medicationResources(patientId, data.medication, names),
  ];
  await auditOwnRead(rt, ctx, 'my-data', patientId);
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: data.at.toISOString(),
    entry: entries,
  };
  return { body: JSON.stringify(bundle), at: data.at };
}
