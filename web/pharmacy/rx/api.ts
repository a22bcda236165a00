/**
 * The pharmacy's calls to the e-prescription service (docs/eprescription.md "Operations"): retrieval by 引換番号 or
 * by the card, accept / release, dispensing results (register, correct, cancel), the brands of the same generic
 * ($substitutes) and the day's list ($pharmacy-worklist); the answers read into plain objects.
 */
import { fhir } from '../../shared/api.ts';
import { type Prescription, readPrescription } from './model.ts';
import { type Json, type Parameters, all, bool, first, num, partsOf, partValue, str } from './parameters.ts';

const post = (op: string, parameter: Json[]) => fhir<Parameters>(`$${op}`, { method: 'POST', body: { resourceType: 'Parameters', parameter } });

/** The patient's numbers the pharmacy is shown: the 引換番号, the 被保険者番号 (保険者番号:記号:番号:枝番), the birth date. */
export interface ExchangeBasis {
  exchangeNumber: string;
  insuredNumber: string;
  birthDate: string;
}

const basisParams = (b: ExchangeBasis): Json[] => [
  { name: 'exchangeNumber', valueString: b.exchangeNumber },
  { name: 'insuredNumber', valueString: b.insuredNumber },
  { name: 'birthDate', valueDate: b.birthDate },
];

const prescriptions = (body: Parameters): Prescription[] => all(body, 'prescription').map(readPrescription);

export async function retrieveByExchange(b: ExchangeBasis): Promise<Prescription[]> {
  return prescriptions(await post('retrieve-prescription', basisParams(b)));
}

/** Every open prescription of the patient the card reader resolved (needs the patient's consent at this pharmacy). */
export async function retrieveByCard(patientId: string): Promise<Prescription[]> {
  return prescriptions(await post('retrieve-prescription', [{ name: 'patient', valueString: patientId }]));
}

/** 受付: locks the prescription for this pharmacy (basis: the numbers, or — without them — the patient's consent). */
export async function accept(id: string, basis?: ExchangeBasis): Promise<Prescription> {
  const [p] = prescriptions(await post('accept-prescription', [{ name: 'prescription', valueString: id }, ...(basis ? basisParams(basis) : [])]));
  return p;
}

/** 受付取消: gives the prescription back (another pharmacy may then take it). */
export async function release(id: string): Promise<string> {
  return str(first(await post('release-prescription', [{ name: 'prescription', valueString: id }]), 'state')) ?? '';
}

/** One drug handed over: the product (the prescribed one or another brand of its generic) and the quantity. */
export interface HandedOver {
  system: string;
  code: string;
  name: string;
  unit: string;
  quantity: number;
  substituted: boolean;
}

export interface DispenseAnswer {
  dispensing: string;
  use: number;
  completesUse: boolean;
  version: number;
  state: string;
  prescriptionState: string;
  receipt: string;
}

const SYSTEM_URI: Record<string, string> = {
  receipt: 'urn:oid:1.2.392.100495.20.2.71',
  yj: 'urn:oid:1.2.392.100495.20.1.73',
  hot9: 'urn:oid:1.2.392.200119.4.403.1',
};

/** An instant as Japan time with its offset (2026-12-03T10:15:00+09:00): the service takes the 調剤日 from its date part. */
export function japanDateTime(at: Date): string {
  return `${new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
}

/** The MedicationDispense of one drug handed over now. */
export function medicationDispense(d: HandedOver, at = new Date()): Json {
  return {
    resourceType: 'MedicationDispense',
    status: 'completed',
    medicationCodeableConcept: { coding: [{ system: SYSTEM_URI[d.system] ?? d.system, code: d.code, display: d.name }], text: d.name },
    quantity: { value: d.quantity, unit: d.unit },
    whenHandedOver: japanDateTime(at),
    ...(d.substituted ? { substitution: { wasSubstituted: true } } : {}),
  };
}

function dispenseAnswer(body: Parameters): DispenseAnswer {
  return {
    dispensing: str(first(body, 'dispensing')) ?? '',
    use: num(first(body, 'use')) ?? 1,
    completesUse: bool(first(body, 'completesUse')) ?? false,
    version: num(first(body, 'version')) ?? 1,
    state: str(first(body, 'state')) ?? '',
    prescriptionState: str(first(body, 'prescriptionState')) ?? '',
    receipt: str(first(body, 'receipt')) ?? '',
  };
}

const dispenseParams = (lines: HandedOver[]) => lines.map((l) => ({ name: 'dispense', resource: medicationDispense(l) }));

export async function dispense(id: string, lines: HandedOver[], complete: boolean): Promise<DispenseAnswer> {
  return dispenseAnswer(
    await post('dispense-prescription', [
      { name: 'prescription', valueString: id },
      ...dispenseParams(lines),
      ...(complete ? [{ name: 'complete', valueBoolean: true }] : []),
    ]),
  );
}

export async function correctDispensing(dispensing: string, lines: HandedOver[]): Promise<DispenseAnswer> {
  return dispenseAnswer(await post('correct-dispensing', [{ name: 'dispensing', valueString: dispensing }, ...dispenseParams(lines)]));
}

export async function cancelDispensing(dispensing: string): Promise<DispenseAnswer> {
  return dispenseAnswer(await post('cancel-dispensing', [{ name: 'dispensing', valueString: dispensing }]));
}

export interface Brand {
  system: string;
  code: string;
  name: string;
  unit?: string;
  prescribed: boolean;
}

export interface Substitutes {
  generalCode: string;
  generalName?: string;
  brands: Brand[];
}

const substitutesCache = new Map<string, Promise<Substitutes>>();

/** The products of the prescribed drug's generic valid today (asked once per code per page). */
export function substitutes(system: string, code: string): Promise<Substitutes> {
  const key = `${system}|${code}`;
  let p = substitutesCache.get(key);
  if (!p) {
    p = fhir<Parameters>(`$substitutes?code=${encodeURIComponent(code)}&system=${encodeURIComponent(system)}`).then((body) => ({
      generalCode: str(first(body, 'generalCode')) ?? '',
      generalName: str(first(body, 'generalName')),
      brands: all(body, 'drug').map((d) => ({
        system: str(partValue(d, 'system')) ?? '',
        code: str(partValue(d, 'code')) ?? '',
        name: str(partValue(d, 'name')) ?? '',
        unit: str(partValue(d, 'unit')),
        prescribed: bool(partValue(d, 'prescribed')) ?? false,
      })),
    }));
    p.catch(() => substitutesCache.delete(key));
    substitutesCache.set(key, p);
  }
  return p;
}

export interface WorklistLine {
  prescriptionLine: number;
  system: string;
  code: string;
  name: string;
  quantity: number;
  substituted: boolean;
}

export interface WorklistEntry {
  status: 'unregistered' | 'registered' | 'cancelled';
  patientName: string;
  birthDate: string;
  acceptedAt?: string;
  dispensing?: string;
  dispensedOn?: string;
  version?: number;
  dispensingState?: string;
  receipt?: string;
  lines: WorklistLine[];
  prescription: Prescription;
}

export interface Worklist {
  date: string;
  unregistered: number;
  registered: number;
  cancelled: number;
  registeredShare?: number;
  entries: WorklistEntry[];
}

export async function worklist(date?: string): Promise<Worklist> {
  const body = await fhir<Parameters>(`$pharmacy-worklist${date ? `?date=${date}` : ''}`);
  return {
    date: str(first(body, 'date')) ?? '',
    unregistered: num(first(body, 'unregistered')) ?? 0,
    registered: num(first(body, 'registered')) ?? 0,
    cancelled: num(first(body, 'cancelled')) ?? 0,
    registeredShare: num(first(body, 'registeredShare')),
    entries: all(body, 'entry').map((e) => {
      const s = (n: string) => str(partValue(e, n));
      const p = readPrescription(partsOf(e, 'prescription')[0]);
      return {
        status: (s('status') ?? 'unregistered') as WorklistEntry['status'],
        patientName: s('patientName') ?? '',
        birthDate: s('birthDate') ?? '',
        acceptedAt: s('acceptedAt'),
        dispensing: s('dispensing'),
        dispensedOn: s('dispensedOn'),
        version: num(partValue(e, 'version')),
        dispensingState: s('dispensingState'),
        receipt: s('receipt'),
        lines: partsOf(e, 'line').map((l) => {
          const coding = (partValue(l, 'code') as { system?: string; code?: string } | undefined) ?? {};
          return {
            prescriptionLine: num(partValue(l, 'prescriptionLine')) ?? 0,
            system: Object.entries(SYSTEM_URI).find(([, u]) => u === coding.system)?.[0] ?? coding.system ?? '',
            code: coding.code ?? '',
            name: str(partValue(l, 'name')) ?? '',
            quantity: num(partValue(l, 'quantity')) ?? 0,
            substituted: bool(partValue(l, 'substituted')) ?? false,
          };
        }),
        prescription: { ...p, patientName: s('patientName') ?? p.patientName, birthDate: s('birthDate') ?? p.birthDate },
      };
    }),
  };
}
