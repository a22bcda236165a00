/**
 * $access-log (閲覧履歴): who looked at the person's data — built from the platform's audit log (personAccessLog: the
 * person's own accesses left out, refusals kept, references withheld from the person removed). Each access names the
 * organisation (by the directory), the staff member and role recorded, what was read, the basis (a consent, the
 * registrant's own data, an emergency access, an insurer's membership …), the purpose, and whether it was an
 * emergency access (purpose ETREAT or DISASTER, the emergency service's basis, or an emergency Consent) — the portal
 * highlights those.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { personAccessLog, type PersonAccess } from '../../../platform/audit/person-access-log.ts';
import { badRequest } from '../../../platform/fhir/errors.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { auditOwnRead } from '../model/person.ts';
import { directoryNames } from '../model/names.ts';
import type { PortalRuntime } from '../model/runtime.ts';

export const ACCESS_LOG_PAGE = { default: 100, max: 1000 } as const;

export type AccessBasis = 'consent' | 'registrant' | 'emergency' | 'disaster' | 'membership' | 'operator' | 'addressee' | 'patient' | 'none' | 'other';

const READS = new Set(['read', 'vread', 'history-instance']);
const INTERACTIONS = new Set([...READS, 'create', 'update', 'patch', 'delete']);
const isSearch = (s: string) => s.startsWith('search') || s.startsWith('history');
const isOperation = (s: string) => !INTERACTIONS.has(s) && !isSearch(s);

export interface AccessLogQuery {
  /** Accesses on or after the start of this Japan day. */
  from?: string;
  count: number;
}

export function accessLogQuery(input: ParamReader): AccessLogQuery {
  const from = input.string('from')?.trim();
  if (from !== undefined) {
    const d = /^\d{4}-\d{2}-\d{2}$/.test(from) ? new Date(`${from}T00:00:00Z`) : undefined;
    if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== from)
      throw badRequest(`開始日 ${from} は YYYY-MM-DD 形式の日付です`, `from must be a date YYYY-MM-DD (got ${from})`, [input.path('from')]);
  }
  const raw = input.all('count')[0]?.value;
  let count: number = ACCESS_LOG_PAGE.default;
  if (raw !== undefined) {
    count = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isSafeInteger(count) || count < 1 || count > ACCESS_LOG_PAGE.max)
      throw badRequest(
        `件数（count）は 1 以上 ${ACCESS_LOG_PAGE.max} 以下の整数です（${String(raw)}）`,
        `count must be a whole number from 1 to ${ACCESS_LOG_PAGE.max} (got ${String(raw)})`,
        [input.path('count')],
      );
  }
  return { from, count };
}

/** The basis of an access as the person reads it, and the Consent it names. */
function basisOf(a: PersonAccess, emergencyConsents: Set<string>): { basis: AccessBasis; consent?: string; emergency: boolean } {
  const tokens = (a.basis ?? '').split(/\s+/).filter(Boolean);
  const consent = tokens.find((t) => t.startsWith('Consent/'))?.slice('Consent/'.length);
  const emergencyBasis = tokens.includes('emergency') || (consent !== undefined && emergencyConsents.has(consent));
  const disaster = tokens.includes('disaster') || a.purpose === 'DISASTER';
  const emergency = emergencyBasis || disaster || a.purpose === 'ETREAT';
  if (a.outcome !== '0') return { basis: 'none', emergency, ...(consent ? { consent } : {}) };
  if (consent) return { basis: emergencyBasis ? 'emergency' : 'consent', consent, emergency };
  // The emergency service's workflows (src/services/emergency): no consent, the workflow is the basis.
  if (disaster) return { basis: 'disaster', emergency };
  if (emergencyBasis) return { basis: 'emergency', emergency };
  if (tokens.some((t) => t.startsWith('Coverage/'))) return { basis: 'membership', emergency };
  if (tokens.includes('registrant')) return { basis: 'registrant', emergency };
  if (tokens.includes('addressee')) return { basis: 'addressee', emergency };
  if (tokens.includes('patient') || tokens.includes('self')) return { basis: 'patient', emergency };
  if (tokens.length) return { basis: 'other', emergency };
  // No basis recorded: an operator's access, or the organisation's own registrations.
  return { basis: a.clientKind === 'operator' ? 'operator' : 'registrant', emergency };
}

function actionOf(a: PersonAccess): string {
  if (a.action === 'C') return 'create';
  if (a.action === 'U') return 'update';
  if (a.action === 'D') return 'delete';
  if (a.action === 'E' || isOperation(a.subtype)) return 'operation';
  return isSearch(a.subtype) ? 'search' : 'read';
}

/**
 * What was touched: an operation as `Patient/$op` with the consent categories of its basis (else the resource types);
 * reads and searches as the resource types (letters as `letter`), with the basis' categories in parentheses.
 */
function whatOf(a: PersonAccess, categories: string[]): string {
  const types = [...new Set(a.entities.map((e) => e.split('/')[0]).filter((t) => t && t !== 'Patient'))].map((t) => (t === 'Basic' ? 'letter' : t));
  if (a.subtype === 'sign-in') return 'sign-in';
  if (isOperation(a.subtype)) return [`Patient/$${a.subtype}`, categories.length ? categories.join(', ') : types.join(', ')].filter(Boolean).join(' ');
  const what = types.join(', ') || 'Patient';
  return categories.length ? `${what} (${categories.join(', ')})` : what;
}

export async function accessLog(rt: PortalRuntime, ctx: RequestContext, patientId: string, q: AccessLogQuery): Promise<OutParam[]> {
  const rows = await personAccessLog(rt.platform.db, patientId, {
    from: q.from ? new Date(`${q.from}T00:00:00+09:00`) : undefined,
    count: q.count,
    hiddenEntities: (refs) => rt.platform.policy.personWithheldRefs(rt.platform.db, refs),
  });
  const { consents } = await rt.platform.consent.list(patientId, rt.clock());
  const emergencyConsents = new Set(consents.filter((c) => c.policy === 'emergency').map((c) => c.consentId));
  const categoryOf = new Map(consents.map((c) => [c.consentId, c.category as string]));
  const nameOf = directoryNames(rt);
  const out: OutParam[] = [];
  let emergencies = 0;
  for (const a of rows) {
    const b = basisOf(a, emergencyConsents);
    if (b.emergency) emergencies++;
    const consentIds = (a.basis ?? '')
      .split(/\s+/)
      .filter((t) => t.startsWith('Consent/'))
      .map((t) => t.slice(8));
    const categories = [...new Set(consentIds.map((id) => categoryOf.get(id)).filter((c): c is string => !!c))];
    const facilityName = (await nameOf(a.facilityCode)) ?? (a.facilityCode ? a.clientName : undefined);
    const staff = a.user?.kind === 'staff' ? a.user : undefined;
    // 代理人: a patient signed in as someone else acting for this person.
    const proxy = a.user?.kind === 'patient' && a.user.id !== patientId ? a.user : undefined;
    const action = actionOf(a);
    out.push({
      name: 'access',
      part: [
        { name: 'at', valueInstant: a.recorded.toISOString() },
        ...(a.facilityCode ? [{ name: 'facilityCode', valueString: a.facilityCode }] : []),
        ...(facilityName ? [{ name: 'facilityName', valueString: facilityName }] : []),
        { name: 'clientKind', valueCode: a.clientKind },
        ...(staff?.role ? [{ name: 'staffRole', valueCode: staff.role }] : []),
        ...(staff ? [{ name: 'staffName', valueString: staff.name }] : []),
        ...(proxy ? [{ name: 'proxyName', valueString: proxy.name }] : []),
        { name: 'action', valueCode: action },
        ...(action === 'operation' || isOperation(a.subtype) ? [{ name: 'operation', valueCode: a.subtype }] : []),
        { name: 'what', valueString: whatOf(a, categories) },
        { name: 'basis', valueCode: b.basis },
        ...(b.consent ? [{ name: 'consent', valueId: b.consent }] : []),
        ...(a.purpose ? [{ name: 'purpose', valueCode: a.purpose }] : []),
        { name: 'emergency', valueBoolean: b.emergency },
        { name: 'outcome', valueCode: a.outcome === '0' ? 'allowed' : 'refused' },
      ],
    });
  }
  out.push({ name: 'emergencyCount', valueInteger: emergencies });
  await auditOwnRead(rt, ctx, 'access-log', patientId);
  return out;
}
