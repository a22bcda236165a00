/**
 * 同意: `$my-consents` (portal service) read for the screens — the person's consents by facility and category, the
 * group holds (閲覧保留) and the item holds. Pure.
 */
import { flatParts, str } from '../parts.ts';

export type Category = 'medication' | 'surgery' | 'checkup';

export interface ConsentView {
  id: string;
  facilityCode?: string;
  facilityName?: string;
  facilityKind?: string;
  category?: Category;
  decision?: 'permit' | 'deny';
  policy?: string;
  givenAt?: string;
  validFrom?: string;
  validTo?: string;
  state?: 'active' | 'expired' | 'revoked' | 'replaced';
}

export interface HoldView {
  id: string;
  category?: Category;
  facilityCode?: string;
  facilityName?: string;
  since?: string;
}

export interface ItemHoldView {
  id: string;
  /** `Condition/…`. */
  item?: string;
  kind?: string;
  since?: string;
}

export interface MyConsents {
  consents: ConsentView[];
  holds: HoldView[];
  itemHolds: ItemHoldView[];
}

const cat = (v: unknown) => (v === 'medication' || v === 'surgery' || v === 'checkup' ? v : undefined);

export function myConsentsOf(body: unknown): MyConsents {
  return {
    consents: flatParts(body, 'consent').flatMap((c) => {
      const id = str(c.id);
      if (!id) return [];
      return [
        {
          id,
          facilityCode: str(c.facilityCode),
          facilityName: str(c.facilityName),
          facilityKind: str(c.facilityKind),
          category: cat(c.category),
          decision: c.decision === 'permit' || c.decision === 'deny' ? c.decision : undefined,
          policy: str(c.policy),
          givenAt: str(c.givenAt),
          validFrom: str(c.validFrom),
          validTo: str(c.validTo),
          state: (['active', 'expired', 'revoked', 'replaced'] as const).find((s) => s === c.state),
        },
      ];
    }),
    holds: flatParts(body, 'hold').flatMap((h) => {
      const id = str(h.id);
      return id ? [{ id, category: cat(h.category), facilityCode: str(h.facilityCode), facilityName: str(h.facilityName), since: str(h.since) }] : [];
    }),
    itemHolds: flatParts(body, 'itemHold').flatMap((h) => {
      const id = str(h.id);
      return id ? [{ id, item: str(h.item), kind: str(h.kind), since: str(h.since) }] : [];
    }),
  };
}

export const CATEGORY_NAMES: Record<Category, { ja: string; en: string }> = {
  medication: { ja: '診療・お薬・アレルギー・検査の情報', en: 'Treatment, medicines, allergies and tests' },
  surgery: { ja: '病名・手術・感染症の情報', en: 'Diagnoses, operations and infections' },
  checkup: { ja: '健診の情報', en: 'Check-ups' },
};

export const STATE_NAMES: Record<NonNullable<ConsentView['state']>, { ja: string; en: string }> = {
  active: { ja: '有効', en: 'in force' },
  expired: { ja: '期限切れ', en: 'expired' },
  revoked: { ja: '取り消し済み', en: 'revoked' },
  replaced: { ja: '新しい同意に置き換え', en: 'replaced' },
};

export const POLICY_NAMES: Record<string, { ja: string; en: string }> = {
  outpatient: { ja: '外来の受付で', en: 'at an outpatient reception' },
  inpatient: { ja: '入院で', en: 'for a hospital stay' },
  'home-care': { ja: '在宅医療で', en: 'for home care' },
  portal: { ja: 'このポータルで', en: 'on this portal' },
  emergency: { ja: '救急時', en: 'in an emergency' },
};

/** The request bodies of the consent and hold operations. */
export const holdItemBody = (ref: string) => ({ resourceType: 'Parameters', parameter: [{ name: 'item', valueReference: { reference: ref } }] });
export const holdGroupBody = (group: Category, facility?: string) => ({
  resourceType: 'Parameters',
  parameter: [{ name: 'group', valueCode: group }, ...(facility ? [{ name: 'facility', valueString: facility }] : [])],
});
export const releaseBody = (hold: string) => ({ resourceType: 'Parameters', parameter: [{ name: 'hold', valueString: hold }] });
export const grantBody = (facility: string, categories: Category[], until: string) => ({
  resourceType: 'Parameters',
  parameter: [{ name: 'facility', valueString: facility }, ...categories.map((c) => ({ name: 'category', valueCode: c })), { name: 'until', valueDate: until }],
});
