/**
 * The few certificate facts Node's X509Certificate does not expose, read straight from the DER: the KeyUsage
 * bits. Path building runs on the first verification of every card (at reception nearly every card is new to a
 * node), so it avoids a full ASN.1 object model: a minimal TLV walk to the extensions is enough.
 */

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function tlv(buf: Uint8Array, off: number, limit: number): Tlv {
  if (off + 2 > limit) throw new RangeError('truncated DER');
  const tag = buf[off];
  let len = buf[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new RangeError('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
  }
  if (p + len > limit) throw new RangeError('truncated DER');
  return { tag, start: p, end: p + len };
}

function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = parent.start; off < parent.end; ) {
    const t = tlv(buf, off, parent.end);
    out.push(t);
    off = t.end;
  }
  return out;
}

const KEY_USAGE_OID = [0x55, 0x1d, 0x0f];

/** KeyUsage flags as RFC 5280 numbers them (bit 0 = the most significant bit of the first byte). */
export const KeyUsageBit = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

/**
 * The KeyUsage extension of a certificate as a predicate over bit numbers, or null when the certificate has
 * no KeyUsage extension. Throws RangeError on malformed DER.
 */
export function keyUsageOf(der: Uint8Array): ((bit: number) => boolean) | null {
  const cert = tlv(der, 0, der.length);
  const tbs = children(der, cert)[0];
  for (const part of children(der, tbs)) {
    if (part.tag !== 0xa3) continue;
    const list = children(der, part)[0];
    for (const ext of children(der, list)) {
      const fields = children(der, ext);
      const oid = fields[0];
      if (oid.tag !== 0x06 || oid.end - oid.start !== 3 || KEY_USAGE_OID.some((b, i) => der[oid.start + i] !== b)) continue;
      const value = fields[fields.length - 1];
      const bits = tlv(der, value.start, value.end);
      if (bits.tag !== 0x03) throw new RangeError('KeyUsage is not a BIT STRING');
      const bytes = der.subarray(bits.start + 1, bits.end);
      return (bit: number) => bit >> 3 < bytes.length && (bytes[bit >> 3] & (0x80 >> (bit & 7))) !== 0;
    }
  }
  return null;
}
