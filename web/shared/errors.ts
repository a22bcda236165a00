/**
 * Every failure as a readable message in both languages (no stack traces): an OperationOutcome's first issue —
 * `details.text` is Japanese, `diagnostics` English — or a plain message for the HTTP status. Pure, no DOM.
 */
import type { Text } from './text.ts';

export const MESSAGES = {
  network: { ja: 'サーバーに接続できません', en: 'Cannot connect to the server' },
  unavailable: {
    ja: 'ただいま利用できません。しばらくしてからもう一度お試しください',
    en: 'The service is unavailable right now. Please try again in a little while.',
  },
  signIn: { ja: 'サインインの有効期限が切れました。もう一度サインインしてください', en: 'Your sign-in has ended. Please sign in again.' },
  forbidden: { ja: 'この操作を行う権限がありません', en: 'You are not allowed to do this' },
  notFound: { ja: '見つかりませんでした', en: 'Not found' },
  tooMany: { ja: '要求が多すぎます。しばらくしてからもう一度お試しください', en: 'Too many requests. Please try again in a little while.' },
  server: { ja: 'サーバーでエラーが発生しました。しばらくしてからもう一度お試しください', en: 'The server had an error. Please try again later.' },
  badAnswer: { ja: 'サーバーの応答を読み取れませんでした', en: 'The server’s answer could not be read' },
  unexpected: { ja: '予期しないエラーが発生しました', en: 'An unexpected error occurred' },
} satisfies Record<string, Text>;

const request = (status: number): Text => ({
  ja: `要求を処理できませんでした（エラー ${status}）`,
  en: `The request could not be processed (error ${status})`,
});

interface OutcomeIssue {
  details?: { text?: string };
  diagnostics?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The first issue of an OperationOutcome as a text, when the body is one with a message. */
export function outcomeText(body: unknown): Text | undefined {
  if (!isRecord(body) || body.resourceType !== 'OperationOutcome' || !Array.isArray(body.issue)) return undefined;
  const issue = body.issue[0] as OutcomeIssue | undefined;
  const ja = issue?.details?.text;
  const en = issue?.diagnostics;
  if (!ja && !en) return undefined;
  return { ja: ja || (en as string), en: en || (ja as string) };
}

/** What to tell the person about an HTTP error answer (`body` parsed JSON, or undefined). */
export function errorText(status: number, body: unknown): Text {
  // 503: the platform's own outage message is plain enough, but keep the one wording people learn.
  if (status === 503) return MESSAGES.unavailable;
  if (status === 401) return MESSAGES.signIn;
  const fromOutcome = outcomeText(body);
  if (fromOutcome) return fromOutcome;
  // OAuth errors (RFC 6749): `{ error, error_description }` in English.
  if (isRecord(body) && typeof body.error === 'string') {
    const base = status === 403 ? MESSAGES.forbidden : request(status);
    return { ja: base.ja, en: typeof body.error_description === 'string' ? body.error_description : base.en };
  }
  if (status === 403) return MESSAGES.forbidden;
  if (status === 404) return MESSAGES.notFound;
  if (status === 429) return MESSAGES.tooMany;
  if (status >= 500) return MESSAGES.server;
  return request(status);
}

/** A failed request: `text` for people, `status` (0: no answer) for the code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly text: Text,
    /** The answer's body (an OperationOutcome, usually). */
    readonly body?: unknown,
  ) {
    super(text.en);
    this.name = 'ApiError';
  }

  /** The sign-in has ended: the app should offer to sign in again. */
  get signIn(): boolean {
    return this.status === 401;
  }
}

/** Any thrown value as a text for people. */
export function textOf(err: unknown): Text {
  if (err instanceof ApiError) return err.text;
  if (isRecord(err) && isRecord(err.text) && typeof err.text.ja === 'string' && typeof err.text.en === 'string') return err.text as unknown as Text;
  return MESSAGES.unexpected;
}
