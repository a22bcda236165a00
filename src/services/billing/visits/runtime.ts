/** What the billing service's jobs share: the platform as a service sees it, the clock (tests move it), the fee master. */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import type { FeeMaster, PrescriptionIssued } from '../model/types.ts';

export type Clock = () => Date;

export interface BillingRuntime {
  platform: ServicePlatform;
  clock: Clock;
  master: () => FeeMaster;
  /** The prescriptions a facility issued for a person on a day (the e-prescription service's). */
  prescriptions: (db: Queryable, q: { facilityCode: string; patientKey: string; date: string }) => Promise<PrescriptionIssued[]>;
}

/** Today in Japan (YYYY-MM-DD). */
export const japanToday = (now: Date) => new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);

/**
 * The clinic a billing call acts for: a 医科 facility (10-digit code, 3rd digit 1). Anyone else — a pharmacy, an insurer,
 * a patient account — is refused (403, audited); the calculation with a whole case (no stored data) stays open to all.
 */
export async function billingFacility(rt: BillingRuntime, ctx: RequestContext, what: string): Promise<string> {
  const p = ctx.principal;
  if (p.kind === 'facility' && p.facilityCode && /^\d{2}1\d{7}$/.test(p.facilityCode)) return p.facilityCode;
  throw await rt.platform.repo.deny(
    ctx,
    'billing',
    '',
    what,
    '受診の会計は、その医療機関（医科）だけが扱えます',
    'visit billing is for the clinic (医科 facility) itself',
  );
}
