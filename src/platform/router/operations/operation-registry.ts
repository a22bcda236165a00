/**
 * The operations the server offers ($validate, the services' $verify-card …): each registered once as
 * `{ spec, handler }`. The registry puts it on the router at every level its spec names (POST, and GET when it does
 * not change state), serves its OperationDefinition at `[base]/OperationDefinition/<id>`, checks the input against
 * the definition before the handler runs (unknown names, cardinality, value types: 400) and the output the handler
 * writes (names and types it declares: a mismatch is a server error, found by the tests), and lists what the
 * CapabilityStatement shows.
 */
import { assertStaffMay } from '../../auth/staff/role-check.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { badRequest } from '../../fhir/errors.ts';
import { assertResourceType } from '../../fhir/resource-shape.ts';
import type { FhirRequest, FhirResponse } from '../fhir-request.ts';
import type { FhirRouter } from '../router.ts';
import { operationDefinition, valueKeyFits, type OperationParameter, type OperationSpec } from './operation-spec.ts';
import { ParamReader, parametersText, type OutParam } from './parameters.ts';

export interface OperationCall {
  req: FhirRequest;
  /** The caller (resolved on first use; a public operation may never ask). */
  context(): Promise<RequestContext>;
  /** The input, checked against the definition. */
  input: ParamReader;
  /** The resource type and id the operation was invoked on (type and instance levels). */
  type?: string;
  id?: string;
}

/** What a handler returns: a full response, or the output parameters (written as a Parameters resource). */
export type OperationResult = FhirResponse | { parameters: (OutParam | undefined | false)[]; status?: number };
export type OperationHandler = (call: OperationCall) => Promise<OperationResult>;

export interface RegisteredOperation {
  spec: OperationSpec;
  definition: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const maxOf = (p: { max: string }) => (p.max === '*' ? Infinity : Number(p.max));

/** The input of a call: a Parameters body, a plain JSON object of the same names, a lone resource, or the query. */
function inputOf(req: FhirRequest, spec: OperationSpec): ParamReader {
  const ins = spec.parameters.filter((p) => p.use === 'in');
  if (req.method === 'GET' || req.body === undefined) {
    const fields: Record<string, string[]> = {};
    // _format and _pretty are about the response, not inputs of the operation.
    for (const [k, v] of req.query) if (k !== '_format' && k !== '_pretty') (fields[k] ??= []).push(v);
    return ParamReader.of(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.length === 1 ? v[0] : v])));
  }
  const body = req.body;
  // A resource in the body is the operation's one resource parameter (e.g. $validate with the resource itself).
  if (isObject(body) && typeof body.resourceType === 'string' && body.resourceType !== 'Parameters') {
    const resourceParams = ins.filter((p) => p.type && /^[A-Z]/.test(p.type) && valueKeyFits(p.type, 'resource'));
    if (resourceParams.length >= 1) return ParamReader.of({ resourceType: 'Parameters', parameter: [{ name: resourceParams[0].name, resource: body }] });
  }
  return ParamReader.of(body);
}

/** Input names, counts and value types as the definition says. */
function checkInput(input: ParamReader, params: Omit<OperationParameter, 'use'>[], where: string): void {
  const known = new Map(params.map((p) => [p.name, p]));
  for (const name of input.names()) {
    const p = known.get(name);
    if (!p)
      throw badRequest(
        `パラメータ ${name} はこの操作にはありません（${[...known.keys()].join(', ')}）`,
        `unknown parameter '${name}' (this operation takes ${[...known.keys()].join(', ') || 'none'})`,
        [`${where}.${name}`],
      );
    const values = input.all(name);
    if (values.length > maxOf(p))
      throw badRequest(`パラメータ ${name} は ${p.max} 個までです`, `parameter '${name}' may occur at most ${p.max} times`, [`${where}.${name}`]);
    values.forEach((v, i) => {
      if (v.key !== undefined && !valueKeyFits(p.type, v.key))
        throw badRequest(
          `パラメータ ${name} の値の型が違います（${p.type ?? 'part'} が必要）`,
          `parameter '${name}' must be a ${p.type ?? 'part'} (got ${v.key})`,
          [`${where}.${name}[${i}]`],
        );
      if (p.part && v.part) checkInput(v.part, p.part, `${where}.${name}[${i}]`);
    });
  }
  for (const p of params)
    if (p.min > 0 && !input.has(p.name))
      throw badRequest(`${p.label ?? 'パラメータ'}（${p.name}）がありません`, `parameter '${p.name}' is required`, [`${where}.${p.name}`]);
}

/** The output a handler wrote must be what the definition declares (names, counts, value types). */
function checkOutput(list: OutParam[], params: Omit<OperationParameter, 'use'>[], where: string): void {
  const known = new Map(params.map((p) => [p.name, p]));
  const counts = new Map<string, number>();
  for (const out of list) {
    const p = known.get(out.name);
    if (!p) throw new Error(`${where}: output parameter '${out.name}' is not in the OperationDefinition`);
    counts.set(out.name, (counts.get(out.name) ?? 0) + 1);
    const key = Object.keys(out).find((k) => k !== 'name');
    if (key !== undefined && !valueKeyFits(p.type, key))
      throw new Error(`${where}: output '${out.name}' is declared ${p.type ?? 'part'} but written as ${key}`);
    if (p.part && Array.isArray(out.part)) checkOutput(out.part as OutParam[], p.part, `${where}.${out.name}`);
  }
  for (const p of params) if ((counts.get(p.name) ?? 0) > maxOf(p)) throw new Error(`${where}: output '${p.name}' occurs more than ${p.max} times`);
}

export class OperationRegistry {
  private readonly operations: RegisteredOperation[] = [];

  constructor(private readonly router: FhirRouter) {}

  list(): readonly RegisteredOperation[] {
    return this.operations;
  }

  register(spec: OperationSpec, handler: OperationHandler): void {
    if (this.operations.some((o) => o.spec.id === spec.id)) throw new Error(`operation ${spec.id} registered twice`);
    const definition = operationDefinition(spec);
    this.operations.push({ spec, definition });
    this.router.add('GET', `OperationDefinition/${spec.id}`, async () => ({ status: 200, body: definition }));
    const outs = spec.parameters.filter((p) => p.use === 'out');
    const ins = spec.parameters.filter((p) => p.use === 'in');
    const invoke = async (req: FhirRequest, type?: string, id?: string): Promise<FhirResponse> => {
      // Who calls is settled first: an anonymous caller learns nothing of the parameters.
      if (!spec.public) await req.context();
      if (spec.staffAction) assertStaffMay(await req.context(), spec.staffAction);
      const input = inputOf(req, spec);
      checkInput(input, ins, 'Parameters');
      const result = await handler({ req, context: req.context, input, type, id });
      if (!('parameters' in result)) return result;
      const list = result.parameters.filter((p): p is OutParam => !!p);
      checkOutput(list, outs, `$${spec.code}`);
      return { status: result.status ?? 200, body: parametersText(list) };
    };
    const methods = spec.affectsState ? (['POST'] as const) : (['POST', 'GET'] as const);
    for (const method of methods) {
      if (spec.system) this.router.add(method, `$${spec.code}`, (req) => invoke(req));
      for (const type of spec.resource ?? []) {
        // `Resource`: every type (the type is checked by the router's handler of the type segment).
        const segment = type === 'Resource' ? ':type' : type;
        const typeOf = (p: Record<string, string>) => {
          if (type !== 'Resource') return type;
          assertResourceType(p.type);
          return p.type;
        };
        if (spec.type) this.router.add(method, `${segment}/$${spec.code}`, (req, p) => invoke(req, typeOf(p)));
        if (spec.instance) this.router.add(method, `${segment}/:id/$${spec.code}`, (req, p) => invoke(req, typeOf(p), p.id));
      }
    }
  }

  /** What the CapabilityStatement lists: each operation at the system level and on the types it is defined on. */
  capability(): CapabilityOperation[] {
    return this.operations.map(({ spec }) => ({
      name: spec.code,
      definition: spec.url,
      system: spec.system,
      resourceTypes: spec.type || spec.instance ? spec.resource : undefined,
      documentation: `${spec.title}. ${spec.description}`,
    }));
  }
}

export interface CapabilityOperation {
  name: string;
  definition: string;
  /** Listed at the system level. */
  system: boolean;
  /** Listed on these types (`Resource`: all). */
  resourceTypes?: string[];
  documentation?: string;
}
