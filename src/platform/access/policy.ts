/**
 * Access decisions, made on the server for every interaction (docs/security.md has the table of who may do what).
 *
 * Reads (read, vread, history, search and everything a search touches: counts, chains, includes, paging) follow one
 * rule that is evaluated both row by row (`check`) and in SQL (`visibility`), so a withheld row never shows in a
 * result, a total or a link — it is indistinguishable from an absent one:
 *   operators        everything;
 *   a patient        their own compartment and data of no person, except rows carrying a label a service withholds
 *                    from the person (`withholdFromPerson`: diagnoses not yet told, 未告知; referral letters);
 *   anyone else      data of no person, what their organisation registered (owner), and another registrant's
 *                    person data only where current access grants (src/platform/access/grants.ts: consent at the
 *                    reader, insurer membership, emergency access) open every controlled label of the row.
 * Types read only by their registrant (`readOnlyByOwner`: Subscription, whose endpoint and headers are secrets) are
 * shown to their owner and operators alone, although they belong to no person.
 * Writes: creating is open to organisations (they become the registrant); a patient writes nothing through the
 * generic API unless a write rule of a service allows it (and only in their own compartment); updating or deleting
 * needs the caller's organisation to be the registrant, or an operator — or a write rule that allows it. Write
 * rules may also refuse (e.g. records a service manages are changed only through its operations); the first
 * refusal wins.
 */
import { ownerKey, type RequestContext } from '../auth/principal.ts';
import { allows, type Interaction as ScopeLetter } from '../auth/scopes.ts';
import type { Queryable } from '../storage/database.ts';
import type { StatementParams } from '../storage/sql-params.ts';
import { AccessGrants } from './grants.ts';

export type Interaction = 'read' | 'vread' | 'history' | 'search' | 'create' | 'update' | 'delete';

export interface AccessRequest {
  ctx: RequestContext;
  interaction: Interaction;
  resourceType: string;
  /** Patient the data belongs to ('' when it belongs to no person). */
  patientKey: string;
  /** The resource, when known (reads: the stored one, parsed on first call; writes: the new one). */
  resource?: Record<string, unknown> | (() => Record<string, unknown>);
  /** Update and delete: the stored version being replaced. */
  stored?: () => Record<string, unknown>;
  /** Who registered the stored resource (StoredResource.owner); absent for a resource being created. */
  owner?: string;
  /** Reads: the row's security labels (`system|code`) and clinical date, which grants are judged on. */
  labels?: string[];
  dataDate?: Date | null;
  /** The connection to look grants up on (inside a transaction: the transaction). */
  q?: Queryable;
  /** The instant grants are judged at (default now; a search passes the one its SQL used). */
  at?: Date;
}

/** A write as write rules see it: `owned` tells whether the caller's organisation registered the data. */
export interface RuleRequest extends AccessRequest {
  owned: boolean;
}

/** The resource of an access request, parsing stored JSON only when a rule asks for it. */
export function resourceOf(req: AccessRequest): Record<string, unknown> | undefined {
  return typeof req.resource === 'function' ? req.resource() : req.resource;
}

export type Decision = { allow: true; basis?: string } | { allow: false; ja: string; en: string };
/** A service's rule on writes: refuse (allow false), allow what would otherwise be refused, or say nothing. */
export type WriteRule = (req: RuleRequest) => Decision | undefined | Promise<Decision | undefined>;

/** SQL condition on a row aliased `alias` (columns patient_key, owner, labels, data_date) the caller may read. */
export type Visibility = (p: StatementParams, alias: string) => string;

const LETTER: Record<Interaction, ScopeLetter> = {
  read: 'r',
  vread: 'r',
  history: 'r',
  search: 's',
  create: 'c',
  update: 'u',
  delete: 'd',
};

const READS = new Set<Interaction>(['read', 'vread', 'history', 'search']);

export const FOREIGN_DATA = {
  ja: '他の機関が登録した本人の情報で、閲覧・変更の根拠（本人の同意など）がありません',
  en: "this person's data was registered by another organisation and there is no basis (such as the person's consent) for this access",
} as const;
const NOT_OWN_PERSON = { ja: '本人以外の情報は閲覧・変更できません', en: 'a patient may only access their own data' } as const;
const FOREIGN_RECORD = {
  ja: '他の機関が登録したリソースは変更・削除できません',
  en: 'a resource registered by another organisation cannot be changed or deleted',
} as const;
const PATIENT_WRITE = {
  ja: '患者アカウントはこのリソースを登録・変更できません（同意の変更などは専用の操作で行います）',
  en: 'a patient account cannot write this resource through the FHIR API (consents and the like have their own operations)',
} as const;

const WITHHELD_FROM_PERSON = {
  ja: 'この情報は本人には表示されません',
  en: 'this information is not shown to the person it is about',
} as const;

const NOT_OWNER = { ja: '他の機関が登録したこのリソースは閲覧できません', en: 'this resource is read only by the organisation that registered it' } as const;

const deny = (m: { ja: string; en: string }): Decision => ({ allow: false, ja: m.ja, en: m.en });

export class AccessPolicy {
  private readonly writeRules: WriteRule[] = [];
  /** Labels (`system|code`) whose rows the person they are about does not see (the registrant and grants still do). */
  private readonly personWithheld = new Set<string>();
  /** Resource types only their registrant reads, person data or not (readOnlyByOwner). */
  private readonly ownerOnly = new Set<string>();

  constructor(
    readonly grants: AccessGrants = new AccessGrants(),
    /** Where grants are looked up when a request names no connection. */
    private readonly db?: Queryable,
  ) {}

  /** Adds a rule on create, update and delete (reads are decided by grants alone, see the file header). */
  addWriteRule(rule: WriteRule): void {
    this.writeRules.push(rule);
  }

  /** Rows carrying `label` (`system|code`) are not shown to the patient they are about. */
  withholdFromPerson(label: string): void {
    this.personWithheld.add(label);
  }

  /** Of these references (`Type/id`), the resources carrying a label withheld from the person (current version). */
  async personWithheldRefs(q: Queryable, refs: string[]): Promise<Set<string>> {
    if (this.personWithheld.size === 0 || refs.length === 0) return new Set();
    const pairs = refs.map((r) => r.split('/'));
    const res = await q.query<{ ref: string }>(
      `SELECT resource_type || '/' || id AS ref FROM resources
        WHERE (resource_type, id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND labels && $3::text[]`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1]), [...this.personWithheld]],
    );
    return new Set(res.rows.map((r) => r.ref));
  }

  /** Resources of `type` are read only by their registrant and operators (a patient: only their own). */
  readOnlyByOwner(type: string): void {
    this.ownerOnly.add(type);
  }

  /** Scope check alone (before any data is touched). */
  scopeDecision(ctx: RequestContext, resourceType: string, interaction: Interaction): Decision {
    if (allows(ctx.principal.scopes, resourceType, LETTER[interaction])) return { allow: true };
    return {
      allow: false,
      ja: `この操作 (${resourceType} の ${interaction}) の権限がありません`,
      en: `the token's scopes do not allow ${interaction} on ${resourceType}`,
    };
  }

  async check(req: AccessRequest): Promise<Decision> {
    const scope = this.scopeDecision(req.ctx, req.resourceType, req.interaction);
    if (!scope.allow) return scope;
    return READS.has(req.interaction) ? this.canSee(req) : this.writeDecision(req);
  }

  /** May the caller see this row at all, whatever the scopes (the row-by-row form of `visibility`)? */
  async canSee(req: AccessRequest): Promise<Decision> {
    const p = req.ctx.principal;
    if (p.kind === 'operator') return { allow: true };
    if (this.ownerOnly.has(req.resourceType)) return req.owner === ownerKey(p) ? { allow: true } : deny(NOT_OWNER);
    if (p.kind === 'patient') {
      if (req.patientKey && req.patientKey !== p.patientId) return deny(NOT_OWN_PERSON);
      if (req.labels?.some((l) => this.personWithheld.has(l))) return deny(WITHHELD_FROM_PERSON);
      return { allow: true };
    }
    if (!req.patientKey || req.owner === ownerKey(p)) return { allow: true };
    const q = req.q ?? this.db;
    if (!q) return deny(FOREIGN_DATA);
    const d = await this.grants.decide(q, ownerKey(p), req.patientKey, req.labels ?? [], req.dataDate ?? null, req.at);
    return d.allow ? { allow: true, basis: d.basis } : deny(FOREIGN_DATA);
  }

  private async writeDecision(req: AccessRequest): Promise<Decision> {
    const p = req.ctx.principal;
    const owned = req.owner === undefined || req.owner === ownerKey(p);
    let granted = false;
    let basis: string | undefined;
    for (const rule of this.writeRules) {
      const d = await rule({ ...req, owned });
      if (!d) continue;
      if (!d.allow) return d;
      granted = true;
      basis ??= d.basis;
    }
    if (p.kind === 'patient') {
      // A record of their own that belongs to no person (their Subscription) counts as their own data.
      const ownRecord = !req.patientKey && owned && this.ownerOnly.has(req.resourceType);
      if (req.patientKey !== p.patientId && !ownRecord) return deny(NOT_OWN_PERSON);
      if (!granted) return deny(PATIENT_WRITE);
      return { allow: true, basis };
    }
    if (p.kind === 'operator' || granted || req.interaction === 'create' || owned) return { allow: true, basis };
    return deny(FOREIGN_RECORD);
  }

  /** What the caller may read at `at`, as SQL (searches, counts, chains, includes, histories). */
  visibility(ctx: RequestContext, at = new Date()): Visibility {
    const rows = this.dataVisibility(ctx, at);
    if (ctx.principal.kind === 'operator' || this.ownerOnly.size === 0) return rows;
    const types = [...this.ownerOnly];
    const me = ownerKey(ctx.principal);
    return (sp, a) => `((${a}.resource_type <> ALL(${sp.add(types, 'text[]')}) OR ${a}.owner = ${sp.add(me)}) AND ${rows(sp, a)})`;
  }

  /** `visibility` of person data and data of no person (types read by their owner only aside). */
  private dataVisibility(ctx: RequestContext, at: Date): Visibility {
    const p = ctx.principal;
    if (p.kind === 'operator') return () => 'TRUE';
    if (p.kind === 'patient') {
      const withheld = [...this.personWithheld];
      return (sp, a) =>
        `(${a}.patient_key IN ('', ${sp.add(p.patientId ?? '')})${withheld.length ? ` AND NOT (${a}.labels && ${sp.add(withheld, 'text[]')})` : ''})`;
    }
    const me = ownerKey(p);
    return (sp, a) =>
      `(${a}.patient_key = '' OR ${a}.owner = ${sp.add(me)} OR ${this.grants.sqlCondition(sp, me, sp.add(at.toISOString(), 'timestamptz'), a)})`;
  }
}
