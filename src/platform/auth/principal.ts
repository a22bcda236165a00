/** Who is calling: the authenticated client or person, as the server sees it after token verification. */
import type { Scope } from './scopes.ts';

/** 医療機関 facility, 薬局 pharmacy, 保険者 insurer, 自治体 municipality, 患者 patient, 運用者 operator, 研究者 researcher. */
export const PRINCIPAL_KINDS = ['facility', 'pharmacy', 'insurer', 'municipality', 'patient', 'operator', 'researcher'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export interface Principal {
  clientId: string;
  name: string;
  kind: PrincipalKind;
  /** 医療機関コード (10 digits) for facilities and pharmacies, 保険者番号 for insurers, 地方公共団体コード for municipalities. */
  facilityCode?: string;
  /** The Patient id a patient principal may see. */
  patientId?: string;
  scopes: Scope[];
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
  if (p.facilityCode && (p.kind === 'facility' || p.kind === 'pharmacy' || p.kind === 'municipality')) return `${p.kind}:${p.facilityCode}`;
  return `client:${p.clientId}`;
}

/** 保険者番号 as records and grants hold it: 8 digits (a 6-digit 国民健康保険 number is left-padded with 00). */
export function canonicalInsurerCode(code: string): string {
  const c = code.normalize('NFKC').trim();
  return c.length === 6 ? c.padStart(8, '0') : c;
}
