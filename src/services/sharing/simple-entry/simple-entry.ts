/**
 * 簡易登録 (simple entry): "nothing requires a full EHR" — a paper-chart clinic registers diagnoses and lab results
 * by hand or from an outsourced lab's result file. The small input (entry-input.ts) becomes JP_Bundle_CLINS
 * documents (one per category: diagnoses, labs) written by the JP-CLINS builders, and goes through the service's one
 * registration path ($register-clinical-information: the whole Bundle validated against the profile, codes and
 * flags checked, the patient resolved from the insured-person identifier) with the signed-in facility as registrant.
 * Both Bundles are checked before either is stored; any problem refuses everything with every issue, each naming the
 * input field (`lab[1].value`) before the Bundle path.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import { isInsuredPersonSystem, lookUpInsuredPerson } from '../../eligibility/index.ts';
import type { CodeLists } from '../codes/index.ts';
import { PROFILES } from '../model/fhir-codes.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { documentBundle, documentPerson, documentValidationErrors, refuseIfAny, registeringFacility } from '../registration/document-checks.ts';
import { prepareItems, type StoredItem } from '../registration/items.ts';
import { registerClinicalInformation } from '../registration/register-clins.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import { type ClinsCalendar, type ClinsPerson, businessId, clinsBundle, condition, labObservation } from './clins-builders.ts';
import { type EntryInput, readEntryInput, UNCODED_DIAGNOSIS } from './entry-input.ts';

type Json = Record<string, unknown>;

const WHAT = { ja: '検査結果・病名の登録', en: 'registration of lab results and diagnoses' };

/** The builders' calendar on the service's clock: dates in Japan, times never after now. */
export function calendarAt(now: Date): ClinsCalendar {
  return {
    today: japanDate(now),
    dateTime(date: string, time = '10:00') {
      const at = new Date(`${date}T${time}:00+09:00`);
      const t = at.getTime() > now.getTime() ? new Date(now.getTime() - 60_000) : at;
      return `${new Date(t.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
    },
  };
}

interface ResolvedPatient {
  id: string;
  person: ClinsPerson;
}

const refusePatient = (ja: string, en: string, at: string): never => {
  throw FhirError.of(422, 'business-rule', ja, en, [at]);
};

/** The person as the registry knows them (Patient: names, sex, birth date, the insured-person identifier in force). */
async function resolvePatient(rt: SharingRuntime, ref: EntryInput['patient']): Promise<ResolvedPatient> {
  let id: string;
  let insuredId: string | undefined;
  const at = 'id' in ref ? 'patient' : 'insuredPerson';
  if ('id' in ref) id = ref.id;
  else {
    const found = await lookUpInsuredPerson(rt.platform.db, ref.insuredId, ref.birthDate);
    if (!found.found) return refusePatient(`患者が見つかりません: ${found.ja}`, `no such patient: ${found.en}`, at);
    id = found.patientId;
    insuredId = found.insuredKey;
  }
  const stored = await rt.platform.repo.loadCurrent(rt.platform.db, 'Patient', id);
  if (!stored || stored.deleted || !stored.content) return refusePatient(`患者（${id}）が見つかりません`, `no patient ${id}`, at);
  const p = JSON.parse(stored.content) as Json;
  const ids = ((p.identifier as { use?: string; system?: string; value?: string }[] | undefined) ?? []).filter(
    (i) => isInsuredPersonSystem(i?.system) && typeof i.value === 'string',
  );
  insuredId ??= (ids.find((i) => i.use === 'official') ?? ids[0])?.value;
  const birthDate = typeof p.birthDate === 'string' ? p.birthDate : undefined;
  if (!insuredId || !birthDate)
    return refusePatient(
      'この患者には被保険者番号か生年月日の登録がないため、共有サービスに登録できません',
      'the patient has no insured-person identifier or birth date in the registry',
      at,
    );
  const names = (p.name as { text?: string; family?: string; given?: string[]; extension?: { valueCode?: string }[] }[] | undefined) ?? [];
  const of = (rep: string) => names.find((n) => n.extension?.some((e) => e.valueCode === rep));
  const ide = of('IDE') ?? names[0];
  const syl = of('SYL');
  return {
    id,
    person: {
      memberId: insuredId,
      familyName: ide?.family ?? ide?.text ?? '',
      givenName: ide?.given?.[0] ?? '',
      familyKana: syl?.family ?? '',
      givenKana: syl?.given?.[0] ?? '',
      gender: p.gender === 'male' || p.gender === 'female' ? p.gender : 'unknown',
      birthDate,
      // The registry holds no address: written 不明 (clins-builders.ts).
      address: '',
    },
  };
}

interface Document {
  bundle: Json;
  /** The input path of each item entry (entry[i + 1]). */
  paths: string[];
}

function documents(e: EntryInput, patient: ResolvedPatient, facility: string, cal: ClinsCalendar, now: Date): Document[] {
  const seq = now.getTime().toString(36);
  const item = (kind: string, ...key: string[]) => ({ facility, id: businessId('simple-entry', facility, patient.id, kind, ...key), department: e.department });
  const out: Document[] = [];
  for (const d of e.diagnoses)
    if (d.onset < patient.person.birthDate)
      refusePatient(`発症日（${d.onset}）が生年月日より前です`, `${d.at}.onset is before the birth date`, `${d.at}.onset`);
  for (const l of e.labs)
    if (l.date < patient.person.birthDate) refusePatient(`検査日（${l.date}）が生年月日より前です`, `${l.at}.date is before the birth date`, `${l.at}.date`);
  if (e.diagnoses.length > 0) {
    const items = e.diagnoses.map((d) =>
      condition(
        patient.person,
        {
          ...item('diagnosis', d.code === UNCODED_DIAGNOSIS ? `name:${d.name}` : d.code, d.onset),
          code: d.code === UNCODED_DIAGNOSIS ? undefined : d.code,
          name: d.name,
          onset: d.onset,
          recorded: cal.today,
          primary: d.primary,
          suspected: d.suspected,
        },
        cal,
      ),
    );
    out.push({ bundle: clinsBundle(patient.person, 'Condition', items, facility, cal, `D${seq}`), paths: e.diagnoses.map((d) => d.at) });
  }
  if (e.labs.length > 0) {
    const items = e.labs.map((l) =>
      labObservation(
        patient.person,
        {
          ...item('lab', l.jlac10, l.date),
          test: { local: l.jlac10, name: l.name, jlac10: l.jlac10, core: l.core, display: l.display, unit: l.unit, low: l.low, high: l.high },
          date: l.date,
          value: l.value,
          flag: l.flag,
        },
        cal,
      ),
    );
    out.push({ bundle: clinsBundle(patient.person, 'Observation', items, facility, cal, `L${seq}`), paths: e.labs.map((l) => l.at) });
  }
  return out;
}

/** The registration path's checks of a JP_Bundle_CLINS, storing nothing (register-clins.ts, without the write). */
async function checkDocument(rt: SharingRuntime, ctx: RequestContext, body: Json): Promise<void> {
  const { bundle, entries } = documentBundle(body, PROFILES.clins, 'JP_Bundle_CLINS', 'collection', rt.platform.config.bundleMaxEntries);
  const items = entries.filter((x) => x.resource.resourceType !== 'Patient');
  const facility = registeringFacility(
    ctx,
    WHAT,
    items.map((x) => x.resource.resourceType as string),
  );
  const validation = documentValidationErrors(rt.platform, bundle, PROFILES.clins);
  const person = await documentPerson(rt.platform, entries);
  const issues: Issue[] = [];
  prepareItems(rt, items, person, facility, issues, rt.clock());
  refuseIfAny(issues, validation);
}

/** A refusal of a document, each issue naming the input field first (`lab[1]`, then the Bundle path). */
function inInputTerms(err: unknown, doc: Document): unknown {
  if (!(err instanceof FhirError)) return err;
  const issue = (err.outcome.issue ?? []).map((i) => {
    const first = i.expression?.[0] ?? '';
    const m = /^Bundle\.entry\[(\d+)\]/.exec(first);
    const at = m && Number(m[1]) >= 1 ? doc.paths[Number(m[1]) - 1] : undefined;
    return at ? { ...i, expression: [at, ...(i.expression ?? [])] } : i;
  });
  return new FhirError(err.status, { ...err.outcome, issue }, err.headers);
}

export interface SimpleEntryResult {
  patientId: string;
  checked: boolean;
  stored: StoredItem[];
  /** The input path of each stored item, in order. */
  paths: string[];
}

export async function simpleEntry(rt: SharingRuntime, ctx: RequestContext, lists: CodeLists, input: ParamReader): Promise<SimpleEntryResult> {
  const facility = registeringFacility(ctx, WHAT, ['Condition', 'Observation']);
  const now = rt.clock();
  const cal = calendarAt(now);
  const { entry, problems } = readEntryInput(input, lists, now, cal.today);
  if (!entry) throw FhirError.fromIssues(400, problems);
  const patient = await resolvePatient(rt, entry.patient);
  const docs = documents(entry, patient, facility, cal, now);
  for (const doc of docs)
    try {
      await checkDocument(rt, ctx, doc.bundle);
    } catch (err) {
      throw inInputTerms(err, doc);
    }
  const paths = docs.flatMap((d) => d.paths);
  if (entry.check) return { patientId: patient.id, checked: true, stored: [], paths };
  const stored: StoredItem[] = [];
  for (const doc of docs)
    try {
      stored.push(...(await registerClinicalInformation(rt, ctx, doc.bundle)));
    } catch (err) {
      throw inInputTerms(err, doc);
    }
  return { patientId: patient.id, checked: false, stored, paths };
}
