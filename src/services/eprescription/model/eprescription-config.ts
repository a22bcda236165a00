/**
 * Settings of the e-prescription service:
 *   TSUNAGU_HPKI_TRUST_DIR       a directory of trusted HPKI CA certificates (*.crt.pem anchors, *.int.pem intermediates)
 *                                and their CRLs (*.crl.pem), read again every hour:
 *                                prescriber signatures chain to one of them; unset: signed prescriptions are refused
 *                                (in-house prescriptions, which carry no signature, still register)
 *   TSUNAGU_HPKI_REQUIRE_CRL     1: a signer's CAs must each have a current CRL (default 0: revocations listed are
 *                                applied, a missing or stale CRL is not an error)
 *   TSUNAGU_ERX_SAMPLE_DATA      1 (default): the shipped SAMPLE drug master and interaction pairs are used beside the
 *                                imported files (the demo, tests); 0 for real use, once the official files are imported
 *                                (the sample holds fictional rows for tests)
 */
import { ConfigError } from '../../../platform/config.ts';

export interface EprescriptionConfig {
  trustDir?: string;
  requireCurrentCrl: boolean;
  sampleData: boolean;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (v !== '0' && v !== '1') throw new ConfigError(`設定 ${name} は 0 か 1 です（${v}） / ${name} must be 0 or 1, got ${v}`);
  return v === '1';
}

export function eprescriptionConfig(env: NodeJS.ProcessEnv): EprescriptionConfig {
  const dir = env.TSUNAGU_HPKI_TRUST_DIR?.trim();
  return {
    trustDir: dir ? dir : undefined,
    requireCurrentCrl: flag(env, 'TSUNAGU_HPKI_REQUIRE_CRL', false),
    sampleData: flag(env, 'TSUNAGU_ERX_SAMPLE_DATA', true),
  };
}
