/**
 * Revocation reasons (失効事由) of a user certificate, as X.509 CRL reason codes (RFC 5280 §5.3.1),
 * with what they mean for a My Number card.
 */
export type RevocationReason = 'unspecified' | 'keyCompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation' | 'certificateHold';

export const REVOCATION_REASONS: Readonly<Record<RevocationReason, { code: number; ja: string; en: string }>> = {
  unspecified: { code: 0, ja: '事由なし', en: 'unspecified' },
  keyCompromise: { code: 1, ja: 'カードの紛失・盗難（鍵の危殆化）', en: 'card lost or stolen (key compromise)' },
  affiliationChanged: { code: 3, ja: '記載事項の変更', en: 'holder details changed' },
  superseded: { code: 4, ja: '証明書の更新', en: 'superseded by a renewed certificate' },
  cessationOfOperation: { code: 5, ja: 'カードの廃止（返納・死亡等）', en: 'card withdrawn (returned, holder deceased …)' },
  certificateHold: { code: 6, ja: '一時停止', en: 'temporarily suspended' },
};

export function reasonFromCode(code: number | undefined): RevocationReason {
  const found = (Object.entries(REVOCATION_REASONS) as [RevocationReason, { code: number }][]).find(([, v]) => v.code === code);
  return found ? found[0] : 'unspecified';
}
