/**
 * `tsunagu staff …` — the operator's command for staff accounts of facilities and pharmacies (the apps' sign-in):
 *   add       a person at a facility with a role (医師 歯科医師 看護師 事務 薬剤師) and an initial password
 *   list      the accounts (of one facility)
 *   unlock    end a lockout; disable / enable an account; password: set a new one; totp: turn the second factor on
 *             (prints the otpauth:// URL for the authenticator app) or off
 * The password comes from --password or the TSUNAGU_STAFF_PASSWORD variable (so it stays out of shell history).
 */
import { STAFF_ROLES, StaffAccounts, StaffInputError, staffRoleOf } from '../../src/platform/auth/staff/index.ts';
import { closePlatform } from '../../src/platform/platform.ts';
import { openLocalPlatform, subcommand } from '../common.ts';

const ROLES = Object.entries(STAFF_ROLES)
  .map(([k, r]) => `${r.ja}(${k})`)
  .join(' ');

const USAGE = `tsunagu staff add --facility <医療機関コード> [--pharmacy] --login <name> --name <氏名> --role <role> [--password <pw>]
tsunagu staff list [--facility <code>]
tsunagu staff unlock|disable|enable <facility> <login>
tsunagu staff password <facility> <login> [--password <pw>]
tsunagu staff totp <facility> <login> [--off]
  roles: ${ROLES}; the password may also come from TSUNAGU_STAFF_PASSWORD
  [--data-dir ./data] (or DATABASE_URL)`;

const fail = (ja: string, en: string) => {
  console.error(`${ja} / ${en}`);
  return 2;
};

export async function staffCommand(argv: string[]): Promise<number> {
  const parsed = subcommand(
    argv,
    {
      facility: { type: 'string' },
      pharmacy: { type: 'boolean' },
      login: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      off: { type: 'boolean' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { sub, args } = parsed;
  const v = args.values as Record<string, string | boolean | undefined>;
  const password = (v.password as string | undefined) ?? process.env.TSUNAGU_STAFF_PASSWORD;
  const p = await openLocalPlatform(v['data-dir'] as string | undefined);
  try {
    const staff = new StaffAccounts(p.db);
    if (sub === 'add') {
      const role = typeof v.role === 'string' ? staffRoleOf(v.role) : undefined;
      if (!v.facility || !v.login || !v.name || !role || !password)
        return fail('--facility --login --name --role とパスワードが必要です', `--facility, --login, --name, --role (${ROLES}) and a password are required`);
      const a = await staff.add({
        facilityCode: v.facility as string,
        facilityKind: v.pharmacy ? 'pharmacy' : 'facility',
        login: v.login as string,
        displayName: v.name as string,
        role,
        password,
      });
      console.log(`追加しました / added: ${a.facilityCode} ${a.login} (${STAFF_ROLES[a.role].ja}, ${a.displayName}) id ${a.staffId}`);
      return 0;
    }
    if (sub === 'list') {
      for (const a of await staff.list(v.facility as string | undefined))
        console.log(
          [
            a.facilityCode,
            a.login,
            STAFF_ROLES[a.role].ja,
            a.displayName,
            a.active ? 'active' : 'inactive',
            a.totp ? 'totp' : '',
            a.lockedUntil && a.lockedUntil > new Date() ? `locked until ${a.lockedUntil.toISOString()}` : '',
          ]
            .filter(Boolean)
            .join('\t'),
        );
      return 0;
    }
    const [facility, login] = args.positionals;
    if (!facility || !login) return fail('医療機関コードとログイン名を指定してください', `give the facility code and the login\n${USAGE}`);
    const account = (await staff.list(facility)).find((a) => a.login === login.normalize('NFKC').trim().toLowerCase());
    if (!account) return fail(`アカウントがありません（${facility} ${login}）`, `no account ${login} at ${facility}`);
    switch (sub) {
      case 'unlock':
        await staff.unlock(account.staffId);
        break;
      case 'disable':
      case 'enable':
        await staff.setActive(account.staffId, sub === 'enable');
        break;
      case 'password':
        if (!password) return fail('新しいパスワードを指定してください', 'give the new password (--password or TSUNAGU_STAFF_PASSWORD)');
        await staff.setPassword(account.staffId, password);
        break;
      case 'totp':
        if (v.off) await staff.disableTotp(account.staffId);
        else
          console.log(`認証アプリに登録してください（一度だけ表示） / add to the authenticator app (shown once):\n${await staff.enableTotp(account.staffId)}`);
        break;
      default:
        return fail(`不明なサブコマンド ${sub}`, `unknown subcommand ${sub}\n${USAGE}`);
    }
    console.log(`${sub}: ${facility} ${account.login}`);
    return 0;
  } catch (e) {
    if (e instanceof StaffInputError) return fail(e.ja, e.en);
    throw e;
  } finally {
    await closePlatform(p);
  }
}
