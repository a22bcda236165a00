/**
 * Reading operation input (a FHIR Parameters resource, or a plain JSON object of the same names for simple
 * clients) and writing FHIR Parameters output.
 */
import { badRequest } from '../../fhir/errors.ts';

type Json = Record<string, unknown>;

export interface ParamValue {
  value: unknown;
  /** The member that held the value in a Parameters resource (valueString, resource, part …). */
  key?: string;
  resource?: Json;
  part?: ParamReader;
}

/** Named inputs of an operation. */
export class ParamReader {
  constructor(
    private readonly values: Map<string, ParamValue[]>,
    private readonly where: string,
  ) {}

  static of(body: unknown, where = 'Parameters'): ParamReader {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('本文は Parameters リソース（または JSON オブジェクト）です', 'the body must be a Parameters resource (or a JSON object)');
    const obj = body as Json;
    const values = new Map<string, ParamValue[]>();
    const add = (name: string, v: ParamValue) => values.set(name, [...(values.get(name) ?? []), v]);
    if (obj.resourceType === 'Parameters') {
      const list = obj.parameter ?? [];
      if (!Array.isArray(list)) throw badRequest('Parameters.parameter は配列です', 'Parameters.parameter must be an array', ['Parameters.parameter']);
      list.forEach((p, i) => {
        const entry = p as Json;
        if (!entry || typeof entry !== 'object' || typeof entry.name !== 'string')
          throw badRequest(`parameter[${i}] に name がありません`, `parameter[${i}] has no name`, [`Parameters.parameter[${i}]`]);
        const valueKey = Object.keys(entry).find((k) => k.startsWith('value'));
        add(entry.name, {
          key: valueKey ?? (entry.resource !== undefined ? 'resource' : Array.isArray(entry.part) ? 'part' : undefined),
          value: valueKey ? entry[valueKey] : undefined,
          resource: entry.resource as Json | undefined,
          part: Array.isArray(entry.part) ? ParamReader.of({ resourceType: 'Parameters', parameter: entry.part }, `${where}.parameter[${i}]`) : undefined,
        });
      });
    } else {
      if (obj.resourceType !== undefined)
        throw badRequest(
          `${String(obj.resourceType)} ではなく Parameters を送ってください`,
          `expected a Parameters resource, got ${String(obj.resourceType)}`,
          ['resourceType'],
        );
      for (const [k, v] of Object.entries(obj)) {
        if (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && !Array.isArray(x)))
          for (const x of v) add(k, { value: x, part: ParamReader.of(x, `${where}.${k}`) });
        else if (Array.isArray(v)) for (const x of v) add(k, { value: x });
        else if (v && typeof v === 'object') add(k, { value: v, part: ParamReader.of(v, `${where}.${k}`) });
        else add(k, { value: v });
      }
    }
    return new ParamReader(values, where);
  }

  /** The names given. */
  names(): string[] {
    return [...this.values.keys()];
  }

  has(name: string): boolean {
    return (this.values.get(name)?.length ?? 0) > 0;
  }

  all(name: string): ParamValue[] {
    return this.values.get(name) ?? [];
  }

  /** An optional string (valueString, valueCode, valueDate, valueBase64Binary … or a JSON string). */
  string(name: string): string | undefined {
    const v = this.values.get(name)?.[0]?.value;
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string') throw badRequest(`${name} は文字列です`, `${name} must be a string`, [`${this.where}.${name}`]);
    return v;
  }

  requiredString(name: string, ja: string): string {
    const v = this.string(name);
    if (v === undefined || v.trim() === '') throw badRequest(`${ja}（${name}）がありません`, `parameter ${name} is required`, [`${this.where}.${name}`]);
    return v;
  }

  strings(name: string): string[] {
    return this.all(name).map((p, i) => {
      if (typeof p.value !== 'string') throw badRequest(`${name} は文字列です`, `${name} must be a string`, [`${this.where}.${name}[${i}]`]);
      return p.value;
    });
  }

  boolean(name: string): boolean | undefined {
    const v = this.values.get(name)?.[0]?.value;
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw badRequest(`${name} は true か false です`, `${name} must be true or false`, [`${this.where}.${name}`]);
  }

  parts(name: string): ParamReader[] {
    return this.all(name).map((p, i) => {
      if (!p.part) throw badRequest(`${name} は複数の項目（part）を持つ値です`, `${name} must have parts`, [`${this.where}.${name}[${i}]`]);
      return p.part;
    });
  }

  path(name: string): string {
    return `${this.where}.${name}`;
  }
}

/** One output parameter. */
export type OutParam = { name: string } & Json;

export function parameters(list: (OutParam | undefined | false)[]): Json {
  return { resourceType: 'Parameters', parameter: list.filter((p): p is OutParam => !!p) };
}

/** Resource JSON text to embed as is (stored resources are already JSON: no parse and re-serialise). */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** Parameters as text, splicing RawJson values in without re-serialising them. */
export function parametersText(list: (OutParam | undefined | false)[]): string {
  const write = (p: OutParam): string => {
    const members: string[] = [];
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined) continue;
      if (v instanceof RawJson) members.push(`${JSON.stringify(k)}:${v.text}`);
      else if (k === 'part' && Array.isArray(v)) members.push(`"part":[${(v as OutParam[]).map(write).join(',')}]`);
      else members.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    return `{${members.join(',')}}`;
  };
  return `{"resourceType":"Parameters","parameter":[${list
    .filter((p): p is OutParam => !!p)
    .map(write)
    .join(',')}]}`;
}
