/** Small pure helpers of the patient page: FHIR values as people read them (dates in Japan time, codings by name). */
import { japanDay as dayOfInstant } from '../../shared/japan-time.ts';

/** A FHIR resource as the page reads it: loosely typed, every field checked before use. */
export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const arrayOf = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);
export const stringOf = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** The calendar day (YYYY-MM-DD, Japan time) of a FHIR date or dateTime; undefined when it is not one. */
export function japanDay(value: unknown): string | undefined {
  const v = stringOf(value);
  if (!v) return undefined;
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v)) return v;
  return dayOfInstant(v) || undefined;
}

/** 2026/11/17 (both languages: the form clinic staff read on reports); 2026/11 or 2026 for partial dates. */
export function showDay(day: string | undefined): string {
  if (!day) return '—';
  return day.replace(/-/g, '/');
}

/** The name people read for a CodeableConcept: its text, else the first coding's display; never the code itself. */
export function conceptName(concept: unknown, avoid: RegExp = /ダミー/): string | undefined {
  if (!isRecord(concept)) return undefined;
  const text = stringOf(concept.text);
  if (text) return text;
  const displays = arrayOf(concept.coding)
    .map((c) => stringOf(c.display))
    .filter((d): d is string => d !== undefined);
  return displays.find((d) => !avoid.test(d)) ?? displays[0];
}

/** The codings of a CodeableConcept. */
export const codingsOf = (concept: unknown): Json[] => (isRecord(concept) ? arrayOf(concept.coding) : []);

/** A number as Japanese reports print it (no trailing zeros beyond the value's own). */
export function showNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** A Quantity: 7.1 %, 118 mg/dL. */
export function showQuantity(q: unknown): string | undefined {
  if (!isRecord(q) || typeof q.value !== 'number') return undefined;
  const unit = stringOf(q.unit) ?? stringOf(q.code);
  return unit ? `${showNumber(q.value)} ${unit}` : showNumber(q.value);
}
