/**
 * The interaction data indexed in memory for the checks: contraindications in a Map by side key holding a Map by
 * the other side's key (both orders entered), duplicate classes in a Map by class key. Built once from the rules
 * (O(rules)); a lookup for a pair of drugs is at most four Map reads, none when a drug has no rule at all.
 */
import type { DrugKeys } from './drug-keys.ts';
import { type ContraindicationRule, type DuplicateClassRule, type InteractionRule, sideKey } from './rules.ts';

/** The per-drug entry points of the index, resolved once per drug per check. */
export interface DrugEntry {
  ingredientKey: string;
  classKey: string;
  /** Rules naming this drug's ingredient / class on one side, by the other side's key. */
  byIngredient: Map<string, ContraindicationRule> | undefined;
  byClass: Map<string, ContraindicationRule> | undefined;
}

export class InteractionIndex {
  private readonly contra = new Map<string, Map<string, ContraindicationRule>>();
  private readonly duplicateClasses = new Map<string, DuplicateClassRule>();
  readonly contraindications: number;

  constructor(rules: Iterable<InteractionRule>) {
    let pairs = 0;
    for (const rule of rules) {
      if (rule.kind === 'duplicate-class') {
        this.duplicateClasses.set(rule.therapeuticClass, rule);
        continue;
      }
      const [a, b] = [sideKey(rule.a), sideKey(rule.b)];
      if (!this.enter(a, b, rule)) pairs++;
      this.enter(b, a, rule);
    }
    this.contraindications = pairs;
  }

  /** True when the pair was already there (the later rule replaces it). */
  private enter(from: string, to: string, rule: ContraindicationRule): boolean {
    let m = this.contra.get(from);
    if (!m) this.contra.set(from, (m = new Map()));
    const had = m.has(to);
    m.set(to, rule);
    return had;
  }

  get duplicateClassCount(): number {
    return this.duplicateClasses.size;
  }

  entry(drug: DrugKeys): DrugEntry {
    const ingredientKey = `i:${drug.ingredient}`;
    const classKey = `c:${drug.therapeuticClass}`;
    return { ingredientKey, classKey, byIngredient: this.contra.get(ingredientKey), byClass: this.contra.get(classKey) };
  }

  /** The 併用禁忌 rule between two drugs, if any: ingredient × ingredient first, then the class-level rules. */
  contraindication(x: DrugEntry, y: DrugEntry): ContraindicationRule | undefined {
    if (x.byIngredient) {
      const r = x.byIngredient.get(y.ingredientKey) ?? x.byIngredient.get(y.classKey);
      if (r) return r;
    }
    return x.byClass ? (x.byClass.get(y.ingredientKey) ?? x.byClass.get(y.classKey)) : undefined;
  }

  /** The rule making members of this class duplicates of each other, if any. */
  duplicateClass(therapeuticClass: string): DuplicateClassRule | undefined {
    return this.duplicateClasses.get(therapeuticClass);
  }
}
