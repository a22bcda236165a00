/**
 * A consent as a FHIR Consent (JP_Consent): scope patient-privacy, the category as a second category coding and as
 * provision.securityLabel, provision.actor the organisation it is for (by 医療機関コード), provision.period its
 * validity, the reception visit in an extension, the kind of consent in policy (reader consent per setting, or an
 * emergency access). Tagged CONSENT_MANAGED_TAG: only the consent capability writes it.
 */
import { FACILITY_CODE_SYSTEM, TSUNAGU_CANONICAL } from '../fhir/canonical.ts';
import {
  CONSENT_CATEGORIES,
  CONSENT_CATEGORY_SYSTEM,
  CONSENT_MANAGED_TAG,
  VISIT_EXTENSION,
  VISIT_ID_SYSTEM,
  securityLabel,
  type ConsentCategory,
} from './categories.ts';

export const JP_CONSENT_PROFILE = 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Consent';

/** Why the consent exists: at the reader (outpatient, inpatient, home care), the patient's own grant in the portal, or an emergency access. */
export type ConsentPolicy = 'outpatient' | 'inpatient' | 'home-care' | 'portal' | 'emergency';

export interface ConsentResourceInput {
  id: string;
  patientId: string;
  /** 医療機関コード and name of the organisation the consent is for. */
  facilityCode: string;
  facilityName: string;
  category: ConsentCategory;
  decision: 'permit' | 'deny';
  validFrom: Date;
  validTo: Date;
  /** The reception visit the consent was given at, when there is one. */
  visitId?: string;
  policy: ConsentPolicy;
}

/** The policy URI a Consent names (policyOfUri reads it back). */
export function policyUri(policy: ConsentPolicy): string {
  if (policy === 'emergency') return `${TSUNAGU_CANONICAL}/policy/emergency-access`;
  if (policy === 'portal') return `${TSUNAGU_CANONICAL}/policy/portal-consent`;
  return `${TSUNAGU_CANONICAL}/policy/reader-consent/${policy}`;
}

/** The policy of a Consent's policy URI (undefined for another URI). */
export function policyOfUri(uri: string | undefined): ConsentPolicy | undefined {
  const all: ConsentPolicy[] = ['outpatient', 'inpatient', 'home-care', 'portal', 'emergency'];
  return all.find((p) => policyUri(p) === uri);
}

export function consentResource(o: ConsentResourceInput) {
  const label = CONSENT_CATEGORIES[o.category];
  return {
    resourceType: 'Consent',
    id: o.id,
    meta: { profile: [JP_CONSENT_PROFILE], tag: [CONSENT_MANAGED_TAG] },
    ...(o.visitId ? { extension: [{ url: VISIT_EXTENSION, valueIdentifier: { system: VISIT_ID_SYSTEM, value: o.visitId } }] } : {}),
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [
      { coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] },
      { coding: [{ system: CONSENT_CATEGORY_SYSTEM, code: o.category, display: label.ja }], text: label.ja },
    ],
    patient: { reference: `Patient/${o.patientId}` },
    dateTime: o.validFrom.toISOString(),
    performer: [{ reference: `Patient/${o.patientId}` }],
    organization: [{ identifier: { system: FACILITY_CODE_SYSTEM, value: o.facilityCode }, display: o.facilityName }],
    policy: [{ uri: policyUri(o.policy) }],
    provision: {
      type: o.decision,
      period: { start: o.validFrom.toISOString(), end: o.validTo.toISOString() },
      actor: [
        {
          role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] },
          reference: { identifier: { system: FACILITY_CODE_SYSTEM, value: o.facilityCode }, display: o.facilityName },
        },
      ],
      action: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] }],
      securityLabel: [securityLabel(o.category)],
      purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: o.policy === 'emergency' ? 'ETREAT' : 'TREAT' }],
    },
  };
}
