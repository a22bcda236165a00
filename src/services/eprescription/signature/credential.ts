/**
 * A prescriber's test credential (テスト用の署名鍵と証明書): the private key, the certificate and the CA
 * certificates above it, in one JSON file (mode 0600). It stands in for an HPKI card (HPKIカード) or an
 * HPKIセカンド電子証明書 in the tests and the demo clinic; `localPrescriberKey` turns it into a PrescriberKey.
 *
 * TEST PKI ONLY: the key is unencrypted. A real prescriber's key never leaves the card or the signing service.
 */
import { createPrivateKey } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { fromPem } from '../../eligibility/index.ts';
import { algorithmForKey, signWithKey } from './jws.ts';
import type { QualificationRole } from './qualification.ts';
import type { PrescriberKey } from './signer.ts';

export const CREDENTIAL_FORMAT = 'tsunagu-hpki-credential/1';

export interface PrescriberCredential {
  format: typeof CREDENTIAL_FORMAT;
  /** 氏名 as in the certificate (CN). */
  name: string;
  /** The qualification asked for at issue (absent when raw hcRole texts were given). */
  role?: QualificationRole;
  /** The hcRole texts in the certificate. */
  hcRoles: string[];
  /** 医籍登録番号 / 歯科医籍登録番号 / 薬剤師名簿登録番号 (the certificate's subject serialNumber). */
  registrationNumber: string;
  /** Certificate serial, lowercase hex without leading zeros. */
  serial: string;
  certificatePem: string;
  /** The issuing CA's certificate first, then the ones above it. */
  chainPems: string[];
  /** PKCS#8 PEM, unencrypted (TEST PKI ONLY). */
  privateKeyPem: string;
}

export async function writeCredentialFile(path: string, credential: PrescriberCredential): Promise<void> {
  await writeFile(path, `${JSON.stringify(credential, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}

export async function readCredentialFile(path: string): Promise<PrescriberCredential> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as PrescriberCredential;
  if (parsed.format !== CREDENTIAL_FORMAT) throw new Error(`${path} is not a prescriber credential file`);
  return parsed;
}

function derOfPem(pem: string): Buffer {
  const [der] = fromPem(pem, 'CERTIFICATE');
  if (!der) throw new Error('no certificate in PEM');
  return der;
}

/** A PrescriberKey that signs with the credential's private key, in this process. */
export function localPrescriberKey(credential: PrescriberCredential): PrescriberKey {
  const key = createPrivateKey(credential.privateKeyPem);
  const alg = algorithmForKey(key);
  if (!alg) throw new Error('the credential key is neither RSA (2048 bits or more) nor P-256');
  const chain = [credential.certificatePem, ...credential.chainPems].map((pem) => derOfPem(pem).toString('base64'));
  return {
    alg,
    certificateChain: async () => chain,
    sign: async (input) => signWithKey(key, alg, input),
  };
}
