/**
 * The e-prescription service's operations the 処方 screen calls (src/services/eprescription: specs.ts,
 * remote-signing/operations.ts), and the FHIR Parameters they answer, read into plain objects.
 */
import { japanToday } from '../../shared/japan-time.ts';
import { ApiError } from '../../shared/errors.ts';
import { fhir } from '../../shared/api.ts';

type Json = Record<string, unknown>;
interface Param {
  name: string;
  part?: Param[];
  [value: string]: unknown;
}
interface Parameters {
  resourceType: 'Parameters';
  parameter?: Param[];
}

const paramValue = (p: Param | undefined): unknown => {
  if (!p) return undefined;
  const key = Object.keys(p).find((k) => k.startsWith('value'));
  return key ? p[key] : undefined;
};
const partsOf = (p: Param | undefined, name: string): Param[] => (p?.part ?? []).filter((x) => x.name === name);
const partValue = (p: Param | undefined, name: string): unknown => paramValue(partsOf(p, name)[0]);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const all = (body: Parameters, name: string) => (body.parameter ?? []).filter((p) => p.name === name);
const first = (body: Parameters, name: string) => paramValue(all(body, name)[0]);

const post = (op: string, parameter: Json[]) => fhir<Parameters>(`$${op}`, { method: 'POST', body: { resourceType: 'Parameters', parameter } });

// ---------------------------------------------------------------------------------------------------------------

export interface DrugChoice {
  system: string;
  code: string;
  name: string;
  unit?: string;
  generalCode?: string;
  generalName?: string;
  validTo?: string;
}

export async function searchDrugs(q: string, signal?: AbortSignal): Promise<DrugChoice[]> {
  const body = await fhir<Parameters>(`$search-drugs?q=${encodeURIComponent(q)}`, { signal });
  return all(body, 'drug').map((d) => ({
    system: str(partValue(d, 'system')) ?? '',
    code: str(partValue(d, 'code')) ?? '',
    name: str(partValue(d, 'name')) ?? '',
    unit: str(partValue(d, 'unit')),
    generalCode: str(partValue(d, 'generalCode')),
    generalName: str(partValue(d, 'generalName')),
    validTo: str(partValue(d, 'validTo')),
  }));
}

export interface UsageCode {
  code: string;
  display: string;
  timesPerDay: number;
}

export async function usageCodes(): Promise<UsageCode[]> {
  const body = await fhir<Parameters>('$usage-codes');
  return all(body, 'usage').map((u) => ({
    code: str(partValue(u, 'code')) ?? '',
    display: str(partValue(u, 'display')) ?? '',
    timesPerDay: num(partValue(u, 'timesPerDay')) ?? 1,
  }));
}

/** 「内服・経口・１日３回朝昼夕食後」 → 「1日3回 朝昼夕食後」 (the code's display, shortened for the list). */
export function usageLabel(display: string): string {
  return display
    .normalize('NFKC')
    .replace(/^内服・経口・/, '')
    .replace(/^(1日\d+回)/, '$1 ');
}

export interface SigningStatus {
  enrolled: boolean;
  holderName?: string;
  registrationNumber?: string;
  notAfter?: string;
  lockedUntil?: string;
}

export async function signingStatus(): Promise<SigningStatus> {
  const body = await fhir<Parameters>('$signing-credential');
  return {
    enrolled: first(body, 'enrolled') === true,
    holderName: str(first(body, 'holderName')),
    registrationNumber: str(first(body, 'registrationNumber')),
    notAfter: str(first(body, 'notAfter')),
    lockedUntil: str(first(body, 'lockedUntil')),
  };
}

export async function enrolSigning(credential: string, passphrase: string): Promise<void> {
  await post('enrol-signing-credential', [
    { name: 'credential', valueString: credential },
    { name: 'passphrase', valueString: passphrase },
  ]);
}

export interface Alert {
  kind: 'duplicate-ingredient' | 'duplicate-class' | 'contraindicated' | string;
  /** 1-based line of what was checked. */
  line: number;
  text: string;
  redacted: boolean;
  conflictingName?: string;
  conflictingDate?: string;
  facilityKind?: string;
  facilityName?: string;
  source?: string;
  statement?: string;
}

const alertOf = (a: Param): Alert => ({
  kind: str(partValue(a, 'kind')) ?? '',
  line: num(partValue(a, 'line')) ?? 1,
  text: str(partValue(a, 'text')) ?? '',
  redacted: partValue(a, 'redacted') === true,
  conflictingName: str(partValue(a, 'conflictingName')),
  conflictingDate: str(partValue(a, 'conflictingDate')),
  facilityKind: str(partValue(a, 'facilityKind')),
  facilityName: str(partValue(a, 'facilityName')),
  source: str(partValue(a, 'source')),
  statement: str(partValue(a, 'statement')),
});

export interface CheckResult {
  consent: boolean;
  alerts: Alert[];
  /** 1-based lines the check could not cover. */
  unchecked: number[];
}

/** The lines as the service takes them (the master's code; 一般名処方 sends the 一般名コード to the check). */
export interface LineInput {
  drug: DrugChoice;
  dose: number;
  usage: string;
  days: number;
  generic: boolean;
  noSubstitution: boolean;
}

const SYSTEM_URI: Record<string, string> = {
  receipt: 'urn:oid:1.2.392.100495.20.2.71',
  yj: 'urn:oid:1.2.392.100495.20.1.73',
  general: 'urn:oid:1.2.392.100495.20.1.81',
  hot9: 'urn:oid:1.2.392.200119.4.403.1',
};

export async function checkPrescription(patient: string, lines: LineInput[]): Promise<CheckResult> {
  const body = await post('check-prescription', [
    { name: 'patient', valueString: patient },
    ...lines.map((l) => ({
      name: 'medication',
      valueCodeableConcept: {
        coding: [
          l.generic && l.drug.generalCode ? { system: SYSTEM_URI.general, code: l.drug.generalCode } : { system: SYSTEM_URI[l.drug.system], code: l.drug.code },
        ],
      },
    })),
  ]);
  return {
    consent: first(body, 'consent') === true,
    alerts: all(body, 'alert').map(alertOf),
    unchecked: all(body, 'unchecked').map((u) => num(paramValue(u)) ?? 0),
  };
}

export interface Issued {
  prescription: string;
  exchangeNumber: string;
  issuedOn: string;
  validUntil: string;
  alerts: Alert[];
}

export async function issuePrescription(patient: string, lines: LineInput[], passphrase: string, overrideReason?: string): Promise<Issued> {
  const body = await post('issue-prescription', [
    { name: 'patient', valueString: patient },
    ...lines.map((l) => ({
      name: 'line',
      part: [
        { name: 'system', valueCode: l.drug.system },
        { name: 'code', valueString: l.drug.code },
        { name: 'dose', valueDecimal: l.dose },
        { name: 'usage', valueCode: l.usage },
        { name: 'days', valueInteger: l.days },
        ...(l.generic ? [{ name: 'generic', valueBoolean: true }] : []),
        ...(l.noSubstitution && !l.generic ? [{ name: 'noSubstitution', valueBoolean: true }] : []),
      ],
    })),
    { name: 'passphrase', valueString: passphrase },
    ...(overrideReason?.trim() ? [{ name: 'overrideReason', valueString: overrideReason.trim() }] : []),
  ]);
  return {
    prescription: str(first(body, 'prescription')) ?? '',
    exchangeNumber: str(first(body, 'exchangeNumber')) ?? '',
    issuedOn: str(first(body, 'issuedOn')) ?? '',
    validUntil: str(first(body, 'validUntil')) ?? '',
    alerts: all(body, 'alert').map(alertOf),
  };
}

export interface ListedLine {
  name: string;
  quantity: number;
  unit: string;
  days?: number;
  substitution: string;
}

export interface Listed {
  id: string;
  exchangeNumber: string;
  state: string;
  prescriber: string;
  issuedOn: string;
  validUntil: string;
  usesDone: number;
  medications: ListedLine[];
}

export async function todaysPrescriptions(patient: string, day: string): Promise<Listed[]> {
  const body = await fhir<Parameters>(`$prescription-status?patient=${encodeURIComponent(patient)}&issuedOn=${encodeURIComponent(day)}`);
  return all(body, 'prescription').map((p) => ({
    id: str(partValue(p, 'id')) ?? '',
    exchangeNumber: str(partValue(p, 'exchangeNumber')) ?? '',
    state: str(partValue(p, 'state')) ?? '',
    prescriber: str(partValue(p, 'prescriber')) ?? '',
    issuedOn: str(partValue(p, 'issuedOn')) ?? '',
    validUntil: str(partValue(p, 'validUntil')) ?? '',
    usesDone: num(partValue(p, 'usesDone')) ?? 0,
    medications: partsOf(p, 'medication').map((m) => ({
      name: str(partValue(m, 'name')) ?? '',
      quantity: num(partValue(m, 'quantity')) ?? 0,
      unit: str(partValue(m, 'unit')) ?? '',
      days: num(partValue(m, 'days')),
      substitution: str(partValue(m, 'substitution')) ?? '0',
    })),
  }));
}

export async function cancelPrescription(id: string): Promise<void> {
  await post('cancel-prescription', [
    { name: 'prescription', valueString: id },
    { name: 'reason', valueString: '処方医による取消（クリニックアプリ）' },
  ]);
}

/** Every issue of a refusal (the service reports every bad line at once), Japanese and English. */
export function issueTexts(e: unknown): { ja: string; en: string }[] {
  const body = e instanceof ApiError ? (e.body as { resourceType?: string; issue?: { details?: { text?: string }; diagnostics?: string }[] }) : undefined;
  if (body?.resourceType !== 'OperationOutcome' || !Array.isArray(body.issue)) return [];
  return body.issue
    .filter((i) => i.details?.text || i.diagnostics)
    .map((i) => ({ ja: i.details?.text ?? i.diagnostics ?? '', en: i.diagnostics ?? i.details?.text ?? '' }));
}

/** Today in Japan, YYYY-MM-DD. */
export { japanToday };

/** Whole days from `date` to today (Japan calendar). */
export function daysAgo(date: string): number {
  return Math.round((Date.parse(`${japanToday()}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / 86_400_000);
}
