/**
 * Role checks of a request: a person signed in to an app acts within their 職種 (staff-roles.ts). A system client (an
 * EHR calling with its own key) is the facility's system, not a person: the facility answers for who uses it, and
 * checks such as the prescriber's HPKI certificate still apply. A patient is limited by the services' own rules.
 */
import { forbidden } from '../../fhir/errors.ts';
import type { RequestContext } from '../principal.ts';
import { roleMay, STAFF_ACTION_NAMES, STAFF_ROLES, type StaffAction } from './staff-roles.ts';

export function staffMay(ctx: RequestContext, action: StaffAction): boolean {
  const u = ctx.principal.user;
  if (u?.kind !== 'staff') return true;
  return u.role !== undefined && roleMay(u.role, action);
}

/** 403 naming the role and the action when the signed-in staff member's role may not do it. */
export function assertStaffMay(ctx: RequestContext, action: StaffAction): void {
  if (staffMay(ctx, action)) return;
  const role = ctx.principal.user?.role;
  const name = role ? STAFF_ROLES[role] : { ja: '（職種なし）', en: '(no role)' };
  throw forbidden(`${name.ja}は「${STAFF_ACTION_NAMES[action].ja}」を行えません`, `a ${name.en} may not do this (${STAFF_ACTION_NAMES[action].en})`);
}
