/**
 * The portal world (eligibility, sharing, e-prescription, portal) with the emergency service on the same clock, and
 * what the emergency tests need: carol — on dialysis (特定疾病), with items registered elsewhere (a diagnosis, an
 * infection, a drug allergy, a lab, an 未提供 diagnosis), receipt-based dispensings (warfarin recent, one old),
 * procedures (surgery, 人工腎臓) and a check-up result; her card; two people of the same name and birth date; signed-in
 * staff (a doctor, a nurse and a privacy officer of the clinic, a doctor of the other clinic), an ambulance, medical
 * teams in Tokyo (13) and Ishikawa (17), a clinic in Osaka (27).
 */
import { readFile } from 'node:fs/promises';
import { createEmergencyService } from '../../src/services/emergency/index.ts';
import {
  type ClinsCalendar,
  type ClinsPerson,
  allergy,
  clinsBundle,
  condition,
  infectionObservation,
  labObservation,
} from '../../src/services/sharing/index.ts';
import { HBS_ANTIGEN, LAB_TESTS } from '../../src/demo/lab-tests.ts';
import { signInStaff } from '../helpers/app-sign-in.ts';
import { json } from '../helpers/tsunagu.ts';
import { CLINIC, KYOKAI, OTHER_CLINIC, personRecord } from '../eligibility/service-fixtures.ts';
import { portalWorld, type Json, type PortalWorld } from '../portal/portal-world.ts';

export const OSAKA_CLINIC = '2712345673';
export const PASSWORD = 'correct horse battery staple 42';
const MEMBER_ID = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
/** A YJ code of class 3332 (ワルファリンカリウム錠, 血液凝固阻止剤) and one of 2149 (an antihypertensive, no class). */
export const WARFARIN_YJ = '3332001F1020';
export const AMLODIPINE_YJ = '2171022F1020';

export interface EmergencyWorld extends PortalWorld {
  carol: { id: string; memberId: string; birthDate: string; certificate: string };
  twins: string[];
  staff: { doctor: string; nurse: string; officer: string; otherDoctor: string; otherOfficer: string };
  clients: { ambulance: string; team13: string; team17: string; osaka: string; clinicSystem: string; carol: string };
  /** Refs of carol's registered items by name. */
  items: Record<string, string>;
  receipt: Record<string, string>;
  daysAgo(n: number): string;
}

export async function emergencyWorld(engine: 'pglite' | 'postgres'): Promise<EmergencyWorld> {
  const pw = await portalWorld(engine, (clock) => [createEmergencyService({ clock: clock.get })]);
  const platform = pw.w.s.t.platform;
  const day = (n: number) => new Date(pw.clock.now.getTime() + 9 * 3600_000 - n * 86_400_000).toISOString().slice(0, 10);
  const reg = await pw.w.register([
    personRecord({
      symbol: '7654321',
      number: '1',
      family_name: '𠮷田',
      given_name: '和子',
      family_name_kana: 'ヨシダ',
      given_name_kana: 'カズコ',
      birth_date: '1948-03-03',
      sex: 2,
      specific_diseases: 'dialysis:10000:2020-01-01:',
    }),
    personRecord({
      symbol: '7654321',
      number: '2',
      family_name: '鈴木',
      given_name: '一郎',
      family_name_kana: 'スズキ',
      given_name_kana: 'イチロウ',
      birth_date: '1950-01-01',
      sex: 1,
    }),
    personRecord({
      symbol: '7654321',
      number: '3',
      family_name: '鈴木',
      given_name: '一郎',
      family_name_kana: 'スズキ',
      given_name_kana: 'イチロウ',
      birth_date: '1950-01-01',
      sex: 1,
    }),
  ]);
  const [carolId, twin1, twin2] = reg.results.map((r) => r.patient!.replace('Patient/', ''));
  const memberId = `${KYOKAI}:7654321:1:00`;
  const person: ClinsPerson = {
    memberId,
    familyName: '𠮷田',
    givenName: '和子',
    familyKana: 'ヨシダ',
    givenKana: 'カズコ',
    gender: 'female',
    birthDate: '1948-03-03',
    address: '',
  };
  const cal: ClinsCalendar = { today: day(0), dateTime: (date, time = '10:00') => `${date}T${time}:00+09:00` };
  const base = { facility: OTHER_CLINIC, department: 'internal' as const };
  const conditions = [
    condition(person, { ...base, id: 'em-dx-1', name: '慢性腎不全', onset: day(900), recorded: day(30) }, cal),
    condition(person, { ...base, id: 'em-dx-hidden', name: '未提供の病名', onset: day(60), recorded: day(20), flags: ['UNDELIVERED'] }, cal),
  ];
  const observations = [
    infectionObservation(person, { ...base, id: 'em-hbs', ...HBS_ANTIGEN, date: day(40), result: 'positive' }, cal),
    labObservation(person, { ...base, id: 'em-k-1', test: LAB_TESTS.k, date: day(10), value: 5.9 }, cal),
  ];
  const allergies = [
    allergy(
      person,
      { ...base, id: 'em-allergy', kind: 'medication', text: 'ペニシリン系抗菌薬', recorded: day(200), reaction: 'アナフィラキシー', criticality: 'high' },
      cal,
    ),
  ];
  const items: Record<string, string> = {};
  for (const [category, list, names] of [
    ['Condition', conditions, ['diagnosis', 'undelivered']],
    ['Observation', observations, ['infection', 'lab']],
    ['AllergyIntolerance', allergies, ['allergy']],
  ] as const) {
    const r = await pw.register(pw.tokens.other, clinsBundle(person, category, list as Json[], OTHER_CLINIC, cal, `em-${category}-${engine}`));
    if (r.status !== 201) throw new Error(`register ${category}: ${r.status} ${JSON.stringify(r.body).slice(0, 600)}`);
    const refs = ((r.body.parameter ?? []) as Json[])
      .filter((p) => p.name === 'item')
      .map((p) => (p.part as Json[]).find((x) => x.name === 'reference')?.valueReference?.reference as string);
    (names as readonly string[]).forEach((n, i) => {
      items[n] = refs[i];
    });
  }
  // Receipt-based information an insurer imports (eligibility's shared information).
  const subject = { identifier: { system: MEMBER_ID, value: memberId } };
  const dispense = (code: string, name: string, date: string, days: number) => ({
    resource: {
      resourceType: 'MedicationDispense',
      status: 'completed',
      medicationCodeableConcept: { coding: [{ system: 'urn:oid:1.2.392.100495.20.1.73', code, display: name }], text: name },
      subject,
      quantity: { value: days, unit: '錠' },
      daysSupply: { value: days, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' },
      whenHandedOver: date,
    },
  });
  const insurer = (await pw.w.s.addClient({ kind: 'insurer', facilityCode: KYOKAI, scopes: ['system/*.cruds'] })).token;
  const imported = await pw.request({
    method: 'POST',
    url: '/fhir/$import-shared-information',
    token: insurer,
    body: {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        dispense(WARFARIN_YJ, 'ワルファリンK錠1mg', day(10), 28),
        dispense(AMLODIPINE_YJ, '古いアムロジピン錠5mg', day(400), 28),
        {
          resource: {
            resourceType: 'Procedure',
            status: 'completed',
            category: { coding: [{ system: 'http://snomed.info/sct', code: '387713003' }] },
            code: { text: '腹腔鏡下胆嚢摘出術' },
            subject,
            performedDateTime: day(700),
          },
        },
        { resource: { resourceType: 'Procedure', status: 'completed', code: { text: '人工腎臓（慢性維持透析）' }, subject, performedDateTime: day(3) } },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'exam' }] }],
            code: { coding: [{ system: 'urn:oid:1.2.392.200119.6.1005', code: '9N001000000000001', display: '身長' }] },
            subject,
            effectiveDateTime: day(100),
            valueQuantity: { value: 150.2, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
          },
        },
      ],
    },
  });
  if (imported.statusCode !== 201) throw new Error(`import: ${imported.statusCode} ${imported.body.slice(0, 400)}`);
  const receipt: Record<string, string> = {};
  const refs = (json(imported).parameter as Json[]).filter((x) => x.name === 'resource').map((x) => x.part[0].valueReference.reference as string);
  ['warfarin', 'oldDrug', 'surgery', 'dialysis', 'checkup'].forEach((n, i) => {
    receipt[n] = refs[i];
  });
  const { path } = await pw.w.card(carolId);
  const certificate = (JSON.parse(await readFile(path, 'utf8')) as { certificate: string }).certificate;

  for (const s of [
    { facilityCode: CLINIC, login: 'em-doctor', displayName: '救急 太郎', role: 'doctor' as const },
    { facilityCode: CLINIC, login: 'em-nurse', displayName: '看護 花子', role: 'nurse' as const },
    { facilityCode: CLINIC, login: 'em-officer', displayName: '管理 次郎', role: 'privacy-officer' as const },
    { facilityCode: OTHER_CLINIC, login: 'em-doctor2', displayName: '別院 医師', role: 'doctor' as const },
    { facilityCode: OTHER_CLINIC, login: 'em-officer2', displayName: '別院 管理者', role: 'privacy-officer' as const },
  ])
    await platform.staff.add({ ...s, facilityKind: 'facility', password: PASSWORD });
  const sign = async (facility: string, login: string) => (await signInStaff(pw.w.s.t.app, { facility, login, password: PASSWORD })).access_token;
  const client = async (kind: 'ambulance' | 'medical-team' | 'facility' | 'patient', facilityCode?: string, patientId?: string) =>
    (await pw.w.s.addClient({ kind, facilityCode, patientId, scopes: kind === 'patient' ? ['patient/*.rs'] : ['system/*.rs'] })).token;
  return {
    ...pw,
    carol: { id: carolId, memberId, birthDate: '1948-03-03', certificate },
    twins: [twin1, twin2],
    staff: {
      doctor: await sign(CLINIC, 'em-doctor'),
      nurse: await sign(CLINIC, 'em-nurse'),
      officer: await sign(CLINIC, 'em-officer'),
      otherDoctor: await sign(OTHER_CLINIC, 'em-doctor2'),
      otherOfficer: await sign(OTHER_CLINIC, 'em-officer2'),
    },
    clients: {
      ambulance: await client('ambulance', '131008'),
      team13: await client('medical-team', '13-DMAT-001'),
      team17: await client('medical-team', '17-DMAT-002'),
      osaka: await client('facility', OSAKA_CLINIC),
      clinicSystem: pw.tokens.clinic,
      carol: await client('patient', undefined, carolId),
    },
    items,
    receipt,
    daysAgo: day,
  };
}
