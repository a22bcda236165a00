/** Settings from the environment: whole-number settings with a typo are refused at start, not read as a limit. */
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../src/platform/config.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = configFromEnv({});
    expect([c.port, c.bundleMaxEntries, c.maxArrayItems, c.requestTimeout, c.embeddedFsync]).toEqual([8080, 1000, 10_000, 30, true]);
  });
  it('refuses numbers that are not whole and not negative, naming the setting', () => {
    for (const [name, value] of [
      ['TSUNAGU_BUNDLE_MAX_ENTRIES', 'lots'],
      ['TSUNAGU_MAX_ARRAY_ITEMS', '-1'],
      ['TSUNAGU_REQUEST_TIMEOUT', '1.5'],
      ['PORT', '80a'],
      ['TSUNAGU_AUDIT_CHAINS', '0'],
    ]) {
      expect(() => configFromEnv({ [name]: value }), name).toThrow(ConfigError);
      expect(() => configFromEnv({ [name]: value }), name).toThrow(name);
    }
    expect(configFromEnv({ TSUNAGU_EMBEDDED_FSYNC: '0' }).embeddedFsync).toBe(false);
  });
});
