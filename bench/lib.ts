/** Benchmark plumbing: child server processes, autocannon runs, fresh PostgreSQL databases, result tables. */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { canConnect, createScratchDatabase } from '../src/platform/storage/pg-admin.ts';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const postgresAvailable = () => canConnect(ADMIN_URL);

/** A fresh database on the PostgreSQL server; `drop()` removes it. */
export const freshDatabase = (prefix: string) => createScratchDatabase(ADMIN_URL, prefix);

export interface ChildServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/**
 * A bench server script in its own process (so the load generator does not share its event loop). The script
 * reports `{ port, … }` over IPC once it listens and exits when sent 'stop'.
 */
export async function startChild<T extends { port: number }>(
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; info: T; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tsunagu-bench-'));
  const child: ChildProcess = fork(new URL(script, import.meta.url).pathname, [], {
    // TSUNAGU_BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops.
    execArgv: ['--import', 'tsx', ...(process.env.TSUNAGU_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.TSUNAGU_BENCH_PROFILE}`] : [])],
    env: { ...process.env, TSUNAGU_DATA_DIR: dataDir, TSUNAGU_AUDIT_KEY_FILE: join(dataDir, 'audit.key'), ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`bench server ${script} exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${info.port}`,
    info,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

/** A Tsunagu server (bench/server-child.ts) with a facility token for it. */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const child = await startChild<{ port: number; token: string }>('./server-child.ts', env);
  return { url: child.url, token: child.info.token, stop: child.stop };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

export async function load(opts: autocannon.Options): Promise<LoadResult> {
  const r = await autocannon({ ...opts });
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
}

/** Latency percentiles (ms) of a list of samples. */
export function percentiles(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { p50: +at(0.5).toFixed(2), p99: +at(0.99).toFixed(2) };
}

export function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(width[i])).join(' | ')} |`;
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n');
}

/** Runs `total` tasks on `concurrency` closed-loop workers: throughput and latency percentiles (ms). */
export async function workers(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<{ perSecond: number; p50: number; p99: number }> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: Math.round(total / seconds), ...percentiles(latencies) };
}
