/**
 * The facility directory (施設名簿): every organisation people sign in for or send to — 医療機関 and 薬局 by their
 * 医療機関コード, 保険者 by 保険者番号, 健診機関 by 健診機関番号 — with the name staff pick it by (a referral letter's
 * addressee, the header of an app). Names and codes of facilities are public information (the MHLW publishes them);
 * the search route (src/platform/http/directory-routes.ts, docs/directory.md) serves the staff and systems of
 * facilities and pharmacies.
 */
import { FhirError } from '../fhir/errors.ts';
import { checkFacilityCodeShape } from '../identity/facility-code.ts';
import type { Queryable } from '../storage/database.ts';
import { canonicalInsurerCode } from './principal.ts';

/** 医療機関, 薬局, 保険者, 健診機関. */
export const FACILITY_KINDS = ['facility', 'pharmacy', 'insurer', 'checkup'] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];

export const FACILITY_KIND_NAMES: Record<FacilityKind, { ja: string; en: string }> = {
  facility: { ja: '医療機関', en: 'medical facility' },
  pharmacy: { ja: '薬局', en: 'pharmacy' },
  insurer: { ja: '保険者', en: 'insurer' },
  checkup: { ja: '健診機関', en: 'check-up provider' },
};

export interface Facility {
  code: string;
  name: string;
  /** Reading in katakana (フリガナ), for search. */
  kana?: string;
  kind: FacilityKind;
  /** 都道府県 (e.g. 東京都). */
  prefecture?: string;
  address?: string;
  active: boolean;
}

export type NewFacility = Omit<Facility, 'active'> & { active?: boolean };

const invalid = (ja: string, en: string, field: string) => FhirError.of(400, 'invalid', ja, en, [field]);

/** The code as the directory keys it (insurers: 8 digits), or a 400 naming what is wrong. */
export function facilityCodeOf(kind: FacilityKind, raw: string): string {
  const code = raw.normalize('NFKC').trim();
  if (kind === 'facility' || kind === 'pharmacy') {
    const problem = checkFacilityCodeShape(code);
    if (problem) throw invalid(problem.ja, problem.en, 'code');
    if ((kind === 'pharmacy') !== (code[2] === '4'))
      throw invalid('薬局コードの点数表番号は 4、医療機関は 4 以外です', 'a pharmacy code has score table number 4, a medical facility another', 'code');
    return code;
  }
  if (kind === 'insurer') {
    if (!/^(\d{6}|\d{8})$/.test(code)) throw invalid('保険者番号は6桁または8桁の数字です', 'an insurer number is 6 or 8 digits', 'code');
    return canonicalInsurerCode(code);
  }
  if (!/^\d{10}$/.test(code)) throw invalid('健診機関番号は10桁の数字です', 'a check-up provider number is 10 digits', 'code');
  return code;
}

type Row = { code: string; name: string; kana: string | null; kind: FacilityKind; prefecture: string | null; address: string | null; active: boolean };

const facilityOf = (r: Row): Facility => ({
  code: r.code,
  name: r.name,
  kind: r.kind,
  active: r.active,
  ...(r.kana ? { kana: r.kana } : {}),
  ...(r.prefecture ? { prefecture: r.prefecture } : {}),
  ...(r.address ? { address: r.address } : {}),
});

/** LIKE pattern matching `text` anywhere (its wildcards escaped). */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class Facilities {
  constructor(private readonly db: Queryable) {}

  /** Adds a facility; 409 when the code is already in the directory. */
  async add(f: NewFacility): Promise<Facility> {
    if (!FACILITY_KINDS.includes(f.kind)) throw invalid(`種別 ${f.kind} は不明です`, `unknown kind ${f.kind}; one of ${FACILITY_KINDS.join(', ')}`, 'kind');
    const name = f.name?.normalize('NFC').trim();
    if (!name) throw invalid('名称が必要です', 'a name is required', 'name');
    const code = facilityCodeOf(f.kind, f.code);
    const res = await this.db.query(
      `INSERT INTO facilities (code, name, kana, kind, prefecture, address, active) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING`,
      [code, name, f.kana?.trim() || null, f.kind, f.prefecture?.trim() || null, f.address?.trim() || null, f.active ?? true],
    );
    if (res.rowCount === 0) throw FhirError.of(409, 'duplicate', `${code} は施設名簿に登録済みです`, `${code} is already in the facility directory`, ['code']);
    return { ...f, code, name, active: f.active ?? true };
  }

  async get(code: string): Promise<Facility | undefined> {
    const c = code.normalize('NFKC').trim();
    const res = await this.db.query<Row>('SELECT * FROM facilities WHERE code = $1 OR code = $2', [c, canonicalInsurerCode(c)]);
    return res.rows[0] ? facilityOf(res.rows[0]) : undefined;
  }

  /** Active facilities whose name, reading or code contains `text` (all when empty), optionally of some kinds; by name. */
  async search(text: string, opts: { kinds?: FacilityKind[]; limit?: number } = {}): Promise<Facility[]> {
    const q = text.normalize('NFKC').trim();
    const kinds = opts.kinds?.length ? opts.kinds : [...FACILITY_KINDS];
    const res = await this.db.query<Row>(
      `SELECT * FROM facilities WHERE active AND kind = ANY($1) AND ($2 = '' OR name ILIKE $3 OR kana ILIKE $3 OR code LIKE $3)
       ORDER BY name, code LIMIT $4`,
      [kinds, q, containing(q), Math.min(Math.max(opts.limit ?? 20, 1), 100)],
    );
    return res.rows.map(facilityOf);
  }

  /** Marks a facility active or inactive (closed); false when the code is not in the directory. */
  async setActive(code: string, active: boolean): Promise<boolean> {
    const res = await this.db.query('UPDATE facilities SET active = $2 WHERE code = $1', [code, active]);
    return res.rowCount > 0;
  }
}
