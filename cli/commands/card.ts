/**
 * `tsunagu card …` — the virtual My Number card (test PKI standing in for JPKI) and a simulated reader.
 *
 * The test CA lives in `<data>/card/ca` (TSUNAGU_CARD_CA_DIR); the platform trusts only what is in the trust
 * directory `<data>/card/trust` (TSUNAGU_CARD_TRUST_DIR): `card ca init` copies the new CA certificate there
 * and every revocation publishes a fresh CRL there (a running server picks it up within seconds).
 * A real deployment has no CA here: J-LIS runs it, and the trust directory (or another TrustStore) receives
 * its CA certificates and revocation data.
 */
import { closePlatform } from '../../src/platform/platform.ts';
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  CARD_KEY_TYPES,
  Card,
  REVOCATION_REASONS,
  ReceptionClient,
  SimulatedCardReader,
  StaticTrustStore,
  cardPaths,
  createCardAuthority,
  describeUserCertificate,
  fingerprintOf,
  fromPem,
  httpTransport,
  issueCard,
  linkCertificate,
  loadCardAuthority,
  normalizeSerial,
  readCardFile,
  relinkRenewed,
  renewCard,
  type CardAuthority,
  type CardKeyType,
  type RevocationReason,
} from '../../src/services/eligibility/index.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import { parse } from '../common.ts';
import { describeError, openServicePlatform, operatorContext, personArgument } from './eligibility-common.ts';

const USAGE = `tsunagu card <command> [options]   (data: --data-dir ./data, or DATABASE_URL=postgres://…)

  ca init [--key-type P-256|RSA-2048] [--name "<CA name>"]
        create the virtual card CA and trust it (copies its certificate to the trust directory)
  issue (--patient <id> | --insured <保険者番号:記号:番号:枝番> [--birth-date YYYY-MM-DD]) --pin <4 digits>
        [--out card.json] [--key-type RSA-2048|P-256] [--valid-days 1825]
        issue a card for a registered person and link its certificate to them
  renew --card <card.json> --pin <4 digits>
        new key and certificate for the same card; the link moves, the old certificate is revoked
  revoke (--card <card.json> | --serial <hex>) [--reason keyCompromise|cessationOfOperation|…]
        revoke a certificate and publish the CRL to the trust directory
  crl   publish a fresh CRL (CRLs are valid 24 hours)
  status --card <card.json>
        certificate serial, PIN tries left, lock
  unlock --card <card.json> --admin-code <管理コード> --new-pin <4 digits>
        the municipal office's PIN reset (the 管理コード is in the CA's issuing register)
  present --card <card.json> (--pin <4 digits> | --face) --url <http://host:8080> --token <facility token>
        [--visit-date YYYY-MM-DD] [--consent medication,surgery,checkup]
        a reception desk with a reader: challenge → card → $verify-card (→ $reader-consent)`;

const TRUST_NAME = 'tsunagu-card-ca';

function paths(dataDir?: string) {
  return cardPaths(configFromEnv(process.env, dataDir ? { dataDir: resolve(dataDir) } : {}));
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function openAuthority(dataDir?: string): Promise<CardAuthority> {
  const { caDir } = paths(dataDir);
  if (!(await exists(join(caDir, 'ca.crt.pem'))))
    throw new Error(`カード認証局がありません（tsunagu card ca init） / no card CA in ${caDir} (run tsunagu card ca init)`);
  return loadCardAuthority(caDir);
}

async function publishCrl(authority: CardAuthority, dataDir?: string): Promise<string> {
  const { trustDir } = paths(dataDir);
  await mkdir(trustDir, { recursive: true });
  const target = join(trustDir, `${TRUST_NAME}.crl.pem`);
  await writeFile(target, await authority.issueCrl());
  return target;
}

async function trustStoreFor(dataDir?: string): Promise<StaticTrustStore> {
  const { trustDir } = paths(dataDir);
  return StaticTrustStore.fromDirectory(trustDir);
}

async function caInit(argv: string[]): Promise<number> {
  const args = parse(argv, { 'key-type': { type: 'string' }, name: { type: 'string' } }, USAGE);
  if (!args) return 0;
  const keyType = (args.values['key-type'] ?? 'P-256') as CardKeyType;
  if (!CARD_KEY_TYPES.includes(keyType)) {
    console.error(`鍵の種類は ${CARD_KEY_TYPES.join(' / ')} です / key type must be one of ${CARD_KEY_TYPES.join(', ')}`);
    return 2;
  }
  const { caDir, trustDir } = paths(args.values['data-dir']);
  if (await exists(join(caDir, 'ca.crt.pem'))) {
    console.error(`カード認証局は作成済みです / a card CA already exists in ${caDir}`);
    return 1;
  }
  const ca = await createCardAuthority({ dir: caDir, keyType, commonName: args.values.name });
  await mkdir(trustDir, { recursive: true });
  await copyFile(join(caDir, 'ca.crt.pem'), join(trustDir, `${TRUST_NAME}.crt.pem`));
  await publishCrl(ca, args.values['data-dir']);
  console.log(JSON.stringify({ ca: caDir, trusted: join(trustDir, `${TRUST_NAME}.crt.pem`), fingerprint: ca.fingerprint, keyType }, null, 2));
  return 0;
}

async function issue(argv: string[]): Promise<number> {
  const args = parse(
    argv,
    {
      patient: { type: 'string' },
      insured: { type: 'string' },
      'birth-date': { type: 'string' },
      pin: { type: 'string' },
      out: { type: 'string' },
      'key-type': { type: 'string' },
      'valid-days': { type: 'string' },
    },
    USAGE,
  );
  if (!args) return 0;
  const v = args.values;
  if ((!v.patient && !v.insured) || !v.pin) {
    console.error(USAGE);
    return 2;
  }
  if (!/^\d{4}$/.test(v.pin)) {
    console.error('暗証番号は数字4桁です / the PIN is four digits');
    return 2;
  }
  const keyType = (v['key-type'] ?? 'RSA-2048') as CardKeyType;
  if (!CARD_KEY_TYPES.includes(keyType)) {
    console.error(`鍵の種類は ${CARD_KEY_TYPES.join(' / ')} です / key type must be one of ${CARD_KEY_TYPES.join(', ')}`);
    return 2;
  }
  const authority = await openAuthority(v['data-dir']);
  const platform = await openServicePlatform(v['data-dir']);
  try {
    const person = await personArgument(platform, v);
    if ('exitCode' in person) return person.exitCode;
    const { patientId } = person;
    if (v.patient && (await platform.db.query('SELECT 1 FROM elig_records WHERE patient_key = $1 LIMIT 1', [patientId])).rowCount === 0) {
      console.error(`Patient/${patientId} の資格情報は登録されていません / Patient/${patientId} has no registered eligibility`);
      return 1;
    }
    const { cardsDir } = paths(v['data-dir']);
    await mkdir(cardsDir, { recursive: true });
    const out = v.out ?? join(cardsDir, `card-${Date.now()}.json`);
    if (await exists(out)) {
      console.error(`${out} は既にあります（上書きしません） / ${out} exists (not overwritten)`);
      return 1;
    }
    const issued = await issueCard({ authority, path: out, pin: v.pin, keyType, validDays: v['valid-days'] ? Number(v['valid-days']) : undefined });
    const trust = await trustStoreFor(v['data-dir']);
    await linkCertificate(platform, operatorContext('card issue'), describeUserCertificate(issued.certificatePem, trust), patientId);
    console.log(
      JSON.stringify(
        { card: out, patient: `Patient/${patientId}`, serial: issued.serial, keyType, notAfter: issued.notAfter.toISOString(), adminCode: issued.adminCode },
        null,
        2,
      ),
    );
    return 0;
  } catch (err) {
    console.error(`発行できません / cannot issue: ${describeError(err)}`);
    return 1;
  } finally {
    await closePlatform(platform);
  }
}

async function renew(argv: string[]): Promise<number> {
  const args = parse(argv, { card: { type: 'string' }, pin: { type: 'string' } }, USAGE);
  if (!args) return 0;
  const v = args.values;
  if (!v.card || !v.pin) {
    console.error(USAGE);
    return 2;
  }
  const authority = await openAuthority(v['data-dir']);
  const renewed = await renewCard({ authority, path: v.card, pin: v.pin });
  if (!('serial' in renewed)) {
    console.error(`更新できません / cannot renew: ${renewed.ja} / ${renewed.en}`);
    return 1;
  }
  await publishCrl(authority, v['data-dir']);
  const platform = await openServicePlatform(v['data-dir']);
  try {
    const trust = await trustStoreFor(v['data-dir']);
    const patientId = await relinkRenewed(
      platform,
      operatorContext('card renew'),
      authority.fingerprint,
      renewed.previousSerial,
      describeUserCertificate(renewed.certificatePem, trust),
    );
    console.log(
      JSON.stringify(
        {
          card: v.card,
          patient: `Patient/${patientId}`,
          serial: renewed.serial,
          previousSerial: renewed.previousSerial,
          notAfter: renewed.notAfter.toISOString(),
        },
        null,
        2,
      ),
    );
    return 0;
  } catch (err) {
    console.error(`紐付けを移せません / cannot move the link: ${describeError(err)}`);
    return 1;
  } finally {
    await closePlatform(platform);
  }
}

async function revoke(argv: string[]): Promise<number> {
  const args = parse(argv, { card: { type: 'string' }, serial: { type: 'string' }, reason: { type: 'string' } }, USAGE);
  if (!args) return 0;
  const v = args.values;
  const reason = (v.reason ?? 'keyCompromise') as RevocationReason;
  if (!(reason in REVOCATION_REASONS)) {
    console.error(`失効事由は ${Object.keys(REVOCATION_REASONS).join(' / ')} です / reason must be one of ${Object.keys(REVOCATION_REASONS).join(', ')}`);
    return 2;
  }
  let serial = v.serial;
  if (!serial && v.card) {
    const file = await readCardFile(v.card);
    const der = fromPem(file.certificate, 'CERTIFICATE')[0];
    const authority = await openAuthority(v['data-dir']);
    serial = (await authority.issued()).find((e) => e.fingerprint === fingerprintOf(der))?.serial;
  }
  if (!serial) {
    console.error(USAGE);
    return 2;
  }
  const authority = await openAuthority(v['data-dir']);
  await authority.revoke(normalizeSerial(serial), reason);
  const crl = await publishCrl(authority, v['data-dir']);
  console.log(JSON.stringify({ revoked: normalizeSerial(serial), reason, crl }, null, 2));
  return 0;
}

async function crl(argv: string[]): Promise<number> {
  const args = parse(argv, {}, USAGE);
  if (!args) return 0;
  console.log(JSON.stringify({ crl: await publishCrl(await openAuthority(args.values['data-dir']), args.values['data-dir']) }));
  return 0;
}

async function status(argv: string[]): Promise<number> {
  const args = parse(argv, { card: { type: 'string' } }, USAGE);
  if (!args) return 0;
  if (!args.values.card) {
    console.error(USAGE);
    return 2;
  }
  const file = await readCardFile(args.values.card);
  const der = fromPem(file.certificate, 'CERTIFICATE')[0];
  const { X509Certificate } = await import('node:crypto');
  const cert = new X509Certificate(der);
  console.log(
    JSON.stringify(
      {
        cardId: file.cardId,
        keyType: file.keyType,
        serial: normalizeSerial(cert.serialNumber),
        notAfter: new Date(cert.validTo).toISOString(),
        pinRetriesLeft: file.pinRetriesLeft,
        pinLocked: file.pinLocked,
        blocked: file.blocked,
        previousSerials: file.previousSerials,
      },
      null,
      2,
    ),
  );
  return 0;
}

async function unlock(argv: string[]): Promise<number> {
  const args = parse(argv, { card: { type: 'string' }, 'admin-code': { type: 'string' }, 'new-pin': { type: 'string' } }, USAGE);
  if (!args) return 0;
  const v = args.values;
  if (!v.card || !v['admin-code'] || !v['new-pin']) {
    console.error(USAGE);
    return 2;
  }
  const result = await (await Card.open(v.card)).unlock({ adminCode: v['admin-code'], newPin: v['new-pin'] });
  if (!result.ok) {
    console.error(`再設定できません / cannot reset: ${result.ja} / ${result.en}`);
    return 1;
  }
  console.log('暗証番号を再設定しました / PIN reset');
  return 0;
}

async function present(argv: string[]): Promise<number> {
  const args = parse(
    argv,
    {
      card: { type: 'string' },
      pin: { type: 'string' },
      face: { type: 'boolean' },
      url: { type: 'string' },
      token: { type: 'string' },
      'visit-date': { type: 'string' },
      consent: { type: 'string' },
    },
    USAGE,
  );
  if (!args) return 0;
  const v = args.values;
  if (!v.card || (!v.pin && !v.face) || !v.url || !v.token) {
    console.error(USAGE);
    return 2;
  }
  const client = new ReceptionClient(httpTransport(v.url, v.token));
  const reader = new SimulatedCardReader(await Card.open(v.card));
  const outcome = await client.verifyCard(reader, v.face ? { faceMatched: true } : { pin: v.pin! }, { visitDate: v['visit-date'] });
  console.log(
    JSON.stringify(
      outcome.parameters ?? {
        result: false,
        stage: outcome.stage,
        code: outcome.code,
        message: outcome.ja,
        diagnostics: outcome.en,
        retriesLeft: outcome.retriesLeft,
      },
      null,
      2,
    ),
  );
  if (outcome.ok && v.consent !== undefined && outcome.visit) {
    const chosen = new Set(
      v.consent
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    const choices = Object.fromEntries(['medication', 'surgery', 'checkup'].map((c) => [c, chosen.has(c)]));
    const res = await client.consent(outcome.visit, choices);
    console.log(
      JSON.stringify(
        { consentStatus: res.status, consents: (res.body as { entry?: { fullUrl: string }[] })?.entry?.map((e) => e.fullUrl) ?? res.body },
        null,
        2,
      ),
    );
  }
  return outcome.ok ? 0 : 1;
}

export async function cardCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'ca':
        if (rest[0] === 'init') return await caInit(rest.slice(1));
        break;
      case 'issue':
        return await issue(rest);
      case 'renew':
        return await renew(rest);
      case 'revoke':
        return await revoke(rest);
      case 'crl':
        return await crl(rest);
      case 'status':
        return await status(rest);
      case 'unlock':
        return await unlock(rest);
      case 'present':
        return await present(rest);
    }
  } catch (err) {
    console.error(describeError(err));
    return 1;
  }
  console.error(USAGE);
  return sub === '--help' || sub === '-h' ? 0 : 2;
}
