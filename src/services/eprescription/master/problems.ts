/**
 * Why a drug code is refused, in Japanese (for the OperationOutcome's details.text and the screens) and English.
 * One message per kind; each names the code system, the code and, where the master knows it, the drug and the date.
 */
import type { Reason } from './code-shape.ts';
import { DRUG_SYSTEM_LABELS, type DrugSystem } from './systems.ts';

export type DrugProblemKind = 'unknown' | 'expired' | 'not-yet' | 'dummy' | 'malformed';

export interface DrugProblem {
  problem: DrugProblemKind;
  system: DrugSystem;
  code: string;
  ja: string;
  en: string;
  /** expired: the last valid day; not-yet: the first. */
  date?: string;
  /** The master's name for the code, where it has one (expired, not-yet). */
  name?: string;
}

const shown = (code: string) => (code === '' ? '(空)' : code);
const named = (name: string | undefined) => (name ? `（${name}）` : '');
const namedEn = (name: string | undefined) => (name ? ` (${name})` : '');

export function malformed(system: DrugSystem, code: string, why: Reason): DrugProblem {
  const l = DRUG_SYSTEM_LABELS[system];
  return {
    problem: 'malformed',
    system,
    code,
    ja: `${l.ja} ${shown(code)} の形式が正しくありません: ${why.ja}`,
    en: `${l.en} ${shown(code)} is malformed: ${why.en}`,
  };
}

export function dummy(system: DrugSystem, code: string, why: Reason): DrugProblem {
  const l = DRUG_SYSTEM_LABELS[system];
  return {
    problem: 'dummy',
    system,
    code,
    ja: `${l.ja} ${code} は${why.ja.endsWith('です') ? why.ja.slice(0, -2) : why.ja}です。ダミーコードは使えません。実在する医薬品のコードを指定してください`,
    en: `${l.en} ${code} is refused: ${why.en}. Dummy codes are not accepted; name the real drug's code`,
  };
}

export function unknown(system: DrugSystem, code: string, hint?: Reason): DrugProblem {
  const l = DRUG_SYSTEM_LABELS[system];
  return {
    problem: 'unknown',
    system,
    code,
    ja: `${l.ja} ${code} は医薬品マスターにありません${hint ? `（${hint.ja}）` : ''}`,
    en: `${l.en} ${code} is not in the drug master${hint ? ` (${hint.en})` : ''}`,
  };
}

export function expired(system: DrugSystem, code: string, lastDay: string, on: string, name?: string): DrugProblem {
  const l = DRUG_SYSTEM_LABELS[system];
  return {
    problem: 'expired',
    system,
    code,
    date: lastDay,
    name,
    ja: `${l.ja} ${code}${named(name)} は ${lastDay} までのコードです（廃止または経過措置期間の終了）。処方日 ${on} には使えません`,
    en: `${l.en} ${code}${namedEn(name)} was valid until ${lastDay} (abolished or end of the transition period); it cannot be used on ${on}`,
  };
}

export function notYet(system: DrugSystem, code: string, firstDay: string, on: string, name?: string): DrugProblem {
  const l = DRUG_SYSTEM_LABELS[system];
  return {
    problem: 'not-yet',
    system,
    code,
    date: firstDay,
    name,
    ja: `${l.ja} ${code}${named(name)} は ${firstDay} から使えるコードです。処方日 ${on} にはまだ使えません`,
    en: `${l.en} ${code}${namedEn(name)} is valid from ${firstDay}; it cannot be used yet on ${on}`,
  };
}
