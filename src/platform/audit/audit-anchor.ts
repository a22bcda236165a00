/**
 * Signed checkpoints of the audit chain heads (監査ログのアンカー), one line each in a file outside the database:
 *
 *   {"v":1,"n":7,"at":"2025-06-01T03:00:10.000Z","prev":"<sig of line 6>","heads":[[0,120,"<head>"],…],"sig":"<sig>"}
 *
 * `heads` holds every chain as [chain, seq, head hash (hex)]. `behind` (only when not empty) lists the chains the
 * writer found gone back since the line before — [chain, seq anchored there, head seq now or null when the chain
 * is gone]: the event at that seq was removed or no longer carries the anchored hash. `sig` = HMAC-SHA256(anchor
 * key, the line without its `,"sig":…` member), anchor key = HMAC-SHA256(audit key, "tsunagu-audit-anchor/1"):
 * someone who can edit the database but not read the key file cannot write a line. `prev` (the previous line's
 * sig; 64 zeros on line 1) and `n` chain the lines, so a removed or reordered line is seen.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditKey } from './audit-key.ts';

/** One chain head: its seq (events so far) and head hash in hex. */
export interface AnchoredHead {
  chain: number;
  seq: number;
  head: string;
}

/** A chain found gone back since the line before: `seq` was anchored there; `now` is the head seq (null: no chain). */
export interface BehindHead {
  chain: number;
  seq: number;
  now: number | null;
}

export interface Anchor {
  /** Line number within its file's sequence, from 1. */
  n: number;
  /** When the heads were read (ISO 8601). */
  at: string;
  prev: string;
  heads: AnchoredHead[];
  behind: BehindHead[];
  sig: string;
}

/** `prev` of the first line of a file. */
export const FIRST_PREV = '0'.repeat(64);

const HEX64 = /^[0-9a-f]{64}$/;
const LINE = /^(\{.*),"sig":"([0-9a-f]{64})"\}$/;

const anchorKeys = new WeakMap<AuditKey, Buffer>();

function anchorKey(key: AuditKey): Buffer {
  let k = anchorKeys.get(key);
  if (!k) anchorKeys.set(key, (k = createHmac('sha256', key.key).update('tsunagu-audit-anchor/1').digest()));
  return k;
}

const sign = (key: AuditKey, body: string) => createHmac('sha256', anchorKey(key)).update(body).digest();

/** The signed line (without newline) for a checkpoint. */
export function formatAnchor(key: AuditKey, a: Omit<Anchor, 'sig'>): { line: string; anchor: Anchor } {
  const body = JSON.stringify({
    v: 1,
    n: a.n,
    at: a.at,
    prev: a.prev,
    heads: a.heads.map((h) => [h.chain, h.seq, h.head]),
    ...(a.behind.length ? { behind: a.behind.map((b) => [b.chain, b.seq, b.now]) } : {}),
  });
  const sig = sign(key, body).toString('hex');
  return { line: `${body.slice(0, -1)},"sig":"${sig}"}`, anchor: { ...a, sig } };
}

/** The `n` and `sig` a line claims, signed or not: where the next line chains on. */
export function lineLink(line: string): { n: number; sig: string } | undefined {
  const m = LINE.exec(line);
  const n = m && /^\{"v":1,"n":(\d{1,15}),/.exec(m[1]);
  return m && n ? { n: Number(n[1]), sig: m[2] } : undefined;
}

export type ParsedAnchor = { ok: true; anchor: Anchor } | { ok: false; reason: string };

/** Checks a line's signature and shape. */
export function parseAnchor(key: AuditKey, line: string): ParsedAnchor {
  const m = LINE.exec(line);
  if (!m) return { ok: false, reason: 'not an anchor line' };
  const body = `${m[1]}}`;
  if (!timingSafeEqual(sign(key, body), Buffer.from(m[2], 'hex'))) return { ok: false, reason: 'signature does not verify' };
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const o = v as { v?: unknown; n?: unknown; at?: unknown; prev?: unknown; heads?: unknown; behind?: unknown };
  const count = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  const heads = Array.isArray(o.heads) ? o.heads : undefined;
  const behind = o.behind === undefined ? [] : Array.isArray(o.behind) ? o.behind : undefined;
  const good =
    o.v === 1 &&
    count(o.n) &&
    (o.n as number) >= 1 &&
    typeof o.at === 'string' &&
    !Number.isNaN(Date.parse(o.at)) &&
    typeof o.prev === 'string' &&
    HEX64.test(o.prev) &&
    heads?.every((h) => Array.isArray(h) && h.length === 3 && count(h[0]) && count(h[1]) && typeof h[2] === 'string' && HEX64.test(h[2])) &&
    behind?.every((b) => Array.isArray(b) && b.length === 3 && count(b[0]) && count(b[1]) && (b[2] === null || count(b[2])));
  if (!good) return { ok: false, reason: 'signed, but not a version 1 anchor' };
  return {
    ok: true,
    anchor: {
      n: o.n as number,
      at: o.at as string,
      prev: o.prev as string,
      heads: (heads as [number, number, string][]).map(([chain, seq, head]) => ({ chain, seq, head })),
      behind: (behind as [number, number, number | null][]).map(([chain, seq, now]) => ({ chain, seq, now })),
      sig: m[2],
    },
  };
}

/** Whether two sets of heads are the same (same chains, seqs and hashes). */
export function sameHeads(a: AnchoredHead[], b: AnchoredHead[]): boolean {
  if (a.length !== b.length) return false;
  const byChain = new Map(a.map((h) => [h.chain, h]));
  return b.every((h) => {
    const o = byChain.get(h.chain);
    return o !== undefined && o.seq === h.seq && o.head === h.head;
  });
}
