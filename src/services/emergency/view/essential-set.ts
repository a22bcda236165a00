/**
 * The essential information (救急時に必要な情報) of a person, gathered whatever the consents — the workflow is the
 * basis and the caller audits what it shows. By scope:
 *   emergency  current drugs and ~6 months of medication (antithrombotics and other high-risk classes highlighted),
 *              surgery / transplant history, dialysis, allergies, infections, diagnoses, the latest result of each lab
 *   disaster   diagnoses, allergies and drug contraindications, infections, ~6 months of medication
 *   ambulance  receipt-based and e-prescription medication of ~6 months (no clinical items)
 * Letters, check-ups and everything else are never part of it. 未提供 items stay withheld (sharing's emergencyItems).
 */
import { categoryLabelKey } from '../../../platform/consent/categories.ts';
import { SPECIFIC_DISEASES, eligibilityRecordsOf } from '../../eligibility/index.ts';
import { emergencyItems, type ItemKind } from '../../sharing/index.ts';
import { japanDay } from '../model/japan-time.ts';
import type { EmergencyRuntime } from '../model/runtime.ts';
import { byDateDesc, eprescriptionLines, resourceLine, type DrugLine } from './drug-lines.ts';

type Json = Record<string, unknown>;
export type EssentialScope = 'emergency' | 'disaster' | 'ambulance';

export interface Alert {
  code: 'antithrombotic' | 'high-risk' | 'dialysis' | 'transplant' | 'bleeding-disorder' | 'drug-allergy' | 'infection';
  ja: string;
}

export interface ClinicalEntry {
  ref: string;
  resource: Json;
}

export interface EssentialSet {
  patient?: Json;
  drugs: DrugLine[];
  allergies: ClinicalEntry[];
  diagnoses: ClinicalEntry[];
  infections: ClinicalEntry[];
  labs: ClinicalEntry[];
  procedures: (ClinicalEntry & { tag: 'surgery' | 'dialysis' | 'transplant' })[];
  alerts: Alert[];
  /** Every resource read, for the audit record. */
  refs: string[];
}

const KINDS: Record<EssentialScope, readonly ItemKind[]> = {
  emergency: ['diagnosis', 'infection', 'drug-allergy', 'other-allergy', 'lab', 'prescription'],
  disaster: ['diagnosis', 'infection', 'drug-allergy', 'other-allergy', 'prescription'],
  ambulance: [],
};

const SURGERY = { system: 'http://snomed.info/sct', code: '387713003' };
const textOf = (r: Json) => JSON.stringify([r.code, r.category]);

function procedureTag(r: Json): 'surgery' | 'dialysis' | 'transplant' | undefined {
  const t = textOf(r);
  if (/移植|transplant/i.test(t)) return 'transplant';
  if (/透析|人工腎臓|dialysis/i.test(t)) return 'dialysis';
  const cats = (r.category as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  return cats.some((c) => c.system === SURGERY.system && c.code === SURGERY.code) ? 'surgery' : undefined;
}

const firstCode = (r: Json) => ((r.code as { coding?: { code?: string }[] } | undefined)?.coding ?? [])[0]?.code ?? JSON.stringify(r.code);

export async function essentialSet(rt: EmergencyRuntime, patientKey: string, scope: EssentialScope): Promise<EssentialSet> {
  const at = rt.clock();
  const today = japanDay(at);
  const fromDate = new Date(at.getTime() - rt.config.historyDays * 86_400_000);
  const from = japanDay(fromDate);
  const { db, system } = rt.platform;
  const patient = (await system.current(db, 'Patient', [patientKey])).get(patientKey);
  const items = await emergencyItems(db, system, patientKey, KINDS[scope], at);
  const out: EssentialSet = {
    ...(patient?.content ? { patient: JSON.parse(patient.content) as Json } : {}),
    drugs: [],
    allergies: [],
    diagnoses: [],
    infections: [],
    labs: [],
    procedures: [],
    alerts: [],
    refs: patient?.content ? [`Patient/${patientKey}`] : [],
  };
  const labSeen = new Set<string>();
  for (const item of items) {
    const resource = JSON.parse(item.content) as Json;
    const entry = { ref: item.ref, resource };
    if (item.kind === 'prescription') {
      const line = resourceLine(item.ref, resource, today);
      if (line && line.date >= from) out.drugs.push({ ...line, facility: item.facility });
      else continue;
    } else if (item.kind === 'diagnosis') out.diagnoses.push(entry);
    else if (item.kind === 'infection') out.infections.push(entry);
    else if (item.kind === 'drug-allergy' || item.kind === 'other-allergy') out.allergies.push(entry);
    else if (item.kind === 'lab') {
      const key = firstCode(resource);
      if (labSeen.has(key)) continue;
      labSeen.add(key);
      out.labs.push(entry);
    }
    out.refs.push(item.ref);
  }
  // Receipt-based information imported by insurers (eligibility's shared information): dispensings and procedures.
  const receiptTypes = scope === 'emergency' ? ['MedicationDispense', 'Procedure'] : ['MedicationDispense'];
  const receipt = await system.labelledData(patientKey, receiptTypes, [categoryLabelKey('medication'), categoryLabelKey('surgery')]);
  for (const r of receipt) {
    if (!r.content) continue;
    const ref = `${r.resourceType}/${r.id}`;
    const resource = JSON.parse(r.content) as Json;
    if (r.resourceType === 'Procedure') {
      const tag = procedureTag(resource);
      if (!tag) continue;
      out.procedures.push({ ref, resource, tag });
      out.refs.push(ref);
      continue;
    }
    const line = resourceLine(ref, resource, today);
    if (!line || line.date < from) continue;
    out.drugs.push(line);
    out.refs.push(ref);
  }
  out.drugs.push(...(await eprescriptionLines(db, patientKey, from, today)));
  out.drugs.sort(byDateDesc);
  for (const d of out.drugs) d.riskClass = await rt.drugClasses.classOf(d.code, at);
  out.alerts = alertsOf(out, scope === 'emergency' ? await eligibilityRecordsOf(db, patientKey) : []);
  return out;
}

function alertsOf(s: EssentialSet, records: Awaited<ReturnType<typeof eligibilityRecordsOf>>): Alert[] {
  const alerts: Alert[] = [];
  const current = s.drugs.filter((d) => d.current && d.riskClass);
  const names = (risk: string) => [...new Set(current.filter((d) => d.riskClass?.risk === risk).map((d) => `${d.name}（${d.riskClass!.ja}）`))];
  const anti = names('antithrombotic');
  if (anti.length) alerts.push({ code: 'antithrombotic', ja: `抗血栓薬を服用中: ${anti.join('、')}` });
  const high = names('high-risk');
  if (high.length) alerts.push({ code: 'high-risk', ja: `ハイリスク薬を服用中: ${high.join('、')}` });
  const specific = new Set(records.flatMap((r) => r.specificDiseases.map((d) => d.code)));
  if (specific.has('dialysis') || s.procedures.some((p) => p.tag === 'dialysis'))
    alerts.push({ code: 'dialysis', ja: specific.has('dialysis') ? `透析: ${SPECIFIC_DISEASES.dialysis.ja}（特定疾病）` : '透析の記録があります' });
  if (s.procedures.some((p) => p.tag === 'transplant')) alerts.push({ code: 'transplant', ja: '臓器移植の記録があります' });
  if (specific.has('hemophilia')) alerts.push({ code: 'bleeding-disorder', ja: `出血性疾患: ${SPECIFIC_DISEASES.hemophilia.ja}（特定疾病）` });
  if (s.allergies.length) alerts.push({ code: 'drug-allergy', ja: `アレルギー・禁忌 ${s.allergies.length}件` });
  if (s.infections.length) alerts.push({ code: 'infection', ja: `感染症の記録 ${s.infections.length}件` });
  return alerts;
}
