/**
 * The person's e-prescription lines and dispensed lines (medicationRecords) as base R4 MedicationRequest and
 * MedicationDispense resources for the download: the drug as coded in the master with its name, the quantity and
 * days, the facility or pharmacy by name, the date. fullUrls are stable urn:uuid values derived from the records.
 */
import { createHash } from 'node:crypto';
import type { MedicationRecord } from '../../eprescription/index.ts';

type Json = Record<string, unknown>;

const uuidOf = (text: string) => {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export function medicationResources(patientId: string, records: MedicationRecord[], names: Map<string, string>): { fullUrl: string; resource: Json }[] {
  return records.map((r, i) => {
    const medication = { coding: [{ system: r.code.system, code: r.code.code, display: r.name }], text: r.name };
    const quantity = { value: r.quantity, unit: r.unit };
    const organisation = { display: names.get(r.facility) ?? r.facility };
    const fullUrl = `urn:uuid:${uuidOf(`${patientId}|${r.source}|${r.prescriptionId}|${r.dispensingId ?? ''}|${i}|${r.code.code}`)}`;
    if (r.source === 'prescription')
      return {
        fullUrl,
        resource: {
          resourceType: 'MedicationRequest',
          identifier: [{ system: 'urn:tsunagu:prescription-id', value: r.prescriptionId }],
          status: 'active',
          intent: 'order',
          medicationCodeableConcept: medication,
          subject: { reference: `Patient/${patientId}` },
          authoredOn: r.date,
          requester: organisation,
          dispenseRequest: {
            quantity,
            ...(r.days !== undefined ? { expectedSupplyDuration: { value: r.days, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' } } : {}),
          },
        },
      };
    return {
      fullUrl,
      resource: {
        resourceType: 'MedicationDispense',
        identifier: [{ system: 'urn:tsunagu:dispensing-id', value: r.dispensingId ?? r.prescriptionId }],
        status: 'completed',
        medicationCodeableConcept: medication,
        subject: { reference: `Patient/${patientId}` },
        performer: [{ actor: organisation }],
        quantity,
        ...(r.days !== undefined ? { daysSupply: { value: r.days, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' } } : {}),
        whenHandedOver: r.date,
        ...(r.substituted !== undefined ? { substitution: { wasSubstituted: r.substituted } } : {}),
      },
    };
  });
}
