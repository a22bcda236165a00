/**
 * Where rest-hook notifications may go (src/platform/subscriptions/endpoint-guard.ts): by default https to public
 * addresses only — no http, no loopback, private or link-local literal, no `localhost` — and a name resolving
 * inward is refused at connection; an operator's TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS=1 opens this machine and
 * private networks.
 */
import { describe, expect, it } from 'vitest';
import { endpointRefusal, guardedLookup, isNonPublicAddress } from '../../src/platform/subscriptions/endpoint-guard.ts';
import { RestHookClient } from '../../src/platform/subscriptions/rest-hook.ts';
import { subscriptionSettings } from '../../src/platform/subscriptions/settings.ts';

describe('rest-hook endpoints', () => {
  it('knows the non-public ranges, v4, v6 and v4-mapped', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fc00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ])
      expect(isNonPublicAddress(ip), ip).toBe(true);
    for (const ip of ['8.8.8.8', '172.32.0.1', '203.0.114.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isNonPublicAddress(ip), ip).toBe(false);
  });

  it('refuses http and inward hosts by default, allows them when the operator says so', () => {
    const refused = (u: string, allow = false) => endpointRefusal(new URL(u), allow);
    for (const u of [
      'http://clinic.example.jp/hook',
      'http://127.0.0.1:9/hook',
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://10.0.0.5/hook',
      'https://[::1]/hook',
      'https://169.254.169.254/latest',
      'ftp://clinic.example.jp/',
    ])
      expect(refused(u), u).toBeDefined();
    expect(refused('https://clinic.example.jp/hook')).toBeUndefined();
    expect(refused('https://203.0.114.7/hook')).toBeUndefined();
    for (const u of ['http://127.0.0.1:9/hook', 'http://localhost/hook', 'https://10.0.0.5/hook']) expect(refused(u, true), u).toBeUndefined();
    expect(refused('http://clinic.example.jp/hook', true)).toBeDefined();
    expect(refused('http://127.0.0.1/x')?.ja).toMatch(/https/);
  });

  it('refuses at connection a name that resolves inward, and a literal inward address, unless allowed', async () => {
    const lookup = (allow: boolean) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: string }>((resolve) =>
        guardedLookup(allow)('localhost', {}, (err, address) => resolve({ err, address: String(address) })),
      );
    expect((await lookup(false)).err?.code).toBe('ENOTPUBLIC');
    expect((await lookup(true)).err).toBeNull();
    const client = new RestHookClient(() => false);
    const r = await client.post('http://127.0.0.1:9/hook', [], {}, 1000, new AbortController().signal);
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/not a public address/) });
    client.close();
  });

  it('reads the operator setting, refusing a bad value', () => {
    expect(subscriptionSettings({}).allowPrivateEndpoints).toBe(false);
    expect(subscriptionSettings({ TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS: '1' }).allowPrivateEndpoints).toBe(true);
    expect(() => subscriptionSettings({ TSUNAGU_SUBSCRIPTION_PRIVATE_ENDPOINTS: 'yes' })).toThrow(/0 か 1/);
  });
});
