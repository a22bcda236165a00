/**
 * One row of the drug master (医薬品マスター): a product's codes in each system, its names and unit, the keys the
 * duplicate and interaction checks compare, and the dates it holds for.
 *
 * Keys (the rule and its source). The 薬価基準収載医薬品コード and the YJ code share their first 9 characters:
 * 1–4 薬効分類番号, 5–7 投与経路及び成分, 8 剤形, 9 規格, 10–11 銘柄, 12 check digit (ph-info.info "一般名処方",
 * note.com/pharmyoshida "一般名コード、薬価基準収載医薬品コード、個別医薬品コード"). So:
 *   ingredientKey  the first 7 — same ingredient by the same route (成分): 重複投薬 by ingredient
 *   classKey       the first 4 — same 薬効分類 (e.g. 2189 その他の高脂血症用剤): 重複投薬 by class; coarse — a class
 *                  may hold drugs that are not duplicates of each other — so interaction data may refine it
 *   genericKey     the 一般名コード, else the first 9 + ZZZ — same ingredient, form and strength: another brand of
 *                  the same generic may be dispensed (一般名処方: "薬価基準収載医薬品コードの上9桁が一致する薬剤"); the
 *                  例外コード items (9 characters do not identify them) carry their own 一般名コード, which wins
 * The keys come from the 薬価基準収載医薬品コード, else the YJ code, else the 一般名コード; a row may also carry them
 * explicitly (a product known only by its HOT9 code).
 */

export interface DrugEntry {
  /** レセプト電算処理システム用コード (9 digits). */
  receiptCode?: string;
  /** 個別医薬品コード (YJコード, 12). */
  yjCode?: string;
  /** 薬価基準収載医薬品コード (12): equal to the YJ code except for brands listed under a unified name (統一名収載品). */
  priceCode?: string;
  /** 一般名コード (一般名処方マスタ; the first 9 and ZZZ, or the 例外コード). */
  generalCode?: string;
  /** HOTコード 9 digits (MEDIS). */
  hot9?: string;
  /** 販売名 / 漢字名称: the name a prescription and a dispensing must show for the code. */
  name: string;
  /** 一般名 (一般名処方の標準的な記載, e.g. 【般】アトルバスタチン錠１０ｍｇ, or the 成分名). */
  generalName?: string;
  /** 単位 (単位漢字名称: 錠, カプセル, ｇ, ｍＬ …). */
  unit?: string;
  ingredientKey?: string;
  classKey?: string;
  /** First day the code may be prescribed (薬価基準収載年月日), YYYY-MM-DD. */
  validFrom?: string;
  /** Last day the code may be prescribed (the earlier of 廃止年月日 and 経過措置年月日), YYYY-MM-DD. */
  validTo?: string;
  /** The day this row's content (name, unit …) took effect (変更年月日): a later row of the same code supersedes it. */
  revisedOn?: string;
  /** Where the row was read (an import's source name, or the sample's fact source). */
  source: string;
}

/** The 12-character code the keys are derived from. */
const keyCode = (e: DrugEntry) => e.priceCode ?? e.yjCode ?? e.generalCode;

export function ingredientKeyOf(e: DrugEntry): string | undefined {
  return e.ingredientKey ?? keyCode(e)?.slice(0, 7);
}

export function classKeyOf(e: DrugEntry): string | undefined {
  return e.classKey ?? keyCode(e)?.slice(0, 4);
}

export function genericKeyOf(e: DrugEntry): string | undefined {
  if (e.generalCode) return e.generalCode;
  const code = keyCode(e);
  return code ? `${code.slice(0, 9)}ZZZ` : undefined;
}

/** Whether `b` may be dispensed for `a` as another brand of the same generic (same ingredient, form and strength). */
export function sameGeneric(a: DrugEntry, b: DrugEntry): boolean {
  const [ka, kb] = [genericKeyOf(a), genericKeyOf(b)];
  return ka !== undefined && ka === kb;
}

/** The entry with its derived keys filled in. */
export function withKeys(e: DrugEntry): DrugEntry {
  return { ...e, ingredientKey: ingredientKeyOf(e), classKey: classKeyOf(e) };
}

/**
 * The keys the checks (../checks/, 重複投薬・併用禁忌) read — structurally their `DrugKeys` — for a row found by `code`;
 * undefined when the row has no keys (a product known only by its HOT9 code and given none).
 */
export function checkKeysOf(e: DrugEntry, code: string): { code: string; ingredient: string; therapeuticClass: string; name: string } | undefined {
  const [ingredient, therapeuticClass] = [ingredientKeyOf(e), classKeyOf(e)];
  return ingredient && therapeuticClass ? { code, ingredient, therapeuticClass, name: e.name } : undefined;
}
