/**
 * The prescriber of a prescription: the HPKI signature's verified signer (qualification 医師 or 歯科医師 in the
 * certificate), who must be the Practitioner the document names when it gives a 医籍登録番号 / 歯科医籍登録番号
 * (qualification identifier urn:oid:1.2.392.100495.20.3.31) and the certificate carries one.
 */
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { PRESCRIBING_ROLES, verifyPrescriptionSignature, type VerifiedSigner } from '../signature/index.ts';
import { type Entry, type Json, entriesOf, resolve, str } from './document-entries.ts';

export const LICENSE_NUMBER_SYSTEM = 'urn:oid:1.2.392.100495.20.3.31';

export interface Prescriber {
  name: string;
  role: string;
  registrationNumber?: string;
  certificateSerial?: string;
  /** SHA-256 of the signer certificate (the remote signer binds a signed-in prescriber to it). */
  certificateFingerprint?: string;
  signed: boolean;
}

/** The author Practitioner of the document and its license number. */
export function authorPractitioner(entries: Entry[]): { name?: string; license?: string } {
  const composition = entries[0]?.resource;
  const authors = ((composition?.author as unknown[] | undefined) ?? []).map((a) => resolve(entries, a));
  const role = authors.find((e) => e?.resource.resourceType === 'PractitionerRole');
  const practitioner =
    authors.find((e) => e?.resource.resourceType === 'Practitioner') ?? resolve(entries, role?.resource.practitioner) ?? entriesOf(entries, 'Practitioner')[0];
  const r = practitioner?.resource;
  const names = (r?.name as { text?: string; family?: string; given?: string[] }[] | undefined) ?? [];
  const name = str(names[0]?.text) ?? str([names[0]?.family, ...(names[0]?.given ?? [])].filter(Boolean).join(' '));
  const quals = (r?.qualification as { identifier?: { system?: string; value?: string }[] }[] | undefined) ?? [];
  const license = quals.flatMap((q) => q.identifier ?? []).find((i) => i.system === LICENSE_NUMBER_SYSTEM)?.value;
  return { name, license: str(license) };
}

const signatureRefusal = (ja: string, en: string) => FhirError.of(422, 'security', ja, en, ['Bundle.signature']);

export async function verifiedPrescriber(rt: EprescriptionRuntime, bundle: Json, entries: Entry[], at: Date): Promise<Prescriber> {
  if (!rt.trust)
    throw FhirError.of(
      422,
      'not-supported',
      '電子署名を検証する HPKI 認証局が設定されていません。運用者に TSUNAGU_HPKI_TRUST_DIR の設定を依頼してください',
      'no trusted HPKI CA is configured to verify prescriber signatures (TSUNAGU_HPKI_TRUST_DIR)',
    );
  const v = await verifyPrescriptionSignature(bundle, rt.trust, { at, requiredRole: PRESCRIBING_ROLES, requireCurrentRevocationData: rt.requireCurrentCrl });
  if (!v.ok) throw signatureRefusal(`処方箋の電子署名を受け付けられません: ${v.ja}`, `the prescription's signature is refused (${v.code}): ${v.en}`);
  const signer: VerifiedSigner = v.signer;
  const author = authorPractitioner(entries);
  if (author.license && signer.registrationNumber && author.license.normalize('NFKC') !== signer.registrationNumber.normalize('NFKC'))
    throw signatureRefusal(
      `署名者（登録番号 ${signer.registrationNumber}）と処方箋の処方医（登録番号 ${author.license}）が一致しません`,
      `the signer (registration ${signer.registrationNumber}) is not the prescribing practitioner (registration ${author.license})`,
    );
  return {
    name: signer.name,
    role: signer.role,
    registrationNumber: signer.registrationNumber,
    certificateSerial: signer.serial,
    certificateFingerprint: signer.fingerprint,
    signed: true,
  };
}
