/**
 * Open-loop load: `clients` simulated users together send `rate` requests per second, evenly spread (each
 * client on its own schedule, phases staggered), whatever the server's speed. Latency is measured from the time
 * each request was due, so a slow server cannot hide its queue (no coordinated omission).
 */
import { Agent, request } from 'node:http';
import { percentiles } from './lib.ts';

export interface OpenLoopResult {
  rate: number;
  sent: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

export async function openLoop(opts: {
  origin: string;
  headers: Record<string, string>;
  path: (i: number) => string;
  clients: number;
  rate: number;
  seconds: number;
}): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.clients });
  const url = new URL(opts.origin);
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, headers: opts.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const interval = (1000 * opts.clients) / opts.rate;
  const start = performance.now() + 50;
  const end = start + opts.seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, c) => {
      for (let due = start + (c * interval) / opts.clients; due < end; due += interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        try {
          if ((await get(opts.path(counter++))) >= 400) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - due);
      }
    }),
  );
  agent.destroy();
  const { p50, p99 } = percentiles(latencies);
  return { rate: opts.rate, sent: latencies.length, errors, p50, p99, max: +Math.max(...latencies).toFixed(2) };
}
