/**
 * The shape of a drug code, judged before the master is asked, so that a placeholder or a mistyped code gets a reason
 * that says what is wrong with it. Dummy codes (ダミーコード) are named as such: the national service accepted dummy
 * drug codes until its August 2025 fix, and a prescription carrying one must be refused, whatever a master says.
 *
 * Shapes (the facts and where they come from):
 *   receipt  9 digits beginning with 6 — every 医薬品コード of the 診療報酬情報提供サービス 医薬品マスター seen in the copy
 *            of 2026-09-30 (github.com/shiro46mt/jp-medicine-master-data data/y/2026/20260930.csv) begins 61, 62, 64 or 66;
 *            the other masters of the same service number from other digits (診療行為 1…, 特定器材 7…, コメント 8…)
 *   yj       12 characters: 薬効分類 4 digits, 投与経路及び成分 3, 剤形 1 letter, 規格 1, 銘柄 2, check digit 1 (the
 *            薬価基準収載医薬品コード layout, as explained on ph-info.info "一般名処方" and note.com/pharmyoshida; the shape
 *            test is isYj of src/platform/master-files)
 *   general  the same 12-character shape; normally the first 9 and ZZZ, the 例外コード items of the 一般名処方マスタ use a
 *            letter in the 9th place and another ending (note.com/pharmyoshida), so only the shape is checked here
 *   hot9     9 digits (MEDIS HOT9 = HOT7 処方用番号 + 2-digit 会社識別用番号)
 * Dummies: one character repeated (all 9s, all 0s …), the same with only the fixed parts kept (6 + eight 9s, a YJ code
 * whose digits are all one digit), a counting run (123456789, 987654321), and a 薬効分類 beginning with 0 or 9 (the
 * 日本標準商品分類 medicine groups 87-1 … 87-8 begin with 1–8).
 */
import { isYj, placeholder, type Reason } from '../../../platform/master-files/code-format.ts';
import type { DrugSystem } from './systems.ts';

export type { Reason };

const DIGITS = '0123456789';
const isRun = (s: string) =>
  s.length >= 6 && /^\d+$/.test(s) && (`${DIGITS}${DIGITS}`.includes(s) || `${DIGITS}${DIGITS}`.split('').reverse().join('').includes(s));
const oneChar = (s: string) => s.length >= 2 && /^(.)\1+$/.test(s);

/** Why `code` is a dummy code of `system`, or undefined. */
export function dummyReason(system: DrugSystem, code: string): Reason | undefined {
  const repeated = code.length >= 4 ? placeholder(code) : undefined;
  if (repeated) return repeated;
  if (isRun(code)) return { ja: `連番（${code}）のダミーコード`, en: `a dummy code (the counting run ${code})` };
  if ((system === 'receipt' || system === 'hot9') && /^\d{9}$/.test(code) && oneChar(code.slice(1)))
    return { ja: `先頭以外が同じ数字（${code[1]}）のダミーコード`, en: `a dummy code (${code[1]} repeated after the first digit)` };
  if ((system === 'yj' || system === 'general') && isYj(code)) {
    const digits = code.slice(0, 7) + code.slice(8, system === 'general' && code.endsWith('ZZZ') ? 9 : 12);
    if (oneChar(digits)) return { ja: `数字がすべて同じ（${digits[0]}）のダミーコード`, en: `a dummy code (every digit is ${digits[0]})` };
    if (code[0] === '0' || code[0] === '9')
      return {
        ja: `薬効分類 ${code.slice(0, 4)} は存在しません（医薬品の分類は1～8で始まります）: ダミーコードです`,
        en: `薬効分類 ${code.slice(0, 4)} does not exist (medicine classes begin with 1–8): a dummy code`,
      };
  }
  return undefined;
}

/** Why `code` is not in the shape of `system`, or undefined. */
export function malformedReason(system: DrugSystem, code: string): Reason | undefined {
  if (code === '') return { ja: 'コードが空です', en: 'the code is empty' };
  if (/\s/.test(code)) return { ja: '空白を含みます', en: 'it contains white space' };
  if (system === 'receipt' || system === 'hot9') {
    if (!/^\d*$/.test(code)) return { ja: '数字以外の文字を含みます（9桁の数字が必要）', en: 'it has characters other than digits (9 digits expected)' };
    if (code.length !== 9) return { ja: `${code.length}桁です（9桁が必要）`, en: `it has ${code.length} digits (9 expected)` };
    if (system === 'receipt' && code[0] !== '6')
      return { ja: '医薬品のレセプト電算コードは6で始まります', en: 'receipt drug codes begin with 6 (another master’s code?)' };
    return undefined;
  }
  if (code.length !== 12) return { ja: `${code.length}文字です（12桁が必要）`, en: `it has ${code.length} characters (12 expected)` };
  if (/[a-z]/.test(code)) return { ja: '英字は大文字です', en: 'letters are upper case' };
  if (!isYj(code))
    return {
      ja: '薬効分類4桁の数字で始まり、8桁目が剤形の英字である形式ではありません',
      en: 'it is not in the form: 4-digit 薬効分類, 3 characters, a dosage-form letter, 4 characters',
    };
  if (system === 'yj' && code.endsWith('ZZZ'))
    return { ja: '末尾 ZZZ は一般名コードです（一般名コードの記述方法で送ってください）', en: 'a code ending ZZZ is a general-name code: send it as one' };
  return undefined;
}
