/** The essential set as output parameters ($emergency-view, $disaster-view, $ambulance-lookup): one shape for all. */
import type { OutParam } from '../../../platform/router/operations/parameters.ts';
import type { AccessRow } from '../access/access-store.ts';
import { EMERGENCY_REASONS, type EmergencyReason } from '../model/reasons.ts';
import type { EssentialSet } from './essential-set.ts';

const str = (name: string, v: string | undefined): OutParam[] => (v === undefined || v === '' ? [] : [{ name, valueString: v }]);

export function accessParameter(a: AccessRow): OutParam {
  return {
    name: 'access',
    part: [
      { name: 'id', valueString: a.access_id },
      { name: 'mode', valueCode: a.mode },
      { name: 'patient', valueReference: { reference: `Patient/${a.patient_key}` } },
      { name: 'reason', valueCode: a.reason_code },
      { name: 'reasonDisplay', valueString: EMERGENCY_REASONS[a.reason_code as EmergencyReason]?.ja ?? a.reason_code },
      ...str('reasonText', a.reason_text),
      { name: 'identifiedBy', valueCode: a.identified_by },
      { name: 'organisation', valueString: a.organisation_name },
      ...str('staffName', a.staff_name ?? undefined),
      { name: 'start', valueInstant: new Date(a.started_at).toISOString() },
      { name: 'end', valueInstant: new Date(a.ended_at ?? a.ends_at).toISOString() },
      { name: 'views', valueInteger: a.views },
      { name: 'reviewState', valueCode: a.review_state },
      ...str('reviewNote', a.review_note ?? undefined),
      ...str('reviewedBy', a.reviewed_by ?? undefined),
    ],
  };
}

export function essentialParameters(s: EssentialSet): OutParam[] {
  const res = (name: string) => (e: { resource: Record<string, unknown> }) => ({ name, resource: e.resource });
  return [
    ...(s.patient ? [{ name: 'patientRecord', resource: s.patient }] : []),
    ...s.alerts.map((a) => ({
      name: 'alert',
      part: [
        { name: 'code', valueCode: a.code },
        { name: 'text', valueString: a.ja },
      ],
    })),
    ...s.drugs.map((d) => ({
      name: 'drug',
      part: [
        { name: 'name', valueString: d.name },
        ...(d.code ? [{ name: 'code', valueCoding: { system: d.code.system, code: d.code.code } }] : []),
        { name: 'date', valueDate: d.date },
        { name: 'source', valueCode: d.source },
        ...str('facility', d.facility),
        ...(d.days ? [{ name: 'days', valueInteger: d.days }] : []),
        ...str('quantity', d.quantity),
        { name: 'current', valueBoolean: d.current },
        ...(d.riskClass
          ? [
              { name: 'riskClass', valueCode: d.riskClass.risk },
              { name: 'riskLabel', valueString: d.riskClass.ja },
            ]
          : []),
      ],
    })),
    ...s.allergies.map(res('allergy')),
    ...s.diagnoses.map(res('diagnosis')),
    ...s.infections.map(res('infection')),
    ...s.labs.map(res('lab')),
    ...s.procedures.map((p) => ({
      name: 'procedure',
      part: [
        { name: 'tag', valueCode: p.tag },
        { name: 'record', resource: p.resource },
      ],
    })),
  ];
}
