/** Helpers for tests of notifications: a local HTTP receiver of rest-hooks, and waiting for a condition. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, any>;

/** A local HTTP receiver: what each path got (headers and parsed body), and the status each path answers with. */
export async function startReceiver() {
  const got = new Map<string, { headers: http.IncomingHttpHeaders; body: Json }[]>();
  const answer = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const path = req.url ?? '';
      got.set(path, [...(got.get(path) ?? []), { headers: req.headers, body: JSON.parse(data) }]);
      res.statusCode = answer.get(path) ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    got: (path: string) => got.get(path) ?? [],
    answer,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `probe` until it gives a value (not undefined / false), or fails after `ms`. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
