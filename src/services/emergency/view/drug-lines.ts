/**
 * The person's medication of the last months as one list (新しい順): prescriptions and dispensings of the
 * e-prescription service, prescriptions of the EHR sharing service, and receipt-based dispensings (薬剤情報, imported
 * from claims by the eligibility service) — each line with its source (its class is added by the caller,
 * drug-classifier.ts). A line is current when its date plus its days (30 when unknown) reaches today.
 */
import { medicationRecords } from '../../eprescription/index.ts';
import type { DrugClass } from '../model/risk-classes.ts';

type Json = Record<string, unknown>;

export interface DrugLine {
  source: 'prescription' | 'dispensing' | 'shared-prescription' | 'receipt';
  date: string;
  name: string;
  code?: { system: string; code: string };
  /** 医療機関コード / 薬局コード or the name recorded. */
  facility?: string;
  days?: number;
  quantity?: string;
  current: boolean;
  riskClass?: DrugClass;
  /** `Type/id` of a resource line. */
  ref?: string;
}

const DEFAULT_DAYS = 30;

function isCurrent(date: string, days: number | undefined, today: string): boolean {
  const end = new Date(`${date}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + (days ?? DEFAULT_DAYS));
  return end.toISOString().slice(0, 10) >= today;
}

interface Coded {
  coding?: { system?: string; code?: string; display?: string }[];
  text?: string;
}

function codedLine(c: Coded | undefined) {
  const coding = c?.coding?.find((x) => x.code) ?? c?.coding?.[0];
  return {
    name: c?.text ?? coding?.display ?? coding?.code ?? '（名称なし）',
    ...(coding?.code ? { code: { system: coding.system ?? '', code: coding.code } } : {}),
  };
}

/** Receipt MedicationDispense (eligibility's import) and sharing MedicationRequest resources as lines. */
export function resourceLine(ref: string, r: Json, today: string): DrugLine | undefined {
  if (r.resourceType === 'MedicationDispense') {
    const date = String(r.whenHandedOver ?? r.whenPrepared ?? '').slice(0, 10);
    if (!date) return undefined;
    const l = codedLine(r.medicationCodeableConcept as Coded);
    const days = (r.daysSupply as { value?: number } | undefined)?.value;
    const performer = (r.performer as { actor?: { display?: string } }[] | undefined)?.[0]?.actor?.display;
    const q = r.quantity as { value?: number; unit?: string } | undefined;
    return {
      source: 'receipt',
      date,
      ...l,
      ...(performer ? { facility: performer } : {}),
      ...(days ? { days } : {}),
      ...(q?.value !== undefined ? { quantity: `${q.value}${q.unit ?? ''}` } : {}),
      current: isCurrent(date, days, today),
      ref,
    };
  }
  if (r.resourceType === 'MedicationRequest') {
    const date = String(r.authoredOn ?? '').slice(0, 10);
    if (!date) return undefined;
    const l = codedLine(r.medicationCodeableConcept as Coded);
    const days = (r.dispenseRequest as { expectedSupplyDuration?: { value?: number } } | undefined)?.expectedSupplyDuration?.value;
    return { source: 'shared-prescription', date, ...l, ...(days ? { days } : {}), current: isCurrent(date, days, today), ref };
  }
  return undefined;
}

/** The e-prescription service's lines since `from` (YYYY-MM-DD). */
export async function eprescriptionLines(db: Parameters<typeof medicationRecords>[0], patientKey: string, from: string, today: string): Promise<DrugLine[]> {
  return (await medicationRecords(db, patientKey, { from, limit: 2000 })).map((m) => ({
    source: m.source,
    date: m.date,
    name: m.name,
    code: m.code,
    facility: m.facility,
    ...(m.days ? { days: m.days } : {}),
    quantity: `${m.quantity}${m.unit}`,
    current: isCurrent(m.date, m.days, today),
  }));
}

export const byDateDesc = (a: DrugLine, b: DrugLine) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0);
