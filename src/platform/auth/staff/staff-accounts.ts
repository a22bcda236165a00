/**
 * Staff accounts (職員アカウント): one per person and facility — a 医療機関コード, a login name, a role (staff-roles.ts),
 * a scrypt password hash (password-hash.ts), an optional TOTP second factor (RFC 6238, the `otpauth` library).
 *
 * Sign-in (`authenticate`) answers alike for an unknown login, a wrong password, a wrong or missing code and a
 * locked or inactive account (the caller must not learn which logins exist); the reason is returned separately for
 * the audit record. LOCKOUT_AFTER failures in a row lock the account for LOCKOUT_MINUTES (an operator can unlock it);
 * a success resets the count.
 */
import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { checkFacilityCodeShape } from '../../identity/facility-code.ts';
import type { Queryable } from '../../storage/database.ts';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.ts';
import { STAFF_ROLES, type StaffFacilityKind, type StaffRole, isStaffRole, roleFitsFacility } from './staff-roles.ts';

export const LOCKOUT_AFTER = 5;
export const LOCKOUT_MINUTES = 15;
/** At least this long; one of each of letters and digits (a clinic's shared PC, not a bank: length over rules). */
export const MIN_PASSWORD_LENGTH = 10;

export interface StaffAccount {
  staffId: string;
  facilityCode: string;
  facilityKind: StaffFacilityKind;
  login: string;
  displayName: string;
  role: StaffRole;
  totp: boolean;
  active: boolean;
  lockedUntil?: Date;
}

export interface NewStaff {
  facilityCode: string;
  facilityKind: StaffFacilityKind;
  login: string;
  displayName: string;
  role: StaffRole;
  password: string;
}

export class StaffInputError extends TypeError {
  constructor(
    readonly ja: string,
    readonly en: string,
  ) {
    super(`${ja} / ${en}`);
  }
}

export type SignIn =
  | { ok: true; account: StaffAccount }
  | { ok: false; reason: 'unknown' | 'password' | 'totp-required' | 'totp' | 'locked' | 'inactive'; staffId?: string };

type Row = {
  staff_id: string;
  facility_code: string;
  facility_kind: StaffFacilityKind;
  login: string;
  display_name: string;
  role: StaffRole;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: string | null;
  failed_count: number;
  locked_until: Date | null;
  active: boolean;
};

const COLUMNS =
  'staff_id, facility_code, facility_kind, login, display_name, role, password_hash, totp_secret, totp_last_step, failed_count, locked_until, active';

const accountOf = (r: Row): StaffAccount => ({
  staffId: r.staff_id,
  facilityCode: r.facility_code,
  facilityKind: r.facility_kind,
  login: r.login,
  displayName: r.display_name,
  role: r.role,
  totp: r.totp_secret !== null,
  active: r.active,
  lockedUntil: r.locked_until ?? undefined,
});

const normalLogin = (login: string) => login.normalize('NFKC').trim().toLowerCase();

export function passwordProblem(password: string): { ja: string; en: string } | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return { ja: `パスワードは${MIN_PASSWORD_LENGTH}文字以上にしてください`, en: `a password has at least ${MIN_PASSWORD_LENGTH} characters` };
  if (!/\p{L}/u.test(password) || !/\d/.test(password)) return { ja: 'パスワードには文字と数字を含めてください', en: 'a password holds letters and digits' };
  return undefined;
}

const totpOf = (secret: string, label: string) =>
  new OTPAuth.TOTP({ issuer: 'Tsunagu', label, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });

export class StaffAccounts {
  constructor(private readonly db: Queryable) {}

  async add(s: NewStaff): Promise<StaffAccount> {
    const code = s.facilityCode.normalize('NFKC').trim();
    const shape = checkFacilityCodeShape(code);
    if (shape) throw new StaffInputError(`医療機関コードが正しくありません: ${shape.ja}`, `invalid facility code: ${shape.en}`);
    if (!isStaffRole(s.role)) throw new StaffInputError(`職種が正しくありません（${String(s.role)}）`, `unknown role ${String(s.role)}`);
    if (!roleFitsFacility(s.role, s.facilityKind))
      throw new StaffInputError(
        `${STAFF_ROLES[s.role].ja}は${s.facilityKind === 'pharmacy' ? '薬局' : '医療機関'}の職種ではありません`,
        `a ${STAFF_ROLES[s.role].en} is not staff of a ${s.facilityKind}`,
      );
    const login = normalLogin(s.login);
    if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(login))
      throw new StaffInputError('ログイン名は英小文字・数字・「.」「_」「-」で2〜64文字です', 'a login is 2–64 of a-z, 0-9, ".", "_", "-"');
    if (!s.displayName.trim()) throw new StaffInputError('氏名が必要です', 'a display name is required');
    const weak = passwordProblem(s.password);
    if (weak) throw new StaffInputError(weak.ja, weak.en);
    const staffId = randomUUID();
    const res = await this.db.query<Row>(
      `INSERT INTO staff_accounts (staff_id, facility_code, facility_kind, login, display_name, role, password_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (facility_code, login) DO NOTHING RETURNING ${COLUMNS}`,
      [staffId, code, s.facilityKind, login, s.displayName.trim(), s.role, await hashPassword(s.password)],
    );
    if (!res.rows[0]) throw new StaffInputError(`ログイン名「${login}」はこの医療機関で使われています`, `login "${login}" is taken at this facility`);
    return accountOf(res.rows[0]);
  }

  async list(facilityCode?: string): Promise<StaffAccount[]> {
    const res = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM staff_accounts ${facilityCode ? 'WHERE facility_code = $1' : ''} ORDER BY facility_code, login`,
      facilityCode ? [facilityCode] : [],
    );
    return res.rows.map(accountOf);
  }

  private async row(facilityCode: string, login: string): Promise<Row | undefined> {
    return (
      await this.db.query<Row>(`SELECT ${COLUMNS} FROM staff_accounts WHERE facility_code = $1 AND login = $2`, [
        facilityCode.normalize('NFKC').trim(),
        normalLogin(login),
      ])
    ).rows[0];
  }

  /** Checks a sign-in at `now`; counts failures, locks after LOCKOUT_AFTER, resets on success. */
  async authenticate(q: { facilityCode: string; login: string; password: string; totp?: string }, now = new Date()): Promise<SignIn> {
    const r = await this.row(q.facilityCode, q.login);
    if (!r) {
      await verifyPassword(q.password, DUMMY_HASH); // the same time as a real account's check
      return { ok: false, reason: 'unknown' };
    }
    if (!r.active || (r.locked_until && r.locked_until > now)) {
      await verifyPassword(q.password, DUMMY_HASH); // as long as any other answer
      return { ok: false, reason: r.active ? 'locked' : 'inactive', staffId: r.staff_id };
    }
    const fail = async (reason: 'password' | 'totp' | 'totp-required'): Promise<SignIn> => {
      const failed = (r.locked_until && r.locked_until <= now ? 0 : r.failed_count) + 1;
      const lock = failed >= LOCKOUT_AFTER ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : null;
      await this.db.query('UPDATE staff_accounts SET failed_count = $2, locked_until = $3 WHERE staff_id = $1', [
        r.staff_id,
        lock ? 0 : failed,
        lock?.toISOString() ?? null,
      ]);
      return { ok: false, reason: lock ? 'locked' : reason, staffId: r.staff_id };
    };
    if (!(await verifyPassword(q.password, r.password_hash))) return fail('password');
    let step: number | undefined;
    if (r.totp_secret) {
      if (!q.totp) return fail('totp-required');
      const delta = totpOf(r.totp_secret, r.login).validate({ token: q.totp.replace(/\s/g, ''), window: 1, timestamp: now.getTime() });
      // a code is good once: not again within its step (nor an older one after a newer was used)
      step = Math.floor(now.getTime() / 30_000) + (delta ?? 0);
      if (delta === null || (r.totp_last_step !== null && step <= Number(r.totp_last_step))) return fail('totp');
    }
    const rehash = needsRehash(r.password_hash) ? await hashPassword(q.password) : r.password_hash;
    await this.db.query(
      'UPDATE staff_accounts SET failed_count = 0, locked_until = NULL, password_hash = $2, totp_last_step = coalesce($3, totp_last_step) WHERE staff_id = $1',
      [r.staff_id, rehash, step ?? null],
    );
    return { ok: true, account: accountOf({ ...r, failed_count: 0, locked_until: null }) };
  }

  /** Starts TOTP for an account: the secret's otpauth:// URL for the phone's authenticator app (shown once). */
  async enableTotp(staffId: string): Promise<string> {
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    const res = await this.db.query<{ login: string }>(
      'UPDATE staff_accounts SET totp_secret = $2, totp_last_step = NULL WHERE staff_id = $1 RETURNING login',
      [staffId, secret],
    );
    if (!res.rows[0]) throw new StaffInputError('アカウントがありません', 'no such account');
    return totpOf(secret, res.rows[0].login).toString();
  }

  async disableTotp(staffId: string): Promise<void> {
    await this.db.query('UPDATE staff_accounts SET totp_secret = NULL WHERE staff_id = $1', [staffId]);
  }

  async unlock(staffId: string): Promise<void> {
    await this.db.query('UPDATE staff_accounts SET failed_count = 0, locked_until = NULL WHERE staff_id = $1', [staffId]);
  }

  async setActive(staffId: string, active: boolean): Promise<void> {
    await this.db.query('UPDATE staff_accounts SET active = $2 WHERE staff_id = $1', [staffId, active]);
  }

  async setPassword(staffId: string, password: string): Promise<void> {
    const weak = passwordProblem(password);
    if (weak) throw new StaffInputError(weak.ja, weak.en);
    await this.db.query('UPDATE staff_accounts SET password_hash = $2, failed_count = 0, locked_until = NULL WHERE staff_id = $1', [
      staffId,
      await hashPassword(password),
    ]);
  }
}

/** A hash of nothing anyone types: verified for unknown logins so they take as long as real ones. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
