/**
 * よく使う診療行為: the checklist of the 会計 entry (診療行為コード of the 医科診療行為マスター). 初診料・再診料 and the
 * 判断料 are not here: the service adds them itself. Pure data.
 */
import type { Text } from '../../shared/text.ts';

export interface CommonItem {
  code: string;
  name: string;
}

export interface ItemGroup {
  title: Text;
  items: CommonItem[];
}

export const COMMON_ITEMS: ItemGroup[] = [
  {
    title: { ja: '基本診療料・医学管理', en: 'Basic fees and management' },
    items: [
      { code: '112011010', name: '外来管理加算' },
      { code: '113001810', name: '特定疾患療養管理料' },
    ],
  },
  {
    title: { ja: '処方', en: 'Prescription' },
    items: [
      { code: '120002910', name: '処方箋料' },
      { code: '120004270', name: '一般名処方加算１' },
      { code: '120003570', name: '一般名処方加算２' },
    ],
  },
  {
    title: { ja: '検体検査', en: 'Specimen tests' },
    items: [
      { code: '160008010', name: '末梢血液一般' },
      { code: '160010010', name: 'ＨｂＡ１ｃ' },
      { code: '160054710', name: 'ＣＲＰ' },
      { code: '160000310', name: '尿一般' },
    ],
  },
  {
    title: { ja: '生化学的検査（１）', en: 'Biochemistry (1)' },
    items: [
      { code: '160017410', name: 'ＴＰ' },
      { code: '160019010', name: 'ＢＵＮ' },
      { code: '160019210', name: 'クレアチニン' },
      { code: '160022510', name: 'ＡＳＴ' },
      { code: '160022610', name: 'ＡＬＴ' },
      { code: '160020410', name: 'γ－ＧＴ' },
      { code: '160167250', name: 'ＬＤＬ－コレステロール' },
      { code: '160023410', name: 'ＨＤＬ－コレステロール' },
      { code: '160020910', name: '中性脂肪' },
      { code: '160019410', name: 'グルコース' },
    ],
  },
  {
    title: { ja: '採血', en: 'Blood sampling' },
    items: [{ code: '160095710', name: 'Ｂ－Ｖ（静脈採血）' }],
  },
];

/** 診療識別 (別表20) as the lines table shows it. */
const SECTION_NAMES: Record<string, string> = {
  '11': '初診',
  '12': '再診',
  '13': '医学管理',
  '14': '在宅',
  '21': '内服',
  '22': '屯服',
  '23': '外用',
  '24': '調剤',
  '25': '処方',
  '26': '麻毒',
  '27': '調基',
  '31': '皮下筋注',
  '32': '静注',
  '33': 'その他注射',
  '40': '処置',
  '50': '手術',
  '54': '麻酔',
  '60': '検査・病理',
  '70': '画像診断',
  '80': 'その他',
};

export const sectionName = (section: string): string => SECTION_NAMES[section] ?? section;

/** 初診・再診 as the service answers it. */
export const ENCOUNTER_NAMES: Record<string, Text> = {
  first: { ja: '初診', en: 'First visit' },
  revisit: { ja: '再診', en: 'Revisit' },
  'same-day-revisit': { ja: '同日再診', en: 'Same-day revisit' },
  none: { ja: '初診・再診なし', en: 'No visit fee' },
};

/** 法別番号 (the first two digits of a 公費負担者番号) whose recipient certificate states a monthly cap. */
const CAPPED_LAWS = new Set(['54', '21', '15', '16', '52']);

/** The 公費 needs 自己負担上限月額 from the recipient certificate. */
export const needsMonthlyCap = (payerNumber: string): boolean => CAPPED_LAWS.has(payerNumber.slice(0, 2));

/** 1234 → 「1,234」. */
export const grouped = (n: number): string => n.toLocaleString('ja-JP');
