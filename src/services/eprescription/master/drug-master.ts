/**
 * The loaded drug master (医薬品マスター): every row indexed by each of its codes, and the three questions the
 * e-prescription service asks of it —
 *   lookup(system, code, on)  is the code a real, valid drug on the prescription date? (the row in force, or why not)
 *   nameOf(code, on)          the name the pharmacist and the patient must be shown: always derived from the code and
 *                             the master version of the date, never from the text the sender put beside it (the
 *                             December 2024 incident showed a pharmacy another drug's name than the one prescribed)
 *   sameGeneric(a, b)         may b be dispensed for a as another brand of the same generic?
 *
 * Versions: a code may have several rows (a new release renames a product, marks it abolished …). The row in force on a
 * day is the latest whose 変更年月日 (revisedOn) is on or before it — the earliest row when none is. The code's life
 * runs from the earliest 薬価基準収載年月日 of its rows to the last day the LATEST row gives (a release that abolishes a
 * code speaks for every day after). Rows of the same code and revision from two sources: the one added last wins
 * (an import over the sample).
 */
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import { dummyReason, malformedReason } from './code-shape.ts';
import { type DrugEntry, sameGeneric as sameGenericEntry, withKeys } from './drug-entry.ts';
import { type DrugProblem, dummy, expired, malformed, notYet, unknown } from './problems.ts';
import { DRUG_SYSTEM_LABELS, DRUG_SYSTEMS, type DrugSystem, drugSystemOf } from './systems.ts';

export type DrugLookup = DrugEntry | DrugProblem;

export const isDrugProblem = (r: DrugLookup | undefined): r is DrugProblem => r !== undefined && 'problem' in r;

const CODE_OF: Record<DrugSystem, (e: DrugEntry) => string | undefined> = {
  receipt: (e) => e.receiptCode,
  yj: (e) => e.yjCode,
  general: (e) => e.generalCode,
  hot9: (e) => e.hot9,
};

const byRevision = (a: DrugEntry, b: DrugEntry) => (a.revisedOn ?? '').localeCompare(b.revisedOn ?? '');

/** The system a bare code belongs to by its shape (12 characters ending ZZZ: general; 12: YJ; 9 digits from 6: receipt; 9: HOT9). */
export function guessSystem(code: string): DrugSystem | undefined {
  if (code.length === 12) return code.endsWith('ZZZ') ? 'general' : 'yj';
  if (/^\d{9}$/.test(code)) return code.startsWith('6') ? 'receipt' : 'hot9';
  return undefined;
}

export class DrugMaster {
  private readonly index = new Map<DrugSystem, Map<string, DrugEntry[]>>(DRUG_SYSTEMS.map((s) => [s, new Map()]));
  /** Brand rows by the 一般名コード they carry (a general code is valid while one of its brands is). */
  private readonly brands = new Map<string, DrugEntry[]>();
  private count = 0;

  constructor(entries: Iterable<DrugEntry> = []) {
    this.add(entries);
  }

  /** Adds rows (their keys derived where not given); a row of the same code and revision replaces the earlier one. */
  add(entries: Iterable<DrugEntry>): this {
    for (const raw of entries) {
      const e = withKeys(raw);
      this.count++;
      const brand = !!(e.receiptCode || e.yjCode || e.hot9);
      if (brand && e.generalCode) this.brands.set(e.generalCode, [...(this.brands.get(e.generalCode) ?? []), e]);
      for (const system of DRUG_SYSTEMS) {
        const code = CODE_OF[system](e);
        // A brand row names its 一般名コード, but is not that code's row: a general-name prescription shows the 一般名.
        if (!code || (system === 'general' && brand)) continue;
        const map = this.index.get(system)!;
        const rows = (map.get(code) ?? []).filter((r) => (r.revisedOn ?? '') !== (e.revisedOn ?? '') || (r.validFrom ?? '') !== (e.validFrom ?? ''));
        rows.push(e);
        map.set(code, rows.sort(byRevision));
      }
    }
    return this;
  }

  /** Rows added (each once, before replacement). */
  get size(): number {
    return this.count;
  }

  /** The rows of a code, oldest revision first. */
  versions(system: DrugSystem, code: string): readonly DrugEntry[] {
    return this.index.get(system)?.get(code) ?? [];
  }

  /** The row in force for `code` on the (Japan) date of `on`, or why the code cannot be used then. */
  lookup(system: DrugSystem, code: string, on: Date): DrugLookup {
    const why = dummyReason(system, code);
    if (why) return dummy(system, code, why);
    const shape = malformedReason(system, code);
    if (shape) return malformed(system, code, shape);
    const rows = this.versions(system, code);
    if (rows.length === 0 && system === 'general' && this.brands.has(code)) return this.generalFromBrands(code, on);
    if (rows.length === 0) return unknown(system, code, this.hint(system, code));
    const day = japanDate(on);
    const current = rows.findLast((r) => !r.revisedOn || r.revisedOn <= day) ?? rows[0];
    const from = rows.flatMap((r) => (r.validFrom ? [r.validFrom] : [])).sort()[0];
    const to = rows[rows.length - 1].validTo;
    if (from && day < from) return notYet(system, code, from, day, current.name);
    if (to && day > to) return expired(system, code, to, day, current.name);
    return current;
  }

  /** lookup for a FHIR coding; undefined when its system is not one of the drug systems (e.g. GS1). */
  lookupCoding(coding: { system?: string; code?: string }, on: Date): DrugLookup | undefined {
    const system = coding.system ? drugSystemOf(coding.system) : undefined;
    return system ? this.lookup(system, coding.code ?? '', on) : undefined;
  }

  /**
   * The name to show for `code` on the date `on` (the master version in force then), or undefined when the code is
   * not a valid drug code that day. `system` defaults to the one the code's shape implies.
   */
  nameOf(code: string, on: Date, system: DrugSystem | undefined = guessSystem(code)): string | undefined {
    if (!system) return undefined;
    const r = this.lookup(system, code, on);
    return isDrugProblem(r) ? undefined : r.name;
  }

  /** Whether `b` may be dispensed for `a` as another brand of the same generic (drug-entry.ts, genericKey). */
  sameGeneric(a: DrugEntry, b: DrugEntry): boolean {
    return sameGenericEntry(a, b);
  }

  /** Every row (each code's versions once). */
  entries(): DrugEntry[] {
    const seen = new Set<DrugEntry>();
    for (const map of this.index.values()) for (const rows of map.values()) for (const r of rows) seen.add(r);
    return [...seen];
  }

  /**
   * A 一般名コード the master knows only from its brands' rows (the 医薬品マスター's 一般名コード column): valid on a day
   * when one of its brands is, shown under the brands' 一般名処方の標準的な記載.
   */
  private generalFromBrands(code: string, on: Date): DrugLookup {
    const results = this.brands
      .get(code)!
      .map((b) => ({ b, r: this.lookup(b.receiptCode ? 'receipt' : b.yjCode ? 'yj' : 'hot9', b.receiptCode ?? b.yjCode ?? b.hot9!, on) }));
    const valid = results.find(({ r }) => !isDrugProblem(r));
    const name = (b: DrugEntry) => b.generalName ?? `${code}`;
    if (valid) {
      const b = valid.r as DrugEntry;
      return withKeys({ generalCode: code, name: name(b), generalName: b.generalName, unit: b.unit, source: `${b.source} (一般名コード of ${b.name})` });
    }
    const day = japanDate(on);
    const problems = results.map(({ r }) => r as DrugProblem);
    const later = problems
      .filter((p) => p.problem === 'not-yet')
      .map((p) => p.date!)
      .sort()[0];
    if (later) return notYet('general', code, later, day, name(results[0].b));
    const last = problems
      .flatMap((p) => (p.problem === 'expired' ? [p.date!] : []))
      .sort()
      .at(-1);
    return last ? expired('general', code, last, day, name(results[0].b)) : unknown('general', code);
  }

  /** A hint for an unknown code that the master knows under another system (a YJ code sent as 一般名コード …). */
  private hint(system: DrugSystem, code: string) {
    for (const other of DRUG_SYSTEMS) {
      if (other === system || this.versions(other, code).length === 0) continue;
      const l = DRUG_SYSTEM_LABELS[other];
      return { ja: `${l.ja}としては登録があります。コード体系（system）を確認してください`, en: `the master has it as a ${l.en}: check the coding's system` };
    }
    return undefined;
  }
}
