/** The demo world's secrets, new for every world: staff passwords and card PINs (printed, never in the code). */
import { randomInt } from 'node:crypto';

/** Letters and digits that cannot be misread on a printout (no 0/O, 1/l/I). */
const LETTERS = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

const pick = (alphabet: string) => alphabet[randomInt(alphabet.length)];

/** A password of `length` (≥ 10) letters and digits, with at least two of each (the staff account rule wants one). */
export function demoPassword(length = 12): string {
  const chars = [pick(LETTERS), pick(LETTERS), pick(DIGITS), pick(DIGITS)];
  while (chars.length < length) chars.push(pick(LETTERS + DIGITS));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

/** A 4-digit card PIN that is not trivially guessed (no 1234-like runs, no digit repeated four times, not 0000). */
export function demoPin(): string {
  for (;;) {
    const pin = String(randomInt(10_000)).padStart(4, '0');
    const d = [...pin].map(Number);
    const run = d.every((x, i) => i === 0 || x === d[i - 1] + 1) || d.every((x, i) => i === 0 || x === d[i - 1] - 1);
    if (!run && new Set(d).size > 1) return pin;
  }
}
