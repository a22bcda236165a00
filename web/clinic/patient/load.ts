/**
 * The reads of the patient page, each on its own (a refusal or failure of one leaves the others shown), re-run by
 * 再読み込み. `useRead(key, fetcher)` keeps the answer of the latest run only.
 */
import { useCallback, useEffect, useState } from 'react';

export type Read<T> = { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: unknown } | { status: 'skipped' };

/** Runs `fetcher` whenever `key` changes (undefined: skipped); `reload()` runs it again. */
export function useRead<T>(key: string | undefined, fetcher: () => Promise<T>): [Read<T>, () => void] {
  const [round, setRound] = useState(0);
  const [state, setState] = useState<Read<T>>(key === undefined ? { status: 'skipped' } : { status: 'loading' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: the fetcher is re-created each render; key and round decide
  useEffect(() => {
    if (key === undefined) {
      setState({ status: 'skipped' });
      return;
    }
    let live = true;
    setState({ status: 'loading' });
    fetcher().then(
      (data) => live && setState({ status: 'ok', data }),
      (error: unknown) => live && setState({ status: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return [state, reload];
}
