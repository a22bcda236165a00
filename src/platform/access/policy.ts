/**
 * Access decisions, made on the server for every interaction. Order: the token's scopes; then, for a patient,
 * their own compartment only; then the rules services add (consent at the reader, membership, sharing flags,
 * emergency access …). The first denial wins. An allowing rule may name the basis (e.g. the Consent) for the audit.
 *
 * A person's data is open without a further basis only to the person, to operators and to the organisation that
 * registered it (its owner). Anyone else — another clinic, an insurer, a municipality — needs a rule that grants
 * the access (returns allow); with none, the access is refused. Rules never refuse an organisation its own records.
 */
import { ownerKey, type RequestContext } from '../auth/principal.ts';
import { AccessGrants } from './grants.ts';
import { allows, type Interaction as ScopeLetter } from '../auth/scopes.ts';
import type { SearchRestriction } from '../search/search-sql.ts';

export type Interaction = 'read' | 'vread' | 'history' | 'search' | 'create' | 'update' | 'delete';

export interface AccessRequest {
  ctx: RequestContext;
  interaction: Interaction;
  resourceType: string;
  /** Patient the data belongs to ('' when it belongs to no person). */
  patientKey: string;
  /** The resource, when known (reads: the stored one, parsed on first call; writes: the new one). */
  resource?: Record<string, unknown> | (() => Record<string, unknown>);
  /** Who registered the stored resource (StoredResource.owner); absent for a resource being created. */
  owner?: string;
}

/** An access request as rules see it: `owned` tells whether the caller's organisation registered the data. */
export interface RuleRequest extends AccessRequest {
  owned: boolean;
}

/** The resource of an access request, parsing stored JSON only when a rule asks for it. */
export function resourceOf(req: AccessRequest): Record<string, unknown> | undefined {
  return typeof req.resource === 'function' ? req.resource() : req.resource;
}

export type Decision = { allow: true; basis?: string } | { allow: false; ja: string; en: string };
export type AccessRule = (req: RuleRequest) => Decision | undefined | Promise<Decision | undefined>;
/** A service may narrow searches (e.g. to patients who consented); return undefined to leave them as they are. */
export type SearchRule = (ctx: RequestContext, resourceType: string) => SearchRestriction | undefined;

const LETTER: Record<Interaction, ScopeLetter> = {
  read: 'r',
  vread: 'r',
  history: 'r',
  search: 's',
  create: 'c',
  update: 'u',
  delete: 'd',
};

const FOREIGN_DATA: Decision = {
  allow: false,
  ja: '他の機関が登録した本人の情報で、閲覧・変更の根拠（本人の同意など）がありません',
  en: "this person's data was registered by another organisation and there is no basis (such as the person's consent) for this access",
};

export class AccessPolicy {
  constructor(readonly grants: AccessGrants = new AccessGrants()) {}

  private readonly rules: AccessRule[] = [];
  private readonly searchRules: SearchRule[] = [];

  addRule(rule: AccessRule): void {
    this.rules.push(rule);
  }

  addSearchRule(rule: SearchRule): void {
    this.searchRules.push(rule);
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
    const p = req.ctx.principal;
    if (p.kind === 'patient' && req.patientKey && req.patientKey !== p.patientId) {
      return { allow: false, ja: '本人以外の情報は閲覧できません', en: "a patient may only access their own data" };
    }
    const owned = req.owner === undefined || req.owner === ownerKey(p);
    let granted = !req.patientKey || owned || p.kind === 'patient' || p.kind === 'operator';
    let basis: string | undefined;
    const ruleReq: RuleRequest = { ...req, owned };
    for (const rule of this.rules) {
      const d = await rule(ruleReq);
      if (!d) continue;
      if (!d.allow) return d;
      granted = true;
      basis ??= d.basis;
    }
    if (!granted) return FOREIGN_DATA;
    return { allow: true, basis };
  }

  /** SQL-level narrowing of a search for this caller. */
  searchRestriction(ctx: RequestContext, resourceType: string, isPatientData: boolean): SearchRestriction {
    const restriction: SearchRestriction = {};
    if (ctx.principal.kind === 'patient' && isPatientData) restriction.patientKeys = [ctx.principal.patientId ?? ''];
    for (const rule of this.searchRules) {
      const r = rule(ctx, resourceType);
      if (r?.patientKeys) {
        restriction.patientKeys = restriction.patientKeys
          ? restriction.patientKeys.filter((k) => r.patientKeys!.includes(k))
          : r.patientKeys;
      }
    }
    return restriction;
  }
}
