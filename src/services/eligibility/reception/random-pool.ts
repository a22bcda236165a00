/**
 * Random bytes from a pooled buffer refilled 4 KiB at a time: one getrandom system call per hundreds of
 * challenges instead of one each (system calls are what a busy reception node spends its time on).
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let offset = pool.length;

/** `n` fresh random bytes (a copy; never handed out twice). */
export function randomPooled(n: number): Buffer {
  if (n > pool.length) return randomFillSync(Buffer.alloc(n));
  if (offset + n > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
