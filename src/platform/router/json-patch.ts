/**
 * JSON Patch (RFC 6902, `application/json-patch+json`) applied with `fast-json-patch`: the document is checked
 * first (400 when it is not a list of well-formed operations), then applied operation by operation to a copy of the
 * resource (422 when an operation does not apply — a path that does not exist, a failed `test`). Changing
 * `__proto__` / `constructor` is refused by the library (400). Messages name the operation, never the resource.
 */
import jsonpatch, { type Operation } from 'fast-json-patch';
import { FhirError, badRequest } from '../fhir/errors.ts';

type Json = Record<string, unknown>;

/** Why an operation does not apply to the resource (the library's error names). */
const NOT_APPLICABLE: Record<string, { ja: string; en: string }> = {
  TEST_OPERATION_FAILED: { ja: 'test 操作の値が現在の内容と一致しません', en: 'the test operation failed' },
  OPERATION_PATH_UNRESOLVABLE: { ja: 'path の場所がリソースにありません', en: 'the path does not exist in the resource' },
  OPERATION_FROM_UNRESOLVABLE: { ja: 'from の場所がリソースにありません', en: 'the from path does not exist in the resource' },
  OPERATION_PATH_CANNOT_ADD: { ja: 'path の場所に追加できません', en: 'cannot add at the path' },
  OPERATION_VALUE_OUT_OF_BOUNDS: { ja: '配列の位置が範囲外です', en: 'the array index is out of bounds' },
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: { ja: '配列の位置が正しくありません', en: 'the array index is not valid' },
};

const where = (index: number | undefined) => (index === undefined ? [] : [`[${index}]`]);

/** The resource with the patch applied (a new object; `resource` is not changed). */
export function applyJsonPatch(resource: Json, patch: unknown): Json {
  if (!Array.isArray(patch)) throw badRequest('JSON Patch は操作の配列です', 'a JSON Patch document is an array of operations');
  const operations = patch as Operation[];
  const problem = jsonpatch.validate(operations);
  if (problem)
    throw badRequest(
      `JSON Patch の操作 ${problem.index ?? ''} が正しくありません (${problem.name})`,
      `JSON Patch operation ${problem.index ?? ''} is malformed: ${problem.name}`,
      where(problem.index),
    );
  try {
    return jsonpatch.applyPatch(structuredClone(resource), operations, true, true).newDocument;
  } catch (err) {
    if (err instanceof jsonpatch.JsonPatchError) {
      const m = NOT_APPLICABLE[err.name] ?? { ja: 'この操作は適用できません', en: err.name };
      throw FhirError.of(422, 'processing', `JSON Patch の操作 ${err.index}: ${m.ja}`, `JSON Patch operation ${err.index}: ${m.en}`, where(err.index));
    }
    if (err instanceof TypeError && /banned/.test(err.message))
      throw badRequest('JSON Patch で __proto__ / constructor は変更できません', 'a JSON Patch may not change __proto__ or constructor/prototype');
    throw err;
  }
}
