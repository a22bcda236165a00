/**
 * A rest-hook delivery: POST of the notification Bundle to the subscription's endpoint (Content-Type
 * application/fhir+json, the subscription's headers), within its timeout. Only a 2xx answer counts as delivered;
 * redirects are not followed (the endpoint is the one the subscriber registered). Connections are kept alive per
 * dispatcher and destroyed when it closes.
 */
import http from 'node:http';
import https from 'node:https';
import { guardedLookup, isNonPublicAddress } from './endpoint-guard.ts';

export type DeliveryResult = { ok: true } | { ok: false; error: string };

export class RestHookClient {
  private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 8 }), https: new https.Agent({ keepAlive: true, maxSockets: 8 }) };
  private readonly lookups = { open: guardedLookup(true), guarded: guardedLookup(false) };

  /** `allowPrivate`: endpoints may resolve to this machine or private networks (TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS). */
  constructor(private readonly allowPrivate: () => boolean = () => false) {}

  post(endpoint: string, headers: string[], body: unknown, timeoutMs: number, signal: AbortSignal): Promise<DeliveryResult> {
    const url = new URL(endpoint);
    const out: Record<string, string> = {};
    for (const line of headers) {
      const i = line.indexOf(':');
      out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    const payload = Buffer.from(JSON.stringify(body));
    out['content-type'] = 'application/fhir+json';
    out['content-length'] = String(payload.length);
    const secure = url.protocol === 'https:';
    // A literal address is connected to without a lookup: checked here (names are checked by `lookup`).
    const allowPrivate = this.allowPrivate();
    if (!allowPrivate && isNonPublicAddress(url.hostname.replace(/^\[|\]$/g, '')))
      return Promise.resolve({ ok: false, error: `${url.hostname} is not a public address` });
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: DeliveryResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(r);
      };
      const req = (secure ? https : http).request(
        url,
        {
          method: 'POST',
          headers: out,
          agent: secure ? this.agents.https : this.agents.http,
          signal,
          lookup: allowPrivate ? this.lookups.open : this.lookups.guarded,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            done(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `the endpoint answered HTTP ${status}` });
          });
          res.on('error', (err) => done({ ok: false, error: err.message }));
        },
      );
      const deadline = setTimeout(() => {
        req.destroy(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (err) => done({ ok: false, error: err.message }));
      req.end(payload);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
