/**
 * Shift_JIS encoding for the レセ電 claim file (内容を表現する文字の符号: JIS X 0201 英数・カナ and JIS X 0208 漢字, 「オンライン又は
 * 光ディスク等による請求に係る記録条件仕様（医科用）」). The reverse table is derived once, lazily, from Node's own
 * Shift_JIS decoder; vendor extensions (NEC 13区 ①…, IBM 拡張漢字) and 外字 are refused as the specification allows none.
 */
import { OutputError } from './errors.ts';

/** Unicode → Shift_JIS: 0 = not encodable; 0x100|b = one byte b; otherwise lead << 8 | trail. */
let table: Uint16Array | undefined;

/** Lead bytes of JIS X 0208 rows 1–8 and 16–84 (row 13 and 85+ are vendor extensions). */
const LEADS: [number, number][] = [
  [0x81, 0x84],
  [0x88, 0x9f],
  [0xe0, 0xea],
];

/**
 * Characters that look alike and that Node's (WHATWG) decoder maps elsewhere: 〜 − ‖ ¢ £ ¬ as JIS X 0208 writes them
 * (the decoder answers ～ － ∥ ￠ ￡ ￢ for the same bytes).
 */
const ALIASES: [string, string][] = [
  ['\u301c', '\uff5e'],
  ['\u2212', '\uff0d'],
  ['\u2016', '\u2225'],
  ['\u00a2', '\uffe0'],
  ['\u00a3', '\uffe1'],
  ['\u00ac', '\uffe2'],
];

function reverseTable(): Uint16Array {
  if (table) return table;
  const t = new Uint16Array(0x10000);
  for (let b = 0; b < 0x80; b++) t[b] = 0x100 | b;
  for (let b = 0xa1; b <= 0xdf; b++) t[0xff61 + b - 0xa1] = 0x100 | b;
  const decoder = new TextDecoder('shift_jis');
  const pair = new Uint8Array(2);
  for (const [first, last] of LEADS) {
    for (let lead = first; lead <= last; lead++) {
      for (let trail = 0x40; trail <= 0xfc; trail++) {
        if (trail === 0x7f) continue;
        pair[0] = lead;
        pair[1] = trail;
        const ch = decoder.decode(pair);
        if (ch.length !== 1 || ch === '\ufffd') continue;
        const u = ch.charCodeAt(0);
        if (t[u] === 0) t[u] = (lead << 8) | trail;
      }
    }
  }
  for (const [from, to] of ALIASES) t[from.charCodeAt(0)] = t[to.charCodeAt(0)];
  table = t;
  return t;
}

/** The code of each character of `text`, or an error naming `field` and the first character it cannot hold. */
function codes(text: string, field: string): Uint16Array {
  const t = reverseTable();
  const out = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    const c = t[u];
    if (c === 0) {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? u);
      const hex = (text.codePointAt(i) ?? u).toString(16).toUpperCase().padStart(4, '0');
      throw new OutputError(
        `「${field}」の文字「${ch}」(U+${hex}) は Shift_JIS（JIS X 0201/0208）で表せません`,
        `character U+${hex} of ${field} cannot be encoded in Shift_JIS`,
        field,
      );
    }
    out[i] = c;
  }
  return out;
}

/** Bytes `text` takes in Shift_JIS (throws as encodeShiftJis does). */
export function shiftJisLength(text: string, field = 'text'): number {
  let n = 0;
  for (const c of codes(text, field)) n += c < 0x200 ? 1 : 2;
  return n;
}

/** `text` as Shift_JIS bytes; a character outside JIS X 0201/0208 throws an OutputError naming `field`. */
export function encodeShiftJis(text: string, field = 'text'): Uint8Array {
  const cs = codes(text, field);
  let n = 0;
  for (const c of cs) n += c < 0x200 ? 1 : 2;
  const out = new Uint8Array(n);
  let j = 0;
  for (const c of cs) {
    if (c < 0x200) out[j++] = c & 0xff;
    else {
      out[j++] = c >> 8;
      out[j++] = c & 0xff;
    }
  }
  return out;
}
