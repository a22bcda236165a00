/**
 * Drug codes shared by 薬剤アレルギー等 and 処方: a YJ code (個別医薬品コード) must be in the drug list; the
 * general-name form — YJ's first 9 characters and ZZZ (一般名コード of the 一般名処方マスタ; J-FAGY's "YJ派生コード")
 * used when no brand can be named — is valid when it is itself listed or a listed YJ code shares its first 9.
 */
import type { CodeLists } from './code-lists.ts';
import { notYj, placeholder } from '../../../platform/master-files/code-format.ts';
import { badCode, type CodeIssue, listIssue, validityIssue } from './code-issue.ts';

export const YJ_LABEL = { ja: 'YJコード', en: 'YJ code' };
export const GENERAL_LABEL = { ja: '一般名コード', en: 'general-name code (一般名コード)' };

/** A brand YJ code: 12 characters, not the ZZZ form, in the list and valid on `at`. */
export function yjIssue(code: string, lists: CodeLists, at: Date, path: string, label = YJ_LABEL): CodeIssue | undefined {
  const why = placeholder(code) ?? notYj(code);
  if (why) return badCode(path, label, code || '(空)', why);
  if (code.endsWith('ZZZ')) {
    return {
      path,
      ja: `${code} は一般名コード（末尾 ZZZ）です。銘柄を特定しない場合は一般名コードの記述方法を使ってください`,
      en: `${code} is a general-name code (ends ZZZ), not a brand YJ code: send it in the general-name form`,
    };
  }
  return listIssue(lists, 'yj', code, at, path, label);
}

/** The general-name form: 12 characters ending ZZZ, listed itself or sharing its first 9 with a listed YJ code. */
export function generalNameIssue(code: string, lists: CodeLists, at: Date, path: string, label = GENERAL_LABEL): CodeIssue | undefined {
  const why = placeholder(code) ?? notYj(code);
  if (why) return badCode(path, label, code || '(空)', why);
  if (!code.endsWith('ZZZ')) {
    return { path, ja: `${label.ja} ${code} の末尾は ZZZ です`, en: `${label.en} ${code} must end with ZZZ` };
  }
  const own = lists.validity('yj', code, at);
  if (own.state === 'valid') return undefined;
  const first9 = code.slice(0, 9);
  const byBrand = lists.validityByPrefix('yj', first9, at);
  if (byBrand.state === 'valid') return undefined;
  if (byBrand.state === 'unknown' && own.state === 'unknown') {
    return {
      path,
      ja: `${label.ja} ${code}: 先頭9桁 ${first9} が一致するYJコードが医薬品マスターにありません`,
      en: `${label.en} ${code}: no YJ code of the drug master starts with ${first9}`,
    };
  }
  return validityIssue(own.state !== 'unknown' ? own : byBrand, 'yj', code, path, label);
}
