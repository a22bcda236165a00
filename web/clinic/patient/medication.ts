/**
 * お薬の履歴 as display rows, from two reads a facility has:
 *   - `$prescription-status?patient=` (e-prescription service): this facility's own e-prescriptions of the person —
 *     交付日, state (調剤済み …), the drugs by the drug master's names, 日数;
 *   - `Patient/{id}/$medication-history` (eligibility service, with the patient's consent): the receipt-based
 *     medication information (薬剤情報) other facilities and pharmacies claimed.
 * Pure.
 */
import { arrayOf, conceptName, isRecord, type Json, japanDay, showNumber, stringOf } from './format.ts';

export interface DrugLine {
  name: string;
  /** 1日3錠 × 14日分 … as a short text. */
  amount?: string;
}

export interface MedicationRow {
  ref: string;
  source: 'eprescription' | 'receipt';
  /** 交付日 / 調剤日. */
  date?: string;
  /** 医療機関コード / 薬局コード, when known. */
  facilityCode?: string;
  /** The facility's name when the record carries it. */
  facilityName?: string;
  /** registered | accepted | completed | cancelled | expired (e-prescriptions). */
  state?: string;
  prescriber?: string;
  drugs: DrugLine[];
}

export const STATE_NAMES: Record<string, { ja: string; en: string }> = {
  registered: { ja: '未調剤（薬局での受付待ち）', en: 'not yet dispensed' },
  accepted: { ja: '薬局で受付済み', en: 'accepted by a pharmacy' },
  completed: { ja: '調剤済み', en: 'dispensed' },
  cancelled: { ja: '取消', en: 'cancelled' },
  expired: { ja: '期限切れ', en: 'expired' },
};

interface Param {
  name?: unknown;
  part?: unknown;
  [k: string]: unknown;
}

const parts = (p: Param | Json): Param[] => (Array.isArray(p.part) ? (p.part.filter(isRecord) as Param[]) : []);
const named = (list: Param[], name: string) => list.filter((p) => p.name === name);
const value = (list: Param[], name: string): unknown => {
  const p = list.find((x) => x.name === name);
  if (!p) return undefined;
  const key = Object.keys(p).find((k) => k.startsWith('value'));
  return key ? p[key] : undefined;
};

function amountOf(quantity: unknown, unit: unknown, days: unknown): string | undefined {
  const q = typeof quantity === 'number' ? `${showNumber(quantity)}${stringOf(unit) ?? ''}` : undefined;
  const d = typeof days === 'number' ? `${days}日分` : undefined;
  return [q, d].filter(Boolean).join('・') || undefined;
}

/** `$prescription-status` Parameters → one row per prescription, newest first. */
export function ePrescriptionRows(parameters: unknown): MedicationRow[] {
  const top = isRecord(parameters) && Array.isArray(parameters.parameter) ? (parameters.parameter.filter(isRecord) as Param[]) : [];
  const rows = named(top, 'prescription').map((p, i): MedicationRow => {
    const ps = parts(p);
    return {
      ref: `eprescription/${stringOf(value(ps, 'id')) ?? i}`,
      source: 'eprescription',
      date: japanDay(value(ps, 'issuedOn')),
      facilityCode: stringOf(value(ps, 'issuer')),
      state: stringOf(value(ps, 'state')),
      prescriber: stringOf(value(ps, 'prescriber')),
      drugs: named(ps, 'medication').map((m) => {
        const ms = parts(m);
        return { name: stringOf(value(ms, 'name')) ?? '（薬剤名なし）', amount: amountOf(value(ms, 'quantity'), value(ms, 'unit'), value(ms, 'days')) };
      }),
    };
  });
  return rows.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
}

function receiptDate(r: Json): string | undefined {
  const period = isRecord(r.effectivePeriod) ? r.effectivePeriod.start : undefined;
  return (
    japanDay(r.whenHandedOver) ??
    japanDay(r.whenPrepared) ??
    japanDay(r.effectiveDateTime) ??
    japanDay(period) ??
    japanDay(r.authoredOn) ??
    japanDay(r.dateAsserted)
  );
}

function receiptAmount(r: Json): string | undefined {
  const q = isRecord(r.quantity) ? r.quantity : undefined;
  const days = isRecord(r.daysSupply) ? r.daysSupply.value : undefined;
  return amountOf(q?.value, q?.unit, days);
}

function partyOf(r: Json): { code?: string; name?: string } {
  const refs = [...arrayOf(r.performer).map((p) => p.actor), r.requester, r.informationSource].filter(isRecord);
  for (const ref of refs) {
    const id = isRecord(ref.identifier) ? stringOf(ref.identifier.value) : undefined;
    const name = stringOf(ref.display);
    if (id || name) return { code: id && /^\d{10}$/.test(id) ? id : undefined, name };
  }
  return {};
}

/** `$medication-history` searchset → rows of its medication records (procedures are left out), newest first. */
export function receiptRows(bundle: unknown): MedicationRow[] {
  const b = isRecord(bundle) ? bundle : {};
  const rows: MedicationRow[] = [];
  for (const e of arrayOf(b.entry)) {
    const r = isRecord(e.resource) ? e.resource : undefined;
    if (!r || !['MedicationDispense', 'MedicationStatement', 'MedicationRequest'].includes(String(r.resourceType))) continue;
    const party = partyOf(r);
    rows.push({
      ref: `${String(r.resourceType)}/${stringOf(r.id) ?? rows.length}`,
      source: 'receipt',
      date: receiptDate(r),
      facilityCode: party.code,
      facilityName: party.name,
      drugs: [{ name: conceptName(r.medicationCodeableConcept) ?? '（薬剤名なし）', amount: receiptAmount(r) }],
    });
  }
  return rows.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
}
