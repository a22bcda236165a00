/**
 * What a revocation reason (失効事由, RFC 5280 §5.3.1 CRL reason codes) means for an HPKI prescriber certificate.
 * The eligibility service's REVOCATION_REASONS word them for a My Number card; the codes are the same.
 */
import type { RevocationReason } from '../../eligibility/index.ts';

const TEXTS: Readonly<Record<RevocationReason, { ja: string; en: string }>> = {
  unspecified: { ja: '事由なし', en: 'unspecified' },
  keyCompromise: { ja: 'HPKIカードの紛失・盗難等（鍵の危殆化）', en: 'HPKI card lost or stolen (key compromise)' },
  affiliationChanged: { ja: '記載事項の変更', en: 'certified details changed' },
  superseded: { ja: '証明書の更新', en: 'superseded by a renewed certificate' },
  cessationOfOperation: { ja: '資格の喪失・業務の停止等', en: 'qualification withdrawn or practice suspended' },
  certificateHold: { ja: '一時停止', en: 'temporarily suspended' },
};

export function revocationReasonText(reason: RevocationReason): { ja: string; en: string } {
  return TEXTS[reason] ?? TEXTS.unspecified;
}
