/** The batched replay guard and lookup, and the DER reading used on every new certificate. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { KeyUsageBit, keyUsageOf } from '../../src/services/eligibility/reception/card/der.ts';
import { fromPem } from '../../src/services/eligibility/reception/card/algorithms.ts';
import { ENGINES } from '../helpers/engines.ts';
import { eligibilityWorld, type EligibilityWorld } from './service-fixtures.ts';

describe.each(ENGINES)('reception batcher (%s)', (engine) => {
  let w: EligibilityWorld;
  beforeAll(async () => {
    w = await eligibilityWorld(engine);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('redeems a nonce once, even when the same nonce arrives twice in one batch', async () => {
    const exp = new Date(Date.now() + 60_000);
    const [a, b, c] = await Promise.all([w.rt.reception.markUsed('n-1', exp), w.rt.reception.markUsed('n-1', exp), w.rt.reception.markUsed('n-2', exp)]);
    expect([a, b, c]).toEqual([true, false, true]);
    expect(await w.rt.reception.markUsed('n-2', exp)).toBe(false);
  });

  it('answers many lookups in one statement; unknown certificates have no rows', async () => {
    const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => w.rt.reception.lookup(`unknown-${i}`, '2024-01-01')));
    expect(rows.every((r) => r.length === 0)).toBe(true);
  });

  it('purges expired nonces', async () => {
    await w.rt.reception.markUsed('n-old', new Date(Date.now() - 1000));
    expect(await w.rt.reception.purge()).toBeGreaterThanOrEqual(1);
  });
});

describe('KeyUsage from DER', () => {
  it('reads the bits of a CA and of a user certificate', async () => {
    const { createCardAuthority, issueCard } = await import('../../src/services/eligibility/reception/card/index.ts');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'der-'));
    try {
      const ca = await createCardAuthority({ dir: join(dir, 'ca') });
      const caUsage = keyUsageOf(fromPem(ca.certificatePem, 'CERTIFICATE')[0])!;
      expect(caUsage(KeyUsageBit.keyCertSign)).toBe(true);
      expect(caUsage(KeyUsageBit.digitalSignature)).toBe(false);
      const card = await issueCard({ authority: ca, path: join(dir, 'c.json'), pin: '1234', pinKdfCost: 1 << 10 });
      const der = fromPem(card.certificatePem, 'CERTIFICATE')[0];
      const usage = keyUsageOf(der)!;
      expect(usage(KeyUsageBit.digitalSignature)).toBe(true);
      expect(usage(KeyUsageBit.keyCertSign)).toBe(false);
      expect(new X509Certificate(der).ca).toBe(false);
      expect(() => keyUsageOf(der.subarray(0, 40))).toThrow(RangeError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
