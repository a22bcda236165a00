/**
 * 本日の受付: the receptions done in this browser tab at this facility (sessionStorage, under the clinic app's data key,
 * so that sign-out forgets them with the rest of the app's data). A convenience list for the desk, not a record: the
 * platform's audit log is the record.
 */
import { useSyncExternalStore } from 'react';
import type { ConsentChoices } from './parameters.ts';

export interface ReceptionEntry {
  /** When (ISO instant). */
  at: string;
  facilityCode: string;
  patient: { id: string; name: string; kana?: string; birthDate?: string; gender?: string };
  method?: string;
  eligible: boolean;
  copayRatio?: number;
  /** The patient's choices at the reader; undefined when none was recorded (number input, or not asked). */
  consent?: ConsentChoices;
}

const KEY = 'tsunagu.tsunagu-clinic.data.reception-log';
const MAX = 100;
const listeners = new Set<() => void>();
let cached: { raw: string | null; value: ReceptionEntry[] } = { raw: null, value: [] };

function read(): ReceptionEntry[] {
  let raw: string | null = null;
  try {
    raw = sessionStorage.getItem(KEY);
  } catch {
    return cached.value;
  }
  if (raw === cached.raw) return cached.value;
  let value: ReceptionEntry[] = [];
  try {
    const parsed = raw ? (JSON.parse(raw) as unknown) : [];
    value = Array.isArray(parsed) ? parsed.filter((e): e is ReceptionEntry => typeof e?.patient?.id === 'string' && typeof e?.patient?.name === 'string') : [];
  } catch {
    value = [];
  }
  cached = { raw, value };
  return value;
}

/** Adds a reception (newest first) and updates an earlier entry of the same patient today instead of repeating it. */
export function logReception(entry: ReceptionEntry): void {
  const list = [
    entry,
    ...read().filter((e) => !(e.patient.id === entry.patient.id && e.facilityCode === entry.facilityCode && e.at.slice(0, 10) === entry.at.slice(0, 10))),
  ].slice(0, MAX);
  const raw = JSON.stringify(list);
  try {
    sessionStorage.setItem(KEY, raw);
  } catch {
    cached = { raw: null, value: list };
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Today's receptions at `facilityCode` in this tab, newest first. */
export function useReceptionLog(facilityCode: string | undefined, today: string): ReceptionEntry[] {
  const all = useSyncExternalStore(subscribe, read, () => []);
  return all.filter((e) => e.facilityCode === facilityCode && japanDay(e.at) === today);
}

/** The Japan-time day of an instant. */
export function japanDay(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : new Date(t + 9 * 3600_000).toISOString().slice(0, 10);
}
