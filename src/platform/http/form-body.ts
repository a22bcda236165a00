/**
 * application/x-www-form-urlencoded bodies (the token endpoint, POST [type]/_search), decoded strictly: UTF-8,
 * valid percent-escapes, no control characters (400 otherwise). The body is a plain object of the last value of
 * each name; every pair, repeats included, is kept for searches (formPairs).
 */
import { decodeQueryString } from '../search/search-request.ts';
import { utf8Text } from './json-body.ts';

const PAIRS = Symbol('form pairs');

export type FormBody = Record<string, string> & { [PAIRS]?: [string, string][] };

export function parseFormBody(raw: Buffer): FormBody {
  const pairs = decodeQueryString(utf8Text(raw), 'body');
  const body: FormBody = Object.fromEntries(pairs);
  Object.defineProperty(body, PAIRS, { value: pairs });
  return body;
}

/** Every name–value pair of a form body, in order; undefined for a body that is not one. */
export function formPairs(body: unknown): [string, string][] | undefined {
  return typeof body === 'object' && body !== null ? (body as FormBody)[PAIRS] : undefined;
}
