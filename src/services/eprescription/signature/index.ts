/**
 * The prescriber signature of the e-prescription service (処方箋の電子署名, MISSION.md S2, issue 12).
 *
 * Format — a FHIR R4 `Bundle.signature` (one Signature) on the prescription Bundle (JP_Bundle_ePrescriptionData) or a
 * dispensing-result Bundle:
 *   type          urn:iso-astm:E1762-95:2013 | 1.2.840.10065.1.12.1.1 (Author's Signature)
 *   when          the signing time, equal to the JWS's sigT
 *   who           a reference to the signer (informative: the certificate says who signed)
 *   targetFormat  application/fhir+json;canonicalization=urn:tsunagu:canonicalization:rfc8785-without-signature
 *   sigFormat     application/jose
 *   data          base64 of a compact JWS with a detached payload (RFC 7515 Appendix F): `header..signature`
 * The payload is the canonical signed content: the Bundle without its top-level `signature` member (id, meta and
 * every entry included), canonicalised by RFC 8785 (JCS) and encoded as UTF-8 (canonical.ts has the exact rules).
 * The protected header carries alg (RS256 | ES256), typ JOSE, cty application/fhir+json, x5c (signer certificate
 * first), x5t#S256 and sigT (jws.ts). The national service signs its CDA/XML prescriptions with XAdES (ETSI TS 101
 * 903) over the prescription data, the signer certificate and the signed properties; this is the JSON counterpart
 * the JP FHIR document Bundle foresees (JP_Bundle_CCLIX: Bundle.signature 「JWT仕様」 over the document except the
 * signature element).
 *
 * Certificates — HPKI style (qualification.ts, holder.ts): the qualification as ISO/TS 17090 hcRole
 * (id-hcpki-at-healthcareactor 1.0.17090.0.1, coding scheme 1.2.392.100495.1.6.1.1) in subjectDirectoryAttributes;
 * the name in CN, the registration number (医籍登録番号 …) in serialNumber; keyUsage digitalSignature +
 * nonRepudiation; revocation by CRL. `createHpkiAuthority` is the test CA (files in a directory the operator gives).
 *
 * Seams — `PrescriberKey` (signer.ts): the prescriber's key, implemented by an HPKI card driver (local signing) or a
 * remote signing service holding the HPKIセカンド電子証明書; `localPrescriberKey` is the test key.
 * `PrescriberTrust` (trust.ts): the trusted HPKI CA certificates and their CRLs; the eligibility service's
 * `StaticTrustStore` implements it from PEM files.
 *
 * Verification — `verifyPrescriptionSignature(bundle, trust, { at, requiredRole })` (verify.ts) → the signer, or a
 * refusal with a code and the reason in Japanese and English (reasons.ts).
 */
export {
  HpkiAuthority,
  createHpkiAuthority,
  loadHpkiAuthority,
  type CreateHpkiAuthorityOptions,
  type HolderEntry,
  type IssuePrescriberOptions,
} from './authority.ts';
export { canonicalJson, canonicalSignedContent, signedContentOf, NonJsonValueError } from './canonical.ts';
export { CREDENTIAL_FORMAT, localPrescriberKey, readCredentialFile, writeCredentialFile, type PrescriberCredential } from './credential.ts';
export { holderFactsOf, REGISTRATION_NUMBER_ATTRIBUTE_OID, type HolderFacts } from './holder.ts';
export { ALLOWED_ALGORITHMS, type SignatureAlgorithm, type SignatureHeader } from './jws.ts';
export {
  DISPENSING_ROLES,
  HC_ACTOR_ATTRIBUTE_OID,
  JHPKI_CODING_SCHEME_OID,
  PRESCRIBING_ROLES,
  QUALIFICATIONS,
  SUBJECT_DIRECTORY_ATTRIBUTES_OID,
  hcRoleExtensionValue,
  hcRolesOf,
  roleOfHcRole,
  type QualificationRole,
} from './qualification.ts';
export type { SignatureFailure, SignatureRefusal } from './reasons.ts';
export {
  AUTHOR_SIGNATURE_TYPE,
  SIGNATURE_FORMAT,
  SIGNED_CONTENT_FORMAT,
  signPrescriptionBundle,
  type PrescriberKey,
  type SignOptions,
} from './signer.ts';
export { trustForAuthorities, trustFromDirectory, type PrescriberTrust, type TrustedCa } from './trust.ts';
export { verifyPrescriptionSignature, type SignatureVerification, type VerifiedSigner, type VerifyOptions } from './verify.ts';
