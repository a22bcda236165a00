/**
 * Drug classes the emergency view highlights (ハイリスク薬), by 薬効分類番号 — the first digits of the YJ code (個別医薬品
 * コード), which follow the 日本標準商品分類 (総務省) 87 医薬品 classification; a 一般名コード carries the same leading digits
 * (its first 9 characters are the YJ code's). The classes are those the fee schedule names as 「特に安全管理が必要な
 * 医薬品」(特定薬剤管理指導加算: 抗悪性腫瘍剤, 免疫抑制剤, 不整脈用剤, 抗てんかん剤, 血液凝固阻止剤, ジギタリス製剤, テオフィリン
 * 製剤, カリウム製剤（注射）, 精神神経用剤, 糖尿病用剤, 膵臓ホルモン剤, 抗HIV薬), with the antiplatelet agents (3399) next to the
 * anticoagulants as 抗血栓薬, what an emergency physician must know first (bleeding, surgery).
 * Not covered by prefix: 免疫抑制剤 and 抗HIV薬 share classes with other drugs (3999, 625) — named by the ingredients below.
 */
export type RiskClass = 'antithrombotic' | 'high-risk';

interface ClassRule {
  prefix: string;
  risk: RiskClass;
  ja: string;
}

const RULES: ClassRule[] = [
  { prefix: '333', risk: 'antithrombotic', ja: '抗凝固薬（血液凝固阻止剤）' },
  { prefix: '3399', risk: 'antithrombotic', ja: '抗血小板薬' },
  { prefix: '42', risk: 'high-risk', ja: '抗悪性腫瘍剤' },
  { prefix: '212', risk: 'high-risk', ja: '不整脈用剤' },
  { prefix: '113', risk: 'high-risk', ja: '抗てんかん剤' },
  { prefix: '2113', risk: 'high-risk', ja: 'ジギタリス製剤' },
  { prefix: '2251', risk: 'high-risk', ja: 'テオフィリン製剤' },
  { prefix: '117', risk: 'high-risk', ja: '精神神経用剤' },
  { prefix: '396', risk: 'high-risk', ja: '糖尿病用剤' },
  { prefix: '2492', risk: 'high-risk', ja: '膵臓ホルモン剤（インスリン）' },
  { prefix: '245', risk: 'high-risk', ja: '副腎皮質ホルモン剤' },
  { prefix: '3229', risk: 'high-risk', ja: 'カリウム製剤' },
];
/** 免疫抑制剤 by YJ ingredient (first 7 characters): tacrolimus 3999014, ciclosporin 3999004, mycophenolate 3999017. */
const INGREDIENTS: Record<string, string> = { '3999014': '免疫抑制剤', '3999004': '免疫抑制剤', '3999017': '免疫抑制剤' };

export interface DrugClass {
  risk: RiskClass;
  /** The class name shown (Japanese). */
  ja: string;
}

/** The class of a YJ-shaped code (12 characters, YJ or 一般名コード), the longest prefix winning; undefined: none. */
export function riskClassOf(yjLike: string | undefined): DrugClass | undefined {
  if (!yjLike || !/^\d{4}/.test(yjLike)) return undefined;
  const ingredient = INGREDIENTS[yjLike.slice(0, 7)];
  if (ingredient) return { risk: 'high-risk', ja: ingredient };
  const rule = RULES.filter((r) => yjLike.startsWith(r.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  return rule && { risk: rule.risk, ja: rule.ja };
}
