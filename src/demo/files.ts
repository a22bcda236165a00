/**
 * The demo's files in the data directory, made before the server starts (the services read their trust at start):
 *   <data>/card/ca, card/trust     the virtual My Number card CA, as `tsunagu card ca init` makes it (reused if there)
 *   <data>/card/cards/demo-*.json  the patients' card files
 *   <data>/demo/hpki/{root,issuing,trust}  a TEST HPKI, as `tsunagu eprescription hpki init` lays it out
 *   <data>/demo/hpki/credentials/*.json    the doctors' prescriber credentials (certificate + key)
 *   <data>/demo-world.json         the printed sign-ins (sign-ins.ts)
 * Everything here is a test PKI (unencrypted keys): for the demo only.
 */
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PlatformConfig } from '../platform/config.ts';
import { type CardAuthority, cardPaths, createCardAuthority, loadCardAuthority } from '../services/eligibility/index.ts';
import {
  type HpkiAuthority,
  type PrescriberCredential,
  createHpkiAuthority,
  loadHpkiAuthority,
  readCredentialFile,
  writeCredentialFile,
} from '../services/eprescription/index.ts';

/** The trust-file names the CLI uses (cli/commands/card.ts, cli/commands/eprescription.ts). */
const CARD_TRUST_NAME = 'tsunagu-card-ca';
const HPKI_TRUST_PREFIX = 'tsunagu-test-hpki';
const DAY = 86_400_000;

export const DEMO_WORLD_FILE = 'demo-world.json';

export function demoPaths(config: Pick<PlatformConfig, 'dataDir'>) {
  const base = config.dataDir === 'memory://' ? resolve('.tsunagu') : config.dataDir;
  const hpki = join(base, 'demo', 'hpki');
  return {
    base,
    world: join(base, DEMO_WORLD_FILE),
    card: cardPaths(config),
    hpki: { base: hpki, root: join(hpki, 'root'), issuing: join(hpki, 'issuing'), trust: join(hpki, 'trust'), credentials: join(hpki, 'credentials') },
  };
}

export type DemoPaths = ReturnType<typeof demoPaths>;

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The card CA of the data directory (created and trusted when there is none). */
export async function demoCardAuthority(paths: DemoPaths): Promise<CardAuthority> {
  const { caDir, trustDir } = paths.card;
  if (await exists(join(caDir, 'ca.crt.pem'))) return loadCardAuthority(caDir);
  const ca = await createCardAuthority({ dir: caDir, keyType: 'P-256', commonName: 'Tsunagu Demo Card CA' });
  await mkdir(trustDir, { recursive: true });
  await copyFile(join(caDir, 'ca.crt.pem'), join(trustDir, `${CARD_TRUST_NAME}.crt.pem`));
  await writeFile(join(trustDir, `${CARD_TRUST_NAME}.crl.pem`), await ca.issueCrl());
  return ca;
}

export interface DemoHpki {
  root: HpkiAuthority;
  issuing: HpkiAuthority;
  /** The directory to trust (TSUNAGU_HPKI_TRUST_DIR). */
  trustDir: string;
}

/** The demo's test HPKI: valid from six years before `now` (prescriptions of five years are signed), for twenty years. */
export async function demoHpki(paths: DemoPaths, now: Date): Promise<DemoHpki> {
  const h = paths.hpki;
  if (await exists(join(h.issuing, 'ca.crt.pem')))
    return { root: await loadHpkiAuthority(h.root), issuing: await loadHpkiAuthority(h.issuing), trustDir: h.trust };
  const from = new Date(now.getTime() - 6 * 365 * DAY);
  const root = await createHpkiAuthority({ dir: h.root, commonName: 'Tsunagu Demo HPKI Root CA', validityDays: 20 * 365, now: from });
  const issuing = await createHpkiAuthority({ dir: h.issuing, parent: root, commonName: 'Tsunagu Demo HPKI Issuing CA', validityDays: 19 * 365, now: from });
  await mkdir(h.trust, { recursive: true });
  await writeFile(join(h.trust, `${HPKI_TRUST_PREFIX}-root.crt.pem`), root.certificatePem);
  await writeFile(join(h.trust, `${HPKI_TRUST_PREFIX}-issuing.int.pem`), issuing.certificatePem);
  await writeFile(join(h.trust, `${HPKI_TRUST_PREFIX}-root.crl.pem`), await root.publishCrl({ now }));
  await writeFile(join(h.trust, `${HPKI_TRUST_PREFIX}-issuing.crl.pem`), await issuing.publishCrl({ now }));
  return { root, issuing, trustDir: h.trust };
}

/** A doctor's prescriber credential (file `<facility>-<login>.json`), issued on first use. */
export async function demoCredential(
  paths: DemoPaths,
  hpki: DemoHpki,
  who: { file: string; name: string; registrationNumber: string },
  now: Date,
): Promise<{ credential: PrescriberCredential; path: string }> {
  const path = join(paths.hpki.credentials, `${who.file}.json`);
  if (await exists(path)) return { credential: await readCredentialFile(path), path };
  const credential = await hpki.issuing.issue({
    name: who.name,
    role: 'doctor',
    registrationNumber: who.registrationNumber,
    notBefore: new Date(now.getTime() - (5 * 365 + 60) * DAY),
    notAfter: new Date(now.getTime() + 5 * 365 * DAY),
    now,
  });
  await mkdir(paths.hpki.credentials, { recursive: true });
  await writeCredentialFile(path, credential);
  return { credential, path };
}

/** Makes the files the demo's services must find at start (card CA and trust, the test HPKI); idempotent. */
export async function prepareDemoFiles(config: Pick<PlatformConfig, 'dataDir'>, now = new Date()): Promise<{ paths: DemoPaths; hpki: DemoHpki }> {
  const paths = demoPaths(config);
  await demoCardAuthority(paths);
  const hpki = await demoHpki(paths, now);
  return { paths, hpki };
}
