/** 都道府県 (JIS X 0401 codes 01–47): 医療機関コード, 公費負担者番号 and 地方公共団体コード carry the number; disasters are declared by it. */
export const PREFECTURES = [
  '北海道',
  '青森県',
  '岩手県',
  '宮城県',
  '秋田県',
  '山形県',
  '福島県',
  '茨城県',
  '栃木県',
  '群馬県',
  '埼玉県',
  '千葉県',
  '東京都',
  '神奈川県',
  '新潟県',
  '富山県',
  '石川県',
  '福井県',
  '山梨県',
  '長野県',
  '岐阜県',
  '静岡県',
  '愛知県',
  '三重県',
  '滋賀県',
  '京都府',
  '大阪府',
  '兵庫県',
  '奈良県',
  '和歌山県',
  '鳥取県',
  '島根県',
  '岡山県',
  '広島県',
  '山口県',
  '徳島県',
  '香川県',
  '愛媛県',
  '高知県',
  '福岡県',
  '佐賀県',
  '長崎県',
  '熊本県',
  '大分県',
  '宮崎県',
  '鹿児島県',
  '沖縄県',
] as const;

/** The two-digit code of 01–47 (NFKC, a single digit padded), or undefined. */
export function prefectureCode(v: string): string | undefined {
  const s = v.normalize('NFKC').trim();
  const byName = PREFECTURES.indexOf(s as (typeof PREFECTURES)[number]);
  if (byName >= 0) return String(byName + 1).padStart(2, '0');
  if (!/^\d{1,2}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 47 ? String(n).padStart(2, '0') : undefined;
}

export const prefectureName = (code: string) => PREFECTURES[Number(code) - 1] ?? code;
