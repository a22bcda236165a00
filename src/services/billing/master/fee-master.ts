/**
 * The fee master in memory (FeeMaster, model/types.ts): every lookup by code and date answers with the version in
 * force — validFrom <= date <= validTo. A version also ends the day before the next version of the same key starts
 * (an official file lists only the current row of a code, open-ended, so the previous revision's row stays
 * open-ended in the table after the next revision is imported: the later one wins from its first day).
 * Indexed by code: maps of version arrays sorted by validFrom, each with its effective last day, built once.
 */
import type { BundleStep, CountLimit, Exclusion, FeeItem, FeeMaster, Inclusion, LookupRefusal } from '../model/types.ts';
import type { InclusionLink, InclusionMember } from './relations-reader.ts';

export interface FeeMasterData {
  items: FeeItem[];
  countLimits: CountLimit[];
  exclusions: Exclusion[];
  inclusions: Inclusion[];
  bundleSteps: BundleStep[];
}

interface Dated {
  validFrom: string;
  validTo: string | null;
}
interface Version<T> {
  value: T;
  from: string;
  /** Effective last day ('9999-12-31' for none). */
  until: string;
}

const NO_END = '9999-12-31';

/** The day before an ISO date. */
export function dayBefore(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Versions of each key, sorted, each ending at the latest the day before its successor starts. */
function versionsByKey<T extends Dated>(rows: readonly T[], keyOf: (r: T) => string): Map<string, Version<T>[]> {
  const byKey = new Map<string, Version<T>[]>();
  for (const r of rows) {
    const key = keyOf(r);
    const list = byKey.get(key) ?? [];
    list.push({ value: r, from: r.validFrom, until: r.validTo ?? NO_END });
    byKey.set(key, list);
  }
  for (const list of byKey.values()) {
    list.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    for (let i = 0; i + 1 < list.length; i++) {
      const cap = dayBefore(list[i + 1].from);
      if (cap < list[i].until) list[i].until = cap;
    }
  }
  return byKey;
}

/** Relation versions grouped under each code they name (a relation of two codes is found from either). */
function relationIndex<T extends Dated>(rows: readonly T[], keyOf: (r: T) => string, codesOf: (r: T) => string[]): Map<string, Version<T>[]> {
  const index = new Map<string, Version<T>[]>();
  for (const versions of versionsByKey(rows, keyOf).values()) {
    for (const v of versions) {
      for (const code of new Set(codesOf(v.value))) {
        const list = index.get(code) ?? [];
        list.push(v);
        index.set(code, list);
      }
    }
  }
  return index;
}

const EMPTY: never[] = [];
function inForce<T>(list: Version<T>[] | undefined, date: string): T[] {
  if (!list) return EMPTY;
  const out: T[] = [];
  for (const v of list) if (v.from <= date && date <= v.until) out.push(v.value);
  return out;
}

/** The master over plain data (tests, the sample, or rows loaded from the database). */
export function feeMasterFrom(data: FeeMasterData, description: string): FeeMaster {
  const items = versionsByKey(data.items, (i) => i.code);
  const counts = relationIndex(
    data.countLimits,
    (c) => `${c.code}|${c.unit}`,
    (c) => [c.code],
  );
  const exclusions = relationIndex(
    data.exclusions,
    (e) => `${e.code1}|${e.code2}|${e.scope}`,
    (e) => [e.code1, e.code2],
  );
  const inclusions = relationIndex(
    data.inclusions,
    (i) => `${i.including}|${i.included}|${i.scope}`,
    (i) => [i.including, i.included],
  );
  const steps = relationIndex(
    data.bundleSteps,
    (s) => `${s.group}|${s.minItems}`,
    (s) => [s.group],
  );
  for (const list of steps.values()) list.sort((a, b) => a.value.minItems - b.value.minItems || (a.from < b.from ? -1 : 1));
  // 判断料 codes by 検査等実施判断グループ (any version); the version in force on the date must still be in the group.
  const judgementCodes = new Map<string, string[]>();
  for (const i of data.items) {
    if (i.judgement !== 'judgement' || !i.judgementGroup) continue;
    const codes = judgementCodes.get(i.judgementGroup) ?? [];
    if (!codes.includes(i.code)) codes.push(i.code);
    judgementCodes.set(i.judgementGroup, codes.sort());
  }

  const item = (code: string, date: string): FeeItem | { refused: LookupRefusal; item?: FeeItem } => {
    const versions = items.get(code);
    if (!versions) return { refused: 'unknown' };
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i];
      if (v.from > date) continue;
      return date <= v.until ? v.value : { refused: 'expired', item: v.value };
    }
    return { refused: 'not-yet', item: versions[0].value };
  };

  return {
    description,
    itemCount: data.items.length,
    item,
    judgementFee(group: string, date: string): FeeItem | undefined {
      for (const code of judgementCodes.get(group) ?? EMPTY) {
        const found = item(code, date);
        if (!('refused' in found) && found.judgement === 'judgement' && found.judgementGroup === group) return found;
      }
      return undefined;
    },
    countLimits: (code, date) => inForce(counts.get(code), date),
    exclusions: (code, date) => inForce(exclusions.get(code), date),
    inclusions: (code, date) => inForce(inclusions.get(code), date),
    bundleSteps: (group, date) => inForce(steps.get(group), date),
  };
}

/**
 * 包括: each 補助マスター link (code → group, scope) joined with the group's 包括テーブル members, valid while both are
 * (a member that is the including code itself is left out).
 */
export function expandInclusions(links: readonly InclusionLink[], members: readonly InclusionMember[]): Inclusion[] {
  const byGroup = new Map<string, InclusionMember[]>();
  for (const m of members) {
    const list = byGroup.get(m.group);
    if (list) list.push(m);
    else byGroup.set(m.group, [m]);
  }
  const out: Inclusion[] = [];
  for (const link of links) {
    for (const m of byGroup.get(link.group) ?? []) {
      if (m.code === link.code) continue;
      const validFrom = [link.validFrom, m.validFrom].sort()[1];
      const ends = [link.validTo, m.validTo].filter((d): d is string => d !== null).sort();
      const validTo = ends[0] ?? null;
      if (validTo !== null && validTo < validFrom) continue;
      out.push({ including: link.code, included: m.code, scope: link.scope, validFrom, validTo });
    }
  }
  return out;
}
