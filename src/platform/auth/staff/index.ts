/**
 * Staff accounts of facilities and pharmacies (issue 13: sign-in to the apps): roles, scrypt password hashes,
 * lockout, optional TOTP. The authorization server (SMART App Launch, authorization code + PKCE) signs staff in
 * through `StaffAccounts.authenticate`.
 */
export { hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from './password-hash.ts';
export {
  LOCKOUT_AFTER,
  LOCKOUT_MINUTES,
  MIN_PASSWORD_LENGTH,
  type NewStaff,
  passwordProblem,
  type SignIn,
  type StaffAccount,
  StaffAccounts,
  StaffInputError,
} from './staff-accounts.ts';
export { assertStaffMay, staffMay } from './role-check.ts';
export {
  isStaffRole,
  ROLE_SCOPES,
  roleFitsFacility,
  roleMay,
  STAFF_ACTION_NAMES,
  STAFF_ROLES,
  type StaffAction,
  type StaffFacilityKind,
  type StaffRole,
  staffRoleOf,
} from './staff-roles.ts';
