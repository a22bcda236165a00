/**
 * The qualification (資格) a prescriber certificate carries, as HPKI (保健医療福祉分野PKI) carries it: the hcRole
 * attribute of ISO/TS 17090 in the certificate's subjectDirectoryAttributes extension.
 *
 * Sources (outside):
 * - 厚生労働省「保健医療福祉分野PKI認証局 証明書ポリシ」(2005, https://www.mhlw.go.jp/shingi/2004/12/s1222-14a3.html,
 *   §7.1.2): the certificate holds the national qualification (医師, 歯科医師, 薬剤師 … 24 qualifications) and five
 *   facility-director roles in hcRole, written with fixed English names; the ASN.1 is ISO/TS 17090's, without
 *   RegionalHCActorData.
 * - The structure below as a public HPKI verifier implements it (BouncyCastle classes HPKIIdentifier / HCActor /
 *   CodedData, citing the MHLW CP PDF 2r9852000002onaf.pdf): attribute type id-hcpki-at-healthcareactor
 *   1.0.17090.0.1; coding scheme id-jhpki-cdata 1.2.392.100495.1.6.1.1; the role in codeDataFreeText.
 *
 *   subjectDirectoryAttributes (2.5.29.9, non-critical: RFC 5280 §4.2.1.8) ::= SEQUENCE OF Attribute
 *   Attribute ::= SEQUENCE { type 1.0.17090.0.1, values SET { HCActorData } }
 *   HCActorData ::= SET OF HCActor
 *   HCActor ::= SEQUENCE { codedData [0] EXPLICIT CodedData, regionalHCActorData [1] … OPTIONAL -- not used in Japan }
 *   CodedData ::= SET { codingSchemeReference [0] EXPLICIT OBJECT IDENTIFIER,   -- 1.2.392.100495.1.6.1.1
 *                       codeDataValue [1] EXPLICIT NumericString OPTIONAL,       -- not used in Japan
 *                       codeDataFreeText [2] EXPLICIT DirectoryString }          -- e.g. "Medical Doctor"
 *
 * NOT VERIFIED: the exact English role strings. The CP's table of names could not be read here; the strings below
 * ("Medical Doctor", "Dentist", "Pharmacist", "Nurse") are the ones HPKI is generally described with. Compare
 * them with the CP's table 7.1.2 and a real HPKI certificate before connecting a real HPKI.
 */
import { Tag, childrenOf, explicit, oid, readOid, readString, readTlv, sequence, set, utf8String } from './der.ts';

/** subjectDirectoryAttributes (RFC 5280 §4.2.1.8). */
export const SUBJECT_DIRECTORY_ATTRIBUTES_OID = '2.5.29.9';
/** id-hcpki-at-healthcareactor (ISO/TS 17090-2): the hcRole attribute type. */
export const HC_ACTOR_ATTRIBUTE_OID = '1.0.17090.0.1';
/** id-jhpki-cdata: the Japanese HPKI coding scheme of hcRole (MHLW HPKI CP). */
export const JHPKI_CODING_SCHEME_OID = '1.2.392.100495.1.6.1.1';

/** The qualifications the e-prescription service acts on (国家資格). */
export type QualificationRole = 'doctor' | 'dentist' | 'pharmacist' | 'nurse';

export const QUALIFICATIONS: Readonly<Record<QualificationRole, { hcRole: string; ja: string; en: string }>> = {
  doctor: { hcRole: 'Medical Doctor', ja: '医師', en: 'medical doctor' },
  dentist: { hcRole: 'Dentist', ja: '歯科医師', en: 'dentist' },
  pharmacist: { hcRole: 'Pharmacist', ja: '薬剤師', en: 'pharmacist' },
  nurse: { hcRole: 'Nurse', ja: '看護師', en: 'nurse' },
};

/** Who may sign a prescription (処方箋): 医師 and 歯科医師 (医師法第22条, 歯科医師法第21条). */
export const PRESCRIBING_ROLES: readonly QualificationRole[] = ['doctor', 'dentist'];
/** Who signs a dispensing result (調剤結果): 薬剤師. */
export const DISPENSING_ROLES: readonly QualificationRole[] = ['pharmacist'];

/** The role whose hcRole text is `text`, if it is one the service knows. */
export function roleOfHcRole(text: string): QualificationRole | undefined {
  return (Object.keys(QUALIFICATIONS) as QualificationRole[]).find((r) => QUALIFICATIONS[r].hcRole === text);
}

/** The DER value of a subjectDirectoryAttributes extension holding these hcRole texts. */
export function hcRoleExtensionValue(hcRoles: readonly string[]): Uint8Array {
  const actors = hcRoles.map((text) => sequence(explicit(0, set(explicit(0, oid(JHPKI_CODING_SCHEME_OID)), explicit(2, utf8String(text))))));
  return sequence(sequence(oid(HC_ACTOR_ATTRIBUTE_OID), set(set(...actors))));
}

/**
 * The hcRole texts in a subjectDirectoryAttributes extension value (those coded in the Japanese HPKI scheme).
 * Throws RangeError when the value is not well-formed DER of that structure.
 */
export function hcRolesOf(value: Uint8Array): string[] {
  const out: string[] = [];
  const top = readTlv(value, 0);
  if (top.tag !== Tag.sequence || top.end !== value.length) throw new RangeError('subjectDirectoryAttributes is not a SEQUENCE');
  for (const attribute of childrenOf(value, top)) {
    const [type, values] = childrenOf(value, attribute);
    if (!type || !values || values.tag !== Tag.set) throw new RangeError('bad Attribute');
    if (readOid(value, type) !== HC_ACTOR_ATTRIBUTE_OID) continue;
    for (const actorData of childrenOf(value, values)) {
      if (actorData.tag !== Tag.set) throw new RangeError('HCActorData is not a SET');
      for (const actor of childrenOf(value, actorData)) {
        const coded = childrenOf(value, actor).find((t) => t.tag === Tag.context(0));
        if (!coded) continue;
        const codedSet = childrenOf(value, coded)[0];
        if (!codedSet || codedSet.tag !== Tag.set) throw new RangeError('CodedData is not a SET');
        let scheme: string | undefined;
        let text: string | undefined;
        for (const field of childrenOf(value, codedSet)) {
          const inner = childrenOf(value, field)[0];
          if (!inner) continue;
          if (field.tag === Tag.context(0)) scheme = readOid(value, inner);
          if (field.tag === Tag.context(2)) text = readString(value, inner);
        }
        if (scheme === JHPKI_CODING_SCHEME_OID && text !== undefined) out.push(text);
      }
    }
  }
  return out;
}
