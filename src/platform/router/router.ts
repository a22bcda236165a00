/**
 * The FHIR router: interactions and operations registered by path pattern and method, dispatched for the REST API
 * and for Bundle entries alike. Patterns are segments below the FHIR base: `metadata`, `:type`, `:type/:id/_history`,
 * `$:op` (a segment starting with `$`), `:type/:id/$:op`. A static segment is preferred to `$:op`, and that to a
 * `:param`; a path that matches with another method answers 405 with `Allow`, one that matches nothing 404.
 */
import { FhirError } from '../fhir/errors.ts';
import type { FhirMethod, FhirRequest, FhirResponse } from './fhir-request.ts';

export type FhirHandler = (req: FhirRequest, params: Record<string, string>) => Promise<FhirResponse>;

interface Route {
  method: FhirMethod;
  segments: string[];
  handler: FhirHandler;
  rank: number;
}

const rankOf = (segments: string[]) => segments.reduce((r, s) => r * 3 + (s.startsWith(':') ? 0 : s.startsWith('$:') ? 1 : 2), 1);

function match(route: Route, parts: string[]): Record<string, string> | undefined {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = route.segments[i];
    const part = parts[i];
    if (seg.startsWith('$:')) {
      if (!part.startsWith('$') || part.length < 2) return undefined;
      params[seg.slice(2)] = part.slice(1);
    } else if (seg.startsWith(':')) {
      if (part === '' || part.startsWith('$') || part.startsWith('_')) return undefined;
      params[seg.slice(1)] = part;
    } else if (seg !== part) return undefined;
  }
  return params;
}

export class FhirRouter {
  private readonly routes: Route[] = [];

  add(method: FhirMethod, pattern: string, handler: FhirHandler): void {
    const segments = pattern === '' ? [] : pattern.split('/');
    this.routes.push({ method, segments, handler, rank: rankOf(segments) });
    // Most specific first: static segments before operations before parameters, left to right.
    this.routes.sort((a, b) => b.segments.length - a.segments.length || b.rank - a.rank);
  }

  async handle(req: FhirRequest): Promise<FhirResponse> {
    const parts = req.path === '' ? [] : req.path.split('/');
    const allowed = new Set<FhirMethod>();
    for (const route of this.routes) {
      const params = match(route, parts);
      if (!params) continue;
      if (route.method === req.method) return route.handler(req, params);
      allowed.add(route.method);
    }
    if (allowed.size > 0)
      throw new FhirError(
        405,
        {
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'error',
              code: 'not-supported',
              details: { text: `${req.method} /${req.path} には対応していません（${[...allowed].join(', ')}）` },
              diagnostics: `${req.method} is not supported on /${req.path} (allowed: ${[...allowed].join(', ')})`,
            },
          ],
        },
        { allow: [...allowed].join(', ') },
      );
    throw FhirError.of(404, 'not-found', `${req.method} /${req.path} はありません`, `no FHIR interaction for ${req.method} /${req.path}`);
  }
}
