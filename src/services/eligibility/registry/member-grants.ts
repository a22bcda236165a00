/**
 * What an insurer may read of its member's data registered by others (保険者の閲覧範囲): check-up information
 * (健診情報, the consent-category label `checkup`) whose clinical date lies in the membership period, from 資格取得日
 * to 資格喪失日 (both 00:00 Japan time; open while current). Nothing else: receipts, clinic records and other
 * insurers' Coverages carry no grant. One access grant per eligibility record (source
 * `eligibility:record:<record key>`, basis the Coverage), written by the registry in its transaction after the
 * resources and replaced whenever the person's records change.
 *
 * A record whose insurer does not speak for the person's identity (linked through another insurer's 前被保険者番号,
 * person-identity.ts) opens data from the day it was first registered, not earlier: a claimed acquisition date does
 * not open years of someone's check-ups. The intermediary's person link key (or the identity insurer) gives the
 * full period.
 */
import type { AccessGrants, GrantInput } from '../../../platform/access/grants.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import { japanDateOf } from '../model/calendar-date.ts';
import { CONSENT_CATEGORY_SYSTEM } from '../model/fhir-codes.ts';
import { recordKey, type EligibilityRecord } from '../model/record.ts';

export const MEMBER_DATA_LABEL = { system: CONSENT_CATEGORY_SYSTEM, code: 'checkup' } as const;

/** The grant source of one eligibility record. */
export const memberGrantSource = (r: EligibilityRecord) => `eligibility:record:${recordKey(r)}`;

/**
 * The grantee of an insurer: `insurer:` + the canonical 8-digit 保険者番号 (a 6-digit 国保 number left-padded with
 * 00, as records store it). ownerKey() must give the same string for the insurer's clients (see docs/eligibility.md).
 */
export const insurerGrantee = (insurerNumber: string) => `insurer:${insurerNumber}`;

/** 00:00 Japan time of a calendar date. */
export const japanMidnight = (date: string) => new Date(`${date}T00:00:00+09:00`);

export interface MemberRecord {
  record: EligibilityRecord;
  patientKey: string;
  coverageId: string;
  /** Does the record's insurer speak for the person's identity? */
  speaksForIdentity: boolean;
  /** When the record was first registered. */
  registered: Date;
}

export function memberGrant(m: MemberRecord): GrantInput {
  const registeredOn = japanDateOf(m.registered);
  const from = m.speaksForIdentity || m.record.acquiredOn >= registeredOn ? m.record.acquiredOn : registeredOn;
  return {
    grantee: insurerGrantee(m.record.insurerNumber),
    patientKey: m.patientKey,
    label: MEMBER_DATA_LABEL,
    dataFrom: japanMidnight(from),
    dataTo: m.record.lostOn ? japanMidnight(m.record.lostOn) : null,
    basis: `Coverage/${m.coverageId}`,
  };
}

/** Replaces the grants of these records, inside the registry's transaction (one statement for the chunk). */
export async function putMemberGrants(grants: AccessGrants, tx: Queryable, records: MemberRecord[]): Promise<void> {
  await grants.putMany(
    tx,
    records.map((m) => ({ source: memberGrantSource(m.record), grants: [memberGrant(m)] })),
  );
}
