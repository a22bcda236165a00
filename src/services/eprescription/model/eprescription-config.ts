/**
 * Settings of the e-prescription service:
 *   TSUNAGU_HPKI_TRUST_DIR       a directory of trusted HPKI CA certificates (*.crt.pem anchors, *.int.pem intermediates)
 *                                and their CRLs (*.crl.pem), read again every TSUNAGU_ERX_REFRESH_MS:
 *                                prescriber signatures chain to one of them; unset: signed prescriptions are refused
 *                                (in-house prescriptions, which carry no signature, still register)
 *   TSUNAGU_HPKI_REQUIRE_CRL     1: a signer's CAs must each have a current CRL (default 0: revocations listed are
 *                                applied, a missing or stale CRL is not an error)
 *   TSUNAGU_ERX_REFRESH_MS       how often a node looks for imports of the drug master / interaction data (made on any
 *                                node or by the CLI) and re-reads the trust directory; default 60000, 0 = never
 *   TSUNAGU_ERX_SAMPLE_DATA      1 (default): the shipped SAMPLE drug master and interaction pairs are used beside the
 *                                imported files (the demo, tests); 0 for real use, once the official files are imported
 *                                (the sample holds fictional rows for tests)
 */
import { ConfigError } from '../../../platform/config.ts';

export interface EprescriptionConfig {
  trustDir?: string;
  requireCurrentCrl: boolean;
  sampleData: boolean;
  refreshMs: number;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (v !== '0' && v !== '1') throw new ConfigError(`設定 ${name} は 0 か 1 です（${v}） / ${name} must be 0 or 1, got ${v}`);
  return v === '1';
}

export function eprescriptionConfig(env: NodeJS.ProcessEnv): EprescriptionConfig {
  const dir = env.TSUNAGU_HPKI_TRUST_DIR?.trim();
  const refresh = env.TSUNAGU_ERX_REFRESH_MS?.trim() || '60000';
  if (!/^\d+$/.test(refresh))
    throw new ConfigError(
      `設定 TSUNAGU_ERX_REFRESH_MS は0以上の整数（ミリ秒）です（${refresh}） / TSUNAGU_ERX_REFRESH_MS must be a whole number of ms, got ${refresh}`,
    );
  return {
    trustDir: dir ? dir : undefined,
    requireCurrentCrl: flag(env, 'TSUNAGU_HPKI_REQUIRE_CRL', false),
    sampleData: flag(env, 'TSUNAGU_ERX_SAMPLE_DATA', true),
    refreshMs: Number(refresh),
  };
}
