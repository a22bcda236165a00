/**
 * Validation messages in Japanese (for staff, details.text) and English (for developers,
 * diagnostics). One function per kind of finding, so wording stays consistent.
 */

export interface Message {
  ja: string;
  en: string;
}

const j = (v: unknown): string => {
  const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
};

export const msg = {
  notAnObject: (): Message => ({ ja: 'リソースはJSONオブジェクトでなければなりません', en: 'A resource must be a JSON object' }),
  noResourceType: (): Message => ({ ja: 'resourceType がありません', en: 'The resource has no resourceType' }),
  unknownResourceType: (t: unknown): Message => ({
    ja: `resourceType ${j(t)} は FHIR R4 のリソース型ではありません`,
    en: `resourceType ${j(t)} is not a FHIR R4 resource type`,
  }),
  unknownProperty: (name: string): Message => ({
    ja: `未定義の要素 '${name}' があります`,
    en: `Unrecognized property '${name}'`,
  }),
  wrongJsonType: (expected: string, actual: string): Message => ({
    ja: `JSONの型が不正です（${expected} が必要ですが ${actual} でした）`,
    en: `Wrong JSON type: expected ${expected} but found ${actual}`,
  }),
  mustBeArray: (name: string): Message => ({ ja: `'${name}' は配列でなければなりません`, en: `'${name}' must be a JSON array` }),
  mustNotBeArray: (name: string): Message => ({ ja: `'${name}' は配列であってはなりません`, en: `'${name}' must not be a JSON array` }),
  emptyArray: (name: string): Message => ({ ja: `'${name}' が空の配列です`, en: `'${name}' is an empty array` }),
  nullValue: (name: string): Message => ({ ja: `'${name}' に null があります`, en: `'${name}' contains null` }),
  emptyObject: (): Message => ({
    ja: '要素が空です（値か子要素が必要です）',
    en: 'Element is empty: all FHIR elements must have a value or children (ele-1)',
  }),
  emptyString: (): Message => ({ ja: '空文字列は使えません', en: 'An empty string is not a valid value' }),
  whitespace: (): Message => ({ ja: '値の前後に空白があります', en: 'Value has leading or trailing whitespace' }),
  primitiveObjectMismatch: (name: string): Message => ({
    ja: `'_${name}' の要素数が '${name}' と一致しません`,
    en: `'_${name}' does not align with '${name}'`,
  }),
  extensionOnNonPrimitive: (name: string): Message => ({
    ja: `'_${name}' はプリミティブ型の要素にしか使えません`,
    en: `'_${name}' is only allowed for primitive elements`,
  }),
  minCardinality: (path: string, min: number, found: number): Message => ({
    ja: `${path} は最低 ${min} 個必要ですが ${found} 個でした`,
    en: `${path}: minimum required = ${min}, but only found ${found}`,
  }),
  maxCardinality: (path: string, max: number, found: number): Message => ({
    ja: `${path} は最大 ${max} 個までですが ${found} 個あります`,
    en: `${path}: max allowed = ${max}, but found ${found}`,
  }),
  multipleChoice: (base: string, names: string[]): Message => ({
    ja: `${base}[x] に複数の型 (${names.join(', ')}) が指定されています`,
    en: `Only one of ${names.join(', ')} is allowed for ${base}[x]`,
  }),
  invalidPrimitive: (type: string, value: unknown): Message => ({
    ja: `${j(value)} は ${type} 型として不正な値です`,
    en: `The value ${j(value)} is not a valid ${type}`,
  }),
  outOfRange: (type: string, value: unknown): Message => ({
    ja: `${j(value)} は ${type} 型の範囲外です`,
    en: `The value ${j(value)} is outside the range of ${type}`,
  }),
  maxLength: (max: number, len: number): Message => ({
    ja: `文字数が上限 ${max} を超えています（${len} 文字）`,
    en: `Value is longer than the maximum length ${max} (${len})`,
  }),
  belowMin: (min: unknown, v: unknown): Message => ({
    ja: `値 ${j(v)} が最小値 ${j(min)} より小さいです`,
    en: `Value ${j(v)} is less than the minimum ${j(min)}`,
  }),
  aboveMax: (max: unknown, v: unknown): Message => ({
    ja: `値 ${j(v)} が最大値 ${j(max)} より大きいです`,
    en: `Value ${j(v)} is greater than the maximum ${j(max)}`,
  }),
  fixedMismatch: (expected: unknown, actual: unknown): Message => ({
    ja: `値は ${j(expected)} でなければなりませんが ${j(actual)} でした`,
    en: `Value is ${j(actual)} but must be ${j(expected)} (fixed value)`,
  }),
  patternMismatch: (expected: unknown): Message => ({
    ja: `値がパターン ${j(expected)} に一致しません`,
    en: `Value does not match the required pattern ${j(expected)}`,
  }),
  codeNotInValueSet: (code: string, system: string | undefined, vs: string): Message => ({
    ja: `コード ${system ? `${system}#` : ''}${code} は値セット ${vs} に含まれません（required）`,
    en: `The code ${system ? `${system}#` : ''}${code} is not in the value set ${vs} (required binding)`,
  }),
  noCodeInValueSet: (vs: string): Message => ({
    ja: `値セット ${vs} に含まれるコードがありません（required）`,
    en: `None of the codings provided are in the value set ${vs} (required binding)`,
  }),
  noCodeForRequired: (vs: string): Message => ({
    ja: `コードがありません。値セット ${vs} のコードが必要です（required）`,
    en: `No code provided, and a code is required from the value set ${vs}`,
  }),
  bindingUncheckable: (vs: string, reason: string, code: string): Message => ({
    ja: `コード ${code} が値セット ${vs} に含まれるか確認できません（${reason}）`,
    en: `Cannot check that the code ${code} is in the value set ${vs}: ${reason}`,
  }),
  unknownCode: (system: string, code: string): Message => ({
    ja: `コード '${code}' はコードシステム ${system} に存在しません`,
    en: `Unknown code '${code}' in the CodeSystem ${system}`,
  }),
  codeUncheckable: (system: string, code: string, reason: string): Message => ({
    ja: `コード '${code}'（${system}）を確認できません: ${reason}`,
    en: `Cannot check the code '${code}' of ${system}: ${reason}`,
  }),
  invariantFailed: (key: string, human: string, expression: string): Message => ({
    ja: `制約 ${key} に違反しています: ${human}`,
    en: `Constraint failed: ${key}: '${human}' (${expression})`,
  }),
  invariantNotEvaluated: (key: string, reason: string): Message => ({
    ja: `制約 ${key} を評価できませんでした: ${reason}`,
    en: `Constraint ${key} could not be evaluated: ${reason}`,
  }),
  sliceClosed: (path: string): Message => ({
    ja: `${path} のどのスライスにも一致しません（closed スライシング）`,
    en: `This element does not match any known slice defined for ${path} (slicing is closed)`,
  }),
  sliceMin: (slice: string, min: number, found: number): Message => ({
    ja: `スライス ${slice} は最低 ${min} 個必要ですが ${found} 個でした`,
    en: `Slice '${slice}': minimum required = ${min}, but only found ${found}`,
  }),
  sliceMax: (slice: string, max: number, found: number): Message => ({
    ja: `スライス ${slice} は最大 ${max} 個までですが ${found} 個あります`,
    en: `Slice '${slice}': max allowed = ${max}, but found ${found}`,
  }),
  sliceOrder: (slice: string): Message => ({
    ja: `スライス ${slice} の要素の順序が定義と異なります（ordered）`,
    en: `Element of slice '${slice}' is out of the defined order (slicing is ordered)`,
  }),
  openAtEnd: (path: string): Message => ({
    ja: `${path} でスライス外の要素はスライスの後に置く必要があります（openAtEnd）`,
    en: `Unmatched elements of ${path} must come after all slices (openAtEnd)`,
  }),
  profileNotLoaded: (url: string): Message => ({
    ja: `プロファイル ${url} が読み込まれていないため、このプロファイルでは検証していません`,
    en: `Profile ${url} is not loaded, so the resource was not validated against it`,
  }),
  profileWrongType: (url: string, type: string, resourceType: string): Message => ({
    ja: `プロファイル ${url} は ${type} 用で、${resourceType} には適用できません`,
    en: `Profile ${url} is for ${type}, not ${resourceType}`,
  }),
  noProfileMatch: (profiles: string[]): Message => ({
    ja: `プロファイル ${profiles.join(', ')} のいずれにも適合しません`,
    en: `The element does not conform to any of the profiles ${profiles.join(', ')}`,
  }),
  typeNotAllowed: (type: string, allowed: string[]): Message => ({
    ja: `型 ${type} はここでは使えません（可能な型: ${allowed.join(', ')}）`,
    en: `Type ${type} is not allowed here (allowed: ${allowed.join(', ')})`,
  }),
  extensionUnknown: (url: string): Message => ({
    ja: `拡張 ${url} の定義が読み込まれていないため、内容を検証できません`,
    en: `The extension ${url} is unknown (not loaded), so its content was not validated`,
  }),
  modifierExtensionUnknown: (url: string): Message => ({
    ja: `修飾拡張 ${url} の定義がありません（意味の分からない修飾拡張は受け付けられません）`,
    en: `The modifier extension ${url} is unknown and cannot be safely ignored`,
  }),
  extensionNoUrl: (): Message => ({ ja: '拡張に url がありません', en: 'Extension has no url' }),
  extensionContext: (url: string, path: string): Message => ({
    ja: `拡張 ${url} は ${path} では使用できません（コンテキスト外）`,
    en: `The extension ${url} is not allowed to be used at ${path}`,
  }),
  referenceUnresolved: (ref: string): Message => ({
    ja: `参照 ${ref} を Bundle 内で解決できません`,
    en: `The reference ${ref} cannot be resolved within the Bundle`,
  }),
  containedUnresolved: (ref: string): Message => ({
    ja: `参照 ${ref} に対応する contained リソースがありません`,
    en: `The contained resource referenced by ${ref} was not found`,
  }),
  referenceFormat: (ref: string): Message => ({
    ja: `参照 ${ref} の形式が不正です`,
    en: `The reference ${ref} is not a valid reference (expected Type/id, an absolute URL, urn:uuid:, urn:oid: or #id)`,
  }),
  referenceWrongType: (ref: string, found: string, allowed: string[]): Message => ({
    ja: `参照 ${ref} の対象は ${found} ですが、ここで許される型は ${allowed.join(', ')} です`,
    en: `The reference ${ref} points to a ${found}, but only ${allowed.join(', ')} is allowed here`,
  }),
  referenceTypeMismatch: (ref: string, declared: string, found: string): Message => ({
    ja: `参照 ${ref} の type '${declared}' が実際の対象 ${found} と一致しません`,
    en: `Reference type '${declared}' does not match the referenced resource type ${found}`,
  }),
  referenceTargetProfile: (ref: string, profiles: string[]): Message => ({
    ja: `参照 ${ref} の対象がプロファイル ${profiles.join(', ')} のいずれにも適合しません`,
    en: `The resource referenced by ${ref} does not conform to any of the profiles ${profiles.join(', ')}`,
  }),
  duplicateFullUrl: (url: string): Message => ({
    ja: `fullUrl ${url} が Bundle 内で重複しています`,
    en: `Duplicate fullUrl ${url} in the Bundle`,
  }),
  xhtml: (problem: string): Message => ({ ja: `叙述 (narrative) の XHTML が不正です: ${problem}`, en: `Invalid narrative XHTML: ${problem}` }),
  parametersNoResource: (): Message => ({
    ja: 'Parameters に検証するリソース (resource) がありません',
    en: 'Parameters has no resource parameter to validate',
  }),
  validationPassed: (): Message => ({ ja: '検証でエラーは見つかりませんでした', en: 'Validation found no errors' }),
} as const;
