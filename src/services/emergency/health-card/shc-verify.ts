/**
 * Verifying an emergency summary card offline (救急用サマリーQRの検証): pure, no network — the issuer's key set is given.
 * Checks per the SMART Health Cards Framework (https://spec.smarthealth.cards/): header ES256 + zip DEF + a kid of the
 * JWKS (kid = RFC 7638 thumbprint of that key), the ES256 signature, raw-DEFLATE payload, `iss`, `nbf` (5 min skew),
 * `exp` when present ("Verifiers SHALL check the expiration, if present"), `vc.type` with the health-card type and a
 * Bundle. Runs in Node 20 and in the browser (DecompressionStream 'deflate-raw', jose on WebCrypto): no node: imports.
 */
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { fromNumericQr } from './shc-codec.ts';
import { HealthCardError } from './shc-error.ts';
import { summarizeBundle, type HealthCardSummary } from './shc-summary.ts';
import { HEALTH_CARD_TYPE } from './shc-types.ts';

export interface VerifiedHealthCard {
  issuer: string;
  issuedAt: Date;
  kid: string;
  types: string[];
  bundle: Record<string, unknown>;
  summary: HealthCardSummary;
}

const SKEW_MS = 5 * 60_000;
/** A card fits one QR (< 4 KB compressed); more than this inflated is not a card but a deflate bomb. */
const MAX_INFLATED = 1 << 20;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

const fail = (code: HealthCardError['code'], ja: string, en: string): never => {
  throw new HealthCardError(code, ja, en);
};

async function inflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_INFLATED) {
      await reader.cancel();
      throw new Error('inflated payload too large');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

async function keyFor(kid: unknown, jwks: { keys: JWK[] }): Promise<JWK> {
  if (typeof kid !== 'string' || !kid) return fail('unknown-key', 'ヘッダーに鍵ID (kid) がありません', 'the header has no kid');
  const jwk = (jwks.keys ?? []).find((k) => k.kid === kid);
  if (!jwk)
    return fail('unknown-key', `発行者の鍵一覧にない鍵で署名されています (kid ${kid})`, `the card is signed with a key not in the issuer's JWKS (kid ${kid})`);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || (jwk.alg && jwk.alg !== 'ES256') || (jwk.use && jwk.use !== 'sig')) {
    return fail('unknown-key', `鍵 ${kid} は ES256 (EC P-256) の署名鍵ではありません`, `key ${kid} is not an ES256 (EC P-256) signing key`);
  }
  const pub = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  if ((await calculateJwkThumbprint(pub, 'sha256')) !== kid) {
    return fail('unknown-key', `鍵 ${kid} の kid が鍵の指紋 (RFC 7638) と一致しません`, `key ${kid}: kid is not the key's RFC 7638 thumbprint`);
  }
  return pub;
}

/** Verifies a card (`shc:/…` or the compact JWS) against the issuer's key set; throws HealthCardError when refused. */
export async function verifyHealthCard(text: string, jwks: { keys: JWK[] }, opts: { issuer?: string; now?: Date } = {}): Promise<VerifiedHealthCard> {
  const cleaned = text.replace(/^\uFEFF/, '').replace(/\s+/g, '');
  const jws = /^shc:/i.test(cleaned) ? fromNumericQr(cleaned) : cleaned;
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) {
    fail('format', 'JWS(ヘッダー.ペイロード.署名)の形式ではありません', 'not a compact JWS (header.payload.signature)');
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return fail('format', 'JWS ヘッダーを読めません', 'the JWS header cannot be decoded');
  }
  if (header.alg !== 'ES256') fail('format', `署名方式が ES256 ではありません (${String(header.alg)})`, `alg must be ES256, not ${String(header.alg)}`);
  if (header.zip !== 'DEF') fail('format', 'ペイロードが DEFLATE 圧縮ではありません (zip: DEF がありません)', 'the header lacks zip: DEF');
  const kid = header.kid as string;
  const jwk = await keyFor(kid, jwks);

  let compressed: Uint8Array;
  try {
    compressed = (await compactVerify(jws, await importJWK(jwk, 'ES256'), { algorithms: ['ES256'] })).payload;
  } catch {
    return fail(
      'signature',
      '署名が正しくありません(改ざんされているか、別の鍵で署名されています)',
      'invalid signature: the card was altered or signed with another key',
    );
  }

  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await inflateRaw(compressed)));
  } catch {
    return fail('payload', 'ペイロードを展開できません(raw DEFLATE の JSON ではありません)', 'the payload is not raw-DEFLATE-compressed JSON');
  }
  if (!payload || typeof payload !== 'object') fail('payload', 'ペイロードが JSON オブジェクトではありません', 'the payload is not a JSON object');

  const iss = payload.iss;
  if (typeof iss !== 'string' || !iss) return fail('payload', '発行者 (iss) がありません', 'the payload has no iss');
  if (opts.issuer !== undefined && iss !== opts.issuer) {
    fail('issuer', `発行者が違います: ${iss}(期待: ${opts.issuer})`, `issuer ${iss} is not the expected ${opts.issuer}`);
  }
  const nbf = payload.nbf;
  if (typeof nbf !== 'number' || !Number.isFinite(nbf)) return fail('payload', '発行日時 (nbf) がありません', 'the payload has no numeric nbf');
  const now = (opts.now ?? new Date()).getTime();
  if (nbf * 1000 > now + SKEW_MS) {
    fail('not-yet-valid', `発行日時が未来です (${new Date(nbf * 1000).toISOString()})`, `the card is not valid before ${new Date(nbf * 1000).toISOString()}`);
  }
  if (payload.exp !== undefined) {
    if (typeof payload.exp !== 'number') fail('payload', '有効期限 (exp) が数値ではありません', 'exp is not a number');
    if ((payload.exp as number) * 1000 < now)
      fail('expired', '有効期限が切れています', `the card expired at ${new Date((payload.exp as number) * 1000).toISOString()}`);
  }
  const vc = (payload.vc ?? {}) as { type?: unknown; credentialSubject?: { fhirBundle?: unknown } };
  const types = Array.isArray(vc.type) ? vc.type.filter((t): t is string => typeof t === 'string') : [];
  if (!types.includes(HEALTH_CARD_TYPE)) fail('payload', 'SMART Health Card の種類 (vc.type) がありません', `vc.type lacks ${HEALTH_CARD_TYPE}`);
  const bundle = vc.credentialSubject?.fhirBundle as Record<string, unknown> | undefined;
  if (!bundle || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle') {
    fail('payload', 'FHIR Bundle (credentialSubject.fhirBundle) がありません', 'vc.credentialSubject.fhirBundle is not a FHIR Bundle');
  }
  const b = bundle as Record<string, unknown>;
  return { issuer: iss, issuedAt: new Date(nbf * 1000), kid, types, bundle: b, summary: summarizeBundle(b) };
}
