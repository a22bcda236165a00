/**
 * Code values of the 基本マスター (医科診療行為マスター) and the 医科電子点数表, as the readers map them.
 * Sources: 社会保険診療報酬支払基金「基本マスター 医科診療行為マスター ファイルレイアウト」(kihonmasta_shiyousho) and
 * 厚生労働省「医科電子点数表 ファイル仕様」(補助マスター・包括・背反・算定回数テーブル); code lists as published there.
 */
import type { CountLimit, Exclusion, Inclusion, TimeAdditionKind } from '../model/types.ts';

/** 変更区分 (column 1 of every file): 0 変更なし, 1 抹消, 3 新規, 5 変更, 9 廃止. 抹消 erases the record. */
export const CHANGE_KINDS = new Set(['0', '1', '3', '5', '9']);
export const ERASED = '1';

/** 検査等実施判断グループ区分 → the group name FeeItem.judgementGroup carries (a test and its 判断料 share it). */
export const JUDGEMENT_GROUP_NAMES: Readonly<Record<string, string>> = {
  '1': '尿・糞便',
  '2': '血液学',
  '3': '生化学１',
  '4': '生化学２',
  '5': '免疫',
  '6': '微生物',
  '8': '基本的検体検査',
  '11': '呼吸機能',
  '13': '脳波',
  '14': '神経・筋',
  '15': 'ラジオアイソトープ',
  '16': '眼科学的',
  '31': '核医学診断（E101-2～E101-5）',
  '32': '核医学診断',
  '33': 'コンピューター断層診断',
  '40': '病理診断',
  '41': '病理診断（組織診断）',
  '42': '病理診断（細胞診断）',
};

/**
 * 包括対象検査 → FeeItem.bundleGroup (the まるめ group; BundleStep.group names the same). 1 is the 血液化学検査 of
 * D007 生化学的検査（１）注 ("生化学１").
 */
export const BUNDLE_GROUP_NAMES: Readonly<Record<string, string>> = {
  '1': '生化学１',
  '2': '内分泌',
  '3': '肝炎ウイルス関連',
  '5': '腫瘍マーカー',
  '6': '出血・凝固',
  '7': '自己抗体',
  '8': '内分泌負荷試験',
  '9': 'ウイルス抗体価',
  '10': 'グロブリンクラス別ウイルス抗体価',
  '11': '特異的ＩｇＥ',
  '12': '悪性腫瘍遺伝子検査',
};

/** A master code (`'1'`, `'01'`) without leading zeros; '' for an empty field. */
export const bareCode = (v: string): string => v.trim().replace(/^0+(?=.)/, '');

/** 告示等識別区分（１） (column 68) of an addition item: 7 加算項目, 9 通則加算項目 (1/3/5 are basic items). */
export const ADDITION_ITEM_KINDS = new Set(['7', '9']);

/**
 * 時間加算区分 (column 43) of an addition item: 1 時間外加算, 2 休日加算, 3 初診料の休日加算, 4 深夜加算. The other
 * values (5 時間外特例, 6 夜間・早朝, 7 夜間, 8/9 手術・処置の時間加算) are not bands the engine prices: undefined.
 * On a basic item the column says whether time additions may follow it, not a band: 'none'.
 */
export function timeAdditionOf(value: string, additionItem: boolean): TimeAdditionKind | undefined {
  if (!additionItem) return 'none';
  const v = bareCode(value);
  if (v === '' || v === '0') return 'none';
  if (v === '1') return 'after-hours';
  if (v === '2' || v === '3') return 'holiday';
  if (v === '4') return 'late-night';
  return undefined;
}

/** 背反区分: 1 診療行為コード①を算定, 2 ②を算定, 3 何れか一方を算定. */
export const EXCLUSION_KEEP: Readonly<Record<string, Exclusion['keep']>> = { '1': 'first', '2': 'second', '3': 'either' };

/** 背反テーブルの種類: 03-1 1日につき, 03-2 同一月内, 03-3 同時, 03-4 1週間につき. */
export const EXCLUSION_SCOPE_NAMES: Readonly<Record<Exclusion['scope'], string>> = {
  day: '1日につき',
  month: '同一月内',
  'same-time': '同時',
  week: '1週間につき',
};

/** The scope of a 背反テーブル file from its official name (03-1…03-4, or the Japanese words). */
export function exclusionScopeOfFileName(name: string): Exclusion['scope'] | undefined {
  const n = name.normalize('NFKC');
  if (/03-1|1日/.test(n)) return 'day';
  if (/03-2|同一月/.test(n)) return 'month';
  if (/03-3|同時/.test(n)) return 'same-time';
  if (/03-4|1週間/.test(n)) return 'week';
  return undefined;
}

/** 包括単位 (補助マスターテーブル): 01 1日につき, 02 同一月内; 03 同時, 05 手術前1週間, 06 1手術につき are not read. */
export const INCLUSION_SCOPES: Readonly<Record<string, Inclusion['scope']>> = { '1': 'day', '2': 'month' };
export const INCLUSION_UNIT_NAMES: Readonly<Record<string, string>> = { '3': '同時', '5': '手術前1週間', '6': '1手術につき' };

/**
 * 算定単位コード (算定回数テーブル): 121 日, 138 週, 131 月. The others (53 患者あたり, 141 一連, 142 2週, 143–147 2〜12月,
 * 148 5年, …) span periods CountLimit does not express; those rows are reported as skipped.
 */
export const COUNT_UNITS: Readonly<Record<string, CountLimit['unit']>> = { '121': 'day', '138': 'week', '131': 'month' };

/** 下限年齢・上限年齢 codes that are not whole years (so not read). */
export const SPECIAL_AGE_CODES: Readonly<Record<string, string>> = {
  AA: '生後28日',
  B3: '3歳に達した日の翌月の1日',
  B6: '6歳に達した日の翌月の1日',
  BF: '15歳に達した日の翌月の1日',
  BK: '20歳に達した日の翌月の1日',
  MG: '未就学',
};

/** YYYYMMDD → YYYY-MM-DD, or undefined when it is not a calendar date. `99999999` is handled by the caller. */
export function masterDate(v: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v.trim());
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

/** 廃止年月日: 99999999 (or empty) = none. */
export const OPEN_END = '99999999';
