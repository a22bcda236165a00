/**
 * A person's consents as they stand (同意の一覧, for the person's portal): every choice and emergency access with
 * its organisation, validity and state, and the group holds (閲覧保留) in force. Read from the consent rows and the
 * Consent resources this capability writes; the caller decides who may ask (the person, an operator).
 */
import type { Queryable } from '../storage/database.ts';
import { isConsentCategory, type ConsentCategory } from './categories.ts';
import { policyOfUri, type ConsentPolicy } from './consent-resource.ts';

/** active (in force or a standing refusal), expired (validity over), revoked (withdrawn), replaced (a later choice there). */
export type ConsentState = 'active' | 'expired' | 'revoked' | 'replaced';

export interface ListedConsent {
  consentId: string;
  recipient: { kind: 'facility' | 'pharmacy'; code: string; name: string };
  category: ConsentCategory;
  decision: 'permit' | 'deny';
  policy: ConsentPolicy;
  givenAt: Date;
  validFrom: Date;
  validTo: Date;
  revokedAt?: Date;
  state: ConsentState;
}

export interface ListedHold {
  holdId: string;
  category: ConsentCategory;
  /** The organisation held from (ownerKey form, `facility:<code>`); absent: everywhere. */
  grantee?: string;
  since: Date;
}

interface Row {
  consent_id: string;
  grantee: string;
  category: string;
  decision: string;
  valid_from: Date;
  valid_to: Date;
  recorded: Date;
  revoked_at: Date | null;
  kind: string;
  content: string | null;
  replaced: boolean;
}

const nameOf = (content: string | null): string => {
  if (!content) return '';
  const c = JSON.parse(content) as { organization?: { display?: string }[] };
  return c.organization?.[0]?.display ?? '';
};
const policyOf = (row: Row): ConsentPolicy => {
  if (row.kind === 'emergency') return 'emergency';
  const c = row.content ? (JSON.parse(row.content) as { policy?: { uri?: string }[] }) : {};
  return policyOfUri(c.policy?.[0]?.uri) ?? 'outpatient';
};

/** The person's consents, newest first. */
export async function listConsents(db: Queryable, patientId: string, at: Date): Promise<ListedConsent[]> {
  const res = await db.query<Row>(
    `SELECT c.consent_id, c.grantee, c.category, c.decision, c.valid_from, c.valid_to, c.recorded, c.revoked_at, c.kind, r.content,
            EXISTS (SELECT 1 FROM consents n WHERE n.patient_key = c.patient_key AND n.grantee = c.grantee AND n.category = c.category
                       AND n.kind = c.kind AND n.consent_id <> c.consent_id AND n.recorded >= c.recorded AND n.recorded = c.revoked_at) AS replaced
       FROM consents c LEFT JOIN resources r ON r.resource_type = 'Consent' AND r.id = c.consent_id
      WHERE c.patient_key = $1 ORDER BY c.recorded DESC, c.consent_id`,
    [patientId],
  );
  return res.rows
    .filter((r) => isConsentCategory(r.category))
    .map((r) => {
      const [kind, code] = r.grantee.split(':') as ['facility' | 'pharmacy', string];
      const revokedAt = r.revoked_at ? new Date(r.revoked_at) : undefined;
      const validTo = new Date(r.valid_to);
      const state: ConsentState = revokedAt && revokedAt <= at ? (r.replaced ? 'replaced' : 'revoked') : validTo <= at ? 'expired' : 'active';
      return {
        consentId: r.consent_id,
        recipient: { kind: kind === 'pharmacy' ? 'pharmacy' : 'facility', code: code ?? '', name: nameOf(r.content) },
        category: r.category as ConsentCategory,
        decision: r.decision === 'permit' ? 'permit' : 'deny',
        policy: policyOf(r),
        givenAt: new Date(r.recorded),
        validFrom: new Date(r.valid_from),
        validTo,
        ...(revokedAt ? { revokedAt } : {}),
        state,
      };
    });
}

/** The person's group holds in force at `at`, newest first. */
export async function listHolds(db: Queryable, patientId: string, at: Date): Promise<ListedHold[]> {
  const res = await db.query<{ hold_id: string; category: string; grantee: string | null; held_at: Date }>(
    `SELECT hold_id, category, grantee, held_at FROM consent_holds
      WHERE patient_key = $1 AND held_at <= $2 AND (released_at IS NULL OR released_at > $2) ORDER BY held_at DESC, hold_id`,
    [patientId, at.toISOString()],
  );
  return res.rows
    .filter((r) => isConsentCategory(r.category))
    .map((r) => ({
      holdId: r.hold_id,
      category: r.category as ConsentCategory,
      ...(r.grantee ? { grantee: r.grantee } : {}),
      since: new Date(r.held_at),
    }));
}
