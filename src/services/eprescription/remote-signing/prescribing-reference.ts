/**
 * What a prescribing screen picks from: the drug master's products valid today found by name (販売名 or 一般名,
 * compared up to notation — 全角/半角, spaces, case — and カタカナ/ひらがな), and the 用法 codes the service knows:
 * the JAMI 処方・注射オーダ標準用法規格 code system (urn:oid:1.2.392.200250.2.2.20.20) of the loaded JP Core package,
 * else the few common ones below (copied from that CodeSystem in jp-core.r4 1.1.2).
 */
import type { CodeSystem } from '@medplum/fhirtypes';
import type { Conformance } from '../../../platform/conformance/index.ts';
import { type DrugEntry, type DrugMaster, isDrugProblem } from '../master/index.ts';
import type { DrugSystem } from '../master/systems.ts';

export const USAGE_CODE_SYSTEM = 'urn:oid:1.2.392.200250.2.2.20.20';

/** The common 内服 codes, should the package not be loaded (jp-core.r4 1.1.2 CodeSystem-jp-medication-usage-jami-cs). */
const FALLBACK_USAGES: [string, string][] = [
  ['1011000400000000', '内服・経口・１日１回朝食後'],
  ['1011040000000000', '内服・経口・１日１回夕食後'],
  ['1011100000000000', '内服・経口・１日１回就寝前'],
  ['1012040400000000', '内服・経口・１日２回朝夕食後'],
  ['1013044400000000', '内服・経口・１日３回朝昼夕食後'],
];

export interface UsageCode {
  code: string;
  /** The code system's display (what the prescription carries). */
  display: string;
  /** Times a day (the code's 4th character), for 1日量 = 1回量 × 回数. */
  timesPerDay: number;
}

export function usageCodes(conformance: Conformance | undefined): UsageCode[] {
  const cs = conformance?.definitions.codeSystems.get(USAGE_CODE_SYSTEM) as CodeSystem | undefined;
  const list: [string, string][] = cs?.concept?.length
    ? cs.concept.flatMap((c) => (c.code && c.display ? [[c.code, c.display] as [string, string]] : []))
    : FALLBACK_USAGES;
  return list.flatMap(([code, display]) => {
    const n = Number(code[3]);
    return /^[0-9A-Z]{16}$/.test(code) && n >= 1 && n <= 9 ? [{ code, display, timesPerDay: n }] : [];
  });
}

/** Comparable text: NFKC, no spaces, lower case, ひらがな as カタカナ. */
export function searchKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .toLowerCase()
    .replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

export interface DrugChoice {
  system: DrugSystem;
  code: string;
  name: string;
  unit?: string;
  generalCode?: string;
  /** The master's name of the 一般名コード (【般】…), when a general-name prescription is possible. */
  generalName?: string;
  validTo?: string;
}

const brandCode = (e: DrugEntry): [DrugSystem, string] | undefined =>
  e.receiptCode ? ['receipt', e.receiptCode] : e.yjCode ? ['yj', e.yjCode] : e.hot9 ? ['hot9', e.hot9] : undefined;

/** Products valid on `on` whose name or 一般名 contains `q` (at most `limit`, names starting with it first). */
export function searchDrugs(master: DrugMaster, q: string, on: Date, limit = 20): DrugChoice[] {
  const key = searchKey(q);
  if (!key) return [];
  const out: { starts: boolean; choice: DrugChoice }[] = [];
  const seen = new Set<string>();
  for (const e of master.entries()) {
    const c = brandCode(e);
    if (!c) continue;
    const name = searchKey(e.name);
    const general = e.generalName ? searchKey(e.generalName) : '';
    if (!name.includes(key) && !general.includes(key)) continue;
    const [system, code] = c;
    const id = `${system}|${code}`;
    if (seen.has(id)) continue;
    const current = master.lookup(system, code, on);
    if (isDrugProblem(current)) continue;
    seen.add(id);
    let generalName: string | undefined;
    if (current.generalCode) {
      const g = master.lookup('general', current.generalCode, on);
      if (!isDrugProblem(g)) generalName = g.name;
    }
    out.push({
      starts: name.startsWith(key),
      choice: {
        system,
        code,
        name: current.name,
        ...(current.unit ? { unit: current.unit } : {}),
        ...(generalName ? { generalCode: current.generalCode, generalName } : {}),
        ...(current.validTo ? { validTo: current.validTo } : {}),
      },
    });
  }
  return out
    .sort((a, b) => Number(b.starts) - Number(a.starts) || a.choice.name.localeCompare(b.choice.name, 'ja'))
    .slice(0, limit)
    .map((x) => x.choice);
}
