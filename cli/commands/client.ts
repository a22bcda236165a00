/**
 * `tsunagu client register` — registers a system client (an EHR at a clinic, a pharmacy system, an insurer's
 * batch …) with its public key; optionally generates the key pair and writes the private key for the vendor.
 * `tsunagu client assertion` — signs a client assertion JWT for calling /auth/token by hand (curl).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { registerClient } from '../../src/platform/auth/clients.ts';
import { PRINCIPAL_KINDS, type PrincipalKind } from '../../src/platform/auth/principal.ts';
import { FhirError } from '../../src/platform/fhir/errors.ts';
import { openLocalPlatform, parse } from '../common.ts';

const REGISTER_USAGE = `tsunagu client register --name <name> --kind <${PRINCIPAL_KINDS.join('|')}> --scopes "<scopes>"
    [--facility-code <10 digits>] [--patient-id <id>] [--client-id <id>]
    (--public-key <jwk-or-jwks.json> | --generate-key <private-key-out.json>) [--data-dir ./data]

Example (a clinic's EHR):
  tsunagu client register --name "つなぐ内科クリニック" --kind facility --facility-code 1312345679 \\
    --scopes "system/*.read system/*.write" --generate-key clinic-key.json`;

const ASSERTION_USAGE = `tsunagu client assertion --key <private-key.json> --client-id <id> --aud <https://host/auth/token>`;

export async function generateClientKey(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
  const kid = randomUUID();
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES384' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES384' },
  };
}

export async function signClientAssertion(privateJwk: JWK, clientId: string, audience: string, lifetimeSeconds = 240): Promise<string> {
  const alg = privateJwk.alg ?? 'ES384';
  const key = await importJWK(privateJwk, alg);
  return new SignJWT({})
    .setProtectedHeader({ alg, kid: privateJwk.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${lifetimeSeconds}s`)
    .sign(key);
}

async function register(argv: string[]): Promise<number> {
  const args = parse(
    argv,
    {
      name: { type: 'string' },
      kind: { type: 'string' },
      scopes: { type: 'string' },
      'facility-code': { type: 'string' },
      'patient-id': { type: 'string' },
      'client-id': { type: 'string' },
      'public-key': { type: 'string' },
      'generate-key': { type: 'string' },
    },
    REGISTER_USAGE,
  );
  if (!args) return 0;
  const v = args.values;
  if (!v.name || !v.kind || !v.scopes || (!v['public-key'] && !v['generate-key'])) {
    console.error(REGISTER_USAGE);
    return 2;
  }
  let jwks: { keys: JWK[] };
  let privateJwk: JWK | undefined;
  if (v['generate-key']) {
    if (existsSync(v['generate-key'])) {
      console.error(`${v['generate-key']} は既にあります（上書きしません） / ${v['generate-key']} exists: not overwritten`);
      return 2;
    }
    const pair = await generateClientKey();
    privateJwk = pair.privateJwk;
    jwks = { keys: [pair.publicJwk] };
  } else {
    const parsed = JSON.parse(readFileSync(v['public-key']!, 'utf8'));
    jwks = Array.isArray(parsed.keys) ? parsed : { keys: [parsed] };
  }
  const p = await openLocalPlatform(v['data-dir']);
  try {
    const client = await registerClient(p.db, {
      clientId: v['client-id'],
      name: v.name,
      kind: v.kind as PrincipalKind,
      facilityCode: v['facility-code'],
      patientId: v['patient-id'],
      scopes: v.scopes.split(/\s+/).filter(Boolean),
      jwks,
    });
    // The private key is written only once the client is registered (a refused registration leaves no key file).
    if (privateJwk) writeFileSync(v['generate-key']!, JSON.stringify(privateJwk, null, 2) + '\n', { mode: 0o600 });
    console.log(JSON.stringify({ client_id: client.clientId, kind: client.kind, scopes: client.scopes, private_key: v['generate-key'] ?? null }, null, 2));
    return 0;
  } catch (err) {
    if (err instanceof FhirError) {
      console.error(`登録できません / cannot register: ${err.outcome.issue?.[0]?.details?.text} / ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await p.db.close();
  }
}

async function assertion(argv: string[]): Promise<number> {
  const args = parse(argv, { key: { type: 'string' }, 'client-id': { type: 'string' }, aud: { type: 'string' } }, ASSERTION_USAGE);
  if (!args) return 0;
  const v = args.values;
  if (!v.key || !v['client-id'] || !v.aud) {
    console.error(ASSERTION_USAGE);
    return 2;
  }
  console.log(await signClientAssertion(JSON.parse(readFileSync(v.key, 'utf8')), v['client-id'], v.aud));
  return 0;
}

export async function clientCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'register') return register(rest);
  if (sub === 'assertion') return assertion(rest);
  console.error(`${REGISTER_USAGE}\n\n${ASSERTION_USAGE}`);
  return 2;
}
