/**
 * The demo's organisations: つなぐ内科クリニック (診療所), さくら総合病院, みどり薬局, あおぞら薬局, あおば健診センター and the three
 * insurers (協会けんぽ, 市町村国保, 後期高齢者医療広域連合) — each in the facility directory (施設名簿) and with the
 * system client its software would have (registered public key, SMART backend services), whose access token the
 * seeding uses. The private keys are not kept: the demo mints tokens in process, as `tsunagu token` does.
 */
import type { Tsunagu } from '../app.ts';
import { FACILITY_KIND_NAMES, type FacilityKind } from '../platform/auth/facilities.ts';
import { registerClient } from '../platform/auth/clients.ts';
import type { PrincipalKind } from '../platform/auth/principal.ts';
import { parseScopes } from '../platform/auth/scopes.ts';
import { generateClientKey } from '../../cli/commands/client.ts';
import { FACILITY_CODES, INSURER_NUMBERS } from './codes.ts';

export type PartyKey = 'clinic' | 'hospital' | 'pharmacy' | 'otherPharmacy' | 'checkup' | 'kyokai' | 'kokuho' | 'koki';

export interface PartyDefinition {
  key: PartyKey;
  code: string;
  name: string;
  /** フリガナ (katakana), for the directory search. */
  kana: string;
  kind: FacilityKind;
  prefecture: string;
  address: string;
  phone: string;
  postalCode: string;
  /** The principal kind of its system client. */
  clientKind: PrincipalKind;
  scopes: string[];
}

export interface Party extends PartyDefinition {
  clientId: string;
  /** An access token of the party's system client (valid for the seeding). */
  token: string;
}

const FACILITY_SCOPES = ['system/*.cruds'];
const INSURER_SCOPES = ['system/Coverage.cruds', 'system/Patient.rs', 'system/Organization.rs', 'system/Observation.crs'];

export const PARTIES: readonly PartyDefinition[] = [
  {
    key: 'clinic',
    code: FACILITY_CODES.clinic,
    name: 'つなぐ内科クリニック',
    kana: 'ツナグナイカクリニック',
    kind: 'facility',
    prefecture: '東京都',
    address: '東京都千代田区神田須田町一丁目12番3号',
    phone: '03-3251-0101',
    postalCode: '101-0041',
    clientKind: 'facility',
    scopes: FACILITY_SCOPES,
  },
  {
    key: 'hospital',
    code: FACILITY_CODES.hospital,
    name: 'さくら総合病院',
    kana: 'サクラソウゴウビョウイン',
    kind: 'facility',
    prefecture: '東京都',
    address: '東京都文京区本郷五丁目8番1号',
    phone: '03-3811-2200',
    postalCode: '113-0033',
    clientKind: 'facility',
    scopes: FACILITY_SCOPES,
  },
  {
    key: 'pharmacy',
    code: FACILITY_CODES.pharmacy,
    name: 'みどり薬局',
    kana: 'ミドリヤッキョク',
    kind: 'pharmacy',
    prefecture: '東京都',
    address: '東京都千代田区神田須田町一丁目14番2号',
    phone: '03-3251-0303',
    postalCode: '101-0041',
    clientKind: 'pharmacy',
    scopes: FACILITY_SCOPES,
  },
  {
    key: 'otherPharmacy',
    code: FACILITY_CODES.otherPharmacy,
    name: 'あおぞら薬局',
    kana: 'アオゾラヤッキョク',
    kind: 'pharmacy',
    prefecture: '東京都',
    address: '東京都新宿区西新宿三丁目7番1号',
    phone: '03-5321-0404',
    postalCode: '160-0023',
    clientKind: 'pharmacy',
    scopes: FACILITY_SCOPES,
  },
  {
    key: 'checkup',
    code: FACILITY_CODES.checkup,
    name: 'あおば健診センター',
    kana: 'アオバケンシンセンター',
    kind: 'checkup',
    prefecture: '東京都',
    address: '東京都新宿区西新宿二丁目4番1号',
    phone: '03-5320-0909',
    postalCode: '163-0890',
    // a check-up provider's system registers reports as a facility under its code
    clientKind: 'facility',
    scopes: FACILITY_SCOPES,
  },
  {
    key: 'kyokai',
    code: INSURER_NUMBERS.kyokai,
    name: '全国健康保険協会 東京支部',
    kana: 'ゼンコクケンコウホケンキョウカイトウキョウシブ',
    kind: 'insurer',
    prefecture: '東京都',
    address: '東京都中野区中野四丁目10番2号',
    phone: '03-6853-6111',
    postalCode: '164-8540',
    clientKind: 'insurer',
    scopes: INSURER_SCOPES,
  },
  {
    key: 'kokuho',
    code: INSURER_NUMBERS.kokuho,
    name: 'つなぐ区 国民健康保険',
    kana: 'ツナグクコクミンケンコウホケン',
    kind: 'insurer',
    prefecture: '東京都',
    address: '東京都千代田区九段南一丁目2番1号',
    phone: '03-3264-2111',
    postalCode: '102-8688',
    clientKind: 'insurer',
    scopes: INSURER_SCOPES,
  },
  {
    key: 'koki',
    code: INSURER_NUMBERS.koki,
    name: '東京都後期高齢者医療広域連合',
    kana: 'トウキョウトコウキコウレイシャイリョウコウイキレンゴウ',
    kind: 'insurer',
    prefecture: '東京都',
    address: '東京都千代田区飯田橋三丁目5番1号',
    phone: '03-3222-4496',
    postalCode: '102-0072',
    clientKind: 'insurer',
    scopes: INSURER_SCOPES,
  },
];

/** Seeding tokens outlive a slow seeding (the default lifetime is 5 minutes). */
const SEED_TOKEN_SECONDS = 3600;

/** Adds every party to the facility directory and registers its system client; answers them with their tokens. */
export async function addParties(t: Tsunagu, log: (line: string) => void): Promise<Record<PartyKey, Party>> {
  const out = {} as Record<PartyKey, Party>;
  for (const p of PARTIES) {
    await t.platform.facilities.add({ code: p.code, name: p.name, kana: p.kana, kind: p.kind, prefecture: p.prefecture, address: p.address });
    const { publicJwk } = await generateClientKey();
    const client = await registerClient(t.platform.db, {
      clientId: `demo-${p.key}`,
      name: `${p.name}（デモ）`,
      kind: p.clientKind,
      facilityCode: p.code,
      scopes: p.scopes,
      jwks: { keys: [publicJwk] },
    });
    const token = await t.platform.tokens.issue(client, parseScopes(p.scopes), SEED_TOKEN_SECONDS);
    out[p.key] = { ...p, clientId: client.clientId, token };
    log(`  ${FACILITY_KIND_NAMES[p.kind].ja} ${p.name} (${p.code})`);
  }
  return out;
}
