/**
 * Calls to this server with the signed-in person's bearer token: `fhir(path)` for the FHIR API (`/fhir/…`), `json(url)`
 * for its other JSON routes. A 401 refreshes the sign-in once and retries; every failure is an ApiError whose text
 * people can read (errors.ts).
 */
import { ApiError, errorText, MESSAGES } from './errors.ts';

/** Where the bearer token comes from (the app's SmartAuth). */
export interface TokenSource {
  /** The current access token (refreshed first when it is about to end), or undefined when not signed in. */
  token(): Promise<string | undefined>;
  /** Refreshes after a 401; false when the sign-in has ended. */
  refresh(): Promise<boolean>;
}

let source: TokenSource | undefined;

export function setTokenSource(s: TokenSource | undefined): void {
  source = s;
}

/** Request options; an object body is sent as JSON. */
export interface ApiInit extends Omit<RequestInit, 'body'> {
  body?: RequestInit['body'] | object;
}

const isPlainBody = (b: unknown): b is object =>
  typeof b === 'object' && b !== null && !(b instanceof Blob) && !(b instanceof FormData) && !(b instanceof URLSearchParams) && !(b instanceof ArrayBuffer);

async function parsed(res: Response): Promise<unknown> {
  const type = res.headers.get('content-type') ?? '';
  if (!/json/.test(type)) return undefined;
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

async function send(url: string, init: ApiInit, contentType: string): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = await source?.token();
  if (token) headers.set('authorization', `Bearer ${token}`);
  let body = init.body as RequestInit['body'];
  if (isPlainBody(init.body)) {
    body = JSON.stringify(init.body);
    if (!headers.has('content-type')) headers.set('content-type', contentType);
  }
  try {
    return await fetch(url, { ...init, headers, body });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, MESSAGES.network);
  }
}

/** The response of a request to this server; throws ApiError for anything but 2xx / 304. */
export async function request(url: string, init: ApiInit = {}, contentType = 'application/json'): Promise<Response> {
  let res = await send(url, init, contentType);
  if (res.status === 401 && source && (await source.refresh())) res = await send(url, init, contentType);
  if (res.ok || res.status === 304) return res;
  const body = await parsed(res);
  throw new ApiError(res.status, errorText(res.status, body), body);
}

/** A JSON route of this server (e.g. `/sharing/…`); undefined for an empty answer (204). */
export async function json<T = unknown>(url: string, init: ApiInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  const res = await request(url, { ...init, headers });
  if (res.status === 204 || res.status === 304) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, MESSAGES.badAnswer);
  }
}

/** The FHIR API: `fhir('Patient/123')`, `fhir('Patient?name=…')`, `fhir('Patient/$op', { method: 'POST', body })`. */
export async function fhir<T = unknown>(path: string, init: ApiInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/fhir+json');
  if (isPlainBody(init.body) && !headers.has('content-type')) headers.set('content-type', 'application/fhir+json');
  return json<T>(`/fhir/${path.replace(/^\/+/, '')}`, { ...init, headers });
}
