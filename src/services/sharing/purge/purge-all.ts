/** Everything the service erases on time: items past their retention, letters past their erasure date, check-ups after 5 years. */
import { purgeExpiredCheckups } from '../checkups/purge.ts';
import { purgeLetters } from '../letters/index.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { purgeExpired } from './purge.ts';

export async function purgeAll(rt: SharingRuntime): Promise<{ purged: number; erasedLetters: number; purgedCheckups: number }> {
  const { purged } = await purgeExpired(rt);
  const { erased } = await purgeLetters(rt);
  const checkups = await purgeExpiredCheckups(rt);
  return { purged, erasedLetters: erased, purgedCheckups: checkups.purged };
}
