/**
 * 本日の受付: the receptions done in this browser tab at this facility (sessionStorage, under the clinic app's data key,
 * so that sign-out forgets them with the rest of the app's data). A convenience list for the desk, not a record: the
 * platform's audit log is the record.
 */
import { japanDay } from '../../shared/japan-time.ts';
import { sessionValue } from '../session-value.ts';
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

const MAX = 100;
const isEntry = (e: unknown): e is ReceptionEntry => {
  const p = (e as ReceptionEntry | undefined)?.patient;
  return typeof p?.id === 'string' && typeof p?.name === 'string';
};
const log = sessionValue<ReceptionEntry[]>('reception-log', (raw) => (Array.isArray(raw) ? raw.filter(isEntry) : undefined), []);

/** Adds a reception (newest first) and updates an earlier entry of the same patient today instead of repeating it. */
export function logReception(entry: ReceptionEntry): void {
  const list = [
    entry,
    ...log.get().filter((e) => !(e.patient.id === entry.patient.id && e.facilityCode === entry.facilityCode && e.at.slice(0, 10) === entry.at.slice(0, 10))),
  ].slice(0, MAX);
  log.set(list);
}

/** Today's receptions at `facilityCode` in this tab, newest first. */
export function useReceptionLog(facilityCode: string | undefined, today: string): ReceptionEntry[] {
  const all = log.use();
  return all.filter((e) => e.facilityCode === facilityCode && japanDay(e.at) === today);
}

export { japanDay } from '../../shared/japan-time.ts';
