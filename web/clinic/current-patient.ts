/**
 * 診察中の患者: the patient the desk received or the doctor opened, shared by the clinic app's screens (reception
 * sets it; the patient page, letters, prescriptions and records use it). Kept in sessionStorage, so a reload keeps
 * it and closing the tab forgets it; cleared at sign-out with the rest of the session storage.
 */
import { useSyncExternalStore } from 'react';

export interface CurrentPatient {
  /** The platform's Patient id. */
  id: string;
  /** 氏名 as registered (old-style kanji kept). */
  name: string;
  /** 氏名（カナ）, when known. */
  kana?: string;
  /** YYYY-MM-DD. */
  birthDate?: string;
  /** FHIR administrative gender. */
  gender?: string;
  /** 被保険者個人識別子 `保険者番号:記号:番号:枝番` from the eligibility check (letters name the patient by it). */
  memberId?: string;
  /** 住所 as registered (a letter's JP_Patient_eCS requires one). */
  address?: string;
}

/** Under the clinic app's session key (auth.ts forgets `<key>.data.*` at sign-out). */
const KEY = 'tsunagu.tsunagu-clinic.data.patient';
const listeners = new Set<() => void>();
let cached: { raw: string | null; value: CurrentPatient | undefined } = { raw: null, value: undefined };

function read(): CurrentPatient | undefined {
  let raw: string | null = null;
  try {
    raw = sessionStorage.getItem(KEY);
  } catch {
    return cached.value;
  }
  if (raw === cached.raw) return cached.value;
  let value: CurrentPatient | undefined;
  try {
    const parsed = raw ? (JSON.parse(raw) as CurrentPatient) : undefined;
    value = parsed && typeof parsed.id === 'string' && typeof parsed.name === 'string' ? parsed : undefined;
  } catch {
    value = undefined;
  }
  cached = { raw, value };
  return value;
}

/** Makes `patient` the current patient (undefined: none). */
export function setCurrentPatient(patient: CurrentPatient | undefined): void {
  try {
    if (patient) sessionStorage.setItem(KEY, JSON.stringify(patient));
    else sessionStorage.removeItem(KEY);
  } catch {
    cached = { raw: null, value: patient };
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current patient, re-rendering when it changes. */
export function useCurrentPatient(): CurrentPatient | undefined {
  return useSyncExternalStore(subscribe, read, () => undefined);
}
