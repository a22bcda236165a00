/**
 * The 6 information of the demo's history, registered by the facility that recorded them: one JP_Bundle_CLINS per
 * patient, facility and category (傷病名 / 検査・感染症 / アレルギー) through `$register-clinical-information`.
 */
import type { DemoApi, Json } from './api.ts';
import type { DemoCalendar } from './calendar.ts';
import { type ClinsPerson, allergy, businessId, clinsBundle, condition, infectionObservation, labObservation } from '../services/sharing/index.ts';
import type { Party } from './facilities.ts';
import { type At, HISTORY, type PatientHistory } from './history-plan.ts';
import { HBS_ANTIGEN, LAB_TESTS } from './lab-tests.ts';
import type { DemoPatient } from './people.ts';

export const clinsPersonOf = (p: DemoPatient): ClinsPerson => ({
  memberId: p.memberId,
  familyName: p.familyName,
  givenName: p.givenName,
  familyKana: p.familyKana,
  givenKana: p.givenKana,
  gender: p.sex,
  birthDate: p.birthDate,
  address: p.address,
});

const JFAGY_FOOD = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS';

/** Months ago (fractions: weeks) as a date. */
const monthsAgo = (cal: DemoCalendar, m: number) => (Number.isInteger(m) ? cal.monthsAgo(m) : cal.daysAgo(Math.round(m * 30.4)));

/** The items of one patient recorded at one facility, by Bundle category. */
function itemsAt(
  p: DemoPatient,
  h: PatientHistory,
  at: At,
  code: string,
  cal: DemoCalendar,
): Record<'Condition' | 'Observation' | 'AllergyIntolerance', Json[]> {
  const person = clinsPersonOf(p);
  const id = (...parts: (string | number)[]) => businessId('demo', p.key, at, ...parts.map(String));
  const conditions = (h.diagnoses ?? [])
    .filter((d) => d.at === at)
    .map((d) =>
      condition(
        person,
        {
          facility: code,
          id: id('dx', d.name),
          department: d.department,
          flags: d.flags,
          code: d.code,
          name: d.name,
          onset: monthsAgo(cal, d.onsetMonthsAgo),
          recorded: monthsAgo(cal, d.recordedMonthsAgo),
          resolved: d.resolvedMonthsAgo === undefined ? undefined : monthsAgo(cal, d.resolvedMonthsAgo),
          inpatient: d.inpatient,
          note: d.note,
        },
        cal,
      ),
    );
  const labs = (h.labs ?? [])
    .filter((l) => l.at === at)
    .flatMap((l) =>
      l.points.map(([m, value]) =>
        labObservation(
          person,
          { facility: code, id: id('lab', l.test, m), department: l.department, test: LAB_TESTS[l.test], date: monthsAgo(cal, m), value },
          cal,
        ),
      ),
    );
  const infections = (h.infections ?? [])
    .filter((i) => i.at === at)
    .map((i) =>
      infectionObservation(
        person,
        { facility: code, id: id('infection', i.monthsAgo), department: i.department, ...HBS_ANTIGEN, date: monthsAgo(cal, i.monthsAgo), result: i.result },
        cal,
      ),
    );
  const allergies = (h.allergies ?? [])
    .filter((a) => a.at === at)
    .map((a) =>
      allergy(
        person,
        {
          facility: code,
          id: id('allergy', a.text),
          department: a.department,
          kind: a.kind,
          coding: a.jfagy ? { system: JFAGY_FOOD, ...a.jfagy } : undefined,
          text: a.text,
          recorded: monthsAgo(cal, a.recordedMonthsAgo),
          reaction: a.reaction,
          criticality: a.criticality,
        },
        cal,
      ),
    );
  return { Condition: conditions, Observation: [...labs, ...infections], AllergyIntolerance: allergies };
}

export async function registerHistory(
  api: DemoApi,
  facilities: Record<At, Party>,
  patients: DemoPatient[],
  cal: DemoCalendar,
  log: (line: string) => void,
): Promise<number> {
  let items = 0;
  for (const [n, p] of patients.entries()) {
    const h = HISTORY[p.key];
    if (!h) continue;
    for (const at of ['clinic', 'hospital'] as const) {
      const party = facilities[at];
      for (const [category, resources] of Object.entries(itemsAt(p, h, at, party.code, cal))) {
        if (resources.length === 0) continue;
        const bundle = clinsBundle(clinsPersonOf(p), category as 'Condition', resources, party.code, cal, `demo-${n + 1}-${at}-${category}`);
        await api.ok(`6情報の登録 (${p.key}, ${party.name}, ${category})`, 'POST', '/fhir/$register-clinical-information', party.token, bundle);
        items += resources.length;
      }
    }
  }
  log(`  ${items} 件の6情報（傷病名・検査・アレルギー・感染症） / items of the 6 information`);
  return items;
}
