/**
 * Who may use which workflow (checked before anything is looked up; a refusal names the rule):
 *   emergency view      a facility's 医師 signed in to an app (the person who declares and answers for it); a system
 *                       client or another role may not
 *   ambulance lookup    an ambulance client (救急隊)
 *   disaster view       a facility or pharmacy whose code's prefecture is under a declared disaster (staff who may view
 *                       shared information), or a medical team deployed there
 *   review list         the facility's 個人情報保護管理者 or its system client
 *   operator report     an operator
 */
import { ownerKey, type RequestContext } from '../../../platform/auth/principal.ts';
import { assertStaffMay } from '../../../platform/auth/staff/role-check.ts';
import { forbidden } from '../../../platform/fhir/errors.ts';

export interface Organisation {
  /** ownerKey form: `facility:1312345679`, `ambulance:131008`, `medical-team:17-DMAT-001`. */
  grantee: string;
  kind: 'facility' | 'pharmacy' | 'ambulance' | 'medical-team';
  code: string;
  /** 都道府県番号 of the organisation (facility codes and local government codes begin with it). */
  prefecture: string;
}

const organisationOf = (ctx: RequestContext): Organisation | undefined => {
  const p = ctx.principal;
  if (!p.facilityCode || !(p.kind === 'facility' || p.kind === 'pharmacy' || p.kind === 'ambulance' || p.kind === 'medical-team')) return undefined;
  return { grantee: ownerKey(p), kind: p.kind, code: p.facilityCode, prefecture: p.facilityCode.slice(0, 2) };
};

export function emergencyDoctor(ctx: RequestContext): Organisation {
  const org = organisationOf(ctx);
  if (org?.kind !== 'facility') throw forbidden('救急時医療情報閲覧は医療機関の医師が行います', "emergency viewing is for a facility's doctor");
  if (ctx.principal.user?.kind !== 'staff')
    throw forbidden(
      '救急時医療情報閲覧は医師本人がサインインして行います（システム連携のクライアントでは行えません）',
      'emergency viewing needs the doctor signed in (not a system client): the declaration names who answers for it',
    );
  assertStaffMay(ctx, 'emergency-view');
  return org;
}

export function ambulanceCrew(ctx: RequestContext): Organisation {
  const org = organisationOf(ctx);
  if (org?.kind !== 'ambulance') throw forbidden('この照会は救急隊専用です', 'this lookup is for ambulance crews (救急隊) only');
  return org;
}

export function disasterViewer(ctx: RequestContext): Organisation {
  const org = organisationOf(ctx);
  if (!org || org.kind === 'ambulance')
    throw forbidden('災害時の閲覧は医療機関・薬局・災害医療チームが行います', 'the disaster view is for facilities, pharmacies and medical teams');
  if (org.kind !== 'medical-team') assertStaffMay(ctx, 'view-shared');
  return org;
}

export function reviewer(ctx: RequestContext): Organisation {
  const org = organisationOf(ctx);
  if (!org || (org.kind !== 'facility' && org.kind !== 'pharmacy'))
    throw forbidden('救急時閲覧の確認は医療機関・薬局の個人情報保護管理者が行います', "the review list is for a facility's privacy officer");
  if (ctx.principal.user?.kind === 'staff') assertStaffMay(ctx, 'review-access');
  return org;
}

export function operator(ctx: RequestContext): void {
  if (ctx.principal.kind !== 'operator') throw forbidden('この報告は運用者のみ参照できます', 'this report is for operators only');
}

/** The staff member acting (recorded with the access), or the client for system callers. */
export const actorOf = (ctx: RequestContext) => ({
  clientId: ctx.principal.clientId,
  staffId: ctx.principal.user?.kind === 'staff' ? ctx.principal.user.id : null,
  staffName: ctx.principal.user?.kind === 'staff' ? ctx.principal.user.name : null,
  staffRole: ctx.principal.user?.role ?? null,
});
