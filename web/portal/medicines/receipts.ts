/** `$surgery-history` (receipt-based 手術情報) as rows: the procedure by name, its day and the facility. Pure. */
import { arrayOf, conceptName, isRecord, japanDay, stringOf } from '../../clinic/patient/format.ts';

export interface ProcedureRow {
  ref: string;
  name: string;
  date?: string;
  facilityCode?: string;
  facilityName?: string;
}

export function procedureRows(bundle: unknown): ProcedureRow[] {
  const b = isRecord(bundle) ? bundle : {};
  const rows: ProcedureRow[] = [];
  for (const e of arrayOf(b.entry)) {
    const r = isRecord(e.resource) ? e.resource : undefined;
    if (r?.resourceType !== 'Procedure') continue;
    const performer = arrayOf(r.performer)
      .map((p) => (isRecord(p.actor) ? p.actor : undefined))
      .find(Boolean);
    const id = performer && isRecord(performer.identifier) ? stringOf(performer.identifier.value) : undefined;
    rows.push({
      ref: `Procedure/${stringOf(r.id) ?? rows.length}`,
      name: conceptName(r.code) ?? '（名称なし）',
      date: japanDay(r.performedDateTime) ?? (isRecord(r.performedPeriod) ? japanDay(r.performedPeriod.start) : undefined),
      facilityCode: id && /^\d{10}$/.test(id) ? id : undefined,
      facilityName: performer ? stringOf(performer.display) : undefined,
    });
  }
  return rows.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
}
