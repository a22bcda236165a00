/**
 * The few DER (ITU-T X.690 Distinguished Encoding Rules) pieces the HPKI qualification attribute needs: writing and
 * reading TLVs, OBJECT IDENTIFIERs, UTF8Strings, SETs, SEQUENCEs and EXPLICIT context tags. The eligibility service
 * has a reader of its own (reception/card/der.ts) that its entry point does not export; this one also writes.
 */

export const Tag = {
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  sequence: 0x30,
  set: 0x31,
  /** [n] EXPLICIT, constructed context-specific class. */
  context: (n: number) => 0xa0 | n,
} as const;

/** One TLV: the tag, and where its value starts and ends in the buffer. */
export interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** A TLV with `tag` around `content`. */
export function encode(tag: number, content: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, ...lengthOctets(content.length), ...content]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return encode(Tag.sequence, concat(items));
}

/** SET OF: DER orders the encoded elements as octet strings (X.690 §11.6). */
export function set(...items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  });
  return encode(Tag.set, concat(sorted));
}

export function explicit(n: number, inner: Uint8Array): Uint8Array {
  return encode(Tag.context(n), inner);
}

export function utf8String(text: string): Uint8Array {
  return encode(Tag.utf8String, new TextEncoder().encode(text));
}

/** OBJECT IDENTIFIER from dotted text (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`bad OID ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2 || arcs[0] > 2n) throw new RangeError(`bad OID ${dotted}`);
  const values = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  const bytes: number[] = [];
  for (const v of values) {
    const group: number[] = [];
    let x = v;
    do {
      group.unshift(Number(x & 0x7fn));
      x >>= 7n;
    } while (x > 0n);
    for (let i = 0; i < group.length - 1; i++) group[i] |= 0x80;
    bytes.push(...group);
  }
  return encode(Tag.oid, Uint8Array.from(bytes));
}

/** Reads the TLV at `off` (definite lengths only, as DER requires). Throws RangeError on malformed input. */
export function readTlv(buf: Uint8Array, off: number, limit: number = buf.length): Tlv {
  if (off + 2 > limit) throw new RangeError('truncated DER');
  const tag = buf[off];
  let len = buf[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new RangeError('unsupported DER length');
    if (p + n > limit) throw new RangeError('truncated DER');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
  }
  if (p + len > limit) throw new RangeError('truncated DER');
  return { tag, start: p, end: p + len };
}

/** The TLVs inside a constructed TLV. */
export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = parent.start; off < parent.end; ) {
    const t = readTlv(buf, off, parent.end);
    out.push(t);
    off = t.end;
  }
  return out;
}

/** Dotted text of an OBJECT IDENTIFIER TLV. */
export function readOid(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== Tag.oid || t.end === t.start) throw new RangeError('not an OBJECT IDENTIFIER');
  const values: bigint[] = [];
  let v = 0n;
  for (let i = t.start; i < t.end; i++) {
    v = (v << 7n) | BigInt(buf[i] & 0x7f);
    if (!(buf[i] & 0x80)) {
      values.push(v);
      v = 0n;
    }
  }
  if (buf[t.end - 1] & 0x80) throw new RangeError('truncated OBJECT IDENTIFIER');
  const first = values[0];
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...values.slice(1)].join('.');
}

/** The text of a UTF8String or PrintableString TLV (the DirectoryString choices HPKI uses). */
export function readString(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== Tag.utf8String && t.tag !== Tag.printableString) throw new RangeError('not a UTF8String or PrintableString');
  return new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(t.start, t.end));
}
