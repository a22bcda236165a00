/**
 * What a prescriber certificate says about its holder (証明書の記載事項): the name (subject CN), the registration
 * number (subject serialNumber, 2.5.4.5 — 医籍登録番号, 歯科医籍登録番号 or 薬剤師名簿登録番号), the hcRole
 * qualifications, and whether its key usage allows signing documents.
 *
 * Carrying the registration number in serialNumber is this project's choice: the HPKI CP's subject profile could not
 * be checked here (NOT VERIFIED against a real HPKI certificate). The lifecycle compares it with the prescription's
 * Practitioner.qualification identifier (system urn:oid:1.2.392.100495.20.3.31 for 医籍登録番号 in the
 * jp-ePrescriptionData examples).
 */
import { roleOfHcRole, hcRolesOf, SUBJECT_DIRECTORY_ATTRIBUTES_OID, type QualificationRole } from './qualification.ts';
import { x509 } from './x509.ts';

export const REGISTRATION_NUMBER_ATTRIBUTE_OID = '2.5.4.5';

export interface HolderFacts {
  name: string;
  registrationNumber?: string;
  /** hcRole texts as written in the certificate. */
  hcRoles: string[];
  /** The known qualifications among them. */
  roles: QualificationRole[];
  /** keyUsage has digitalSignature or nonRepudiation (contentCommitment), and the certificate is not a CA. */
  signingUsage: boolean;
}

/** Reads the holder facts of a certificate. Throws on malformed DER or a malformed hcRole extension. */
export function holderFactsOf(der: Uint8Array): HolderFacts {
  const cert = new x509.X509Certificate(der);
  const name = cert.subjectName.getField('CN')[0] ?? '';
  const registrationNumber = cert.subjectName.getField(REGISTRATION_NUMBER_ATTRIBUTE_OID)[0];
  const sda = cert.getExtension(SUBJECT_DIRECTORY_ATTRIBUTES_OID);
  const hcRoles = sda ? hcRolesOf(new Uint8Array(sda.value)) : [];
  const roles = [...new Set(hcRoles.map(roleOfHcRole).filter((r): r is QualificationRole => r !== undefined))];
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  const F = x509.KeyUsageFlags;
  const signingUsage = !basic?.ca && !!usage && (usage.usages & (F.digitalSignature | F.nonRepudiation)) !== 0;
  return { name, registrationNumber, hcRoles, roles, signingUsage };
}
