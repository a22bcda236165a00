/**
 * お薬: `$my-prescriptions` (each prescribed and dispensed line of the person's e-prescriptions) grouped per
 * prescription — what the doctor prescribed and what the pharmacy handed over, substitutions marked. Pure.
 */
import { showNumber } from '../../clinic/patient/format.ts';
import { type Flat, flatParts, str } from '../parts.ts';

export interface MedicineLine {
  name: string;
  /** 28錠・28日分. */
  amount?: string;
  /** Another brand of the same generic was given (後発医薬品への変更など). */
  substituted?: boolean;
}

export interface Dispensing {
  id: string;
  date?: string;
  /** 薬局コード. */
  pharmacy?: string;
  lines: MedicineLine[];
}

export interface PrescriptionView {
  id: string;
  date?: string;
  /** 医療機関コード of the prescriber. */
  facility?: string;
  lines: MedicineLine[];
  dispensings: Dispensing[];
}

function lineOf(r: Flat): MedicineLine {
  const q = typeof r.quantity === 'number' ? `${showNumber(r.quantity)}${str(r.unit) ?? ''}` : undefined;
  const d = typeof r.days === 'number' ? `${r.days}日分` : undefined;
  return {
    name: str(r.name) ?? '（薬の名前なし）',
    amount: [q, d].filter(Boolean).join('・') || undefined,
    ...(r.substituted === true ? { substituted: true } : {}),
  };
}

export function prescriptionsOf(body: unknown): PrescriptionView[] {
  const byId = new Map<string, PrescriptionView>();
  const get = (id: string) => {
    let p = byId.get(id);
    if (!p) {
      p = { id, lines: [], dispensings: [] };
      byId.set(id, p);
    }
    return p;
  };
  for (const r of flatParts(body, 'record')) {
    const id = str(r.prescription);
    if (!id) continue;
    const p = get(id);
    if (r.source === 'prescription') {
      p.date ??= str(r.date);
      p.facility ??= str(r.facility);
      p.lines.push(lineOf(r));
    } else if (r.source === 'dispensing') {
      const did = str(r.dispensing) ?? `${id}-${str(r.date)}`;
      let d = p.dispensings.find((x) => x.id === did);
      if (!d) {
        d = { id: did, date: str(r.date), pharmacy: str(r.facility), lines: [] };
        p.dispensings.push(d);
      }
      d.lines.push(lineOf(r));
    }
  }
  const out = [...byId.values()];
  for (const p of out) p.dispensings.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  const latest = (p: PrescriptionView) => [p.date, ...p.dispensings.map((d) => d.date)].filter(Boolean).sort().pop() ?? '';
  return out.sort((a, b) => latest(b).localeCompare(latest(a)));
}

/** Every facility and pharmacy code named (to look their names up). */
export const codesOf = (list: PrescriptionView[]): string[] => [
  ...new Set(list.flatMap((p) => [p.facility, ...p.dispensings.map((d) => d.pharmacy)]).filter((c): c is string => !!c)),
];
