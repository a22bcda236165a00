/**
 * A JSON request body, read strictly from its bytes: valid UTF-8 (else 400), valid JSON (400), no `__proto__` or
 * `constructor.prototype` keys (400), no string — key or value — with a NUL, another control character or a lone
 * surrogate (400), no number JSON cannot hold (400), and bounded work for everything after: at most
 * `maxArrayItems` items in any array, `maxNodes` values in all and `maxDepth` levels of nesting (413 too-costly,
 * naming the limit and where). The body is walked once after JSON.parse; its strings only when the raw text has
 * an escape that could spell a forbidden character (UTF-8 text itself cannot).
 */
import { isUtf8 } from 'node:buffer';
import { FhirError, badRequest } from '../fhir/errors.ts';
import { textProblem } from '../fhir/resource-shape.ts';

export interface JsonLimits {
  /** Most items in one array (TSUNAGU_MAX_ARRAY_ITEMS). */
  maxArrayItems: number;
  /** Most JSON values (objects, arrays, primitives) in the whole body. */
  maxNodes: number;
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxArrayItems: 10_000, maxNodes: 1_000_000, maxDepth: 100 };

/** `\u0000`–`\u001f`, `\b`, `\f` and `\ud800`–`\udfff`: the only ways JSON text can spell what textProblem refuses. */
const SUSPECT_ESCAPE = /\\(?:u(?:00[01]|[dD][89a-fA-F])|[bf])/;

const structure = (ja: string, en: string) => FhirError.of(400, 'structure', ja, en);

/** The body's text: UTF-8 without a byte order mark, or a 400. */
export function utf8Text(raw: Buffer): string {
  if (!isUtf8(raw)) throw structure('本文が正しい UTF-8 ではありません', 'the body is not valid UTF-8');
  const text = raw.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseJsonBody(raw: Buffer, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  const text = utf8Text(raw);
  if (text.trim() === '') throw structure('本文が空です', 'the body is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw structure('本文が正しい JSON ではありません', `the body is not valid JSON: ${(err as Error).message}`);
  }
  new BodyWalk(limits, SUSPECT_ESCAPE.test(text), value).visit(value, 0);
  return value;
}

class BodyWalk {
  private nodes = 0;
  private readonly path: (string | number)[] = [];
  private readonly root: string;

  constructor(
    private readonly limits: JsonLimits,
    /** Whether strings need checking at all. */
    private readonly strings: boolean,
    body: unknown,
  ) {
    const type = (body as { resourceType?: unknown } | null)?.resourceType;
    this.root = typeof type === 'string' && /^[A-Za-z]{1,64}$/.test(type) ? type : '$';
  }

  /** FHIRPath-like location of the value being visited, e.g. `Bundle.entry[3].resource.name`. */
  private where(): string {
    let out = this.root;
    const shown = this.path.length > 24 ? this.path.slice(0, 24) : this.path;
    for (const p of shown) out += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p.slice(0, 40))}]`;
    return shown === this.path ? out : `${out}…`;
  }

  private tooCostly(ja: string, en: string): FhirError {
    const where = this.where();
    return FhirError.of(413, 'too-costly', `${where}: ${ja}`, `${where}: ${en}`, [where]);
  }

  private text(s: string, what: string): void {
    const problem = textProblem(s);
    if (problem) {
      const where = this.where();
      throw badRequest(`${where} の${what === 'key' ? '項目名' : '文字列'}に使えない文字があります: ${problem.ja}`, `${what} at ${where}: ${problem.en}`, [
        where,
      ]);
    }
  }

  visit(v: unknown, depth: number): void {
    if (++this.nodes > this.limits.maxNodes)
      throw this.tooCostly(`本文の値が多すぎます (上限 ${this.limits.maxNodes} 個)`, `the body has more than ${this.limits.maxNodes} JSON values`);
    if (typeof v === 'string') {
      if (this.strings) this.text(v, 'string');
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw badRequest(`${this.where()} の数値が大きすぎます`, `the number at ${this.where()} is out of range`, [this.where()]);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    if (depth >= this.limits.maxDepth)
      throw this.tooCostly(`入れ子が深すぎます (上限 ${this.limits.maxDepth} 段)`, `nesting deeper than ${this.limits.maxDepth} levels`);
    const { path } = this;
    if (Array.isArray(v)) {
      if (v.length > this.limits.maxArrayItems)
        throw this.tooCostly(
          `配列の要素が多すぎます (${v.length} 件、上限 ${this.limits.maxArrayItems} 件)`,
          `the array has ${v.length} items; the limit is ${this.limits.maxArrayItems} (TSUNAGU_MAX_ARRAY_ITEMS)`,
        );
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        this.visit(v[i], depth + 1);
        path.pop();
      }
      return;
    }
    const obj = v as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (this.strings) this.text(key, 'key');
      const value = obj[key];
      if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value))
        throw badRequest(`項目名 ${key} は使えません`, `the key '${key}' is not allowed (at ${this.where()})`, [this.where()]);
      path.push(key);
      this.visit(value, depth + 1);
      path.pop();
    }
  }
}
