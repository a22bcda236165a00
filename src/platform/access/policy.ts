/**
 * Access decisions, made on the server for every interaction. Order: the token's scopes; then, for a patient,
 * their own compartment only; then the rules services add (consent at the reader, sharing flags, emergency
 * access …). The first denial wins. An allowing rule may name the basis (e.g. the Consent) for the audit.
 */
import type { RequestContext } from '../auth/principal.ts';
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
}

/** The resource of an access request, parsing stored JSON only when a rule asks for it. */
export function resourceOf(req: AccessRequest): Record<string, unknown> | undefined {
  return typeof req.resource === 'function' ? req.resource() : req.resource;
}

export type Decision = { allow: true; basis?: string } | { allow: false; ja: string; en: string };
export type AccessRule = (req: AccessRequest) => Decision | undefined | Promise<Decision | undefined>;
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

export class AccessPolicy {
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
    let basis: string | undefined;
    for (const rule of this.rules) {
      const d = await rule(req);
      if (!d) continue;
      if (!d.allow) return d;
      basis ??= d.basis;
    }
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
