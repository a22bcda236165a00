/**
 * The apps' fetch helpers (web/shared/api.ts) and their messages (web/shared/errors.ts): the bearer token, one refresh
 * after a 401, and every failure as a readable Japanese message with its English twin.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fhir, json, setTokenSource } from '../../web/shared/api.ts';
import { ApiError, errorText, MESSAGES, textOf } from '../../web/shared/errors.ts';

const outcome = (ja: string, en: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'invalid', details: { text: ja }, diagnostics: en }],
});

const answer = (status: number, body?: unknown, type = 'application/fhir+json') =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { 'content-type': type } });

/** The ApiError a call fails with. */
const failure = (call: Promise<unknown>): Promise<ApiError> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: ApiError) => e,
  );

afterEach(() => {
  vi.unstubAllGlobals();
  setTokenSource(undefined);
});

describe('messages for people', () => {
  it("an OperationOutcome's Japanese details.text, and its diagnostics in English", () => {
    expect(errorText(422, outcome('生年月日が正しくありません', 'birthDate is invalid'))).toEqual({
      ja: '生年月日が正しくありません',
      en: 'birthDate is invalid',
    });
  });

  it('503, 401, network failures and the rest have fixed plain wordings', () => {
    expect(errorText(503, outcome('データベースに接続できません', 'database unavailable')).ja).toBe(
      'ただいま利用できません。しばらくしてからもう一度お試しください',
    );
    expect(errorText(401, undefined)).toBe(MESSAGES.signIn);
    expect(MESSAGES.network.ja).toBe('サーバーに接続できません');
    expect(errorText(403, undefined)).toBe(MESSAGES.forbidden);
    expect(errorText(404, undefined)).toBe(MESSAGES.notFound);
    expect(errorText(500, undefined)).toBe(MESSAGES.server);
    expect(errorText(400, { error: 'invalid_grant', error_description: 'code expired' })).toEqual({
      ja: '要求を処理できませんでした（エラー 400）',
      en: 'code expired',
    });
    expect(textOf(new Error('at Object.<anonymous> (file.js:1:1)'))).toBe(MESSAGES.unexpected);
  });
});

describe('fhir() and json()', () => {
  it('send the bearer token and FHIR JSON; an object body is JSON', async () => {
    const fetch = vi.fn(async () => answer(200, { resourceType: 'Patient', id: '1' }));
    vi.stubGlobal('fetch', fetch);
    setTokenSource({ token: async () => 'tok', refresh: async () => false });
    expect(await fhir('Patient/1')).toEqual({ resourceType: 'Patient', id: '1' });
    await fhir('Patient', { method: 'POST', body: { resourceType: 'Patient' } });
    const [url, init] = fetch.mock.calls[1] as unknown as [string, RequestInit];
    const headers = new Headers(init.headers);
    expect(url).toBe('/fhir/Patient');
    expect(headers.get('authorization')).toBe('Bearer tok');
    expect(headers.get('content-type')).toBe('application/fhir+json');
    expect(headers.get('accept')).toBe('application/fhir+json');
    expect(init.body).toBe('{"resourceType":"Patient"}');
  });

  it('refresh once after a 401 and retry with the new token', async () => {
    let token = 'old';
    const fetch = vi.fn(async (_url: string, init: RequestInit) =>
      new Headers(init.headers).get('authorization') === 'Bearer new'
        ? answer(200, { ok: true }, 'application/json')
        : answer(401, outcome('認証が必要です', 'unauthorized')),
    );
    vi.stubGlobal('fetch', fetch);
    const refresh = vi.fn(async () => {
      token = 'new';
      return true;
    });
    setTokenSource({ token: async () => token, refresh });
    expect(await json('/sharing/x')).toEqual({ ok: true });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('a 401 whose refresh fails asks to sign in again', async () => {
    vi.stubGlobal('fetch', async () => answer(401, outcome('トークンが無効です', 'invalid token')));
    setTokenSource({ token: async () => 'x', refresh: async () => false });
    const err = await failure(fhir('Patient'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.signIn).toBe(true);
    expect(err.text).toBe(MESSAGES.signIn);
  });

  it('no answer → サーバーに接続できません; 503 → ただいま利用できません; an OperationOutcome → its message', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    expect((await failure(fhir('metadata'))).text.ja).toBe('サーバーに接続できません');
    vi.stubGlobal('fetch', async () => answer(503, outcome('データベースに接続できません', 'db down')));
    expect((await failure(fhir('metadata'))).text).toBe(MESSAGES.unavailable);
    vi.stubGlobal('fetch', async () => answer(400, outcome('検索条件が正しくありません', 'unknown search parameter foo')));
    const err = await failure(fhir('Patient?foo=1'));
    expect(err.text).toEqual({ ja: '検索条件が正しくありません', en: 'unknown search parameter foo' });
    expect(err.status).toBe(400);
    vi.stubGlobal('fetch', async () => new Response('<html>proxy error</html>', { status: 502, headers: { 'content-type': 'text/html' } }));
    expect((await failure(json('/sharing/x'))).text).toBe(MESSAGES.server);
  });
});
