/**
 * What access decisions read off a resource version, stored with it (columns `labels`, `data_date`): its security
 * labels (meta.security) and its clinical date — when the data is about, as opposed to when it was stored — which
 * time-bounded grants (an insurer's membership period, an emergency view's months of history) are judged on.
 */
import type { IndexRows } from '../search/index-rows.ts';
import { NEG_INFINITY, POS_INFINITY } from '../search/dates.ts';

/** meta.security as sorted, distinct `system|code` strings. */
export function securityLabelsOf(resource: Record<string, unknown>): string[] {
  const security = (resource.meta as { security?: unknown } | undefined)?.security;
  if (!Array.isArray(security)) return [];
  const out = new Set<string>();
  for (const s of security) {
    if (!s || typeof s !== 'object') continue;
    const { system, code } = s as { system?: unknown; code?: unknown };
    out.add(`${typeof system === 'string' ? system : ''}|${typeof code === 'string' ? code : ''}`);
  }
  return [...out].sort();
}

/**
 * The search parameters that carry a type's clinical date, in order of preference (R4: Observation, Procedure,
 * DiagnosticReport, Encounter, Immunization … `date`; MedicationDispense `whenhandedover`; MedicationRequest
 * `authoredon`; MedicationStatement `effective`; Condition `recorded-date` / `onset-date`).
 */
const CLINICAL_DATE_PARAMS = ['date', 'whenhandedover', 'authoredon', 'effective', 'effective-time', 'recorded-date', 'onset-date', 'issued', 'created'];

/** The earliest instant of the first clinical date parameter that has a value (ISO), or null. */
export function clinicalDateOf(index: IndexRows): string | null {
  const { param, low } = index.date;
  for (const code of CLINICAL_DATE_PARAMS) {
    let best: string | null = null;
    for (let i = 0; i < param.length; i++) {
      if (param[i] !== code || low[i] === NEG_INFINITY || low[i] === POS_INFINITY) continue;
      if (best === null || Date.parse(low[i]) < Date.parse(best)) best = low[i];
    }
    if (best !== null) return new Date(best).toISOString();
  }
  return null;
}
