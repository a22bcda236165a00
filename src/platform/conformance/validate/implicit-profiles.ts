/**
 * Profiles that apply without being claimed (暗黙に適用されるプロファイル):
 *
 * * R4 vital signs (http://hl7.org/fhir/R4/observation-vitalsigns.html): "If a Vital Sign is
 *   represented in FHIR, the Observation SHALL conform to the corresponding profile" — an
 *   Observation coded with one of the listed LOINC codes is validated against that profile, as the
 *   HL7 Java validator does (ObservationValidator), whether or not meta.profile names it;
 * * ImplementationGuide.global of the loaded IG packages: every resource of that type is validated
 *   against the profile (Definitions.globalProfiles).
 *
 * The lookup allocates nothing for resources without such a profile.
 */
import type { Definitions } from '../definitions.ts';
import type { Json } from './references.ts';

const SD = 'http://hl7.org/fhir/StructureDefinition/';

/** LOINC code → the R4 vital-signs profile for it (the table of the observation-vitalsigns page). */
export const VITAL_SIGNS_PROFILES: ReadonlyMap<string, string> = new Map([
  ['85353-1', `${SD}vitalspanel`],
  ['9279-1', `${SD}resprate`],
  ['8867-4', `${SD}heartrate`],
  ['2708-6', `${SD}oxygensat`],
  ['8310-5', `${SD}bodytemp`],
  ['8302-2', `${SD}bodyheight`],
  ['9843-4', `${SD}headcircum`],
  ['29463-7', `${SD}bodyweight`],
  ['39156-5', `${SD}bmi`],
  ['85354-9', `${SD}bp`],
]);

const EMPTY: readonly string[] = [];

/** Profiles the resource must conform to without claiming them (canonical URLs). */
export function implicitProfiles(defs: Definitions, res: Json, rt: string): readonly string[] {
  const global = defs.globalProfiles.get(rt);
  if (rt !== 'Observation') return global ?? EMPTY;
  let out: string[] | undefined;
  const code = res.code;
  const codings = code && typeof code === 'object' && Array.isArray((code as Json).coding) ? ((code as Json).coding as unknown[]) : undefined;
  if (codings) {
    for (const c of codings) {
      if (!c || typeof c !== 'object') continue;
      const { system, code: value } = c as Json;
      if (system !== 'http://loinc.org' || typeof value !== 'string') continue;
      const p = VITAL_SIGNS_PROFILES.get(value);
      if (p && !(out ??= []).includes(p)) out.push(p);
    }
  }
  if (!out) return global ?? EMPTY;
  return global ? [...out, ...global] : out;
}
