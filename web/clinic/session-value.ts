/**
 * A value of the clinic app kept in sessionStorage under the app's data key (auth.ts forgets `<key>.data.*` at
 * sign-out): read through `parse` (an unreadable value reads as the fallback), written whole, and watched by React
 * components with `use()`. Private browsing without storage keeps it in memory for the page.
 */
import { useSyncExternalStore } from 'react';

export interface SessionValue<T> {
  get(): T;
  set(value: T | undefined): void;
  /** The value, re-rendering when it changes. */
  use(): T;
}

export function sessionValue<T>(name: string, parse: (raw: unknown) => T | undefined, fallback: T): SessionValue<T> {
  const key = `tsunagu.tsunagu-clinic.data.${name}`;
  const listeners = new Set<() => void>();
  let cached: { raw: string | null; value: T } = { raw: null, value: fallback };
  const get = (): T => {
    let raw: string | null;
    try {
      raw = sessionStorage.getItem(key);
    } catch {
      return cached.value;
    }
    if (raw === cached.raw) return cached.value;
    let value: T = fallback;
    try {
      value = raw ? (parse(JSON.parse(raw)) ?? fallback) : fallback;
    } catch {
      value = fallback;
    }
    cached = { raw, value };
    return value;
  };
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return {
    get,
    set(value) {
      try {
        if (value === undefined) sessionStorage.removeItem(key);
        else sessionStorage.setItem(key, JSON.stringify(value));
      } catch {
        cached = { raw: null, value: value ?? fallback };
      }
      for (const l of listeners) l();
    },
    use: () => useSyncExternalStore(subscribe, get, () => fallback),
  };
}
