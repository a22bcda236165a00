/**
 * `Patient/[id]/$patient-summary`: the person's view assembles every facility's summary (Composition, main and
 * secondary diagnoses, care plan) with their allergies, infections, labs and prescriptions of the 6 information in
 * force — never the 6 information's own diagnoses (the summaries give them), 未告知, expired or withdrawn items; a
 * facility sees only its own summary; others have no view; every view is audited with its basis — on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../eligibility/service-fixtures.ts';
import { ENGINES } from '../helpers/engines.ts';
import { json } from '../helpers/tsunagu.ts';
import { VALID_DIR, readExample, readdress, withFlags } from './clins-examples.ts';
import { prescription, referral } from './letter-examples.ts';
import { CLINIC, KYOKAI, OTHER_CLINIC, THIRD_CLINIC, sharingWorld, storedRefs, type SharingWorld } from './sharing-world.ts';
import { SUMMARY_SCOPES, patientSummary } from './summary-examples.ts';

type Json = Record<string, unknown>;
const DAY = 86_400_000;
const PART = 'https://tsunagu.dev/fhir/StructureDefinition/patient-summary-part';
const CONDITION = readExample(VALID_DIR, 'Condition-Example-JP-Condition-eCS-03.json');
const LAB = readExample(VALID_DIR, 'Observation-Example-JP-Obs-LabResult-eCS-K.json');
const ALLERGY = readExample(VALID_DIR, 'AllergyIntolerance-Example-JP-Allergy-eCS-02.json');

/** An infection result: the lab example coded with a JLAC10 code of the infection list (HBs抗原). */
function infection(): Json {
  return {
    ...structuredClone(LAB),
    code: {
      coding: [
        { system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_CLINS_ObsLabResult_LocalCode_CS', code: '10000500', display: 'HBs抗原' },
        { system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_InfectionLabo_CS', code: '5F016141002305151', display: 'HBs抗原(S/CO)' },
        { system: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits', code: '5F016141002305151', display: 'HBs抗原(S/CO)' },
      ],
      text: 'HBs抗原',
    },
  };
}
const dated = (r: Json, field: string, at: Date): Json => ({ ...r, [field]: `${at.toISOString().slice(0, 19)}+00:00` });

describe.each(ENGINES)('the patient summary view (%s)', (engine) => {
  let sw: SharingWorld;
  let clinic: string;
  let other: string;
  let third: string;
  let insurer: string;
  const items: Record<string, string> = {};
  const summaries: Record<string, string[]> = {};
  const t0 = new Date();

  async function view(token: string, patientId = sw.alice.id) {
    const res = await sw.request({ method: 'GET', url: `/fhir/Patient/${patientId}/$patient-summary`, token });
    const body = json(res) as Json;
    const entries = (body.entry as { resource: Json; extension?: { url: string; valueCode: string }[] }[] | undefined) ?? [];
    const parts = new Map(entries.map((e) => [`${e.resource.resourceType}/${e.resource.id}`, e.extension?.find((x) => x.url === PART)?.valueCode]));
    return { status: res.statusCode, body, parts };
  }

  async function item(key: string, category: string, resource: Json) {
    const res = await sw.register(sw.tokens.clinic, sw.clins(sw.alice, category, [resource]));
    expect(res.status, `${key}: ${JSON.stringify(res.body).slice(0, 600)}`).toBe(201);
    items[key] = storedRefs(res.body)[0];
  }

  beforeAll(async () => {
    sw = await sharingWorld(engine);
    sw.clock.now = t0;
    const add = async (kind: 'facility' | 'insurer', code: string) => (await sw.w.s.addClient({ kind, facilityCode: code, scopes: SUMMARY_SCOPES })).token;
    clinic = await add('facility', CLINIC);
    other = await add('facility', OTHER_CLINIC);
    third = await add('facility', THIRD_CLINIC);
    insurer = await add('insurer', KYOKAI);
    for (const [token, code] of [
      [clinic, CLINIC],
      [other, OTHER_CLINIC],
    ]) {
      const res = await sw.request({ method: 'POST', url: '/fhir/$register-patient-summary', token, body: patientSummary(sw.alice, code) });
      expect(res.statusCode, res.body.slice(0, 1000)).toBe(201);
      const out = json(res).parameter as { name: string; valueReference: { reference: string } }[];
      summaries[code] = out.filter((p) => p.name === 'summary' || p.name === 'entry').map((p) => p.valueReference.reference);
    }
    const recent = new Date(t0.getTime() - 30 * DAY);
    await item('allergy', 'AllergyIntolerance', dated(readdress(ALLERGY, sw.alice, CLINIC), 'recordedDate', recent));
    await item('allergy-expired', 'AllergyIntolerance', dated(readdress(ALLERGY, sw.alice, CLINIC), 'recordedDate', new Date(t0.getTime() - 6 * 365 * DAY)));
    await item('allergy-withdrawn', 'AllergyIntolerance', dated(readdress(ALLERGY, sw.alice, CLINIC), 'recordedDate', recent));
    await item('lab', 'Observation', dated(readdress(LAB, sw.alice, CLINIC), 'effectiveDateTime', recent));
    await item('infection', 'Observation', dated(readdress(infection(), sw.alice, CLINIC), 'effectiveDateTime', recent));
    await item('diagnosis', 'Condition', dated(readdress(CONDITION, sw.alice, CLINIC), 'recordedDate', recent));
    await item('diagnosis-uninformed', 'Condition', withFlags(dated(readdress(CONDITION, sw.alice, CLINIC), 'recordedDate', recent), 'UNINFORMED'));
    const w = await sw.request({
      method: 'POST',
      url: '/fhir/$withdraw-clinical-information',
      token: sw.tokens.clinic,
      body: { resourceType: 'Parameters', parameter: [{ name: 'item', valueReference: { reference: items['allergy-withdrawn'] } }] },
    });
    expect(w.statusCode, w.body).toBe(200);
    const rx = { ...prescription(sw.alice, CLINIC), authoredOn: new Date(t0.getTime() - 10 * DAY).toISOString() };
    const sent = await sw.request({
      method: 'POST',
      url: '/fhir/$send-referral',
      token: sw.tokens.clinic,
      body: { resourceType: 'Parameters', parameter: [{ name: 'letter', resource: referral(sw.alice, CLINIC, THIRD_CLINIC, [rx]) }] },
    });
    expect(sent.statusCode, sent.body.slice(0, 1000)).toBe(201);
    items.prescription = (json(sent).parameter as { name: string; valueReference?: { reference: string } }[]).find((p) => p.name === 'item')!
      .valueReference!.reference;
  }, 240_000);
  afterAll(async () => sw?.close());

  it('the person sees every summary with its parts and their allergies, infections, labs and prescriptions in force', async () => {
    const v = await view(sw.tokens.alice);
    expect(v.status, JSON.stringify(v.body).slice(0, 800)).toBe(200);
    expect(v.body.type).toBe('collection');
    for (const code of [CLINIC, OTHER_CLINIC]) {
      const [composition, ...rest] = summaries[code];
      expect(v.parts.get(composition)).toBe('summary');
      const parts = rest.map((r) => v.parts.get(r)).sort();
      expect(parts).toEqual(['care-plan', 'main-diagnosis', 'secondary-diagnosis']);
    }
    expect(['drug-allergy', 'other-allergy']).toContain(v.parts.get(items.allergy));
    expect(v.parts.get(items.lab)).toBe('lab');
    expect(v.parts.get(items.infection)).toBe('infection');
    expect(v.parts.get(items.prescription)).toBe('prescription');
  });

  it('it leaves out the 6 information’s own diagnoses, 未告知, expired and withdrawn items', async () => {
    const v = await view(sw.tokens.alice);
    for (const key of ['diagnosis', 'diagnosis-uninformed', 'allergy-expired', 'allergy-withdrawn']) expect(v.parts.has(items[key]), key).toBe(false);
    // The main diagnosis is the one the summary marked 主病名.
    const main = [...v.parts].filter(([, p]) => p === 'main-diagnosis').map(([r]) => r);
    const stored = json(await sw.request({ method: 'GET', url: `/fhir/${main[0]}`, token: sw.tokens.alice }));
    expect(stored.code.text).toBe('高血圧');
  });

  it('a facility sees only the summary it registered, nothing of the 6 information', async () => {
    const mine = await view(clinic);
    expect(mine.status).toBe(200);
    expect([...mine.parts.keys()].sort()).toEqual([...summaries[CLINIC]].sort());
    expect([...(await view(third)).parts.keys()]).toEqual([]);
  });

  it('insurers, operators and another patient have no view', async () => {
    for (const token of [insurer, sw.tokens.operator, sw.tokens.bob]) expect((await view(token)).status).toBe(403);
  });

  it('views are audited with their basis (patient, registrant)', async () => {
    await view(sw.tokens.alice);
    await view(clinic);
    await view(sw.tokens.bob);
    const log = (await auditOf(sw.w, sw.alice.id)).filter((e) => e.subtype === 'patient-summary');
    const own = log.find((e) => e.outcome === '0' && e.agent === undefined);
    expect(own?.policy).toEqual(['patient']);
    expect(own?.entities).toContain(items.lab);
    const facility = log.find((e) => e.outcome === '0' && e.agent === CLINIC);
    expect(facility?.policy).toEqual(['registrant']);
    expect(facility?.entities.filter((x) => !x.startsWith('Patient/')).sort()).toEqual([...summaries[CLINIC]].sort());
    expect((await auditOf(sw.w, sw.alice.id)).some((e) => e.outcome === '4' && (e.entities ?? []).some((x) => x.includes('$patient-summary')))).toBe(true);
  });
});
