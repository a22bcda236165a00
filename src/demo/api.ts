/**
 * The platform's HTTP API, in process (`app.inject`): the demo writes through the same operations a clinic's or an
 * insurer's system calls, so every write is validated as theirs would be. A refusal stops the seeding with the
 * operation, the status and the server's own OperationOutcome text.
 */
import type { FastifyInstance } from 'fastify';

export type Json = Record<string, unknown>;

export interface ApiAnswer {
  status: number;
  body: Json;
}

export class DemoApiError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${what}: HTTP ${status} ${describe(body)}`);
  }
}

/** The Japanese and English texts of an OperationOutcome (or the raw body). */
function describe(body: unknown): string {
  const issues = (body as { issue?: { details?: { text?: string }; diagnostics?: string; expression?: string[] }[] } | undefined)?.issue;
  if (!issues) return JSON.stringify(body)?.slice(0, 2000) ?? '';
  return issues
    .map((i) => `${i.details?.text ?? ''} / ${i.diagnostics ?? ''}${i.expression?.length ? ` (${i.expression.join(', ')})` : ''}`)
    .join('; ')
    .slice(0, 4000);
}

export class DemoApi {
  constructor(private readonly app: FastifyInstance) {}

  async call(method: 'GET' | 'POST', url: string, token: string, body?: unknown): Promise<ApiAnswer> {
    const res = await this.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Json) : {} };
  }

  /** `call`, refusing anything but a 2xx answer (naming `what` was being done). */
  async ok(what: string, method: 'GET' | 'POST', url: string, token: string, body?: unknown): Promise<Json> {
    const res = await this.call(method, url, token, body);
    if (res.status < 200 || res.status > 299) throw new DemoApiError(what, res.status, res.body);
    return res.body;
  }

  /** POST [base]/$<name> with a Parameters body. */
  operation(what: string, name: string, token: string, parameter: Json[]): Promise<Json> {
    return this.ok(what, 'POST', `/fhir/$${name}`, token, { resourceType: 'Parameters', parameter });
  }
}

/** The first output parameter `name` of a Parameters answer: its value[x], resource or parts. */
export function outParam(body: Json, name: string): unknown {
  const p = ((body.parameter as Json[] | undefined) ?? []).find((x) => x.name === name);
  if (!p) return undefined;
  const key = Object.keys(p).find((k) => k.startsWith('value') || k === 'resource' || k === 'part');
  return key ? p[key] : undefined;
}
