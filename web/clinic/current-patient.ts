/**
 * 診察中の患者: the patient the desk received or the doctor opened, shared by the clinic app's screens (reception
 * sets it; the patient page, letters, prescriptions and records use it). Kept in sessionStorage, so a reload keeps
 * it and closing the tab forgets it; cleared at sign-out with the rest of the session storage.
 */
import { sessionValue } from './session-value.ts';

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

const current = sessionValue<CurrentPatient | undefined>(
  'patient',
  (raw) => {
    const p = raw as CurrentPatient | undefined;
    return p && typeof p.id === 'string' && typeof p.name === 'string' ? p : undefined;
  },
  undefined,
);

/** Makes `patient` the current patient (undefined: none). */
export const setCurrentPatient = (patient: CurrentPatient | undefined): void => current.set(patient);

/** The current patient, re-rendering when it changes. */
export const useCurrentPatient = (): CurrentPatient | undefined => current.use();
