/**
 * Eligibility benchmark: My Number card verifications at reception over HTTP, against a server in a child process.
 *
 * Set-up (in this process, before the server starts): a fresh database, an insurer file of `people` records
 * loaded through the registry (its time is reported too), a card CA trusted by the server, and `cards` P-256
 * virtual cards (cheap to sign; the server-side work is the same for RSA-2048 apart from the signature check)
 * linked to registered people.
 *
 * Each simulated reader runs the full flow: POST $card-challenge → the card signs (PIN) → POST $verify-card;
 * the server verifies the chain (cached per certificate), the challenge MAC, validity, revocation, the replay
 * guard (one INSERT, grouped), looks the person and their eligibility up in one round trip, writes the audit
 * event (grouped) and answers with Patient, Coverage and the eligibility summary.
 *
 *   saturation  50 readers, each starting its next flow as soon as the last one answered: the most
 *               verifications per second the server sustains (latency is then mostly queueing).
 *   steady      50 readers together offering `rate` verifications per second, evenly spread (open loop,
 *               latency counted from the scheduled start): the latency a desk sees at that national-peak load.
 *   first use   50 readers, every card presented for the first time to this server (its certificate path is
 *               built and checked, not taken from the per-certificate cache) — at reception most cards are new to
 *               a node, so this is the realistic worst case.
 */
import { Agent, request } from 'node:http';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTsunagu } from '../src/app.ts';
import { configFromEnv } from '../src/platform/config.ts';
import { parseScopes } from '../src/platform/auth/scopes.ts';
import type { RequestContext } from '../src/platform/auth/principal.ts';
import { Card, cardPaths, createCardAuthority, generateBulkFile, issueCard, loadBulkFile } from '../src/services/eligibility/index.ts';
import { freshDatabase, percentiles, postgresAvailable, startChildServer } from './lib.ts';

export const READERS = 50;
export const TARGET_RATE = 1000;

export interface FlowStats {
  verificationsPerSecond: number;
  /** $verify-card request alone. */
  verifyP50: number;
  verifyP99: number;
  /** Challenge + signing + verification. */
  flowP50: number;
  flowP99: number;
  total: number;
  eligible: number;
  errors: number;
}

export interface EligibilityBenchResult {
  engine: 'postgres' | 'pglite';
  people: number;
  cards: number;
  loadSeconds: number;
  loadRowsPerSecond: number;
  saturation: FlowStats;
  steady?: FlowStats & { offeredRate: number };
  firstUse?: FlowStats;
}

const operator: RequestContext = {
  principal: { clientId: 'bench', name: 'bench operator', kind: 'operator', scopes: parseScopes('system/*.*') },
  purpose: 'HOPERAT',
};

/** Registry, CA, trust directory and linked cards in `dataDir` (and the database), then the platform is closed. */
export async function prepare(dataDir: string, databaseUrl: string | undefined, people: number, cards: number) {
  // (`cards` includes the cards kept for the first-use phase.)
  const auditKeyFile = join(dataDir, 'audit.key');
  const config = configFromEnv({}, { dataDir, databaseUrl, auditKeyFile });
  const t = await createTsunagu(config);
  const file = join(dataDir, 'insurer.csv');
  await generateBulkFile(people, 20260401, file);
  const report = await loadBulkFile(t.platform, operator, file);
  const paths = cardPaths(config, {});
  const ca = await createCardAuthority({ dir: paths.caDir });
  await mkdir(paths.trustDir, { recursive: true });
  await copyFile(join(paths.caDir, 'ca.crt.pem'), join(paths.trustDir, 'bench-ca.crt.pem'));
  await writeFile(join(paths.trustDir, 'bench-ca.crl.pem'), await ca.issueCrl({ validHours: 48 }));
  // People with eligibility on the visit date get a card (linked directly: set-up, not what is measured).
  const persons = (
    await t.platform.db.query<{ patient_key: string }>(
      `SELECT DISTINCT patient_key FROM elig_records WHERE acquired_on <= '2024-01-15' AND (lost_on IS NULL OR lost_on > '2024-01-15') LIMIT $1`,
      [cards],
    )
  ).rows.map((r) => r.patient_key);
  await mkdir(paths.cardsDir, { recursive: true });
  const rows: string[][] = [[], [], [], [], []];
  const files: string[] = [];
  // Issued a few at a time: key generation and the PIN KDF run on libuv's thread pool, so both cores help.
  const issuedCards: Awaited<ReturnType<typeof issueCard>>[] = [];
  for (let i = 0; i < persons.length; i += 8) {
    const batch = persons.slice(i, i + 8).map((_, j) => join(paths.cardsDir, `card-${i + j}.json`));
    issuedCards.push(...(await Promise.all(batch.map((path) => issueCard({ authority: ca, path, pin: '1234', keyType: 'P-256', pinKdfCost: 1 << 10 })))));
    files.push(...batch);
  }
  issuedCards.forEach((issued, i) => {
    for (const [k, v] of [ca.fingerprint, issued.serial, issued.fingerprint, issued.cardId, persons[i]].entries()) rows[k].push(v);
  });
  await t.platform.db.query(
    'INSERT INTO elig_cards (issuer_fingerprint, serial, fingerprint, card_id, patient_key) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])',
    rows,
  );
  // As on a production database after autovacuum has seen the load: current planner statistics.
  await t.platform.db.query('ANALYZE');
  await t.close();
  return { auditKeyFile, files, loadSeconds: report.seconds, loaded: report.created };
}

function post(agent: Agent, origin: URL, token: string, path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: origin.hostname,
        port: origin.port,
        path,
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One reception: challenge → card → verification. Returns the verification latency and whether it was eligible. */
async function flow(agent: Agent, origin: URL, token: string, card: Card): Promise<{ verifyMs: number; eligible: boolean; ok: boolean }> {
  const ch = await post(agent, origin, token, '/fhir/$card-challenge', '{"resourceType":"Parameters"}');
  if (ch.status !== 200) return { verifyMs: 0, eligible: false, ok: false };
  const challenge = (JSON.parse(ch.text) as { parameter: { valueString?: string }[] }).parameter[0].valueString!;
  const signed = await card.sign(challenge, { pin: '1234' });
  if (!signed.ok) return { verifyMs: 0, eligible: false, ok: false };
  const a = signed.assertion;
  const body = JSON.stringify({
    resourceType: 'Parameters',
    parameter: [
      { name: 'challenge', valueString: a.challenge },
      { name: 'signature', valueString: a.signature },
      { name: 'certificate', valueString: a.certificate },
      { name: 'method', valueCode: a.method },
      { name: 'visitDate', valueDate: '2024-01-15' },
    ],
  });
  const t0 = performance.now();
  const res = await post(agent, origin, token, '/fhir/$verify-card', body);
  const verifyMs = performance.now() - t0;
  // The answer starts with the result parameter; no need to parse the whole Parameters.
  return { verifyMs, ok: res.status === 200, eligible: res.status === 200 && res.text.includes('"name":"result","valueBoolean":true') };
}

function stats(seconds: number, verify: number[], flows: number[], eligible: number, errors: number): FlowStats {
  const v = percentiles(verify);
  const f = percentiles(flows);
  return {
    verificationsPerSecond: Math.round(flows.length / seconds),
    verifyP50: v.p50,
    verifyP99: v.p99,
    flowP50: f.p50,
    flowP99: f.p99,
    total: flows.length,
    eligible,
    errors,
  };
}

/** 50 readers, each running card flows back to back while `nextCard` gives one. */
async function closedLoop(origin: URL, token: string, nextCard: () => Card | undefined): Promise<FlowStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: READERS });
  const verify: number[] = [];
  const flows: number[] = [];
  let eligible = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      for (let card = nextCard(); card; card = nextCard()) {
        const t0 = performance.now();
        try {
          const r = await flow(agent, origin, token, card);
          if (!r.ok) errors++;
          else {
            verify.push(r.verifyMs);
            flows.push(performance.now() - t0);
            if (r.eligible) eligible++;
          }
        } catch {
          errors++;
        }
      }
    }),
  );
  agent.destroy();
  return stats((performance.now() - started) / 1000, verify, flows, eligible, errors);
}

export function saturation(origin: URL, token: string, cards: Card[], seconds: number): Promise<FlowStats> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  return closedLoop(origin, token, () => (performance.now() < end ? cards[n++ % cards.length] : undefined));
}

export async function steady(origin: URL, token: string, cards: Card[], seconds: number, rate: number): Promise<FlowStats & { offeredRate: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: READERS * 2 });
  const verify: number[] = [];
  const flows: number[] = [];
  let eligible = 0;
  let errors = 0;
  let n = 0;
  const interval = (1000 * READERS) / rate;
  const start = performance.now() + 50;
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: READERS }, async (_, c) => {
      for (let due = start + (c * interval) / READERS; due < end; due += interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        try {
          const r = await flow(agent, origin, token, cards[n++ % cards.length]);
          if (!r.ok) errors++;
          else {
            verify.push(r.verifyMs);
            flows.push(performance.now() - due);
            if (r.eligible) eligible++;
          }
        } catch {
          errors++;
        }
      }
    }),
  );
  agent.destroy();
  return { ...stats(seconds, verify, flows, eligible, errors), offeredRate: rate };
}

/** Every card once, 50 readers at a time: first verifications (no certificate path in the server's cache). */
export function firstUse(origin: URL, token: string, cards: Card[]): Promise<FlowStats> {
  let n = 0;
  return closedLoop(origin, token, () => cards[n++]);
}

async function runEngine(
  engine: 'postgres' | 'pglite',
  opts: { people: number; cards: number; firstUseCards?: number; seconds: number; rate?: number },
): Promise<EligibilityBenchResult> {
  const db = engine === 'postgres' ? await freshDatabase('tsunagu_bench_elig') : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-bench-elig-'));
  try {
    const prepared = await prepare(dataDir, db?.url, opts.people, opts.cards + (opts.firstUseCards ?? 0));
    const server = await startChildServer({
      DATABASE_URL: db?.url ?? '',
      TSUNAGU_DATA_DIR: dataDir,
      TSUNAGU_AUDIT_KEY_FILE: prepared.auditKeyFile,
    });
    try {
      const origin = new URL(server.url);
      const all = await Promise.all(prepared.files.map((f) => Card.open(f)));
      const cards = all.slice(0, opts.cards);
      const fresh = all.slice(opts.cards);
      // The fresh cards open their keys now (a client-side cost), without contacting the server.
      for (const c of fresh) await c.sign('warm-up', { pin: '1234' });
      // Warm-up: every card opens its key once (the PIN unwrap) and every certificate enters the path cache.
      const warm = new Agent({ keepAlive: true, maxSockets: READERS });
      for (let i = 0; i < cards.length; i += READERS) await Promise.all(cards.slice(i, i + READERS).map((c) => flow(warm, origin, server.token, c)));
      warm.destroy();
      const sat = await saturation(origin, server.token, cards, opts.seconds);
      const st = opts.rate ? await steady(origin, server.token, cards, opts.seconds, opts.rate) : undefined;
      const first = fresh.length ? await firstUse(origin, server.token, fresh) : undefined;
      return {
        engine,
        people: opts.people,
        cards: cards.length,
        loadSeconds: +prepared.loadSeconds.toFixed(1),
        loadRowsPerSecond: Math.round(prepared.loaded / prepared.loadSeconds),
        saturation: sat,
        steady: st,
        firstUse: first,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await db?.drop();
  }
}

export async function benchEligibility(opts: { quick?: boolean; only?: 'postgres' | 'pglite' } = {}): Promise<EligibilityBenchResult[]> {
  const results: EligibilityBenchResult[] = [];
  if (opts.only !== 'pglite' && (await postgresAvailable())) {
    results.push(
      await runEngine('postgres', {
        people: opts.quick ? 5_000 : 10_000,
        cards: opts.quick ? 500 : 1_000,
        firstUseCards: opts.quick ? 300 : 1_000,
        seconds: opts.quick ? 5 : 15,
        rate: TARGET_RATE,
      }),
    );
  } else {
    console.warn('PostgreSQL not reachable: eligibility benchmark on PostgreSQL skipped');
  }
  if (opts.only !== 'postgres')
    results.push(await runEngine('pglite', { people: opts.quick ? 2_000 : 5_000, cards: opts.quick ? 200 : 500, seconds: opts.quick ? 3 : 8 }));
  return results;
}

export function eligibilityTable(results: EligibilityBenchResult[]): Record<string, string | number>[] {
  return results.map((r) => ({
    engine: r.engine,
    'people / cards': `${r.people} / ${r.cards}`,
    'bulk load rows/s': r.loadRowsPerSecond,
    'verifications/s (50 readers, max)': r.saturation.verificationsPerSecond,
    'verify p50/p99 ms at max': `${r.saturation.verifyP50}/${r.saturation.verifyP99}`,
    'flow p50/p99 ms at max': `${r.saturation.flowP50}/${r.saturation.flowP99}`,
    'steady verifications/s': r.steady ? `${r.steady.verificationsPerSecond} (offered ${r.steady.offeredRate})` : '—',
    'verify p50/p99 ms steady': r.steady ? `${r.steady.verifyP50}/${r.steady.verifyP99}` : '—',
    'flow p50/p99 ms steady': r.steady ? `${r.steady.flowP50}/${r.steady.flowP99}` : '—',
    'first-use verifications/s': r.firstUse ? r.firstUse.verificationsPerSecond : '—',
    'first-use verify p50/p99 ms': r.firstUse ? `${r.firstUse.verifyP50}/${r.firstUse.verifyP99}` : '—',
    errors: r.saturation.errors + (r.steady?.errors ?? 0) + (r.firstUse?.errors ?? 0),
  }));
}
