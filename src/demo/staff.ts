/**
 * The demo's staff accounts (職員アカウント): at the clinic a 医師, a 看護師, a 事務 and a 個人情報保護管理者, at the hospital
 * a 医師 and a 個人情報保護管理者, at the pharmacy a 薬剤師 and a 事務 — each with a password made for this world (printed with the sign-ins).
 */
import type { Tsunagu } from '../app.ts';
import { STAFF_ROLES, type StaffRole } from '../platform/auth/staff/index.ts';
import type { Party, PartyKey } from './facilities.ts';
import { demoPassword } from './secrets.ts';

export interface StaffDefinition {
  at: Extract<PartyKey, 'clinic' | 'hospital' | 'pharmacy'>;
  login: string;
  displayName: string;
  role: StaffRole;
}

export const STAFF: readonly StaffDefinition[] = [
  { at: 'clinic', login: 'doctor', displayName: '佐藤 健一', role: 'doctor' },
  { at: 'clinic', login: 'nurse', displayName: '鈴木 美咲', role: 'nurse' },
  { at: 'clinic', login: 'clerk', displayName: '田中 由紀', role: 'clerk' },
  { at: 'clinic', login: 'privacy', displayName: '山本 恵子', role: 'privacy-officer' },
  { at: 'hospital', login: 'doctor', displayName: '中村 直樹', role: 'doctor' },
  { at: 'hospital', login: 'privacy', displayName: '井上 誠', role: 'privacy-officer' },
  { at: 'pharmacy', login: 'pharmacist', displayName: '小林 薫', role: 'pharmacist' },
  { at: 'pharmacy', login: 'clerk', displayName: '加藤 愛', role: 'clerk' },
];

/** One printed sign-in (demo-world.json, GET /demo/sign-ins). */
export interface SignIn {
  role: StaffRole;
  /** 職種 in Japanese (医師, 看護師, 事務, 薬剤師). */
  roleName: string;
  displayName: string;
  facilityName: string;
  facilityCode: string;
  login: string;
  password: string;
  /** The app the account signs in to. */
  app: 'clinic' | 'pharmacy';
}

export async function addStaff(t: Tsunagu, parties: Record<PartyKey, Party>, log: (line: string) => void): Promise<SignIn[]> {
  const out: SignIn[] = [];
  for (const s of STAFF) {
    const facility = parties[s.at];
    const password = demoPassword();
    const facilityKind = facility.kind === 'pharmacy' ? 'pharmacy' : 'facility';
    await t.platform.staff.add({ facilityCode: facility.code, facilityKind, login: s.login, displayName: s.displayName, role: s.role, password });
    out.push({
      role: s.role,
      roleName: STAFF_ROLES[s.role].ja,
      displayName: s.displayName,
      facilityName: facility.name,
      facilityCode: facility.code,
      login: s.login,
      password,
      app: facilityKind === 'pharmacy' ? 'pharmacy' : 'clinic',
    });
  }
  log(`  ${out.length} 名 / staff accounts`);
  return out;
}
