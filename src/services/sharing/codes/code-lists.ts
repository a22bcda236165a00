/**
 * The code lists the checks read, in memory: 臨床検査項目基本コードセット and 感染症検査項目リスト (JLAC10), the
 * disease master (病名管理番号 and レセ電算 codes), YJ codes (with 一般名 ZZZ codes) and J-FAGY codes. Entries come
 * from the shipped samples, the loaded packages' CodeSystems and imported official files (code-store.ts), merged:
 * a code is in a list when any source has it; it is valid on a day when any of its entries is.
 */

import { japanDate } from '../../../platform/master-files/japan-date.ts';

export type ListName = 'jlac10-core' | 'jlac10-infection' | 'disease' | 'yj' | 'jfagy';
export const LIST_NAMES: readonly ListName[] = ['jlac10-core', 'jlac10-infection', 'disease', 'yj', 'jfagy'];
export const isListName = (v: unknown): v is ListName => typeof v === 'string' && (LIST_NAMES as readonly string[]).includes(v);

export interface CodeEntry {
  list: ListName;
  code: string;
  display?: string;
  /** The JLAC10 item key (検査項目, e.g. `K`, `HBS-AG-SCO`): the test "the latest 3" counts per. */
  item?: string;
  /** First and last day of validity (YYYY-MM-DD, Japan time, both inclusive); absent: open. */
  validFrom?: string;
  validTo?: string;
  /** Where the entry came from (`sample:yj`, `codesystem:<url>|<version>`, an import's name). */
  source: string;
}

export type Validity = { state: 'valid'; entry: CodeEntry } | { state: 'unknown' } | { state: 'expired'; on: string } | { state: 'not-yet'; from: string };

const within = (e: CodeEntry, day: string) => (!e.validFrom || e.validFrom <= day) && (!e.validTo || day <= e.validTo);

export class CodeLists {
  private readonly lists = new Map<ListName, Map<string, CodeEntry[]>>();
  private readonly prefixes = new Map<string, Map<string, CodeEntry[]>>();

  constructor(entries: Iterable<CodeEntry> = []) {
    this.add(entries);
  }

  add(entries: Iterable<CodeEntry>): this {
    for (const e of entries) {
      let list = this.lists.get(e.list);
      if (!list) this.lists.set(e.list, (list = new Map()));
      const at = list.get(e.code);
      if (at) at.push(e);
      else list.set(e.code, [e]);
    }
    this.prefixes.clear();
    return this;
  }

  private entries(list: ListName, code: string): CodeEntry[] {
    return this.lists.get(list)?.get(code) ?? [];
  }

  /** In the list (and valid on `at`'s day in Japan, when given). */
  has(list: ListName, code: string, at?: Date): boolean {
    return at ? this.validity(list, code, at).state === 'valid' : this.entries(list, code).length > 0;
  }

  validity(list: ListName, code: string, at: Date): Validity {
    return validityOf(this.entries(list, code), japanDate(at));
  }

  display(list: ListName, code: string): string | undefined {
    return this.entries(list, code).findLast((e) => e.display)?.display;
  }

  /** The JLAC10 item key of a code (`K`), for "the latest 3 per test". */
  itemOf(list: ListName, code: string): string | undefined {
    return this.entries(list, code).findLast((e) => e.item)?.item;
  }

  /** Whether any code of the list that starts with `prefix` (of length `length`) is valid on `at`'s day. */
  validityByPrefix(list: ListName, prefix: string, at: Date): Validity {
    let index = this.prefixes.get(`${list}|${prefix.length}`);
    if (!index) {
      index = new Map();
      for (const [code, es] of this.lists.get(list) ?? []) {
        const key = code.slice(0, prefix.length);
        const at = index.get(key);
        if (at) at.push(...es);
        else index.set(key, [...es]);
      }
      this.prefixes.set(`${list}|${prefix.length}`, index);
    }
    return validityOf(index.get(prefix) ?? [], japanDate(at));
  }

  size(list: ListName): number {
    return this.lists.get(list)?.size ?? 0;
  }
}

function validityOf(entries: CodeEntry[], day: string): Validity {
  if (entries.length === 0) return { state: 'unknown' };
  const valid = entries.find((e) => within(e, day));
  if (valid) return { state: 'valid', entry: valid };
  const later = entries.filter((e) => e.validFrom && day < e.validFrom).map((e) => e.validFrom as string);
  if (later.length > 0) return { state: 'not-yet', from: later.sort()[0] };
  return {
    state: 'expired',
    on:
      entries
        .map((e) => e.validTo ?? '')
        .sort()
        .at(-1) ?? '',
  };
}
