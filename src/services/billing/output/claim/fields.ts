/**
 * Field values of the レセ電 records: 英数 (JIS X 0201, one byte each) and 漢字 (JIS X 0208, two bytes each) with their
 * maximum byte lengths, per 「オンライン又は光ディスク等による請求に係る記録条件仕様（医科用）」 (3(3)エ 内容を表現する
 * 文字の符号; 英数と漢字を一つの項目に混在させない).
 */
import { OutputError } from '../errors.ts';
import { shiftJisLength } from '../shift-jis.ts';

/** Half-width text as 全角 (a 漢字 field holds no one-byte character): ASCII → U+FF01…, space → U+3000, ｶﾞ → ガ. */
export function toFullWidth(text: string): string {
  return text
    .replace(/[\uff61-\uff9f]+/g, (s) => s.normalize('NFKC'))
    .replace(/[\u0020-\u007e]/g, (c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));
}

/** A 漢字 field: full-width, encodable, at most `maxBytes`. */
export function kanji(value: string, field: string, maxBytes: number): string {
  const v = toFullWidth(value.trim());
  const n = shiftJisLength(v, field);
  if (n > maxBytes) {
    throw new OutputError(`「${field}」は${maxBytes}バイト（全角${maxBytes / 2}文字）までです（${n}バイト）`, `${field} exceeds ${maxBytes} bytes`, field);
  }
  return v;
}

/** An 英数 field: printable ASCII without a comma, at most `maxBytes`. */
export function alnum(value: string, field: string, maxBytes: number): string {
  if (!/^[\u0020-\u002b\u002d-\u007e]*$/.test(value)) {
    throw new OutputError(`「${field}」には半角英数字だけを記録できます（「${value}」）`, `${field} must be ASCII without commas`, field);
  }
  if (value.length > maxBytes) {
    throw new OutputError(`「${field}」は${maxBytes}桁までです（「${value}」）`, `${field} exceeds ${maxBytes} characters`, field);
  }
  return value;
}

/** A 数字 field of exactly `digits` digits. */
export function digits(value: string, field: string, count: number): string {
  if (!new RegExp(`^\\d{${count}}$`).test(value)) {
    throw new OutputError(`「${field}」は${count}桁の数字です（「${value}」）`, `${field} must be ${count} digits`, field);
  }
  return value;
}

/** A whole non-negative number of at most `maxDigits` digits. */
export function amount(value: number, field: string, maxDigits: number): string {
  if (!Number.isInteger(value) || value < 0 || String(value).length > maxDigits) {
    throw new OutputError(
      `「${field}」は${maxDigits}桁以内の0以上の整数です（${value}）`,
      `${field} must be a whole number of at most ${maxDigits} digits`,
      field,
    );
  }
  return String(value);
}

/** A 記号・番号 of the 被保険者証: 英数 when it is all ASCII, else 漢字 — the two modes are not mixed. */
export function alnumOrKanji(value: string, field: string, maxBytes: number): string {
  return /^[\u0020-\u007e]*$/.test(value) && !value.includes(',') ? alnum(value, field, maxBytes) : kanji(value, field, maxBytes);
}
