/**
 * Whether the text a sender put beside a drug code (coding.display, medicationCodeableConcept.text) names the same
 * drug as the master does — for refusing a Bundle whose display disagrees with its code (the December 2024 incident).
 * Only notation is forgiven: Unicode NFKC (全角/半角: ５ｍｇ = 5mg), white space of any width, and upper/lower case.
 * Anything else — a missing 錠, another strength, another brand — disagrees; the name shown is the master's in any case.
 * Example of what this forgives, from the ePrescriptionData package: 「ペルマックス錠　５０μｇ」 for ペルマックス錠５０μｇ.
 */
import type { DrugEntry } from './drug-entry.ts';

/** The comparable form of a drug name. */
export const normalizeDrugName = (text: string): string => text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/** Whether `text` is the entry's name (or its 一般名) up to notation. */
export function displayAgrees(entry: DrugEntry, text: string): boolean {
  const t = normalizeDrugName(text);
  return t !== '' && [entry.name, entry.generalName].some((n) => n !== undefined && normalizeDrugName(n) === t);
}
