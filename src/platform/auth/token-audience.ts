/**
 * The origins (`scheme://host[:port]`) this server answers under — the accepted audiences of client assertions
 * (`<origin>/auth/token`) and the base of the URLs in the SMART discovery document. They come from configuration
 * (TSUNAGU_PUBLIC_URL) when it is set, otherwise from the addresses the server is bound to; never from the request's
 * Host header, which the caller chooses (an assertion made for another server would otherwise be accepted here).
 * Behind a proxy or under a DNS name, set TSUNAGU_PUBLIC_URL.
 */
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export interface OriginSource {
  /** TSUNAGU_PUBLIC_URL: when set, the only origin. */
  publicUrl?: string;
  /** Addresses the server listens on (empty when it does not listen: in-process requests). */
  bound: AddressInfo[];
  /** The configured port, used when the server does not listen. */
  port: number;
  https?: boolean;
  /** The machine's interfaces and name (for a wildcard bind); read from the OS when not given. */
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
  hostname?: string;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const isWildcard = (address: string) => address === '0.0.0.0' || address === '::' || address === '';
const isLoopback = (address: string) => address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1';
const hostOf = (address: string) => (address.includes(':') ? `[${address}]` : address);

/** TSUNAGU_PUBLIC_URL without a trailing slash. */
export function normalizePublicUrl(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '');
}

/** Every origin clients may name; the first is the one to publish (discovery document, `tsunagu serve`). */
export function serverOrigins(src: OriginSource): string[] {
  if (src.publicUrl) return [normalizePublicUrl(src.publicUrl)];
  const scheme = src.https ? 'https' : 'http';
  const bound = src.bound.length ? src.bound : [{ address: '127.0.0.1', port: src.port, family: 'IPv4' }];
  const origins = new Set<string>();
  const add = (host: string, port: number) => {
    origins.add(`${scheme}://${host}:${port}`);
    // A default port may be left out of the URL.
    if (port === (src.https ? 443 : 80)) origins.add(`${scheme}://${host}`);
  };
  // Loopback names first: `localhost` is what a local client (and `tsunagu serve`'s banner) uses.
  for (const b of bound) if (isWildcard(b.address) || isLoopback(b.address)) for (const name of LOOPBACK_NAMES) add(name, b.port);
  for (const b of bound) {
    if (!isWildcard(b.address)) {
      add(hostOf(b.address), b.port);
      continue;
    }
    add(src.hostname ?? hostname(), b.port);
    for (const list of Object.values(src.interfaces ?? networkInterfaces()))
      for (const i of list ?? []) {
        // A link-local IPv6 address needs its zone in a URL; nobody names those in an audience.
        if (i.family === 'IPv6' && i.scopeid) continue;
        add(hostOf(i.address), b.port);
      }
  }
  return [...origins];
}
