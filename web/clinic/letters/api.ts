/**
 * The letters screen's calls: the sharing service's letter operations ($referral-inbox, $retrieve-referral,
 * $acknowledge-referral, $referral-status, $send-referral), the patient's registered data ($clinical-information and
 * the clinic's own e-prescriptions, $prescription-status?patient=) and the facility directory (/directory/facilities).
 */
import { fhir, json } from '../../shared/api.ts';

export type Json = Record<string, unknown>;

interface Param {
  name: string;
  part?: Param[];
  resource?: Json;
  [value: string]: unknown;
}

const isParams = (b: unknown): b is { parameter?: Param[] } => typeof b === 'object' && b !== null && (b as Json).resourceType === 'Parameters';

/** The value[x] of a parameter. */
export function paramValue(p: Param | undefined): unknown {
  if (!p) return undefined;
  const key = Object.keys(p).find((k) => k.startsWith('value'));
  return key ? p[key] : undefined;
}

const partsOf = (p: Param): Record<string, unknown> => Object.fromEntries((p.part ?? []).map((x) => [x.name, x.part ? x : paramValue(x)]));

export type LetterState = 'sent' | 'received' | 'acknowledged' | 'erased';

export interface LetterSummary {
  id: string;
  kind: 'referral' | 'discharge-summary';
  sender: string;
  addressee: string;
  state: LetterState;
  sentAt: string;
  receivedAt?: string;
  acknowledgedAt?: string;
  eraseAfter: string;
  attachments: number;
  dischargeSummary: boolean;
}

function letters(body: unknown): LetterSummary[] {
  if (!isParams(body)) return [];
  return (body.parameter ?? []).filter((p) => p.name === 'letter' && p.part).map((p) => partsOf(p) as unknown as LetterSummary);
}

const one = (name: string, value: string) => ({ resourceType: 'Parameters', parameter: [{ name, valueString: value }] });

export const inbox = async () => letters(await fhir('$referral-inbox?count=100'));
export const sentLetters = async () => letters(await fhir('$referral-status?count=100'));

export interface Retrieved {
  letter: Json;
  dischargeSummary?: Json;
  state: LetterState;
  eraseAfter: string;
}

export async function retrieve(id: string): Promise<Retrieved> {
  const body = await fhir('$retrieve-referral', { method: 'POST', body: one('letter', id) });
  const params = isParams(body) ? (body.parameter ?? []) : [];
  const find = (n: string) => params.find((p) => p.name === n);
  return {
    letter: find('letter')?.resource ?? {},
    dischargeSummary: find('dischargeSummary')?.resource,
    state: paramValue(find('state')) as LetterState,
    eraseAfter: paramValue(find('eraseAfter')) as string,
  };
}

export async function acknowledge(id: string): Promise<{ state: LetterState; acknowledgedAt: string }> {
  const body = await fhir('$acknowledge-referral', { method: 'POST', body: one('letter', id) });
  const params = isParams(body) ? (body.parameter ?? []) : [];
  return {
    state: paramValue(params.find((p) => p.name === 'state')) as LetterState,
    acknowledgedAt: paramValue(params.find((p) => p.name === 'acknowledgedAt')) as string,
  };
}

export interface SentResult {
  letter: string;
  addressee: string;
  state: LetterState;
  eraseAfter: string;
}

export async function sendReferral(bundle: Json): Promise<SentResult> {
  const body = await fhir('$send-referral', { method: 'POST', body: { resourceType: 'Parameters', parameter: [{ name: 'letter', resource: bundle }] } });
  const params = isParams(body) ? (body.parameter ?? []) : [];
  const v = (n: string) => paramValue(params.find((p) => p.name === n)) as string;
  return { letter: v('letter'), addressee: v('addressee'), state: v('state') as LetterState, eraseAfter: v('eraseAfter') };
}

// ---------------- the facility directory ----------------

export interface DirectoryFacility {
  code: string;
  name: string;
  kind: 'facility' | 'pharmacy' | 'checkup';
  prefecture?: string;
}

export async function searchFacilities(q: string, signal?: AbortSignal): Promise<{ facilities: DirectoryFacility[]; more: boolean }> {
  const params = new URLSearchParams({ q, kind: 'facility' });
  return json(`/directory/facilities?${params}`, { signal });
}

// ---------------- the patient's registered data ----------------

export interface ClinicalInformation {
  resources: Json[];
  /** Groups the facility may not see (OperationOutcome entries), as text. */
  withheld: string[];
}

export async function clinicalInformation(patientId: string): Promise<ClinicalInformation> {
  const bundle = await fhir<{ entry?: { resource?: Json; search?: { mode?: string } }[] }>(`Patient/${encodeURIComponent(patientId)}/$clinical-information`);
  const resources: Json[] = [];
  const withheld: string[] = [];
  for (const e of bundle.entry ?? []) {
    const r = e.resource;
    if (!r) continue;
    if (r.resourceType === 'OperationOutcome') {
      for (const i of (r.issue as { details?: { text?: string } }[] | undefined) ?? []) if (i.details?.text) withheld.push(i.details.text);
    } else resources.push(r);
  }
  return { resources, withheld };
}

export interface PrescriptionLine {
  name: string;
  quantity?: number;
  unit?: string;
  days?: number;
}

export interface OwnPrescription {
  id: string;
  issuedOn: string;
  state: string;
  lines: PrescriptionLine[];
}

/** The e-prescriptions this facility issued for the patient (newest first). */
export async function ownPrescriptions(patientId: string): Promise<OwnPrescription[]> {
  const body = await fhir(`$prescription-status?${new URLSearchParams({ patient: patientId })}`);
  if (!isParams(body)) return [];
  return (body.parameter ?? [])
    .filter((p) => p.name === 'prescription' && p.part)
    .map((p) => {
      const parts = p.part ?? [];
      const v = (n: string) => paramValue(parts.find((x) => x.name === n));
      return {
        id: v('id') as string,
        issuedOn: v('issuedOn') as string,
        state: v('state') as string,
        lines: parts
          .filter((x) => x.name === 'medication')
          .map((m) => {
            const mp = partsOf(m);
            return { name: mp.name as string, quantity: mp.quantity as number, unit: mp.unit as string, days: mp.days as number | undefined };
          }),
      };
    });
}
