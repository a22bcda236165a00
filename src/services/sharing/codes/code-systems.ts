/**
 * Code list entries from FHIR CodeSystem resources (the loaded IG packages, or any the operator supplies). The
 * JP-CLINS package's JLAC10 CodeSystems are complete and hierarchical: top-level concepts are item keys (`ALB`, `K`,
 * `HBS-AG-SCO`), their children the 17-digit JLAC10 codes (an entry per child, `item` = its top-level key).
 * CodeSystems of the other lists are taken with the concepts they hold (often a fragment).
 */
import type { CodeEntry, ListName } from './code-lists.ts';
import * as S from './systems.ts';

const LIST_OF_SYSTEM = new Map<string, ListName>([
  [S.JLAC10_CORE, 'jlac10-core'],
  [S.JLAC10_INFECTION, 'jlac10-infection'],
  [S.DISEASE_KEY_NUMBER, 'disease'],
  [S.DISEASE_RECEIPT, 'disease'],
  [S.YJ, 'yj'],
  [S.MEDICATION_GENERAL_NAME, 'yj'],
  [S.JFAGY_FOOD, 'jfagy'],
  [S.JFAGY_NON_FOOD, 'jfagy'],
  ...S.JFAGY_MEDICATION_SYSTEMS.map((s): [string, ListName] => [s, 'jfagy']),
]);
/** Lists whose codes are the leaves under item keys. */
const HIERARCHICAL = new Set<ListName>(['jlac10-core', 'jlac10-infection']);

interface Concept {
  code?: unknown;
  display?: unknown;
  designation?: { language?: string; value?: string }[];
  concept?: Concept[];
}

/** Entries of the CodeSystems among `resources` whose URL is one the checks read; other resources are skipped. */
export function fromCodeSystems(resources: Iterable<Record<string, unknown>>): CodeEntry[] {
  const out: CodeEntry[] = [];
  for (const cs of resources) {
    if (cs.resourceType !== 'CodeSystem' || typeof cs.url !== 'string') continue;
    const list = LIST_OF_SYSTEM.get(cs.url);
    if (!list) continue;
    const source = `codesystem:${cs.url}${typeof cs.version === 'string' ? `|${cs.version}` : ''}`;
    const walk = (concepts: Concept[] | undefined, item: string | undefined) => {
      for (const c of concepts ?? []) {
        if (typeof c.code !== 'string') continue;
        const leaf = !c.concept?.length;
        if (!HIERARCHICAL.has(list) || (item !== undefined && leaf)) {
          const ja = c.designation?.find((d) => d.language === 'ja')?.value;
          out.push({ list, code: c.code, display: ja ?? (typeof c.display === 'string' ? c.display : undefined), item, source });
        }
        walk(c.concept, item ?? (HIERARCHICAL.has(list) ? c.code : undefined));
      }
    };
    walk(cs.concept as Concept[] | undefined, undefined);
  }
  return out;
}
