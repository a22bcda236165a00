/**
 * Signing a person in (the POST of the sign-in page): a staff member by facility code, login, password and optional
 * TOTP code (staff/staff-accounts.ts), or a patient by their card (patient-sign-in.ts). Every attempt is audited —
 * success or failure, with the reason kept in the record only — and a failure answers one message for every staff
 * reason (unknown login, wrong password or code, locked, inactive), so the page tells no one which logins exist.
 * A success becomes a UserGrant: the person, the organisation they act for, and the scopes their role may carry.
 */
import { randomUUID } from 'node:crypto';
import type { AuditActor } from '../../audit/audit-record.ts';
import type { GroupAuditWriter } from '../../audit/audit-writer.ts';
import type { Facilities } from '../facilities.ts';
import type { PrincipalUser } from '../principal.ts';
import { intersectScopes, LAUNCH_SCOPES, parseScopes, type Scope } from '../scopes.ts';
import { ROLE_SCOPES, STAFF_ROLES, type StaffAccounts } from '../staff/index.ts';
import type { AuthorizationRequest } from './authorization-request.ts';
import type { SignInMethods } from './patient-sign-in.ts';
import type { UserGrant } from './user-grant.ts';
import type { Lang } from './sign-in-page.ts';

export interface SignInDeps {
  staff: StaffAccounts;
  facilities: Facilities;
  methods: SignInMethods;
  audit: GroupAuditWriter;
}

export type SignInOutcome = { ok: true; grant: UserGrant } | { ok: false; message: string };

const STAFF_FAILURE = {
  ja: 'サインインできませんでした。医療機関コード・ログインID・パスワード（設定していれば確認コード）をご確認ください。',
  en: 'Sign-in failed. Check the facility code, login ID and password (and the verification code if you set one up).',
};

/**
 * Narrows `requested` to `allowed`: a wildcard asked for (`user/*.cruds`) becomes what is allowed of it
 * (`user/Patient.rs` …), a named type stays named; permissions are intersected (scopes.ts intersectScopes).
 */
function narrow(requested: Scope[], allowed: Scope[]): Scope[] {
  const specific = allowed.flatMap((a) =>
    requested
      .filter((r) => r.context === a.context && r.resourceType === '*' && a.resourceType !== '*')
      .map((r) => ({ ...r, resourceType: a.resourceType, raw: r.raw.replace('/*.', `/${a.resourceType}.`) })),
  );
  return intersectScopes([...requested, ...specific], allowed);
}

/** The scopes a person gets: requested ∩ the app's ∩ what their role (or a patient) may carry; launch scopes the app allows. */
function grantedScopes(request: AuthorizationRequest, allowed: readonly string[]): string[] {
  const launch = request.scopes.filter((s) => LAUNCH_SCOPES.has(s) && request.app.scopes.includes(s));
  const resource = narrow(narrow(parseScopes(request.scopes), parseScopes(request.app.scopes)), parseScopes([...allowed]));
  return [...launch, ...resource.map((s) => s.raw)];
}

/** One attempt: who (the name the log shows), as which kind, for which facility, the person once known, the reason. */
interface Attempt {
  ok: boolean;
  who: string;
  kind: string;
  facilityCode?: string;
  user?: AuditActor['user'];
  patientKey?: string;
  outcomeDesc: string;
}

function auditSignIn(deps: SignInDeps, request: AuthorizationRequest, ip: string | undefined, r: Attempt) {
  return deps.audit.write([
    {
      actor: { clientId: request.app.clientId, name: r.who, kind: r.kind, facilityCode: r.facilityCode, ip, user: r.user },
      action: 'E',
      subtype: 'sign-in',
      outcome: r.ok ? '0' : '4',
      outcomeDesc: r.outcomeDesc,
      patientKey: r.patientKey ?? '',
      entities: [],
    },
  ]);
}

export async function signInStaff(
  deps: SignInDeps,
  request: AuthorizationRequest,
  form: { facility?: string; login?: string; password?: string; totp?: string },
  lang: Lang,
  ip?: string,
): Promise<SignInOutcome> {
  const facilityCode = (form.facility ?? '').normalize('NFKC').trim();
  const login = (form.login ?? '').trim();
  const failed = async (reason: string, staffId?: string) => {
    await auditSignIn(deps, request, ip, {
      ok: false,
      who: `${login || '(none)'} @ ${facilityCode || '(none)'}`,

      kind: 'staff',
      facilityCode: facilityCode || undefined,
      user: staffId ? { id: staffId, name: login, kind: 'staff' } : undefined,
      outcomeDesc: `staff sign-in refused: ${reason}`,
    });
    return { ok: false as const, message: STAFF_FAILURE[lang] };
  };
  if (!request.app.users.includes('staff')) return failed('this app is not for staff');
  if (!facilityCode || !login || !form.password) return failed('incomplete form');
  const result = await deps.staff.authenticate({ facilityCode, login, password: form.password, totp: form.totp || undefined });
  if (!result.ok) return failed(result.reason, result.staffId);
  const account = result.account;
  const facility = await deps.facilities.get(account.facilityCode);
  const user: PrincipalUser = { id: account.staffId, name: account.displayName, kind: 'staff', role: account.role, sessionId: randomUUID() };
  const grant: UserGrant = {
    clientId: request.app.clientId,
    sessionId: user.sessionId,
    user,
    kind: account.facilityKind,
    name: facility?.name ?? account.facilityCode,
    facilityCode: account.facilityCode,
    scopes: grantedScopes(request, ROLE_SCOPES[account.role]),
    authTime: Math.floor(Date.now() / 1000),
    nonce: request.nonce,
  };
  await auditSignIn(deps, request, ip, {
    ok: true,
    who: grant.name,

    kind: grant.kind,
    facilityCode: account.facilityCode,
    user: { id: user.id, name: user.name, kind: 'staff', role: user.role },
    outcomeDesc: `staff sign-in: ${STAFF_ROLES[account.role].en}`,
  });
  return { ok: true, grant };
}

export async function signInPatient(
  deps: SignInDeps,
  request: AuthorizationRequest,
  form: { cardFile?: string; pin?: string },
  lang: Lang,
  ip?: string,
): Promise<SignInOutcome> {
  const cards = deps.methods.patientCards;
  const refuse = async (ja: string, en: string, reason: string, patientId?: string) => {
    await auditSignIn(deps, request, ip, {
      ok: false,
      who: 'patient (card)',
      kind: 'patient',
      patientKey: patientId,
      outcomeDesc: `card sign-in refused: ${reason}`,
    });
    return { ok: false as const, message: lang === 'ja' ? ja : en };
  };
  if (!request.app.users.includes('patient')) return refuse('このアプリは患者向けではありません', 'this app is not for patients', 'not a patient app');
  if (!cards) return refuse('カードでのサインインは利用できません', 'card sign-in is not available on this server', 'no card method');
  if (!form.cardFile?.trim() || !form.pin)
    return refuse('カードのファイルと暗証番号を入力してください', 'choose the card file and enter the PIN', 'incomplete form');
  const r = await cards.authenticate({ cardFile: form.cardFile, pin: form.pin });
  if (!r.ok) {
    const left = r.retriesLeft !== undefined && r.retriesLeft > 0 ? (lang === 'ja' ? `（あと${r.retriesLeft}回）` : ` (${r.retriesLeft} tries left)`) : '';
    return refuse(`${r.ja}${left}`, `${r.en}${left}`, r.code, r.patientId);
  }
  const user: PrincipalUser = { id: r.patientId, name: r.name, kind: 'patient', sessionId: randomUUID() };
  const grant: UserGrant = {
    clientId: request.app.clientId,
    sessionId: user.sessionId,
    user,
    kind: 'patient',
    name: r.name,
    patientId: r.patientId,
    scopes: grantedScopes(request, ['patient/*.rs']),
    authTime: Math.floor(Date.now() / 1000),
    nonce: request.nonce,
  };
  await auditSignIn(deps, request, ip, {
    ok: true,
    who: r.name,
    kind: 'patient',
    user: { id: r.patientId, name: r.name, kind: 'patient' },
    patientKey: r.patientId,
    outcomeDesc: 'card sign-in',
  });
  return { ok: true, grant };
}
