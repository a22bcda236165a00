/**
 * Issuing an emergency summary card (救急用サマリーQRの発行): the signed JWS, its numeric `shc:/` text and the QR image —
 * one QR only (chunking is deprecated by the spec), byte segment `shc:/` + numeric segment, error correction L
 * (https://spec.smarthealth.cards/#encoding-qrs). Up to QR version 40; larger fails with a HealthCardError 'too-large'.
 */
import QRCode, { type QRCodeSegment } from 'qrcode';
import { emergencySummaryBundle, type EmergencySummary } from './shc-bundle.ts';
import { SHC_PREFIX, toNumericQr } from './shc-codec.ts';
import { HealthCardError } from './shc-error.ts';
import type { HealthCardSigner } from './shc-keys.ts';
import { EMERGENCY_SUMMARY_TYPE, HEALTH_CARD_TYPE, SHC_FHIR_VERSION } from './shc-types.ts';

export interface IssuedHealthCard {
  jws: string;
  /** `shc:/…` */
  qr: string;
  qrSvg: string;
  qrVersion: number;
  issuedAt: Date;
}

const QR_OPTIONS = { errorCorrectionLevel: 'L' } as const;

function segments(qr: string): QRCodeSegment[] {
  if (!qr.startsWith(SHC_PREFIX)) throw new HealthCardError('format', 'shc:/ で始まる文字列ではありません', 'the QR text must start with shc:/');
  return [
    { data: new TextEncoder().encode(SHC_PREFIX), mode: 'byte' },
    { data: qr.slice(SHC_PREFIX.length), mode: 'numeric' },
  ];
}

/** The QR symbol of a `shc:/…` text; a clear error (never truncation) when it exceeds version 40-L. */
function symbol(qr: string): QRCode.QRCode {
  try {
    return QRCode.create(segments(qr), QR_OPTIONS);
  } catch (e) {
    if (e instanceof HealthCardError) throw e;
    const jwsLength = (qr.length - SHC_PREFIX.length) / 2;
    throw new HealthCardError(
      'too-large',
      `救急用サマリーが大きすぎて1つのQRコードに収まりません(JWS ${jwsLength}文字、QRバージョン40・誤り訂正Lの上限は約3,500文字)。項目を減らしてください`,
      `the emergency summary does not fit one QR code (JWS of ${jwsLength} characters; version 40-L holds about 3,500): reduce the items`,
    );
  }
}

/** Signs the summary as a SMART Health Card of `issuer` (a URL without a trailing slash; its keys at /.well-known/jwks.json). */
export async function issueHealthCard(signer: HealthCardSigner, opts: { issuer: string; summary: EmergencySummary; now?: Date }): Promise<IssuedHealthCard> {
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(opts.issuer) || opts.issuer.endsWith('/')) {
    throw new HealthCardError(
      'issuer',
      `発行者URLが正しくありません: ${opts.issuer}`,
      `the issuer must be an http(s) URL without a trailing slash: ${opts.issuer}`,
    );
  }
  const now = opts.now ?? new Date();
  const nbf = Math.floor(now.getTime() / 1000);
  const payload = {
    iss: opts.issuer,
    nbf,
    vc: {
      type: [HEALTH_CARD_TYPE, EMERGENCY_SUMMARY_TYPE],
      credentialSubject: { fhirVersion: SHC_FHIR_VERSION, fhirBundle: emergencySummaryBundle(opts.summary) },
    },
  };
  const jws = await signer.sign(payload);
  const qr = toNumericQr(jws);
  const qrVersion = symbol(qr).version;
  const qrSvg = await QRCode.toString(segments(qr), { ...QR_OPTIONS, type: 'svg', version: qrVersion });
  return { jws, qr, qrSvg, qrVersion, issuedAt: new Date(nbf * 1000) };
}

/** The same QR as a PNG (for PDFs: お薬手帳・救急用紙への印刷). */
export async function healthCardQrPng(qr: string): Promise<Buffer> {
  const version = symbol(qr).version;
  return QRCode.toBuffer(segments(qr), { ...QR_OPTIONS, type: 'png', version, margin: 4, scale: 4 });
}
