/**
 * The service's receipt of a dispensing result (調剤結果の受付証): a compact JWS (ES256, `typ: tsunagu-receipt+jws`)
 * over `{ type, dispensing, prescription, pharmacy, use, dispensedOn, state, version, issuedAt, lines, resultSha256 }`.
 * Read here, and its signature checked with WebCrypto against the service's keys at `/eprescription/jwks` (an ES256
 * JWS signature is the raw r‖s WebCrypto's ECDSA verifies) — no library, nothing in the app's initial JS.
 */
import { json } from '../../shared/api.ts';

export interface ReceiptLine {
  line: number;
  system: string;
  code: string;
  name: string;
  quantity: number;
  unit: string;
  substituted: boolean;
}

export interface Receipt {
  dispensing: string;
  prescription: string;
  pharmacy: string;
  use: number;
  dispensedOn: string;
  state: string;
  version: number;
  issuedAt: string;
  lines: ReceiptLine[];
  resultSha256: string;
}

export type ReceiptCheck = 'valid' | 'invalid' | 'unknown-key' | 'unavailable';

const RECEIPT_TYPE = 'tsunagu-receipt+jws';

function base64urlBytes(s: string): Uint8Array<ArrayBuffer> {
  const b = atob(
    s
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(s.length / 4) * 4, '='),
  );
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

const decodeJson = (s: string): Record<string, unknown> => JSON.parse(new TextDecoder().decode(base64urlBytes(s))) as Record<string, unknown>;

/** The receipt's content (undefined when it is not a receipt JWS). */
export function readReceipt(jws: string): Receipt | undefined {
  const [h, p] = jws.split('.');
  try {
    if (decodeJson(h).typ !== RECEIPT_TYPE) return undefined;
    return decodeJson(p) as unknown as Receipt;
  } catch {
    return undefined;
  }
}

interface Jwks {
  keys?: (JsonWebKey & { kid?: string })[];
}
let keys: Promise<Jwks> | undefined;

/** Whether the receipt's signature verifies against the service's published key of its `kid`. */
export async function checkReceipt(jws: string): Promise<ReceiptCheck> {
  const [h, p, s] = jws.split('.');
  if (!h || !p || !s || !crypto.subtle) return 'unavailable';
  let kid: unknown;
  try {
    const header = decodeJson(h);
    if (header.alg !== 'ES256' || header.typ !== RECEIPT_TYPE) return 'invalid';
    kid = header.kid;
  } catch {
    return 'invalid';
  }
  keys ??= json<Jwks>('/eprescription/jwks').catch((e) => {
    keys = undefined;
    throw e;
  });
  let jwks: Jwks;
  try {
    jwks = await keys;
  } catch {
    return 'unavailable';
  }
  const jwk = jwks.keys?.find((k) => k.kid === kid);
  if (!jwk) return 'unknown-key';
  try {
    const { kid: _kid, ...plain } = jwk;
    const key = await crypto.subtle.importKey('jwk', plain, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, base64urlBytes(s), new TextEncoder().encode(`${h}.${p}`));
    return ok ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}
