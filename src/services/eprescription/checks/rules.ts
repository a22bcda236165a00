/**
 * The interaction data (相互作用データ) the checks read: contraindicated combinations (併用禁忌) and the therapeutic
 * classes whose members count as duplicates of each other (同効薬の重複). Duplicates of the same ingredient (同一成分の
 * 重複) need no data — every shared ingredient key is one (check.ts).
 *
 * A side of a combination names either one ingredient or a whole therapeutic class, in the keys of DrugKeys
 * (drug-keys.ts). A combination holds in both orders: A × B is found when A is prescribed on top of B and when B is
 * prescribed on top of A.
 */

/** `ingredient`: DrugKeys.ingredient; `class`: DrugKeys.therapeuticClass. */
export type RuleScope = 'ingredient' | 'class';

export interface RuleSide {
  scope: RuleScope;
  key: string;
  /** A name for people (e.g. シンバスタチン); not used to match. */
  name?: string;
}

interface RuleFacts {
  /** The fact, e.g. the package insert's 10.1 併用禁忌 statement. */
  statement?: string;
  /** Where the fact is published (e.g. PMDA 添付文書 of a named product, its section). */
  reference?: string;
  /** The import the rule came from (store.ts), `sample` for the shipped sample. */
  dataset?: string;
}

/** 併用禁忌: the two sides must not be taken together. */
export interface ContraindicationRule extends RuleFacts {
  kind: 'contraindicated';
  a: RuleSide;
  b: RuleSide;
}

/** 同効薬の重複: two different ingredients of this class taken together are a duplicate. */
export interface DuplicateClassRule extends RuleFacts {
  kind: 'duplicate-class';
  therapeuticClass: string;
  name?: string;
}

export type InteractionRule = ContraindicationRule | DuplicateClassRule;

/** A side as one string: `i:<ingredient key>` or `c:<class key>`. */
export const sideKey = (s: RuleSide): string => `${s.scope === 'ingredient' ? 'i' : 'c'}:${s.key}`;

/** One string per rule, the same for A × B and B × A (duplicates in the data are found by it). */
export function ruleIdentity(rule: InteractionRule): string {
  if (rule.kind === 'duplicate-class') return `duplicate-class|${rule.therapeuticClass}`;
  const [x, y] = [sideKey(rule.a), sideKey(rule.b)].sort();
  return `contraindicated|${x}|${y}`;
}
