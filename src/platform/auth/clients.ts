/**
 * Registered clients: every system that calls the API (an EHR, a pharmacy system, an insurer's batch) and every
 * person-facing account. System clients prove who they are with a JWT signed by a key whose public half is
 * registered here (SMART backend services).
 *
 * A client can be disabled (its tokens and assertions are refused until it is enabled again) or deleted. Deleting
 * keeps the row — the audit log names clients by id, and a kept row means an id is never given to another system —
 * but removes its keys and scopes and disables it for good: a deleted client can never authenticate again.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import type { Queryable } from '../storage/database.ts';
import { FhirError } from '../fhir/errors.ts';
import { checkFacilityCodeShape } from '../identity/facility-code.ts';
import { PRINCIPAL_KINDS, type PrincipalKind } from './principal.ts';
import { parseScope } from './scopes.ts';

/** A client's kind: the principal kind its tokens carry, or `app` — a public app that signs people in (app-launch/). */
export type ClientKind = PrincipalKind | 'app';

export interface ClientRecord {
  clientId: string;
  name: string;
  kind: ClientKind;
  facilityCode?: string;
  organizationId?: string;
  patientId?: string;
  /** Scopes this client may be granted. */
  scopes: string[];
  /** Public keys (JWK Set) that verify the client's assertions. */
  jwks: { keys: JWK[] };
  active: boolean;
  /** Deleted: no keys, no scopes, never active again (the row stays so the id is not reused). */
  deleted: boolean;
}

/** A system client (not an app): what backend services authenticate as, and what their tokens are issued to. */
export type SystemClient = ClientRecord & { kind: PrincipalKind };

export const isSystemClient = (c: ClientRecord): c is SystemClient => c.kind !== 'app';

/** A client to register; the id is generated when not given. */
export type NewClient = Omit<ClientRecord, 'clientId' | 'active' | 'deleted' | 'kind'> & { clientId?: string; kind: PrincipalKind };

const invalid = (ja: string, en: string) => FhirError.of(400, 'invalid', ja, en);

export async function validateNewClient(c: NewClient): Promise<void> {
  if (!c.name?.trim()) throw invalid('名称が必要です', 'name is required');
  if (!PRINCIPAL_KINDS.includes(c.kind)) throw invalid(`種別 ${c.kind} は不明です`, `unknown client kind ${c.kind}; one of ${PRINCIPAL_KINDS.join(', ')}`);
  if (c.kind === 'facility' || c.kind === 'pharmacy') {
    if (!c.facilityCode) throw invalid('医療機関コードが必要です', 'facility code (医療機関コード) is required');
    const problem = checkFacilityCodeShape(c.facilityCode);
    if (problem) throw invalid(problem.ja, problem.en);
    if (c.kind === 'pharmacy' && c.facilityCode[2] !== '4') throw invalid('薬局コードの点数表番号は 4 です', 'a pharmacy code has score table number 4');
  }
  if (c.kind === 'ambulance' && !/^\d{6}$/.test(c.facilityCode ?? ''))
    throw invalid('救急隊には消防本部の地方公共団体コード（6桁）が必要です', "an ambulance client needs its fire department's 6-digit local government code");
  if (c.kind === 'medical-team') {
    const m = /^(\d{2})-[0-9A-Za-z-]{1,20}$/.exec(c.facilityCode ?? '');
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 47)
      throw invalid(
        '災害医療チームのコードは「派遣先の都道府県番号-チーム名」（例 17-DMAT-001）です',
        'a medical team code is <prefecture 01–47>-<team> (e.g. 17-DMAT-001), the prefecture it is deployed to',
      );
  }
  if (c.kind === 'patient' && !c.patientId) throw invalid('患者アカウントには患者IDが必要です', 'a patient account needs the Patient id');
  for (const s of c.scopes) if (!parseScope(s)) throw invalid(`スコープ ${s} は不正です`, `invalid scope ${s}`);
  if (!Array.isArray(c.jwks?.keys) || c.jwks.keys.length === 0) throw invalid('公開鍵 (JWK Set) が必要です', 'a public key (JWK Set) is required');
  for (const k of c.jwks.keys) {
    if ('d' in k) throw invalid('秘密鍵は登録できません', 'private key material must not be registered');
    try {
      await importJWK(k, k.alg ?? (k.kty === 'RSA' ? 'RS384' : 'ES384'));
    } catch (err) {
      throw invalid('公開鍵を読み込めません', `public key could not be imported: ${(err as Error).message}`);
    }
  }
}

export async function registerClient(db: Queryable, c: NewClient): Promise<SystemClient> {
  await validateNewClient(c);
  const clientId = c.clientId ?? randomUUID();
  const res = await db.query(
    `INSERT INTO clients (client_id, name, kind, facility_code, organization_id, patient_id, scopes, jwks)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (client_id) DO NOTHING`,
    [clientId, c.name, c.kind, c.facilityCode ?? null, c.organizationId ?? null, c.patientId ?? null, c.scopes, JSON.stringify(c.jwks)],
  );
  if (res.rowCount === 0) throw FhirError.of(409, 'duplicate', `クライアント ${clientId} は登録済みです`, `client ${clientId} already exists`);
  return { ...c, clientId, active: true, deleted: false };
}

interface ClientRow {
  client_id: string;
  name: string;
  kind: ClientKind;
  facility_code: string | null;
  organization_id: string | null;
  patient_id: string | null;
  scopes: string[];
  jwks: string;
  active: boolean;
  deleted: boolean;
}

export async function findClient(db: Queryable, clientId: string): Promise<ClientRecord | undefined> {
  const res = await db.query<ClientRow>('SELECT * FROM clients WHERE client_id = $1', [clientId]);
  const r = res.rows[0];
  if (!r) return undefined;
  const jwks = JSON.parse(r.jwks) as { keys: JWK[] };
  return {
    clientId: r.client_id,
    name: r.name,
    kind: r.kind,
    facilityCode: r.facility_code ?? undefined,
    organizationId: r.organization_id ?? undefined,
    patientId: r.patient_id ?? undefined,
    scopes: r.scopes,
    jwks,
    active: r.active,
    deleted: r.deleted,
  };
}

const NOT_DELETED = 'NOT deleted';

/**
 * Enables or disables a client; false when there is no such client (or, to enable, it was deleted). Its access
 * tokens stop working within the client-state cache time (client-states.ts).
 */
export async function setClientActive(db: Queryable, clientId: string, active: boolean): Promise<boolean> {
  const res = await db.query(`UPDATE clients SET active = $2 WHERE client_id = $1 AND (NOT $2 OR ${NOT_DELETED})`, [clientId, active]);
  return res.rowCount > 0;
}

/** Deletes a client (see above: the row stays, keys and scopes go); false when there is no such live client. */
export async function deleteClient(db: Queryable, clientId: string): Promise<boolean> {
  const res = await db.query(
    `UPDATE clients SET active = false, deleted = true, scopes = '{}', jwks = '{"keys":[]}', redirect_uris = '{}' WHERE client_id = $1 AND ${NOT_DELETED}`,
    [clientId],
  );
  return res.rowCount > 0;
}
