/**
 * What the checks (重複投薬・併用禁忌) need to know about a drug and about a line of a patient's medication.
 *
 * The drug master (../master/, 医薬品マスター) owns the keys: this module reads them through the small `DrugKeys`
 * interface only, so any master that can answer these four fields plugs in. The keys are opaque strings to the checks;
 * two lines share an ingredient when their `ingredient` strings are equal, and the interaction data (rules.ts) names
 * the same strings.
 *
 * The expected keys come from the YJ code (個別医薬品コード, 12 characters): characters 1–4 are the 薬効分類 (the
 * last 4 digits of the 日本標準商品分類番号 87xxxx, e.g. 2189 高脂血症用剤), 5–7 the 投与経路及び成分 (001–399 oral,
 * 400–699 injection, 700–999 external), 8 the 剤形, 9 the 規格, 10–12 the brand. So the first 7 characters name one
 * ingredient given by one route — the key 併用禁忌 statements need, because several are route-specific (シプロフロキサシン
 * × ケトプロフェン holds for the injection and suppository only, not the skin preparations). `keysFromYj` derives
 * them this way; a master with better keys (e.g. a combination product mapped to each of its ingredients) passes its own.
 */

/** One drug as the checks see it. */
export interface DrugKeys {
  /** The code the line was written with (YJ code, レセプト電算コード or 一般名コード) — identifies the product. */
  code: string;
  /** 成分 key: equal strings = the same active ingredient (by the same route). YJ: the first 7 characters. */
  ingredient: string;
  /** 薬効分類 key: equal strings = the same therapeutic class. YJ: the first 4 characters. */
  therapeuticClass: string;
  /** The name to show (the master's name for `code`, never free text from the prescription). */
  name: string;
}

/** 医科 (medical), 歯科 (dental), 薬局 (pharmacy). */
export type FacilityKind = 'medical' | 'dental' | 'pharmacy';

/** Where the line was learnt: a registered prescription (処方), a dispensing result (調剤), or receipt-based medication information (レセプト由来の薬剤情報). */
export type LineSource = 'prescription' | 'dispensing' | 'receipt';

/** One drug of a patient's medication: a candidate (what is about to be prescribed or dispensed) or a history line. */
export interface MedicationLine {
  drug: DrugKeys;
  /** 処方日 or 調剤日, YYYY-MM-DD (the calendar date in Japan). */
  date: string;
  facilityKind: FacilityKind;
  /** 医療機関コード / 薬局コード (10 digits: prefecture 2, 点数表 1, number 7). */
  facilityCode: string;
  source: LineSource;
  /** The prescription (or dispensing) the line belongs to: history lines of a candidate's own prescription are not conflicts. */
  prescriptionId?: string;
  /** An in-house prescription for an inpatient (入院中の院内処方): finished during the stay, never a conflict later. */
  inpatient?: boolean;
}

/** A YJ code: 4 digits, 3 digits, a letter (剤形), then 4 characters (digits, or ZZZ for a 一般名コード). */
const YJ = /^\d{7}[A-Z][0-9A-Z]{4}$/;

/** The keys of a YJ code (see the module comment); throws on a code that is not one. */
export function keysFromYj(code: string, name: string): DrugKeys {
  if (!YJ.test(code)) throw new TypeError(`"${code}" is not a 12-character YJ code`);
  return { code, ingredient: code.slice(0, 7), therapeuticClass: code.slice(0, 4), name };
}

/** The shape of the keys the interaction data may name (importer check). The YJ defaults: 7 digits / 4 digits. */
export interface KeyFormat {
  ingredient: RegExp;
  therapeuticClass: RegExp;
}
export const YJ_KEY_FORMAT: KeyFormat = { ingredient: /^\d{7}$/, therapeuticClass: /^\d{4}$/ };
