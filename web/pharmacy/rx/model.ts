/**
 * A prescription as the pharmacy is shown it ($retrieve-prescription, $accept-prescription, $pharmacy-worklist): the
 * state, dates, uses, the lines with the drug master's names and what is left, the check's alerts, and — from the
 * signed document, when it came with it — the patient's name and birth date and each line's 用量・用法.
 */
import { type Json, type Param, bool, num, partsOf, partValue, str } from './parameters.ts';

/** 一般名コード's code systems (a line prescribed by 一般名). */
const GENERAL_SYSTEMS = [
  'urn:oid:1.2.392.100495.20.1.81',
  'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeCommon_CS',
  'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode',
];
/** The drug systems by URI, as $substitutes and MedicationDispense name them. */
export const SYSTEM_URI: Record<string, string> = {
  receipt: 'urn:oid:1.2.392.100495.20.2.71',
  yj: 'urn:oid:1.2.392.100495.20.1.73',
  general: 'urn:oid:1.2.392.100495.20.1.81',
  hot9: 'urn:oid:1.2.392.200119.4.403.1',
};
export const systemName = (uri: string): string =>
  Object.entries(SYSTEM_URI).find(([, u]) => u === uri)?.[0] ?? (GENERAL_SYSTEMS.includes(uri) ? 'general' : uri);

export interface Line {
  line: number;
  system: string;
  code: string;
  /** The drug master's name for the signed code on the 交付日. */
  name: string;
  quantity: number;
  unit: string;
  remaining: number;
  /** 0 変更可, 1 後発品変更不可, 2 剤形変更不可, 3 含量規格変更不可. */
  substitution: string;
  days?: number;
  freeText?: string;
  /** Prescribed by 一般名 (一般名処方). */
  generic: boolean;
  /** 1回量 and 用法 from the signed document. */
  dose?: string;
  usage?: string;
}

export interface Alert {
  kind: string;
  line: number;
  text: string;
  redacted: boolean;
  conflictingCode?: string;
  conflictingName?: string;
  conflictingDate?: string;
  facilityKind?: string;
  facility?: string;
  source?: string;
  statement?: string;
  reference?: string;
}

export interface Prescription {
  id: string;
  exchangeNumber: string;
  state: string;
  issuer: string;
  prescriber: string;
  issuedOn: string;
  validUntil: string;
  usesAllowed: number;
  usesDone: number;
  nextUseFrom?: string;
  nextUseUntil?: string;
  split: boolean;
  acceptedBy?: string;
  lines: Line[];
  alerts: Alert[];
  patientName?: string;
  birthDate?: string;
}

type Resource = Json & { resourceType?: string };
const resourcesOf = (bundle: Json | undefined): Resource[] =>
  ((bundle?.entry as { resource?: Resource }[] | undefined) ?? []).map((e) => e.resource).filter((r): r is Resource => !!r);

/** The patient's name (漢字, not the カナ one) of a Patient resource. */
function nameOf(patient: Resource | undefined): string | undefined {
  const names = (patient?.name as Json[] | undefined) ?? [];
  const kana = (n: Json) => ((n.extension as Json[] | undefined) ?? []).some((x) => x.valueCode === 'SYL');
  const n = names.find((x) => !kana(x)) ?? names[0];
  if (!n) return undefined;
  return str(n.text) ?? [n.family, ...((n.given as string[] | undefined) ?? [])].filter((x) => typeof x === 'string').join(' ');
}

/** 1回量 and 用法 of a MedicationRequest (dosageInstruction[0]). */
function dosageOf(mr: Resource | undefined): { dose?: string; usage?: string } {
  const d = ((mr?.dosageInstruction as Json[] | undefined) ?? [])[0];
  if (!d) return {};
  const timing = (d.timing as Json | undefined)?.code as Json | undefined;
  const coding = ((timing?.coding as Json[] | undefined) ?? [])[0];
  const usage = str(d.text) ?? str(coding?.display) ?? str(timing?.text);
  const q = (((d.doseAndRate as Json[] | undefined) ?? [])[0]?.doseQuantity ?? undefined) as Json | undefined;
  const dose = q && typeof q.value === 'number' ? `${q.value}${str(q.unit) ?? ''}` : undefined;
  return { ...(dose ? { dose } : {}), ...(usage ? { usage } : {}) };
}

function readLine(p: Param, requests: Resource[]): Line {
  const coding = (partValue(p, 'code') as { system?: string; code?: string } | undefined) ?? {};
  const line = num(partValue(p, 'line')) ?? 0;
  const system = systemName(coding.system ?? '');
  return {
    line,
    system,
    code: coding.code ?? '',
    name: str(partValue(p, 'name')) ?? '',
    quantity: num(partValue(p, 'quantity')) ?? 0,
    unit: str(partValue(p, 'unit')) ?? '',
    remaining: num(partValue(p, 'remaining')) ?? 0,
    substitution: str(partValue(p, 'substitution')) ?? '0',
    days: num(partValue(p, 'days')),
    freeText: str(partValue(p, 'freeText')),
    generic: system === 'general',
    // line n is the document's n-th MedicationRequest (the service numbers them so)
    ...dosageOf(requests[line - 1]),
  };
}

export function readAlert(p: Param): Alert {
  const s = (n: string) => str(partValue(p, n));
  return {
    kind: s('kind') ?? '',
    line: num(partValue(p, 'line')) ?? 0,
    text: s('text') ?? '',
    redacted: bool(partValue(p, 'redacted')) ?? false,
    conflictingCode: s('conflictingCode'),
    conflictingName: s('conflictingName'),
    conflictingDate: s('conflictingDate'),
    facilityKind: s('facilityKind'),
    facility: s('facility'),
    source: s('source'),
    statement: s('statement'),
    reference: s('reference'),
  };
}

/** A `prescription` parameter read (the document, when present, adds the patient and the dosage). */
export function readPrescription(p: Param): Prescription {
  const s = (n: string) => str(partValue(p, n));
  const document = partValue(p, 'document') as Json | undefined;
  const resources = resourcesOf(document);
  const patient = resources.find((r) => r.resourceType === 'Patient');
  const requests = resources.filter((r) => r.resourceType === 'MedicationRequest');
  return {
    id: s('id') ?? '',
    exchangeNumber: s('exchangeNumber') ?? '',
    state: s('state') ?? '',
    issuer: s('issuer') ?? '',
    prescriber: s('prescriber') ?? '',
    issuedOn: s('issuedOn') ?? '',
    validUntil: s('validUntil') ?? '',
    usesAllowed: num(partValue(p, 'usesAllowed')) ?? 1,
    usesDone: num(partValue(p, 'usesDone')) ?? 0,
    nextUseFrom: s('nextUseFrom'),
    nextUseUntil: s('nextUseUntil'),
    split: bool(partValue(p, 'split')) ?? false,
    acceptedBy: s('acceptedBy'),
    lines: partsOf(p, 'medication').map((m) => readLine(m, requests)),
    alerts: partsOf(p, 'alert').map(readAlert),
    patientName: nameOf(patient),
    birthDate: str(patient?.birthDate),
  };
}

/** Keeps what an earlier answer knew (the document's patient and dosage) when a later one lacks the document. */
export function merged(later: Prescription, earlier: Prescription | undefined): Prescription {
  if (!earlier || earlier.id !== later.id) return later;
  return {
    ...later,
    patientName: later.patientName ?? earlier.patientName,
    birthDate: later.birthDate ?? earlier.birthDate,
    lines: later.lines.map((l) => {
      const e = earlier.lines.find((x) => x.line === l.line);
      return { ...l, dose: l.dose ?? e?.dose, usage: l.usage ?? e?.usage };
    }),
  };
}
