/**
 * Words for the reception screen (pure, no DOM): dates in 西暦 and 和暦, ages, 負担割合, the 限度額適用区分 explained,
 * the 公費 programme a 公費負担者番号 names, how the patient was identified, the consent groups of the reader, and what
 * the card reader's refusals mean for the desk and the patient.
 */
import type { Text } from '../../shared/text.ts';
import type { ConsentCategory } from './parameters.ts';
import { PREFECTURES } from '../../../src/platform/identity/prefectures.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 2026-12-02 → 2026年12月2日 / 2 Dec 2026. */
export function formatDate(date: string | undefined): Text {
  const m = date ? DATE.exec(date) : null;
  if (!m) return { ja: date ?? '—', en: date ?? '—' };
  const [, y, mo, d] = m;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(mo) - 1];
  return { ja: `${Number(y)}年${Number(mo)}月${Number(d)}日`, en: `${Number(d)} ${month} ${y}` };
}

/** Every ISO date in a message written as 2023年4月1日 (the service's Japanese messages carry ISO dates). */
export function japaneseDates(text: string): string {
  return text.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (_, y: string, m: string, d: string) => `${Number(y)}年${Number(m)}月${Number(d)}日`);
}

const ERAS: { name: string; start: string }[] = [
  { name: '令和', start: '2019-05-01' },
  { name: '平成', start: '1989-01-08' },
  { name: '昭和', start: '1926-12-25' },
  { name: '大正', start: '1912-07-30' },
  { name: '明治', start: '1868-01-25' },
];

/** 1958-10-22 → 昭和33年10月22日 (元年 for the first year); undefined before 明治 or for a non-date. */
export function wareki(date: string | undefined): string | undefined {
  const m = date ? DATE.exec(date) : null;
  if (!m || !date) return undefined;
  const era = ERAS.find((e) => date >= e.start);
  if (!era) return undefined;
  const year = Number(m[1]) - Number(era.start.slice(0, 4)) + 1;
  return `${era.name}${year === 1 ? '元' : year}年${Number(m[2])}月${Number(m[3])}日`;
}

/** Full years from `birthDate` to `on` (both YYYY-MM-DD). */
export function ageOn(birthDate: string | undefined, on: string | undefined): number | undefined {
  const b = birthDate ? DATE.exec(birthDate) : null;
  const o = on ? DATE.exec(on) : null;
  if (!b || !o) return undefined;
  let age = Number(o[1]) - Number(b[1]);
  if (o[2] + o[3] < b[2] + b[3]) age--;
  return age >= 0 ? age : undefined;
}

/** 生年月日: 1958年10月22日（昭和33年10月22日）・68歳. */
export function birthLine(birthDate: string | undefined, visitDate: string | undefined): Text {
  const d = formatDate(birthDate);
  const w = wareki(birthDate);
  const age = ageOn(birthDate, visitDate);
  return {
    ja: `${d.ja}${w ? `（${w}）` : ''}${age !== undefined ? `・${age}歳` : ''}`,
    en: `${d.en}${age !== undefined ? `, ${age} years` : ''}`,
  };
}

export const GENDER: Record<string, Text> = {
  male: { ja: '男性', en: 'male' },
  female: { ja: '女性', en: 'female' },
  other: { ja: 'その他', en: 'other' },
  unknown: { ja: '不明', en: 'unknown' },
};

/** 3 → 3割. */
export function copayText(ratio: number | undefined): Text {
  if (ratio === undefined) return { ja: '—', en: '—' };
  return { ja: `${ratio}割`, en: `${ratio * 10}%` };
}

/** 保険者番号 as printed: 国民健康保険 has 6 digits (the canonical form has 00 in front). */
export function printedInsurerNumber(canonical: string): string {
  return canonical.length === 8 && canonical.startsWith('00') ? canonical.slice(2) : canonical;
}

const INSURANCE_SCHEMES: Record<string, Text> = {
  '01': { ja: '全国健康保険協会（協会けんぽ）', en: 'Japan Health Insurance Association (Kyokai Kenpo)' },
  '02': { ja: '船員保険', en: "Seamen's insurance" },
  '06': { ja: '健康保険組合', en: 'Health insurance society' },
  '07': { ja: '自衛官等', en: 'Self-Defense Forces personnel' },
  '31': { ja: '国家公務員共済組合', en: 'National public servants mutual aid' },
  '32': { ja: '地方公務員等共済組合', en: 'Local public servants mutual aid' },
  '33': { ja: '警察共済組合', en: 'Police mutual aid' },
  '34': { ja: '公立学校共済組合・私学共済', en: 'School teachers mutual aid' },
  '39': { ja: '後期高齢者医療', en: 'Late-stage elderly medical care' },
  '63': { ja: '特定健康保険組合', en: 'Designated health insurance society' },
  '67': { ja: '国民健康保険（退職者医療）', en: 'National health insurance (retirees)' },
};

/** The insurance scheme a 保険者番号 belongs to (when the insurer's name is not known). */
export function insuranceScheme(canonical: string): Text {
  if (canonical.length === 6 || canonical.startsWith('00')) return { ja: '国民健康保険', en: 'National health insurance' };
  return INSURANCE_SCHEMES[canonical.slice(0, 2)] ?? { ja: '医療保険', en: 'Health insurance' };
}

export const RELATIONSHIP: Record<'insured' | 'dependant', Text> = {
  insured: { ja: '本人（被保険者）', en: 'the insured person' },
  dependant: { ja: '家族（被扶養者）', en: 'a dependant' },
};

const UNDER_70 = {
  ja: '70歳未満の方の高額療養費の区分です。',
  en: 'The high-cost medical expense category for people under 70.',
};
const FROM_70 = {
  ja: '70歳以上の方の高額療養費の区分です。',
  en: 'The high-cost medical expense category for people aged 70 and over.',
};

/**
 * 限度額適用区分 in plain words: who is in it and the monthly cap at the desk (高額療養費, the amounts in force since
 * 2018; a 多数回該当 month — the fourth in a year — has a lower cap).
 */
export const LIMIT_EXPLANATIONS: Record<string, Text> = {
  'u70-a': {
    ja: `${UNDER_70.ja}年収約1,160万円以上。1か月の窓口負担の上限は 252,600円＋（医療費−842,000円）×1%（多数回該当 140,100円）。`,
    en: `${UNDER_70.en} Income about ¥11.6 million or more; monthly cap ¥252,600 + 1% of costs above ¥842,000 (¥140,100 from the 4th time).`,
  },
  'u70-i': {
    ja: `${UNDER_70.ja}年収約770万〜約1,160万円。1か月の窓口負担の上限は 167,400円＋（医療費−558,000円）×1%（多数回該当 93,000円）。`,
    en: `${UNDER_70.en} Income about ¥7.7–11.6 million; monthly cap ¥167,400 + 1% of costs above ¥558,000 (¥93,000 from the 4th time).`,
  },
  'u70-u': {
    ja: `${UNDER_70.ja}年収約370万〜約770万円。1か月の窓口負担の上限は 80,100円＋（医療費−267,000円）×1%（多数回該当 44,400円）。`,
    en: `${UNDER_70.en} Income about ¥3.7–7.7 million; monthly cap ¥80,100 + 1% of costs above ¥267,000 (¥44,400 from the 4th time).`,
  },
  'u70-e': {
    ja: `${UNDER_70.ja}年収約370万円以下。1か月の窓口負担の上限は 57,600円（多数回該当 44,400円）。`,
    en: `${UNDER_70.en} Income up to about ¥3.7 million; monthly cap ¥57,600 (¥44,400 from the 4th time).`,
  },
  'u70-o': {
    ja: `${UNDER_70.ja}住民税非課税の方。1か月の窓口負担の上限は 35,400円（多数回該当 24,600円）。`,
    en: `${UNDER_70.en} Exempt from residence tax; monthly cap ¥35,400 (¥24,600 from the 4th time).`,
  },
  'o70-active3': {
    ja: `${FROM_70.ja}現役並み所得（年収約1,160万円以上）。1か月の上限は 252,600円＋（医療費−842,000円）×1%。`,
    en: `${FROM_70.en} Working-level income (about ¥11.6 million or more); monthly cap ¥252,600 + 1% of costs above ¥842,000.`,
  },
  'o70-active2': {
    ja: `${FROM_70.ja}現役並み所得（年収約770万〜約1,160万円）。1か月の上限は 167,400円＋（医療費−558,000円）×1%。`,
    en: `${FROM_70.en} Working-level income (about ¥7.7–11.6 million); monthly cap ¥167,400 + 1% of costs above ¥558,000.`,
  },
  'o70-active1': {
    ja: `${FROM_70.ja}現役並み所得（年収約370万〜約770万円）。1か月の上限は 80,100円＋（医療費−267,000円）×1%。`,
    en: `${FROM_70.en} Working-level income (about ¥3.7–7.7 million); monthly cap ¥80,100 + 1% of costs above ¥267,000.`,
  },
  'o70-general': {
    ja: `${FROM_70.ja}一般所得。外来は1か月 18,000円（年間 144,000円）まで、入院を含む世帯では 57,600円まで。`,
    en: `${FROM_70.en} General income; outpatient cap ¥18,000 a month (¥144,000 a year), ¥57,600 per household.`,
  },
  'o70-low2': {
    ja: `${FROM_70.ja}住民税非課税世帯（低所得Ⅱ）。外来は1か月 8,000円まで、入院を含む世帯では 24,600円まで。`,
    en: `${FROM_70.en} Tax-exempt household (low income II); outpatient cap ¥8,000 a month, ¥24,600 per household.`,
  },
  'o70-low1': {
    ja: `${FROM_70.ja}住民税非課税世帯で所得が一定以下（低所得Ⅰ）。外来は1か月 8,000円まで、入院を含む世帯では 15,000円まで。`,
    en: `${FROM_70.en} Tax-exempt household with low income (low income I); outpatient cap ¥8,000 a month, ¥15,000 per household.`,
  },
};

/** 法別番号 of the national 公費負担医療 programmes. */
const PUBLIC_PROGRAMMES: Record<string, Text> = {
  '10': { ja: '結核患者の適正医療（感染症法）', en: 'Tuberculosis outpatient care' },
  '11': { ja: '結核患者の入院（感染症法）', en: 'Tuberculosis hospitalisation' },
  '12': { ja: '生活保護（医療扶助）', en: 'Public assistance (medical aid)' },
  '15': { ja: '更生医療（障害者総合支援法）', en: 'Rehabilitation medical care' },
  '16': { ja: '育成医療（障害者総合支援法）', en: 'Medical care for children with disabilities' },
  '17': { ja: '療育の給付（児童福祉法）', en: 'Care for tuberculous children' },
  '18': { ja: '原爆被爆者 認定疾病医療', en: 'Atomic-bomb survivors (certified illness)' },
  '19': { ja: '原爆被爆者 一般疾病医療', en: 'Atomic-bomb survivors (general illness)' },
  '20': { ja: '措置入院（精神保健福祉法）', en: 'Involuntary psychiatric admission' },
  '21': { ja: '精神通院医療（障害者総合支援法）', en: 'Psychiatric outpatient care' },
  '23': { ja: '養育医療（母子保健法）', en: 'Premature infant care' },
  '24': { ja: '療養介護医療（障害者総合支援法）', en: 'Medical care in long-term nursing' },
  '28': { ja: '一類・二類感染症等の入院（感染症法）', en: 'Infectious disease hospitalisation' },
  '29': { ja: '新感染症の入院（感染症法）', en: 'New infectious disease hospitalisation' },
  '30': { ja: '医療観察法', en: 'Medical treatment and supervision act' },
  '38': { ja: '肝炎治療特別促進事業', en: 'Hepatitis treatment programme' },
  '51': { ja: '特定疾患治療費・先天性血液凝固因子障害等', en: 'Specified disease treatment' },
  '52': { ja: '小児慢性特定疾病医療支援（児童福祉法）', en: 'Pediatric chronic specified diseases' },
  '53': { ja: '措置等に係る医療の給付（児童福祉法）', en: 'Child welfare placement care' },
  '54': { ja: '指定難病（難病法 特定医療）', en: 'Designated intractable diseases' },
};

/**
 * The programme a 公費負担者番号 names: the national ones by their 法別番号; 80–99 are a prefecture's or municipality's
 * own subsidy (地方単独事業: 乳幼児・子ども医療費助成 and the like), named by the prefecture the number gives.
 */
export function publicProgramme(payer: string): Text {
  const law = payer.slice(0, 2);
  const known = PUBLIC_PROGRAMMES[law];
  if (known) return known;
  if (/^\d{8}$/.test(payer) && Number(law) >= 80) {
    const pref = PREFECTURES[Number(payer.slice(2, 4)) - 1];
    return {
      ja: `${pref ?? ''}地方単独の医療費助成（乳幼児・子ども医療費助成など、法別${law}）`,
      en: `local-government medical subsidy${pref ? ` (${pref})` : ''}, e.g. for infants and children (law code ${law})`,
    };
  }
  return { ja: `公費負担医療（法別${law}）`, en: `public-expense programme (law code ${law})` };
}

export const METHODS: Record<string, Text> = {
  'card-pin': { ja: 'マイナンバーカード（暗証番号）', en: 'My Number card (PIN)' },
  'card-face': { ja: 'マイナンバーカード（顔認証）', en: 'My Number card (face)' },
  'eligibility-certificate': { ja: '資格確認書（番号入力）', en: 'eligibility certificate (number typed)' },
  'insurance-card': { ja: '健康保険証（番号入力）', en: 'health insurance card (number typed)' },
};

/** The reader's consent groups (the `$reader-consent` parameters), for the patient. */
export const CONSENT_TEXT: Record<ConsentCategory, { title: Text; detail: Text }> = {
  medication: {
    title: { ja: '診療・お薬・アレルギー・検査の情報', en: 'Treatment, medicines, allergies and test results' },
    detail: {
      ja: '過去の診療や処方・調剤されたお薬（薬剤情報・診療情報）、アレルギー、検査結果など',
      en: 'Past treatment and the medicines prescribed or dispensed, allergies, test results',
    },
  },
  surgery: {
    title: { ja: '病名・手術・感染症の情報', en: 'Diagnoses, surgery and infections' },
    detail: { ja: 'これまでの病名（傷病名）、手術を受けた記録、感染症の情報', en: 'Your diagnoses, operations you had, infections' },
  },
  checkup: {
    title: { ja: '健診の情報', en: 'Health check-ups' },
    detail: { ja: '特定健診（メタボ健診）などの健診結果', en: 'Results of specific health check-ups and other check-ups' },
  },
};

/** What the desk and the patient need to know about a refusal of the card reader (the chip's own answers). */
export function readerRefusal(code: string, retriesLeft: number | undefined, given: Text): { text: Text; advice?: Text } {
  switch (code) {
    case 'wrong-pin':
      return {
        text: {
          ja: `暗証番号が違います。あと${retriesLeft ?? '—'}回間違えると、カードの暗証番号がロックされます。`,
          en: `Wrong PIN. ${retriesLeft ?? '—'} more wrong ${retriesLeft === 1 ? 'try locks' : 'tries lock'} the card's PIN.`,
        },
        advice: {
          ja: '患者さんご本人に、カードを受け取ったときに設定した数字4桁の暗証番号をもう一度入力していただいてください。',
          en: 'Ask the patient to enter the 4-digit PIN they set when they received the card again.',
        },
      };
    case 'pin-locked':
      return {
        text: {
          ja: '暗証番号を3回間違えたため、カードの暗証番号がロックされています。',
          en: 'The PIN was entered wrongly three times: the card’s PIN is locked.',
        },
        advice: {
          ja: '今日は「顔認証（代替）」で受付するか、資格確認書で受付してください。暗証番号は、お住まいの市区町村の窓口で再設定できます（カードと本人確認が必要です）。',
          en: 'Today, use face matching or the eligibility certificate. The PIN can be reset at the municipal office (bring the card).',
        },
      };
    case 'pin-format':
      return { text: { ja: '暗証番号は数字4桁です。', en: 'The PIN is four digits.' } };
    case 'face-not-matched':
      return {
        text: { ja: '顔認証で本人であることを確認できませんでした。', en: 'Face matching did not confirm the holder.' },
        advice: { ja: '暗証番号で確認するか、資格確認書で受付してください。', en: 'Use the PIN, or the eligibility certificate.' },
      };
    case 'card-blocked':
      return {
        text: { ja: 'このカードは使えなくなっています。', en: 'This card can no longer be used.' },
        advice: {
          ja: '資格確認書で受付してください。カードの再発行は市区町村の窓口で手続きします。',
          en: 'Use the eligibility certificate; the card is re-issued at the municipal office.',
        },
      };
    case 'card-outdated':
      return {
        text: {
          ja: '古いカードのファイルです（暗証番号が再設定されています）。',
          en: 'This is an old copy of the card file (the PIN was reset since).',
        },
        advice: { ja: '最新のカードのファイルを選んでください。', en: 'Choose the current card file.' },
      };
    default:
      return { text: given };
  }
}
