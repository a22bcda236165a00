/**
 * `GET /directory/facilities?q=<name part or code>[&kind=facility][&limit=20]` — the facility directory (施設名簿,
 * auth/facilities.ts) for picking whom to send to: a referral letter's addressee (紹介先), a pharmacy. It answers
 * code, name, kind and prefecture of active organisations — no patient data, nothing about the caller's own records.
 *
 * Who may call: the staff of a facility or pharmacy signed in to an app (user tokens) and facility / pharmacy system
 * clients (an EHR), each with read access to Organization (`user/Organization.rs`, `system/*.rs` …: every staff role
 * has it); and a signed-in patient for kinds facility and pharmacy (the portal: choosing whom to grant consent).
 * Everyone else is refused: no token 401; an insurer, a municipality, an operator or a researcher 403 — the directory
 * serves the sending of letters and prescriptions between care providers and the person's consent choices (names and
 * codes of facilities are public, but nobody else needs an API to walk them).
 *
 * Input: `q` 1–40 characters after NFKC (letters of any script, digits, spaces and 「ー・-（）.&」; a 医療機関コード or
 * part of one matches by code), `kind` one or more of facility, pharmacy, checkup (comma-separated, default
 * facility), `limit` 1–20 (default 20). Anything else is a 400 OperationOutcome. Closed facilities are never offered.
 * The answer: `{ facilities: [{ code, name, kind, prefecture? }], more }` sorted by name; `more` says the limit cut it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { Facilities, FacilityKind } from '../auth/facilities.ts';
import { allows } from '../auth/scopes.ts';
import { badRequest, forbidden } from '../fhir/errors.ts';
import { authenticate } from './request-context.ts';

export const DIRECTORY_FACILITIES_PATH = '/directory/facilities';
/** Kinds an addressee may be (insurers are not sent letters or prescriptions). */
export const DIRECTORY_KINDS: readonly FacilityKind[] = ['facility', 'pharmacy', 'checkup'];
export const DIRECTORY_MAX_RESULTS = 20;
export const DIRECTORY_MAX_QUERY = 40;
/** Letters, marks and digits of any script, spaces, and the punctuation of facility names. */
const QUERY_CHARACTERS = /^[\p{L}\p{M}\p{N}\s\u30FC\u30FB\-().&]+$/u;
const PARAMETERS = new Set(['q', 'kind', 'limit']);

export interface DirectoryEntry {
  code: string;
  name: string;
  kind: FacilityKind;
  prefecture?: string;
}

export interface DirectoryDeps {
  tokens: AccessTokens;
  facilities: Pick<Facilities, 'search'>;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} は1つだけ指定してください`, `${name} must be given once`, [name]);
  return v;
}

/** The checked search input, or a 400 naming what is wrong. */
export function directoryQuery(raw: unknown): { q: string; kinds: FacilityKind[]; limit: number } {
  const query = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  for (const name of Object.keys(query))
    if (!PARAMETERS.has(name)) throw badRequest(`検索条件「${name}」は使えません（q, kind, limit）`, `unknown parameter ${name} (q, kind, limit)`, [name]);
  const q = (single(query, 'q') ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (!q) throw badRequest('医療機関の名称の一部または医療機関コードを入力してください', 'q (part of a name, or a code) is required', ['q']);
  if ([...q].length > DIRECTORY_MAX_QUERY)
    throw badRequest(`検索語は ${DIRECTORY_MAX_QUERY} 文字までです`, `q is at most ${DIRECTORY_MAX_QUERY} characters`, ['q']);
  if (!QUERY_CHARACTERS.test(q))
    throw badRequest(
      '検索語に使えない文字が含まれています（文字・数字・空白・「ー・-（）.&」が使えます）',
      'q has characters a facility name or code does not have (letters, digits, spaces and ー・-().& are allowed)',
      ['q'],
    );
  const kindText = single(query, 'kind') ?? 'facility';
  const kinds = [...new Set(kindText.split(',').map((k) => k.trim()))];
  for (const k of kinds)
    if (!(DIRECTORY_KINDS as readonly string[]).includes(k))
      throw badRequest(`種別「${k}」では検索できません（facility, pharmacy, checkup）`, `kind ${k} cannot be searched (facility, pharmacy, checkup)`, ['kind']);
  const limitText = single(query, 'limit');
  const limit = limitText === undefined ? DIRECTORY_MAX_RESULTS : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > DIRECTORY_MAX_RESULTS)
    throw badRequest(`件数（limit）は 1〜${DIRECTORY_MAX_RESULTS} です`, `limit must be 1–${DIRECTORY_MAX_RESULTS}`, ['limit']);
  return { q, kinds: kinds as FacilityKind[], limit };
}

/** Kinds the person may look up in their portal (to choose whom to grant consent, to name a facility). */
export const PATIENT_DIRECTORY_KINDS: readonly FacilityKind[] = ['facility', 'pharmacy'];

async function callerMaySearch(request: FastifyRequest, tokens: AccessTokens): Promise<'staff' | 'patient'> {
  const { principal } = await authenticate(request, tokens);
  if (principal.kind === 'patient' && principal.patientId) return 'patient';
  const careProvider = (principal.kind === 'facility' || principal.kind === 'pharmacy') && !!principal.facilityCode;
  if (!careProvider || principal.user?.kind === 'patient')
    throw forbidden(
      '施設名簿の検索は医療機関・薬局の職員とシステムが行います',
      'the facility directory is searched by the staff and systems of facilities and pharmacies',
    );
  if (!allows(principal.scopes, 'Organization', 's'))
    throw forbidden('施設名簿の検索には医療機関情報（Organization）の閲覧権限が必要です', 'searching the facility directory needs read access to Organization');
  return 'staff';
}

export async function directoryRoutes(app: FastifyInstance, deps: DirectoryDeps): Promise<void> {
  app.get(DIRECTORY_FACILITIES_PATH, async (request, reply) => {
    const caller = await callerMaySearch(request, deps.tokens);
    const { q, kinds, limit } = directoryQuery(request.query);
    if (caller === 'patient' && kinds.some((k) => !PATIENT_DIRECTORY_KINDS.includes(k)))
      throw forbidden('患者ポータルから検索できるのは医療機関と薬局です', 'a patient searches the directory for facilities and pharmacies only');
    const found = await deps.facilities.search(q, { kinds, limit: limit + 1 });
    const facilities: DirectoryEntry[] = found.slice(0, limit).map((f) => ({
      code: f.code,
      name: f.name,
      kind: f.kind,
      ...(f.prefecture ? { prefecture: f.prefecture } : {}),
    }));
    return reply.header('cache-control', 'no-store').send({ facilities, more: found.length > limit });
  });
}
