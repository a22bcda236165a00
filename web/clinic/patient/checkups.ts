/**
 * `GET /fhir/Patient/{id}/$checkup-reports` (健診結果報告書 a facility may see) as a time series: each report (date,
 * kind, provider) and a table of its results, one row per item, one column per report (oldest first). Pure.
 */
import { arrayOf, codingsOf, conceptName, isRecord, type Json, japanDay, showQuantity, stringOf } from './format.ts';

export interface CheckupReport {
  ref: string;
  /** 受診日 (YYYY-MM-DD). */
  date?: string;
  /** 特定健診, 後期高齢者健診 …. */
  kind: string;
  title?: string;
  /** The provider as the report names it. */
  provider?: string;
  providerCode?: string;
  /** Result per item name. */
  results: Map<string, string>;
  /** JLAC10 analyte (5 characters) → number, for trends. */
  numbers: Map<string, { value: number; unit?: string; name: string }>;
}

export interface CheckupSeries {
  /** Oldest first. */
  reports: CheckupReport[];
  /** Item names in the order the newest report lists them. */
  items: string[];
  withheld: { ja: string; en: string }[];
}

const EVENT_SYSTEM = 'urn:oid:1.2.392.200119.6.1002';
const INSTITUTION_SYSTEM = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';

function kindOf(c: Json): string {
  for (const e of arrayOf(c.event))
    for (const code of arrayOf(e.code))
      for (const coding of codingsOf(code)) if (coding.system === EVENT_SYSTEM && stringOf(coding.display)) return coding.display as string;
  for (const cat of arrayOf(c.category)) {
    const name = conceptName(cat);
    if (name) return name;
  }
  return '健診';
}

function dateOf(c: Json): string | undefined {
  for (const e of arrayOf(c.event)) if (isRecord(e.period)) return japanDay(e.period.start);
  return japanDay(c.date);
}

function providerOf(c: Json): { name?: string; code?: string } {
  const parties = [c.custodian, ...arrayOf(c.author).filter((a) => a.type === 'Organization')].filter(isRecord);
  for (const p of parties) {
    const id = isRecord(p.identifier) ? p.identifier : undefined;
    const code = id && id.system === INSTITUTION_SYSTEM ? stringOf(id.value) : undefined;
    const name = stringOf(p.display);
    if (name || code) return { name, code };
  }
  return {};
}

function resultOf(o: Json): string | undefined {
  return showQuantity(o.valueQuantity) ?? conceptName(o.valueCodeableConcept) ?? stringOf(o.valueString);
}

function analyteOf(o: Json): string | undefined {
  for (const c of codingsOf(o.code)) {
    const v = stringOf(c.code);
    if (v && /^[0-9A-Z]{17}$/.test(v)) return v.slice(0, 5);
  }
  return undefined;
}

export function checkupSeries(bundle: unknown): CheckupSeries {
  const b = isRecord(bundle) ? bundle : {};
  const byRef = new Map<string, Json>();
  const compositions: Json[] = [];
  const withheld: { ja: string; en: string }[] = [];
  for (const e of arrayOf(b.entry)) {
    const r = isRecord(e.resource) ? e.resource : undefined;
    if (!r) continue;
    if (r.resourceType === 'Composition') compositions.push(r);
    else if (r.resourceType === 'OperationOutcome')
      for (const i of arrayOf(r.issue)) {
        const ja = isRecord(i.details) ? stringOf(i.details.text) : undefined;
        const en = stringOf(i.diagnostics);
        if (ja || en) withheld.push({ ja: ja ?? (en as string), en: en ?? (ja as string) });
      }
    else if (typeof r.resourceType === 'string' && typeof r.id === 'string') byRef.set(`${r.resourceType}/${r.id}`, r);
  }
  const reports: CheckupReport[] = compositions.map((c) => {
    const results = new Map<string, string>();
    const numbers = new Map<string, { value: number; unit?: string; name: string }>();
    const refs = arrayOf(c.section).flatMap((s) => [...arrayOf(s.entry), ...arrayOf(s.section).flatMap((x) => arrayOf(x.entry))]);
    for (const ref of refs) {
      const o = typeof ref.reference === 'string' ? byRef.get(ref.reference) : undefined;
      if (o?.resourceType !== 'Observation') continue;
      const name = conceptName(o.code);
      const value = resultOf(o);
      if (!name || value === undefined || results.has(name)) continue;
      results.set(name, value);
      const analyte = analyteOf(o);
      const q = isRecord(o.valueQuantity) && typeof o.valueQuantity.value === 'number' ? o.valueQuantity : undefined;
      if (analyte && q && !numbers.has(analyte)) numbers.set(analyte, { value: q.value as number, unit: stringOf(q.unit), name });
    }
    const provider = providerOf(c);
    return {
      ref: `Composition/${stringOf(c.id) ?? compositions.indexOf(c)}`,
      date: dateOf(c),
      kind: kindOf(c),
      title: stringOf(c.title),
      provider: provider.name,
      providerCode: provider.code,
      results,
      numbers,
    };
  });
  reports.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  const items: string[] = [];
  for (const r of [...reports].reverse()) for (const name of r.results.keys()) if (!items.includes(name)) items.push(name);
  return { reports, items, withheld };
}
