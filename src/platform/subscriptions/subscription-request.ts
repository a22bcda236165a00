/**
 * A Subscription as a client writes it (backport-subscription profile), checked before anything is stored: a
 * registered topic (criteria), filters the topic allows, a supported channel (rest-hook, websocket), an endpoint
 * that is https to a public address (or http on this machine when the operator allows it, endpoint-guard.ts), well-formed headers, and a payload of empty or
 * id-only. Every refusal is a 400 OperationOutcome with the Japanese reason and the element it is about.
 * The status is the server's (subscriptionStatus): a client may only ask for `off`, or for a new start.
 */
import { badRequest } from '../fhir/errors.ts';
import { checkResourceShape } from '../fhir/resource-shape.ts';
import type { SearchRegistry } from '../search/registry.ts';
import { BACKPORT, type ChannelType, type PayloadContent, type SubscriptionStatus } from './backport.ts';
import { checkFilter } from './filters.ts';
import { endpointRefusal } from './endpoint-guard.ts';
import type { SubscriptionSettings } from './settings.ts';
import type { TopicRegistry } from './topics.ts';

type Json = Record<string, unknown>;

/** What delivery needs of a Subscription (the row in `subscriptions`). */
export interface SubscriptionSpec {
  topic: string;
  filters: string[];
  channel: ChannelType;
  endpoint?: string;
  /** `Name: value` lines sent with every rest-hook request. */
  headers: string[];
  content: PayloadContent;
  heartbeatSeconds?: number;
  timeoutSeconds: number;
  maxCount: number;
  /** Subscription.end (ISO instant): no events after it. */
  ends?: string;
  /** The status the client wrote (only `off` is taken as asked). */
  clientStatus?: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const CHANNELS: ChannelType[] = ['rest-hook', 'websocket'];
const PAYLOAD_TYPES = new Set(['application/fhir+json', 'application/json']);
/** Headers the platform sets itself (or that would change the request's framing). */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'te', 'trailer']);
const HEADER = /^([A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}):[ \t]*([^\r\n]{0,2048})$/;

const extensionsOf = (v: unknown): Json[] => (isObject(v) && Array.isArray(v.extension) ? v.extension.filter(isObject) : []);
const extension = (owner: unknown, url: string) => extensionsOf(owner).find((e) => e.url === url);

function whole(ext: Json | undefined, key: string, min: number, max: number, ja: string, path: string): number | undefined {
  if (!ext) return undefined;
  const v = ext[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw badRequest(`${ja}は ${min}〜${max} の整数です`, `${path} must be a whole number from ${min} to ${max}`, [path]);
  return v;
}

function checkEndpoint(value: unknown, allowPrivate: boolean): string {
  const path = 'Subscription.channel.endpoint';
  if (typeof value !== 'string' || value === '')
    throw badRequest('rest-hook には通知先（channel.endpoint）が必要です', 'a rest-hook channel needs channel.endpoint', [path]);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`通知先 ${value} は URL ではありません`, `channel.endpoint '${value}' is not a URL`, [path]);
  }
  const refusal = endpointRefusal(url, allowPrivate);
  if (refusal) throw badRequest(refusal.ja, refusal.en, [path]);
  if (url.username || url.password)
    throw badRequest(
      '通知先の URL に利用者名やパスワードは入れられません（channel.header を使ってください）',
      'channel.endpoint must not hold credentials (use channel.header)',
      [path],
    );
  if (url.hash) throw badRequest('通知先の URL に # 以降は入れられません', 'channel.endpoint must not have a fragment', [path]);
  return value;
}

function checkHeaders(value: unknown): string[] {
  if (value === undefined) return [];
  const path = 'Subscription.channel.header';
  if (!Array.isArray(value) || value.length > 10)
    throw badRequest('channel.header は10個までの文字列の配列です', 'channel.header must be an array of at most 10 strings', [path]);
  return value.map((h, i) => {
    const m = typeof h === 'string' ? HEADER.exec(h) : null;
    if (!m) throw badRequest(`channel.header[${i}] は「名前: 値」の形式です`, `channel.header[${i}] must look like 'Name: value'`, [`${path}[${i}]`]);
    if (RESERVED_HEADERS.has(m[1].toLowerCase()))
      throw badRequest(`ヘッダー ${m[1]} はプラットフォームが設定します`, `header ${m[1]} is set by the platform`, [`${path}[${i}]`]);
    return `${m[1]}: ${m[2]}`;
  });
}

function checkContent(channel: Json): PayloadContent {
  const payload = channel.payload;
  if (payload !== undefined) {
    const type = typeof payload === 'string' ? payload.split(';')[0].trim().toLowerCase() : '';
    if (!PAYLOAD_TYPES.has(type))
      throw badRequest('channel.payload は application/fhir+json です', 'channel.payload must be application/fhir+json', ['Subscription.channel.payload']);
  }
  const code = extension(channel._payload, BACKPORT.payloadContent)?.valueCode ?? 'id-only';
  if (code === 'empty' || code === 'id-only') return code;
  if (code === 'full-resource')
    throw badRequest(
      '通知に本文を含める full-resource は提供していません。id-only で受け取り、通知された ID を読み取ってください（閲覧権限はその時に確認されます）',
      'payload full-resource is not offered: subscribe with id-only and read the notified resources (access is checked when you read)',
      ['Subscription.channel.payload'],
    );
  throw badRequest(`通知の内容 ${String(code)} は empty か id-only です`, `payload content must be empty or id-only, got ${String(code)}`, [
    'Subscription.channel.payload',
  ]);
}

/** The checked Subscription and what delivery needs of it; `resource` is the body without server-only elements. */
export function parseSubscription(
  body: unknown,
  deps: { topics: TopicRegistry; registry: SearchRegistry; settings: SubscriptionSettings },
): { resource: Json; spec: SubscriptionSpec } {
  const input = checkResourceShape(body, 'Subscription') as Json;
  const criteria = input.criteria;
  const topic = typeof criteria === 'string' ? deps.topics.get(criteria) : undefined;
  if (!topic)
    throw badRequest(
      `トピック ${String(criteria ?? '')} は登録されていません（criteria には CapabilityStatement に載っているトピックの URL を指定します）`,
      `criteria '${String(criteria ?? '')}' is not a topic of this server (see the CapabilityStatement's subscriptiontopic-canonical extensions)`,
      ['Subscription.criteria'],
    );
  const filters = extensionsOf(input._criteria)
    .filter((e) => e.url === BACKPORT.filterCriteria)
    .map((e) => {
      if (typeof e.valueString !== 'string')
        throw badRequest('絞り込み条件は valueString です', 'filter criteria must be a valueString', ['Subscription.criteria.extension']);
      return checkFilter(e.valueString, topic, deps.registry);
    });
  const channel = input.channel;
  if (!isObject(channel)) throw badRequest('通知の方法（channel）がありません', 'Subscription.channel is required', ['Subscription.channel']);
  const type = channel.type;
  if (!CHANNELS.includes(type as ChannelType))
    throw badRequest(
      `通知の方法 ${String(type ?? '')} には対応していません（rest-hook, websocket）`,
      `channel type '${String(type ?? '')}' is not supported (rest-hook, websocket)`,
      ['Subscription.channel.type'],
    );
  const s = deps.settings;
  const spec: SubscriptionSpec = {
    topic: topic.url,
    filters,
    channel: type as ChannelType,
    endpoint: type === 'rest-hook' ? checkEndpoint(channel.endpoint, s.allowPrivateEndpoints) : undefined,
    headers: type === 'rest-hook' ? checkHeaders(channel.header) : [],
    content: checkContent(channel),
    heartbeatSeconds:
      whole(extension(channel, BACKPORT.heartbeatPeriod), 'valueUnsignedInt', 0, 86_400, 'ハートビートの間隔（秒）', 'Subscription.channel.extension') ||
      undefined,
    timeoutSeconds:
      whole(extension(channel, BACKPORT.timeout), 'valueUnsignedInt', 1, s.maxTimeoutSeconds, 'タイムアウト（秒）', 'Subscription.channel.extension') ??
      s.timeoutSeconds,
    maxCount:
      whole(extension(channel, BACKPORT.maxCount), 'valuePositiveInt', 1, s.maxMaxCount, '1通知あたりの件数', 'Subscription.channel.extension') ?? s.maxCount,
    clientStatus: typeof input.status === 'string' ? input.status : undefined,
  };
  if (input.end !== undefined) {
    const at = typeof input.end === 'string' ? Date.parse(input.end) : Number.NaN;
    if (Number.isNaN(at)) throw badRequest('end は日時です', 'Subscription.end must be an instant', ['Subscription.end']);
    spec.ends = new Date(at).toISOString();
  }
  const { error: _serverError, ...resource } = input;
  void _serverError;
  return { resource, spec };
}

/** What a row of `subscriptions` says about the channel (to tell whether a write asks for a new handshake). */
export interface ChannelState {
  status: SubscriptionStatus;
  channel: string;
  endpoint: string | null;
  headers: string[];
}

/**
 * The status the server gives a written Subscription: `off` when the client asks for it; a new start (rest-hook:
 * requested until the handshake succeeds; websocket: active) for a new subscription, one that was off or in error,
 * or one whose channel changed; otherwise the status it had.
 */
export function subscriptionStatus(spec: SubscriptionSpec, prev: ChannelState | undefined): SubscriptionStatus {
  if (spec.clientStatus === 'off') return 'off';
  const start: SubscriptionStatus = spec.channel === 'websocket' ? 'active' : 'requested';
  if (!prev || prev.status === 'off' || prev.status === 'error') return start;
  const same = prev.channel === spec.channel && (prev.endpoint ?? undefined) === spec.endpoint && prev.headers.join('\n') === spec.headers.join('\n');
  return same ? prev.status : start;
}
