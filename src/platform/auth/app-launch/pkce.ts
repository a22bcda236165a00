/** PKCE (RFC 7636): only S256; a verifier is 43–128 unreserved characters. */
import { createHash, timingSafeEqual } from 'node:crypto';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** base64url of a SHA-256 digest: 43 characters. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export const isCodeChallenge = (v: string | undefined): v is string => v !== undefined && CHALLENGE.test(v);

export const challengeOf = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

export function verifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (!verifier || !VERIFIER.test(verifier)) return false;
  return timingSafeEqual(Buffer.from(challengeOf(verifier)), Buffer.from(challenge));
}
