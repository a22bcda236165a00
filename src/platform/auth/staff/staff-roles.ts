/**
 * Staff roles (職種) and what each may do in the apps. A facility (医療機関) has 医師, 歯科医師, 看護師 and 事務; a
 * pharmacy (薬局) has 薬剤師 and 事務. Only a 医師 / 歯科医師 prescribes (and the HPKI certificate must say so too);
 * 事務 runs reception; a 薬剤師 dispenses.
 */
export const STAFF_ROLES = {
  doctor: { ja: '医師', en: 'doctor', at: ['facility'] },
  dentist: { ja: '歯科医師', en: 'dentist', at: ['facility'] },
  nurse: { ja: '看護師', en: 'nurse', at: ['facility'] },
  clerk: { ja: '事務', en: 'clerk', at: ['facility', 'pharmacy'] },
  pharmacist: { ja: '薬剤師', en: 'pharmacist', at: ['pharmacy'] },
} as const;

export type StaffRole = keyof typeof STAFF_ROLES;
export type StaffFacilityKind = 'facility' | 'pharmacy';

/** What a role may do. */
export type StaffAction = 'reception' | 'view-shared' | 'send-letter' | 'prescribe' | 'dispense';

const ALLOWED: Record<StaffRole, readonly StaffAction[]> = {
  doctor: ['reception', 'view-shared', 'send-letter', 'prescribe'],
  dentist: ['reception', 'view-shared', 'send-letter', 'prescribe'],
  nurse: ['reception', 'view-shared'],
  clerk: ['reception'],
  pharmacist: ['reception', 'view-shared', 'dispense'],
};

export const isStaffRole = (v: unknown): v is StaffRole => typeof v === 'string' && v in STAFF_ROLES;

/** A role a Japanese or English name names (医師 / doctor …). */
export function staffRoleOf(name: string): StaffRole | undefined {
  const n = name.normalize('NFKC').trim().toLowerCase();
  return (Object.keys(STAFF_ROLES) as StaffRole[]).find((r) => r === n || STAFF_ROLES[r].ja === n || STAFF_ROLES[r].en === n);
}

export const roleMay = (role: StaffRole, action: StaffAction): boolean => ALLOWED[role].includes(action);

export const roleFitsFacility = (role: StaffRole, kind: StaffFacilityKind): boolean => (STAFF_ROLES[role].at as readonly string[]).includes(kind);
