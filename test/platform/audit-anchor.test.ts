/**
 * Audit anchors (issue 9, item 8): signed checkpoints of the chain heads, kept in a file outside the database,
 * catch what the hash chains alone accept — the last events of a chain deleted and its head rewound to the event
 * before them. Also: forged, edited, removed and reordered anchor lines, the periodic and the shutdown checkpoint,
 * and the exit codes of `tsunagu audit anchor` / `tsunagu audit verify`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTsunagu } from '../../src/app.ts';
import { formatAnchor, parseAnchor } from '../../src/platform/audit/audit-anchor.ts';
import { AuditAnchorWriter, readChainHeads } from '../../src/platform/audit/audit-anchor-writer.ts';
import { auditKeyFrom } from '../../src/platform/audit/audit-key.ts';
import { verifyAuditLog } from '../../src/platform/audit/audit-verify.ts';
import { registerClient } from '../../src/platform/auth/clients.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { configFromEnv } from '../../src/platform/config.ts';
import type { Queryable } from '../../src/platform/storage/database.ts';
import { openDatabase } from '../../src/platform/storage/open.ts';
import { createScratchDatabase } from '../../src/platform/storage/pg-admin.ts';
import { generateClientKey } from '../../cli/commands/client.ts';
import { ADMIN_URL, ENGINES } from '../helpers/engines.ts';
import { observation, patient } from '../helpers/fixtures.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';

/** The attack: delete the events of `chain` after `keep` and point its head at event `keep`. */
async function truncateAndRewind(db: Queryable, chain: number, keep: number): Promise<void> {
  await db.query('DELETE FROM audit_events WHERE chain = $1 AND seq > $2', [chain, keep]);
  await db.query('UPDATE audit_chains SET seq = $2, head = (SELECT hash FROM audit_events WHERE chain = $1 AND seq = $2) WHERE chain = $1', [chain, keep]);
}

/** The chain with the most events. */
async function longestChain(db: Queryable): Promise<{ chain: number; seq: number }> {
  return (await db.query<{ chain: number; seq: number }>('SELECT chain, seq FROM audit_chains ORDER BY seq DESC, chain LIMIT 1')).rows[0];
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'tsunagu-anchor-'));
const fileLines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe.each(ENGINES)('audit anchors on %s', (engine) => {
  let s: TestServer;
  let clinic: TestClient;
  let patientId: string;
  let anchorFile: string;

  const db = () => s.t.platform.db;
  const key = () => s.t.platform.auditKey;
  const verify = (files = [anchorFile]) => verifyAuditLog(db(), key(), { anchorFiles: files });
  const checkpoint = () => s.t.platform.anchors.checkpoint();
  const writeEvents = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const r = await s.request({ method: 'POST', url: '/fhir/Observation', token: clinic.token, body: observation(`Patient/${patientId}`, { value: i }) });
      expect(r.statusCode, r.body).toBe(201);
    }
  };

  beforeAll(async () => {
    anchorFile = join(tempDir(), 'anchors.log');
    s = await startTestServer(engine, { auditAnchorFile: anchorFile, auditAnchorInterval: 0 });
    clinic = await s.addClient({ kind: 'facility', scopes: ['system/*.read', 'system/*.write'] });
    patientId = JSON.parse((await s.request({ method: 'POST', url: '/fhir/Patient', token: clinic.token, body: patient() })).body).id;
    await writeEvents(8);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('checkpoints every chain head, only when one moved, and verifies an intact log against it', async () => {
    const first = await checkpoint();
    expect(first.written).toBe(true);
    expect(first.anchor!.heads).toEqual(await readChainHeads(db()));
    expect(first.anchor!.heads).toHaveLength(4);
    expect(first.anchor!.behind).toEqual([]);
    expect(parseAnchor(key(), fileLines(anchorFile)[0])).toEqual({ ok: true, anchor: first.anchor });

    expect((await checkpoint()).written).toBe(false);
    expect(fileLines(anchorFile)).toHaveLength(1);

    const intact = await verify();
    expect(intact.problems).toEqual([]);
    expect(intact.anchors).toMatchObject({ checkpoints: 1, unanchoredEvents: 0, lastAt: first.anchor!.at });

    // Events after the last checkpoint: still verified by their chain, and counted as the unanchored window.
    await writeEvents(2);
    const later = await verify();
    expect(later.ok).toBe(true);
    expect(later.anchors!.unanchoredEvents).toBeGreaterThanOrEqual(2);
    expect((await checkpoint()).written).toBe(true);
    expect((await verify()).anchors!.unanchoredEvents).toBe(0);
  });

  it('reports a removed tail with a rewound head, which the hash chains alone accept', async () => {
    await writeEvents(4);
    await checkpoint();
    const { chain, seq } = await longestChain(db());
    expect(seq).toBeGreaterThanOrEqual(3);
    const saved = (await db().query<Record<string, unknown>>('SELECT * FROM audit_events WHERE chain = $1 AND seq > $2 ORDER BY seq', [chain, seq - 2])).rows;
    const head = (await db().query<{ head: Uint8Array }>('SELECT head FROM audit_chains WHERE chain = $1', [chain])).rows[0].head;

    await truncateAndRewind(db(), chain, seq - 2);
    // The finding: the chains are consistent again, so verification without anchors passes.
    expect((await verifyAuditLog(db(), key())).problems).toEqual([]);
    const caught = await verify();
    expect(caught.ok).toBe(false);
    expect(caught.problems).toEqual([
      expect.objectContaining({ kind: 'behind-anchor', chain, seq, message: expect.stringContaining(`events ${seq - 1}..${seq} were removed`) }),
    ]);

    // Put the events back: intact again.
    for (const r of saved)
      await db().query(
        'INSERT INTO audit_events (chain, seq, hash, recorded, patient_key, client_id, facility_code, action, outcome, purpose, entities, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
        [
          r.chain,
          r.seq,
          Buffer.from(r.hash as Uint8Array),
          r.recorded,
          r.patient_key,
          r.client_id,
          r.facility_code,
          r.action,
          r.outcome,
          r.purpose,
          r.entities,
          r.detail,
        ],
      );
    await db().query('UPDATE audit_chains SET seq = $2, head = $3 WHERE chain = $1', [chain, seq, Buffer.from(head)]);
    expect((await verify()).problems).toEqual([]);
  });

  it('reports forged, edited, removed and reordered anchor lines', async () => {
    for (let i = 0; i < 2; i++) {
      await writeEvents(1);
      expect((await checkpoint()).written).toBe(true);
    }
    const lines = fileLines(anchorFile);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const dir = tempDir();
    let n = 0;
    const check = async (edited: string[]) => {
      const file = join(dir, `anchors-${++n}.log`);
      writeFileSync(file, edited.map((l) => `${l}\n`).join(''));
      return (await verify([file])).problems;
    };
    expect(await check(lines)).toEqual([]);

    // A line edited to anchor less (the rewound seq): its signature no longer verifies; the next line still follows.
    const edited = lines[1].replace(/\[(\d+),(\d+),"/, (_, c, q) => `[${c},${Math.max(0, Number(q) - 1)},"`);
    expect(edited).not.toBe(lines[1]);
    expect(await check([lines[0], edited, ...lines.slice(2)])).toEqual([
      { kind: 'anchor-invalid', file: expect.any(String), line: 2, message: expect.stringContaining('signature does not verify') },
    ]);

    // A line signed with another key (someone without the key file), appended or inserted.
    const last = parseAnchor(key(), lines.at(-1)!);
    if (!last.ok) throw new Error(last.reason);
    const forged = formatAnchor(auditKeyFrom(randomBytes(32)), {
      ...last.anchor,
      n: last.anchor.n + 1,
      prev: last.anchor.sig,
      heads: last.anchor.heads.map((h) => ({ ...h, seq: 0 })),
    }).line;
    expect(await check([...lines, forged])).toEqual([expect.objectContaining({ kind: 'anchor-invalid', line: lines.length + 1 })]);
    const inserted = await check([lines[0], forged, ...lines.slice(1)]);
    expect(inserted).toEqual([expect.objectContaining({ kind: 'anchor-invalid', line: 2 })]);

    // Removed lines: in the middle, and at the start.
    expect(await check([lines[0], ...lines.slice(2)])).toEqual([
      expect.objectContaining({ kind: 'anchor-invalid', line: 2, message: expect.stringContaining('does not follow') }),
    ]);
    expect(await check(lines.slice(1))).toEqual([
      expect.objectContaining({ kind: 'anchor-invalid', line: 1, message: expect.stringContaining('first anchor lines are missing') }),
    ]);

    // Reordered lines.
    const swapped = await check([lines[0], lines[2], lines[1], ...lines.slice(3)]);
    expect(swapped.length).toBeGreaterThanOrEqual(2);
    expect(swapped.every((p) => p.kind === 'anchor-invalid')).toBe(true);
  });

  it('catches a rewind that new events have since passed, and the next checkpoint records it', async () => {
    await checkpoint();
    const { chain, seq } = await longestChain(db());
    await truncateAndRewind(db(), chain, seq - 2);
    // New events refill the chain past the anchored seq: the head is no longer behind, but the event there changed.
    for (let i = 0; i < 50 && (await readChainHeads(db())).find((h) => h.chain === chain)!.seq <= seq; i++) await writeEvents(1);
    expect((await readChainHeads(db())).find((h) => h.chain === chain)!.seq).toBeGreaterThan(seq);
    expect((await verifyAuditLog(db(), key())).problems).toEqual([]);
    expect((await verify()).problems).toEqual([
      expect.objectContaining({ kind: 'behind-anchor', chain, seq, message: expect.stringContaining('does not carry the hash') }),
    ]);

    // The writer notices before appending, says so, and records it in the (signed) line; later lines keep the record.
    const warn = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const next = await checkpoint();
    try {
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining(`audit chains went back since the last anchor (tampering, or a restored backup): chain ${chain} seq ${seq}`),
      );
    } finally {
      warn.mockRestore();
    }
    expect(next.written).toBe(true);
    expect(next.anchor!.behind).toEqual([{ chain, seq, now: expect.any(Number) }]);
    await writeEvents(1);
    expect((await checkpoint()).written).toBe(true);
    const after = await verify();
    expect(after.problems).toEqual([expect.objectContaining({ kind: 'behind-anchor', chain, seq, message: expect.stringContaining('had been replaced') })]);
  });

  it('checkpoints on a timer when a head moved, and not otherwise', async () => {
    const file = join(tempDir(), 'timer.log');
    const writer = new AuditAnchorWriter(db(), key(), file);
    const waitForLines = async (count: number) => {
      for (let i = 0; i < 200; i++) {
        try {
          if (fileLines(file).length >= count) return;
        } catch {
          // not written yet
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    writer.start(0.05);
    try {
      await waitForLines(1);
      expect(fileLines(file)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(fileLines(file)).toHaveLength(1);
      await writeEvents(1);
      await waitForLines(2);
      expect(fileLines(file)).toHaveLength(2);
    } finally {
      await writer.stop();
    }
    expect(parseAnchor(key(), fileLines(file)[1])).toMatchObject({ ok: true, anchor: { n: 2, heads: await readChainHeads(db()) } });
  });

  it('writes a last checkpoint when Tsunagu closes', async () => {
    const file = join(tempDir(), 'close.log');
    const other = await startTestServer(engine, { auditAnchorFile: file, auditAnchorInterval: 0 });
    try {
      const c = await other.addClient({ kind: 'facility', scopes: ['system/*.write'] });
      expect((await other.request({ method: 'POST', url: '/fhir/Patient', token: c.token, body: patient() })).statusCode).toBe(201);
      const heads = await readChainHeads(other.t.platform.db);
      expect(heads.some((h) => h.seq > 0)).toBe(true);
      await other.t.close();
      const last = parseAnchor(other.t.platform.auditKey, fileLines(file).at(-1)!);
      expect(last).toMatchObject({ ok: true, anchor: { heads } });
    } finally {
      await other.engine.dispose();
    }
  });
});

describe.each(ENGINES)('tsunagu audit anchor / verify (CLI) on %s', (engine) => {
  const run = promisify(execFile);
  let dataDir: string;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
    run('npx', ['tsx', 'cli/tsunagu.ts', 'audit', ...args], { env: { ...env, ...extraEnv }, cwd: process.cwd() }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  beforeAll(async () => {
    dataDir = tempDir();
    if (engine === 'postgres') scratch = await createScratchDatabase(ADMIN_URL, 'tsunagu_anchor_cli');
    env = {
      ...process.env,
      TSUNAGU_DATA_DIR: dataDir,
      DATABASE_URL: scratch?.url ?? '',
      TSUNAGU_AUDIT_CHAINS: '4',
      TSUNAGU_AUDIT_ANCHOR_FILE: '',
      TSUNAGU_AUDIT_ANCHOR_INTERVAL: '0',
    };
    const t = await createTsunagu(configFromEnv(env), { logger: 'silent' });
    const c = await registerClient(t.platform.db, {
      name: 'op',
      kind: 'operator',
      scopes: ['system/*.*'],
      jwks: { keys: [(await generateClientKey()).publicJwk] },
    });
    const token = await t.platform.tokens.issue(c, parseScopes(c.scopes));
    for (let i = 0; i < 6; i++)
      await t.app.inject({
        method: 'POST',
        url: '/fhir/Patient',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
        payload: JSON.stringify(patient()),
      });
    await t.close(); // writes the shutdown checkpoint to <data>/audit/anchors.log
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('anchors on demand, verifies against the anchors, and exits 1 on a removed tail with a rewound head', async () => {
    const anchors = join(dataDir, 'audit', 'anchors.log');
    expect(fileLines(anchors)).toHaveLength(1);
    const idle = await cli(['anchor']);
    expect(idle).toMatchObject({ code: 0, out: expect.stringContaining('nothing written') });
    expect(fileLines(anchors)).toHaveLength(1);

    const ok = await cli(['verify']);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/intact: 6 events/);
    expect(ok.out).toMatch(/anchors: 1 checkpoints .* the 0 event\(s\) after it/);

    const db = await openDatabase({ databaseUrl: scratch?.url, dataDir });
    try {
      const { chain, seq } = await longestChain(db);
      await truncateAndRewind(db, chain, seq - 1);
    } finally {
      await db.close();
    }
    const bad = await cli(['verify']);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(/TAMPERED/);
    expect(bad.out).toMatch(/behind-anchor/);
    // Without the anchor file the tamper goes unseen — and verify says anchors were not checked.
    const blind = await cli(['verify'], { TSUNAGU_AUDIT_ANCHOR_FILE: join(dataDir, 'elsewhere.log') });
    expect(blind.code, blind.out).toBe(0);
    expect(blind.out).toMatch(/anchors not checked/);
    expect((await cli(['verify', '--anchors', join(dataDir, 'missing.log')])).code).toBe(2);

    // A checkpoint now records the chain that went back, and exits 1.
    const flagged = await cli(['anchor']);
    expect(flagged.code, flagged.out).toBe(1);
    expect(flagged.out).toMatch(/anchor written: checkpoint 2/);
    expect(flagged.out).toMatch(/gone back/);
    const still = await cli(['verify', '--json']);
    expect(still.code).toBe(1);
    const result = JSON.parse(still.out.slice(still.out.indexOf('{'), still.out.lastIndexOf('}') + 1));
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'behind-anchor', message: expect.stringContaining('anchors.log:2') })]);
  }, 240_000);
});
