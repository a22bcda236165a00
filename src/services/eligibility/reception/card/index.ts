/**
 * Virtual My Number card test PKI (stands in for JPKI's 利用者証明用電子証明書) and the platform-side
 * verifier. Seams for a real deployment: `TrustStore` (J-LIS CA certificates and revocation data) and
 * `CardReader` (the physical reader driver); `ChallengeStore` (replay guard storage).
 */
export { CARD_KEY_TYPES, type CardKeyType } from './algorithms.ts';
export {
  CardAuthority,
  createCardAuthority,
  loadCardAuthority,
  type CreateCardAuthorityOptions,
  type IssuedEntry,
  type RevokedEntry,
} from './authority.ts';
export { Card, type CardAssertion, type CardFailure, type CardRefusal, type HolderProof, type SignResult } from './card.ts';
export { ADMIN_TRIES, PIN_TRIES, readCardFile, type CardFile } from './card-file.ts';
export {
  CHALLENGE_CONTEXT,
  ChallengeIssuer,
  InMemoryChallengeStore,
  challengeSigningInput,
  type ChallengeFailure,
  type ChallengeIssuerOptions,
  type ChallengeRedemption,
  type ChallengeStore,
  type IssuedChallenge,
} from './challenge.ts';
export { issueCard, renewCard, type IssueCardOptions, type IssuedCard, type RenewCardOptions, type RenewedCard } from './issue.ts';
export { SimulatedCardReader, type CardReader } from './reader.ts';
export { REVOCATION_REASONS, type RevocationReason } from './revocation.ts';
export { StaticTrustStore, type CaCertificate, type RevocationEntry, type TrustStore } from './trust-store.ts';
export { CardVerifier, type CardVerification, type CardVerificationFailure, type CardVerifierOptions, type VerifiedCard } from './verifier.ts';
