/**
 * `tsunagu client register` — registers a system client (an EHR at a clinic, a pharmacy system, an insurer's
 * batch …) with its public key; optionally generates the key pair and writes the private key for the vendor.
 * `tsunagu client assertion` — signs a client assertion JWT for calling /auth/token by hand (curl).
 * `tsunagu client disable|enable|delete <id>` — stops (or restores) a client's access; its tokens stop working within
 * a few seconds (CLIENT_STATE_TTL_MS). Deleting is final: the row stays (the audit log names clients by id, and the id
 * is never reused) but its keys and scopes are removed.
 */
import { closePlatform } from '../../src/platform/platform.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { CLIENT_STATE_TTL_MS } from '../../src/platform/auth/client-states.ts';
import { deleteClient, findClient, registerClient, setClientActive } from '../../src/platform/auth/clients.ts';
import { PRINCIPAL_KINDS, type PrincipalKind } from '../../src/platform/auth/principal.ts';
import { FhirError } from '../../src/platform/fhir/errors.ts';
import { openLocalPlatform, parse } from '../common.ts';

const REGISTER_USAGE = `tsunagu client register --name <name> --kind <${PRINCIPAL_KINDS.join('|')}> --scopes "<scopes>"
    [--facility-code <医療機関コード 10 digits | ambulance: 消防本部の地方公共団体コード 6 digits | medical-team: <都道府県>-<team>>]
    [--patient-id <id>] [--client-id <id>]
    (--public-key <jwk-or-jwks.json> | --generate-key <private-key-out.json>) [--data-dir ./data]

Example (a clinic's EHR):
  tsunagu client register --name "つなぐ内科クリニック" --kind facility --facility-code 1312345679 \\
    --scopes "system/*.read system/*.write" --generate-key clinic-key.json
Example (an ambulance crew: $ambulance-lookup only):
  tsunagu client register --name "東京消防庁 救急隊" --kind ambulance --facility-code 131008 --scopes "system/Patient.rs" \
    --generate-key ambulance-key.json`;

const ASSERTION_USAGE = `tsunagu client assertion --key <private-key.json> --client-id <id> --aud <https://host/auth/token>`;

const STATE_USAGE = `tsunagu client disable <client-id> [--data-dir ./data]   refuse the client's assertions and tokens
tsunagu client enable <client-id>                           allow them again
tsunagu client delete <client-id>                           remove its keys and scopes for good (the id stays reserved)`;

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
    if (privateJwk) writeFileSync(v['generate-key']!, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600 });
    console.log(JSON.stringify({ client_id: client.clientId, kind: client.kind, scopes: client.scopes, private_key: v['generate-key'] ?? null }, null, 2));
    return 0;
  } catch (err) {
    if (err instanceof FhirError) {
      console.error(`登録できません / cannot register: ${err.outcome.issue?.[0]?.details?.text} / ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await closePlatform(p);
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

type StateChange = 'disable' | 'enable' | 'delete';

/** disable / enable / delete one client; 1 when there is no such client or a deleted one would be enabled. */
async function changeState(change: StateChange, argv: string[]): Promise<number> {
  const args = parse(argv, {}, STATE_USAGE, true);
  if (!args) return 0;
  const [clientId, ...extra] = args.positionals;
  if (!clientId || extra.length) {
    console.error(STATE_USAGE);
    return 2;
  }
  const p = await openLocalPlatform(args.values['data-dir']);
  try {
    const client = await findClient(p.db, clientId);
    if (!client) {
      console.error(`クライアント ${clientId} は登録されていません / no client ${clientId}`);
      return 1;
    }
    if (client.deleted) {
      console.error(`クライアント ${clientId} は削除済みです / client ${clientId} was deleted (register a new client)`);
      return 1;
    }
    const changed = change === 'delete' ? await deleteClient(p.db, clientId) : await setClientActive(p.db, clientId, change === 'enable');
    if (!changed) {
      console.error(`クライアント ${clientId} を変更できません / client ${clientId} changed meanwhile (deleted?)`);
      return 1;
    }
    const seconds = CLIENT_STATE_TTL_MS / 1000;
    const done = { disable: ['無効化しました', 'disabled'], enable: ['有効化しました', 'enabled'], delete: ['削除しました', 'deleted'] }[change];
    console.log(
      `クライアント ${clientId} を${done[0]} / client ${clientId} ${done[1]}${change === 'enable' ? '' : ` (its tokens stop working within ${seconds} s)`}`,
    );
    return 0;
  } finally {
    await closePlatform(p);
  }
}

export async function clientCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'register') return register(rest);
  if (sub === 'assertion') return assertion(rest);
  if (sub === 'disable' || sub === 'enable' || sub === 'delete') return changeState(sub, rest);
  console.error(`${REGISTER_USAGE}\n\n${ASSERTION_USAGE}\n\n${STATE_USAGE}`);
  return 2;
}
