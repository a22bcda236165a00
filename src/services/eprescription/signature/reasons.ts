/**
 * Why a prescriber signature (処方箋の電子署名) is refused: a machine code plus the reason in Japanese (for the
 * clinic and the pharmacy) and in English (for logs and vendors).
 */

export type SignatureFailure =
  /** Bundle.signature is absent (署名なし). */
  | 'no-signature'
  /** Not a Bundle, or the signature / JWS / certificates cannot be read (形式不正). */
  | 'malformed'
  /** The JWS algorithm is not one the service accepts, or does not fit the certificate's key (署名アルゴリズム). */
  | 'algorithm-not-allowed'
  /** The certificate does not chain to a trusted HPKI CA (信頼できない認証局). */
  | 'untrusted-chain'
  /** The certificate is not an end-entity signing certificate (鍵用途). */
  | 'bad-key-usage'
  | 'not-yet-valid'
  | 'expired'
  /** On a CRL of its issuer (失効). */
  | 'revoked'
  /** Current revocation data were required and are missing (失効情報なし). */
  | 'revocation-unknown'
  /** The signature does not verify over the content: changed after signing, or signed by another key (改ざん). */
  | 'content-mismatch'
  /** The certificate's hcRole is not a required qualification (資格不適合), e.g. a 薬剤師 signing a prescription. */
  | 'wrong-qualification';

export interface SignatureRefusal {
  ok: false;
  code: SignatureFailure;
  ja: string;
  en: string;
}

export function refuse(code: SignatureFailure, ja: string, en: string): SignatureRefusal {
  return { ok: false, code, ja, en };
}

export const NO_SIGNATURE = refuse('no-signature', '電子署名がありません（Bundle.signature）', 'the Bundle has no signature (Bundle.signature)');

export function malformed(whatJa: string, whatEn: string): SignatureRefusal {
  return refuse('malformed', `電子署名の形式が正しくありません（${whatJa}）`, `the signature is malformed (${whatEn})`);
}

export const CONTENT_MISMATCH = refuse(
  'content-mismatch',
  '電子署名が処方内容と一致しません（署名後に内容が変更されたか、別の鍵で署名されています）',
  'the signature does not match the content (changed after signing, or signed with another key)',
);

export const UNTRUSTED_CHAIN = refuse(
  'untrusted-chain',
  '信頼する認証局（HPKI）が発行した証明書ではありません',
  'the certificate does not chain to a trusted HPKI certification authority',
);
