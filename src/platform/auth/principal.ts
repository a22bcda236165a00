/** Who is calling: the authenticated client or person, as the server sees it after token verification. */
import type { Scope } from './scopes.ts';
import type { StaffRole } from './staff/staff-roles.ts';

/**
 * 医療機関 facility, 薬局 pharmacy, 保険者 insurer, 自治体 municipality, 患者 patient, 運用者 operator, 研究者 researcher,
 * 救急隊 ambulance (a fire department's crews: the emergency lookup only), 災害医療チーム medical-team (DMAT, a shelter's
 * medical team: the disaster view only, while a disaster is declared where it is deployed).
 */
export const PRINCIPAL_KINDS = ['facility', 'pharmacy', 'insurer', 'municipality', 'patient', 'operator', 'researcher', 'ambulance', 'medical-team'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** The person signed in to an app (SMART App Launch): a staff member of the facility, or the patient themself. */
export interface PrincipalUser {
  /** staff_accounts.staff_id, or the Patient id. */
  id: string;
  name: string;
  kind: 'staff' | 'patient';
  /** 職種 of a staff member (only a 医師 prescribes, …: staff-roles.ts roleMay). */
  role?: StaffRole;
  /** The sign-in session the token belongs to (logout ends it). */
  sessionId: string;
}

export interface Principal {
  /** The system client, or the app a person signed in to. */
  clientId: string;
  name: string;
  kind: PrincipalKind;
  /**
   * 医療機関コード (10 digits) for facilities and pharmacies, 保険者番号 for insurers, 地方公共団体コード for municipalities
   * and ambulances (the fire department's, 6 digits), `<都道府県番号>-<team>` for medical teams (where deployed).
   */
  facilityCode?: string;
  /** The Patient id a patient principal may see. */
  patientId?: string;
  scopes: Scope[];
  /** Set when a person signed in to an app; absent for system clients (SMART backend services). */
  user?: PrincipalUser;
}

export interface RequestContext {
  principal: Principal;
  /**
   * Purpose of use (利用目的, v3 ActReason): the caller kind's default or one it may name (request-context.ts);
   * ETREAT only when the emergency workflow set it (withEmergencyPurpose).
   */
  purpose: string;
  ip?: string;
}

/**
 * The organisation a principal writes for, as recorded on the resources it registers (登録者): facilities,
 * pharmacies, insurers and municipalities by their code (several clients of one hospital share it), a patient by
 * their Patient id, anyone else by client id.
 */
export function ownerKey(p: Principal): string {
  if (p.kind === 'patient') return `patient:${p.patientId ?? ''}`;
  if (p.kind === 'insurer' && p.facilityCode) return `insurer:${canonicalInsurerCode(p.facilityCode)}`;
  if (p.facilityCode && (p.kind === 'facility' || p.kind === 'pharmacy' || p.kind === 'municipality' || p.kind === 'ambulance' || p.kind === 'medical-team'))
    return `${p.kind}:${p.facilityCode}`;
  return `client:${p.clientId}`;
}

/** 保険者番号 as records and grants hold it: 8 digits (a 6-digit 国民健康保険 number is left-padded with 00). */
export function canonicalInsurerCode(code: string): string {
  const c = code.normalize('NFKC').trim();
  return c.length === 6 ? c.padStart(8, '0') : c;
}
