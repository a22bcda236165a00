/**
 * Staff accounts (src/platform/auth/staff): scrypt hashes, roles per facility kind, sign-in that answers alike for
 * every failure, lockout after repeated failures and its end, TOTP as a second factor — on every engine.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOCKOUT_AFTER,
  LOCKOUT_MINUTES,
  StaffAccounts,
  hashPassword,
  needsRehash,
  roleMay,
  staffRoleOf,
  verifyPassword,
} from '../../src/platform/auth/staff/index.ts';
import type { Database } from '../../src/platform/storage/database.ts';
import { migrate } from '../../src/platform/storage/migrate.ts';
import { ENGINES, type EngineHandle, engineHandle } from '../helpers/engines.ts';

const CLINIC = '1312345679';
const PHARMACY = '1342345673';

describe('password hashes', () => {
  it('verify the right password only; each hash salted; parameters in the stored form', async () => {
    const h = await hashPassword('correct horse 42');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse 42', h)).toBe(true);
    expect(await verifyPassword('correct horse 43', h)).toBe(false);
    expect(await hashPassword('correct horse 42')).not.toBe(h);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    expect(needsRehash(h)).toBe(false);
    expect(needsRehash('scrypt$1024$8$1$AAAA$AAAA')).toBe(true);
  });
  it('roles: only doctors and dentists prescribe, clerks do reception, pharmacists dispense', () => {
    expect(staffRoleOf('医師')).toBe('doctor');
    expect(staffRoleOf('事務')).toBe('clerk');
    expect(roleMay('doctor', 'prescribe')).toBe(true);
    expect(roleMay('nurse', 'prescribe')).toBe(false);
    expect(roleMay('clerk', 'prescribe')).toBe(false);
    expect(roleMay('clerk', 'reception')).toBe(true);
    expect(roleMay('pharmacist', 'dispense')).toBe(true);
    expect(roleMay('doctor', 'dispense')).toBe(false);
  });
});

describe.each(ENGINES)('staff accounts (%s)', (engineName) => {
  let engine: EngineHandle;
  let db: Database;
  let staff: StaffAccounts;
  beforeAll(async () => {
    engine = engineHandle(engineName);
    db = await engine.open();
    await migrate(db);
    staff = new StaffAccounts(db);
  });
  afterAll(() => engine.dispose());

  it('adds staff; refuses a bad facility code, a role of the wrong kind, a weak password, a taken login', async () => {
    const a = await staff.add({
      facilityCode: CLINIC,
      facilityKind: 'facility',
      login: 'Yamada',
      displayName: '山田 太郎',
      role: 'doctor',
      password: 'kusuri-2026-a',
    });
    expect(a).toMatchObject({ login: 'yamada', role: 'doctor', totp: false, active: true });
    await expect(
      staff.add({ facilityCode: '1312345678', facilityKind: 'facility', login: 'x1', displayName: 'x', role: 'clerk', password: 'kusuri-2026-a' }),
    ).rejects.toThrow(/医療機関コード/);
    await expect(
      staff.add({ facilityCode: PHARMACY, facilityKind: 'pharmacy', login: 'doc', displayName: 'x', role: 'doctor', password: 'kusuri-2026-a' }),
    ).rejects.toThrow(/薬局の職種ではありません/);
    await expect(
      staff.add({ facilityCode: CLINIC, facilityKind: 'facility', login: 'weak', displayName: 'x', role: 'clerk', password: 'short1' }),
    ).rejects.toThrow(/10文字以上/);
    await expect(
      staff.add({ facilityCode: CLINIC, facilityKind: 'facility', login: 'yamada', displayName: 'x', role: 'clerk', password: 'kusuri-2026-a' }),
    ).rejects.toThrow(/使われています/);
  });

  it('signs in with the right password; every failure answers without saying which', async () => {
    expect(await staff.authenticate({ facilityCode: CLINIC, login: 'YAMADA', password: 'kusuri-2026-a' })).toMatchObject({
      ok: true,
      account: { role: 'doctor' },
    });
    expect(await staff.authenticate({ facilityCode: CLINIC, login: 'yamada', password: 'wrong-pass-1' })).toMatchObject({ ok: false, reason: 'password' });
    expect(await staff.authenticate({ facilityCode: CLINIC, login: 'nobody', password: 'kusuri-2026-a' })).toMatchObject({ ok: false, reason: 'unknown' });
    expect(await staff.authenticate({ facilityCode: PHARMACY, login: 'yamada', password: 'kusuri-2026-a' })).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it(`locks after ${LOCKOUT_AFTER} failures in a row — even the right password — until ${LOCKOUT_MINUTES} minutes have passed`, async () => {
    await staff.add({ facilityCode: CLINIC, facilityKind: 'facility', login: 'suzuki', displayName: '鈴木 花子', role: 'clerk', password: 'uketsuke-2026' });
    const t0 = new Date('2026-12-02T09:00:00+09:00');
    const attempt = (password: string, at: Date) => staff.authenticate({ facilityCode: CLINIC, login: 'suzuki', password }, at);
    for (let i = 1; i < LOCKOUT_AFTER; i++) expect((await attempt('bad-pass-000', t0)).ok).toBe(false);
    expect(await attempt('uketsuke-2026', t0)).toMatchObject({ ok: true }); // a success resets the count
    for (let i = 1; i <= LOCKOUT_AFTER; i++) await attempt('bad-pass-000', t0);
    expect(await attempt('uketsuke-2026', new Date(t0.getTime() + 60_000))).toMatchObject({ ok: false, reason: 'locked' });
    expect(await attempt('uketsuke-2026', new Date(t0.getTime() + (LOCKOUT_MINUTES + 1) * 60_000))).toMatchObject({ ok: true });
  });

  it('an operator unlocks; an inactive account cannot sign in', async () => {
    const [s] = (await staff.list(CLINIC)).filter((a) => a.login === 'suzuki');
    const t0 = new Date();
    for (let i = 0; i < LOCKOUT_AFTER; i++) await staff.authenticate({ facilityCode: CLINIC, login: 'suzuki', password: 'bad-pass-000' }, t0);
    expect((await staff.authenticate({ facilityCode: CLINIC, login: 'suzuki', password: 'uketsuke-2026' }, t0)).ok).toBe(false);
    await staff.unlock(s.staffId);
    expect((await staff.authenticate({ facilityCode: CLINIC, login: 'suzuki', password: 'uketsuke-2026' }, t0)).ok).toBe(true);
    await staff.setActive(s.staffId, false);
    expect(await staff.authenticate({ facilityCode: CLINIC, login: 'suzuki', password: 'uketsuke-2026' }, t0)).toMatchObject({ ok: false, reason: 'inactive' });
  });

  it('TOTP: once enabled, a sign-in needs the current code', async () => {
    const a = await staff.add({
      facilityCode: PHARMACY,
      facilityKind: 'pharmacy',
      login: 'tanaka',
      displayName: '田中 薬子',
      role: 'pharmacist',
      password: 'chouzai-2026',
    });
    const url = await staff.enableTotp(a.staffId);
    expect(url).toMatch(/^otpauth:\/\/totp\/Tsunagu:tanaka\?/);
    const totp = OTPAuth.URI.parse(url) as OTPAuth.TOTP;
    const now = new Date();
    const sign = (code?: string) => staff.authenticate({ facilityCode: PHARMACY, login: 'tanaka', password: 'chouzai-2026', totp: code }, now);
    expect(await sign()).toMatchObject({ ok: false, reason: 'totp-required' });
    expect(await sign('000000' === totp.generate({ timestamp: now.getTime() }) ? '111111' : '000000')).toMatchObject({ ok: false, reason: 'totp' });
    const code = totp.generate({ timestamp: now.getTime() });
    expect(await sign(code)).toMatchObject({ ok: true, account: { totp: true } });
    // the same code again (a replay) is refused
    expect(await sign(code)).toMatchObject({ ok: false, reason: 'totp' });
    const later = new Date(now.getTime() + 30_000);
    expect(
      await staff.authenticate(
        { facilityCode: PHARMACY, login: 'tanaka', password: 'chouzai-2026', totp: totp.generate({ timestamp: later.getTime() }) },
        later,
      ),
    ).toMatchObject({
      ok: true,
    });
  });
});
