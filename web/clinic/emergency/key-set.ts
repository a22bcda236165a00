/**
 * The platform's health-card key set (`/shc/.well-known/jwks.json`), kept in the browser (localStorage) whenever the app
 * is online, so a card verifies later with no network. The issuer is this server's `/shc`.
 */
const STORE = 'tsunagu.shc.jwks';

export interface KeySet {
  issuer: string;
  keys: Record<string, unknown>[];
  /** When it was fetched (ISO). */
  fetchedAt: string;
}

export function cachedKeySet(): KeySet | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(STORE) ?? 'null') as KeySet | null;
    return v && Array.isArray(v.keys) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Fetches the key set and keeps it; undefined when offline (the kept one stays). */
export async function refreshKeySet(): Promise<KeySet | undefined> {
  try {
    const res = await fetch('/shc/.well-known/jwks.json', { cache: 'no-store' });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { keys?: Record<string, unknown>[] };
    if (!Array.isArray(body.keys)) return undefined;
    const set: KeySet = { issuer: `${location.origin}/shc`, keys: body.keys, fetchedAt: new Date().toISOString() };
    localStorage.setItem(STORE, JSON.stringify(set));
    return set;
  } catch {
    return undefined;
  }
}
