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
  /** 個人情報保護管理者: reviews the facility's emergency accesses; reads no one's records. */
  'privacy-officer': { ja: '個人情報保護管理者', en: 'privacy officer', at: ['facility', 'pharmacy'] },
} as const;

export type StaffRole = keyof typeof STAFF_ROLES;
export type StaffFacilityKind = 'facility' | 'pharmacy';

/**
 * What a role may do: reception (受付・資格確認), view-shared (共有された情報の閲覧), record (検査結果・病名の登録),
 * send-letter (紹介状の作成・送付), prescribe (処方箋の登録), dispense (調剤結果の登録). Registering diagnoses and
 * results for the nation to see is the doctor's (a diagnosis is a physician's act): a nurse reads, as her scopes say.
 */
export type StaffAction = 'reception' | 'view-shared' | 'record' | 'send-letter' | 'prescribe' | 'dispense' | 'emergency-view' | 'review-access';

export const STAFF_ACTION_NAMES: Record<StaffAction, { ja: string; en: string }> = {
  reception: { ja: '受付・資格確認', en: 'reception' },
  'view-shared': { ja: '共有された診療情報の閲覧', en: 'viewing shared information' },
  record: { ja: '検査結果・病名の登録', en: 'registering results and diagnoses' },
  'send-letter': { ja: '紹介状の作成・送付', en: 'writing and sending letters' },
  prescribe: { ja: '処方箋の発行', en: 'prescribing' },
  dispense: { ja: '調剤結果の登録', en: 'dispensing' },
  'emergency-view': { ja: '救急時医療情報閲覧', en: 'emergency viewing' },
  'review-access': { ja: '救急時閲覧の確認', en: 'reviewing emergency accesses' },
};

const ALLOWED: Record<StaffRole, readonly StaffAction[]> = {
  doctor: ['reception', 'view-shared', 'record', 'send-letter', 'prescribe', 'emergency-view'],
  dentist: ['reception', 'view-shared', 'record', 'send-letter', 'prescribe'],
  nurse: ['reception', 'view-shared'],
  clerk: ['reception'],
  pharmacist: ['reception', 'view-shared', 'dispense'],
  'privacy-officer': ['review-access'],
};

/**
 * The FHIR access a role's sign-in may carry (SMART `user/` scopes; the facility's consent and membership rules still
 * decide which person's data): 医師 / 歯科医師 / 薬剤師 read and write, 看護師 read, 事務 the reception records only.
 */
export const ROLE_SCOPES: Record<StaffRole, readonly string[]> = {
  doctor: ['user/*.cruds'],
  dentist: ['user/*.cruds'],
  nurse: ['user/*.rs'],
  clerk: ['user/Patient.rs', 'user/Coverage.rs', 'user/Consent.crus', 'user/Organization.rs'],
  pharmacist: ['user/*.cruds'],
  'privacy-officer': ['user/Organization.rs'],
};

export const isStaffRole = (v: unknown): v is StaffRole => typeof v === 'string' && v in STAFF_ROLES;

/** A role a Japanese or English name names (医師 / doctor …). */
export function staffRoleOf(name: string): StaffRole | undefined {
  const n = name.normalize('NFKC').trim().toLowerCase();
  return (Object.keys(STAFF_ROLES) as StaffRole[]).find((r) => r === n || STAFF_ROLES[r].ja === n || STAFF_ROLES[r].en === n);
}

export const roleMay = (role: StaffRole, action: StaffAction): boolean => ALLOWED[role].includes(action);

export const roleFitsFacility = (role: StaffRole, kind: StaffFacilityKind): boolean => (STAFF_ROLES[role].at as readonly string[]).includes(kind);
