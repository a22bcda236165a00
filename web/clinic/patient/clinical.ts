/**
 * `GET /fhir/Patient/{id}/$clinical-information` (the 6 information a facility may see) as display rows: 傷病名,
 * アレルギー, 感染症, 検査, 処方 — each with its source facility (医療機関コード, named later from the directory), its
 * clinical date in Japan time and the names of its codes (never the codes). Items flagged 未告知 (UNINFORMED) carry
 * `uninformed`; the OperationOutcome entries (groups the server withheld, e.g. no consent here) become `withheld`,
 * in the server's own words. Pure: no DOM, no fetch.
 */
import { arrayOf, codingsOf, conceptName, isRecord, type Json, japanDay, showNumber, showQuantity, stringOf } from './format.ts';

export const INSTITUTION_EXTENSION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
export const DEPARTMENT_EXTENSION = 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department';
export const INDICATION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication';
const INFECTION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS';
const JLAC10_SYSTEMS = [
  'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS',
  'http://medis.or.jp/CodeSystem/master-JLAC10-17digits',
  INFECTION_SYSTEM,
  'urn:oid:1.2.392.200119.6.1005',
];

export type ItemKind = 'diagnosis' | 'allergy' | 'infection' | 'lab' | 'prescription';

export interface SharedItem {
  /** `Type/id`: the React key. */
  ref: string;
  kind: ItemKind;
  /** What the item is: the diagnosis, allergen, test or drug, by name. */
  name: string;
  /** YYYY-MM-DD, Japan time. */
  date?: string;
  /** 医療機関コード of the registering facility. */
  facilityCode?: string;
  /** 診療科. */
  department?: string;
  /** 未告知: not told to the patient — staff must not disclose it. */
  uninformed: boolean;
  /** The result as printed (labs, infections): 7.1 %, 陽性（＋）. */
  value?: string;
  /** Labs: the number and its unit, for trends. */
  numeric?: number;
  unit?: string;
  /** JLAC10 analyte code (first 5 characters of the 17-digit code), for trends. */
  analyte?: string;
  /** 高 / 低 (labs outside the reference range). */
  flag?: 'H' | 'L';
  /** 基準値 as text. */
  range?: string;
  /** Extra lines: status (治癒), reaction, category, dosage, note. */
  details: string[];
}

export interface ClinicalView {
  items: SharedItem[];
  /** Groups the server did not show, in its own words (Japanese / English). */
  withheld: { ja: string; en: string }[];
  /** The server's total of items in force that the facility may see. */
  total: number;
  /** A next page exists (more than the page size). */
  more: boolean;
}

const extensionValue = (r: Json, url: string): Json | undefined => arrayOf(r.extension).find((e) => e.url === url);

function facilityOf(r: Json): string | undefined {
  const ext = extensionValue(r, INSTITUTION_EXTENSION);
  return ext && isRecord(ext.valueIdentifier) ? stringOf(ext.valueIdentifier.value) : undefined;
}

function departmentOf(r: Json): string | undefined {
  const ext = extensionValue(r, DEPARTMENT_EXTENSION);
  return ext ? conceptName(ext.valueCodeableConcept) : undefined;
}

const flagged = (r: Json, code: string): boolean => isRecord(r.meta) && arrayOf(r.meta.tag).some((t) => t.system === INDICATION_SYSTEM && t.code === code);

function analyteOf(code: unknown): string | undefined {
  for (const c of codingsOf(code)) {
    const v = stringOf(c.code);
    if (v && typeof c.system === 'string' && JLAC10_SYSTEMS.includes(c.system) && /^[0-9A-Z]{17}$/.test(v)) return v.slice(0, 5);
  }
  return undefined;
}

function rangeText(r: Json): string | undefined {
  const range = arrayOf(r.referenceRange)[0];
  if (!range) return stringOf(undefined);
  const text = stringOf(range.text);
  if (text) return text;
  const low = isRecord(range.low) && typeof range.low.value === 'number' ? showNumber(range.low.value) : '';
  const high = isRecord(range.high) && typeof range.high.value === 'number' ? showNumber(range.high.value) : '';
  return low || high ? `${low}–${high}` : undefined;
}

function interpretationFlag(r: Json): 'H' | 'L' | undefined {
  for (const i of arrayOf(r.interpretation))
    for (const c of codingsOf(i)) {
      if (c.code === 'H' || c.code === 'HH' || c.code === 'HU') return 'H';
      if (c.code === 'L' || c.code === 'LL' || c.code === 'LU') return 'L';
    }
  return undefined;
}

function observationValue(r: Json): string | undefined {
  return (
    showQuantity(r.valueQuantity) ??
    conceptName(r.valueCodeableConcept) ??
    stringOf(r.valueString) ??
    (typeof r.valueBoolean === 'boolean' ? (r.valueBoolean ? 'あり' : 'なし') : undefined) ??
    (typeof r.valueInteger === 'number' ? String(r.valueInteger) : undefined)
  );
}

const notes = (r: Json) => arrayOf(r.note).flatMap((n) => (stringOf(n.text) ? [n.text as string] : []));

const ALLERGY_CATEGORY: Record<string, string> = { medication: '薬剤', food: '食物', environment: '環境', biologic: '生物学的製剤' };
const CRITICALITY: Record<string, string> = { high: '重篤', low: '軽度' };

function diagnosis(r: Json): Omit<SharedItem, 'ref' | 'uninformed' | 'facilityCode' | 'department'> {
  const status = codingsOf(r.clinicalStatus).map((c) => c.code)[0];
  const details: string[] = [];
  if (status === 'resolved' || status === 'remission') {
    const end = japanDay(r.abatementDateTime);
    details.push(`${status === 'resolved' ? '治癒・終了' : '寛解'}${end ? `（${end.replace(/-/g, '/')}）` : ''}`);
  }
  const onset = japanDay(r.onsetDateTime);
  if (onset) details.push(`発症 ${onset.replace(/-/g, '/')}`);
  details.push(...notes(r));
  return { kind: 'diagnosis', name: conceptName(r.code) ?? '（病名なし）', date: japanDay(r.recordedDate) ?? onset, details };
}

function allergy(r: Json): Omit<SharedItem, 'ref' | 'uninformed' | 'facilityCode' | 'department'> {
  const details: string[] = [];
  const category = Array.isArray(r.category) ? r.category.map((c) => ALLERGY_CATEGORY[String(c)]).filter(Boolean) : [];
  if (category.length) details.push(`分類: ${category.join('・')}`);
  const reactions = arrayOf(r.reaction).flatMap((x) => arrayOf(x.manifestation).map((m) => conceptName(m)));
  const shown = reactions.filter((x): x is string => x !== undefined);
  if (shown.length) details.push(`症状: ${shown.join('、')}`);
  const criticality = typeof r.criticality === 'string' ? CRITICALITY[r.criticality] : undefined;
  if (criticality) details.push(`重症度: ${criticality}`);
  details.push(...notes(r));
  return { kind: 'allergy', name: conceptName(r.code) ?? '（アレルゲンの記載なし）', date: japanDay(r.recordedDate) ?? japanDay(r.onsetDateTime), details };
}

function observation(r: Json): Omit<SharedItem, 'ref' | 'uninformed' | 'facilityCode' | 'department'> {
  const infection = codingsOf(r.code).some((c) => c.system === INFECTION_SYSTEM);
  const q = isRecord(r.valueQuantity) && typeof r.valueQuantity.value === 'number' ? r.valueQuantity : undefined;
  const details: string[] = [];
  const specimen = isRecord(r.specimen) ? stringOf(r.specimen.display) : undefined;
  if (specimen) details.push(`検体: ${specimen}`);
  details.push(...notes(r));
  return {
    kind: infection ? 'infection' : 'lab',
    name: conceptName(r.code) ?? '（検査名なし）',
    date: japanDay(r.effectiveDateTime) ?? (isRecord(r.effectivePeriod) ? japanDay(r.effectivePeriod.start) : undefined) ?? japanDay(r.issued),
    value: observationValue(r),
    numeric: q ? (q.value as number) : undefined,
    unit: q ? (stringOf(q.unit) ?? stringOf(q.code)) : undefined,
    analyte: analyteOf(r.code),
    flag: interpretationFlag(r),
    range: rangeText(r),
    details,
  };
}

function prescription(r: Json): Omit<SharedItem, 'ref' | 'uninformed' | 'facilityCode' | 'department'> {
  const details: string[] = [];
  for (const d of arrayOf(r.dosageInstruction)) {
    const text = stringOf(d.text);
    if (text) details.push(text);
  }
  const supply = isRecord(r.dispenseRequest) ? r.dispenseRequest : undefined;
  const days = supply && isRecord(supply.expectedSupplyDuration) ? supply.expectedSupplyDuration.value : undefined;
  if (typeof days === 'number') details.push(`${days}日分`);
  details.push(...notes(r));
  return {
    kind: 'prescription',
    name: conceptName(r.medicationCodeableConcept) ?? '（薬剤名なし）',
    date: japanDay(r.authoredOn),
    details,
  };
}

/** One resource of the view as a row, or undefined for a type the page does not show. */
export function itemOf(r: Json): SharedItem | undefined {
  const type = r.resourceType;
  const base =
    type === 'Condition'
      ? diagnosis(r)
      : type === 'AllergyIntolerance'
        ? allergy(r)
        : type === 'Observation'
          ? observation(r)
          : type === 'MedicationRequest'
            ? prescription(r)
            : undefined;
  if (!base) return undefined;
  return {
    ...base,
    ref: `${String(type)}/${stringOf(r.id) ?? base.name}`,
    facilityCode: facilityOf(r),
    department: departmentOf(r),
    uninformed: flagged(r, 'UNINFORMED'),
  };
}

/** The server's words for what it withheld: each issue of the outcome entries. */
function withheldOf(outcome: Json): { ja: string; en: string }[] {
  return arrayOf(outcome.issue).flatMap((i) => {
    const ja = isRecord(i.details) ? stringOf(i.details.text) : undefined;
    const en = stringOf(i.diagnostics);
    return ja || en ? [{ ja: ja ?? (en as string), en: en ?? (ja as string) }] : [];
  });
}

/** The view's searchset as rows, newest first (the server's order kept). */
export function clinicalView(bundle: unknown): ClinicalView {
  const b = isRecord(bundle) ? bundle : {};
  const items: SharedItem[] = [];
  const withheld: { ja: string; en: string }[] = [];
  for (const e of arrayOf(b.entry)) {
    const r = isRecord(e.resource) ? e.resource : undefined;
    if (!r) continue;
    if (r.resourceType === 'OperationOutcome') withheld.push(...withheldOf(r));
    else {
      const item = itemOf(r);
      if (item) items.push(item);
    }
  }
  const more = arrayOf(b.link).some((l) => l.relation === 'next');
  return { items, withheld, total: typeof b.total === 'number' ? b.total : items.length, more };
}

/** The items of one kind. */
export const ofKind = (view: ClinicalView, kind: ItemKind) => view.items.filter((i) => i.kind === kind);

/** Every facility code the items name (to look their names up once). */
export const facilityCodes = (items: { facilityCode?: string }[]): string[] => [...new Set(items.map((i) => i.facilityCode).filter((c): c is string => !!c))];

/** The consent groups of the 6 information (MISSION.md S3): 傷病名・感染症 / アレルギー・検査・処方. */
export const GROUP_OF: Record<ItemKind, 'surgery' | 'medication'> = {
  diagnosis: 'surgery',
  infection: 'surgery',
  allergy: 'medication',
  lab: 'medication',
  prescription: 'medication',
};

/** Which groups the server says it withheld (its outcome texts name the group first). */
export function withheldGroups(view: Pick<ClinicalView, 'withheld'>): Set<'surgery' | 'medication'> {
  const out = new Set<'surgery' | 'medication'>();
  for (const w of view.withheld) {
    if (w.ja.startsWith('傷病名＋手術情報＋感染症') || w.en.startsWith('diagnoses, surgery and infections')) out.add('surgery');
    if (w.ja.startsWith('診療＋お薬＋アレルギー等＋検査') || w.en.startsWith('treatment, medication')) out.add('medication');
  }
  return out;
}

/** The latest result of each test (by JLAC10 analyte, else by name), newest first. */
export function latestLabs(labs: SharedItem[]): SharedItem[] {
  const seen = new Set<string>();
  const out: SharedItem[] = [];
  for (const l of [...labs].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))) {
    const key = l.analyte ?? l.name;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(l);
  }
  return out;
}
