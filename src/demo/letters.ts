/**
 * A referral letter (診療情報提供書, JP_Bundle_eReferral) waiting in the clinic's inbox: さくら総合病院 循環器科 sends
 * 髙橋 一郎 back to つなぐ内科クリニック after the work-up of his angina (逆紹介), three days ago, through
 * `$send-referral`. Written as a hospital EHR writes one: the structured sections (紹介目的, 傷病名・主訴, 現病歴,
 * 既往歴, 臨床経過, 投薬, 検査) with their narrative, the sender and the addressee by 医療機関コード.
 */
import type { DemoApi, Json } from './api.ts';
import { outParam } from './api.ts';
import type { DemoCalendar, DemoClock } from './calendar.ts';
import { INSTITUTION_SYSTEM, businessId, clinsPatient, uuidOf } from './clins.ts';
import type { Party } from './facilities.ts';
import { clinsPersonOf } from './history.ts';
import type { DemoPatient } from './people.ts';

const ECS = 'http://jpfhir.jp/fhir/eCS/StructureDefinition/';
const SECTION = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
const INSTANCE_ID = 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier';
const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const DEPARTMENT_EXTENSION = 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department';

const htmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const narrative = (...paragraphs: string[]) => ({
  status: 'additional',
  div: `<div xmlns="http://www.w3.org/1999/xhtml">${paragraphs.map((p) => `<p>${htmlText(p)}</p>`).join('')}</div>`,
});

const section = (code: string, title: string, text: string[], entry: string[] = [], sub?: Json[]): Json => ({
  title,
  code: { coding: [{ system: SECTION, code, display: `${title}セクション` }] },
  text: narrative(...text),
  ...(entry.length ? { entry: entry.map((reference) => ({ reference })) } : {}),
  ...(sub ? { section: sub } : {}),
});

const person = (family: string, given: string, familyKana: string, givenKana: string) => [
  { extension: [{ url: REPRESENTATION, valueCode: 'IDE' }], use: 'official', text: `${family} ${given}`, family, given: [given] },
  { extension: [{ url: REPRESENTATION, valueCode: 'SYL' }], use: 'official', text: `${familyKana} ${givenKana}`, family: familyKana, given: [givenKana] },
];

function organization(p: Party, department: { code: string; display: string }, cal: DemoCalendar): Json {
  return {
    resourceType: 'Organization',
    meta: { lastUpdated: cal.dateTime(cal.today, '09:00'), profile: [`${ECS}JP_Organization_eCS`] },
    extension: [
      { url: DEPARTMENT_EXTENSION, valueCodeableConcept: { coding: [{ system: 'http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment', ...department }] } },
    ],
    identifier: [{ system: INSTITUTION_SYSTEM, value: p.code }],
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }],
    name: p.name,
    telecom: [{ system: 'phone', value: p.phone }],
    address: [{ text: p.address, postalCode: p.postalCode, country: 'JP' }],
  };
}

export function referralLetter(p: DemoPatient, from: Party, to: Party, cal: DemoCalendar, sentOn: string): Json {
  const seed = `referral-${p.key}-${sentOn}`;
  const url = (what: string) => `urn:uuid:${uuidOf(seed, what)}`;
  const id = {
    composition: url('composition'),
    patient: url('patient'),
    visit: url('visit'),
    purpose: url('purpose'),
    author: url('author'),
    addresseeDoctor: url('addressee-doctor'),
    sender: url('sender'),
    addressee: url('addressee'),
    angina: url('angina'),
    hypertension: url('hypertension'),
  };
  const stamp = cal.dateTime(sentOn, '16:20');
  const meta = (profile: string) => ({ lastUpdated: stamp, profile: [`${ECS}${profile}`] });
  const condition = (name: string, code: string, onset: string, principal: boolean) => ({
    resourceType: 'Condition',
    meta: meta('JP_Condition_eCS'),
    identifier: [{ system: INSTANCE_ID, value: businessId(seed, name) }],
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [
      {
        coding: [
          principal
            ? { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }
            : { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' },
        ],
      },
    ],
    code: { coding: [{ system: 'http://medis.or.jp/CodeSystem/master-disease-keyNumber', code, display: name }], text: name },
    subject: { reference: id.patient },
    onsetDateTime: onset,
  });
  const composition = {
    resourceType: 'Composition',
    meta: { lastUpdated: stamp, profile: ['http://jpfhir.jp/fhir/eReferral/StructureDefinition/JP_Composition_eReferral|1'] },
    language: 'ja',
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber', valueString: '1.0' }],
    identifier: { system: INSTANCE_ID, value: `${from.code}-${sentOn.slice(0, 4)}-${businessId(seed).slice(0, 12)}` },
    status: 'final',
    type: { coding: [{ system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes', code: '57133-1', display: '診療情報提供書' }] },
    category: [{ coding: [{ system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-subtypecodes', code: 'OUTPATIENT', display: '外来文書' }] }],
    subject: { reference: id.patient, type: 'Patient' },
    encounter: { reference: id.visit, type: 'Encounter' },
    date: stamp,
    author: [
      { reference: id.author, type: 'Practitioner' },
      { reference: id.sender, type: 'Organization' },
    ],
    title: '診療情報提供書',
    custodian: { reference: id.sender, type: 'Organization' },
    event: [{ code: [{ text: '診療情報提供書発行' }], period: { start: sentOn } }],
    section: [
      section('920', '紹介元情報', [`${from.name} 循環器科 中村 直樹`, from.address, `電話 ${from.phone}`], [id.sender, id.author]),
      section('910', '紹介先情報', [`${to.name} 内科 佐藤 健一 先生`], [id.addressee, id.addresseeDoctor]),
      section(
        '300',
        '構造情報',
        ['診療情報提供書の構造情報'],
        [],
        [
          section('950', '紹介目的', ['労作性狭心症の精査が終了しましたので、今後の外来管理をお願いいたします（逆紹介）。'], [id.purpose]),
          section('340', '傷病名・主訴', ['#1 労作性狭心症', '#2 高血圧症', '#3 2型糖尿病'], [id.angina, id.hypertension]),
          section('360', '現病歴', [
            '貴院で高血圧症・2型糖尿病・脂質異常症の加療中、約8か月前より坂道歩行時の前胸部圧迫感を自覚され、当科をご紹介いただきました。',
            '運動負荷心電図で陽性、冠動脈CTで左前下行枝近位部に75%狭窄を認めました。症状は安定しており、患者さんと相談のうえ薬物療法を選択しました。',
          ]),
          section('370', '既往歴', ['特記すべき既往なし。喫煙歴：20本/日×30年（55歳で禁煙）。']),
          section('510', 'アレルギー・不耐性反応', ['薬剤・食物アレルギーなし。造影剤使用時も副作用なし。']),
          section('330', '臨床経過', [
            '抗狭心症薬を調整後、胸部症状は消失しました。LDLコレステロールは目標（70 mg/dL未満）に向けて強化が必要と考えます。',
            '胸痛の再燃・増悪時には当科へご連絡ください。半年後に当科で負荷心電図を予定しています。',
          ]),
          section('430', '投薬指示', [
            '当科からの追加処方はありません。貴院の処方（ノルバスク錠５ｍｇ、アマリール１ｍｇ錠、リピトール錠１０ｍｇ）の継続をお願いします。',
          ]),
          section('620', '検査結果', ['冠動脈CT：左前下行枝近位部 75%狭窄。心エコー：左室駆出率 62%、壁運動異常なし。', 'Cre 0.88 mg/dL、K 4.3 mmol/L。']),
        ],
      ),
    ],
  };
  const entries: Json[] = [
    { fullUrl: id.composition, resource: composition },
    { fullUrl: id.patient, resource: clinsPatient(clinsPersonOf(p), cal) },
    {
      fullUrl: id.visit,
      resource: {
        resourceType: 'Encounter',
        meta: meta('JP_Encounter_eCS'),
        identifier: [{ system: INSTANCE_ID, value: businessId(seed, 'visit') }],
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: '外来' },
        period: { start: sentOn },
      },
    },
    {
      fullUrl: id.purpose,
      resource: {
        resourceType: 'Encounter',
        meta: meta('JP_Encounter_eCS'),
        identifier: [{ system: INSTANCE_ID, value: businessId(seed, 'purpose') }],
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: '外来' },
        period: { start: sentOn },
        reasonCode: [{ text: '労作性狭心症の精査終了につき、今後の外来管理をお願いします。' }],
      },
    },
    { fullUrl: id.author, resource: { resourceType: 'Practitioner', meta: meta('JP_Practitioner_eCS'), name: person('中村', '直樹', 'ナカムラ', 'ナオキ') } },
    {
      fullUrl: id.addresseeDoctor,
      resource: { resourceType: 'Practitioner', meta: meta('JP_Practitioner_eCS'), name: person('佐藤', '健一', 'サトウ', 'ケンイチ') },
    },
    { fullUrl: id.sender, resource: organization(from, { code: '08', display: '循環器科' }, cal) },
    { fullUrl: id.addressee, resource: organization(to, { code: '01', display: '内科' }, cal) },
    { fullUrl: id.angina, resource: condition('狭心症', '20058911', cal.monthsAgo(8), true) },
    { fullUrl: id.hypertension, resource: condition('高血圧症', '20061593', cal.monthsAgo(144), false) },
  ];
  return {
    resourceType: 'Bundle',
    meta: { lastUpdated: stamp, profile: ['http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral|1'] },
    language: 'ja',
    identifier: { system: 'http://jpfhir.jp/fhir/clins/bundle-identifier', value: `${from.code}^${sentOn.slice(0, 4)}^${businessId(seed).slice(0, 20)}` },
    type: 'document',
    timestamp: stamp,
    entry: entries,
  };
}

/** Sends the letter (the services' clock at the sending day) and answers its id. */
export async function sendReferral(
  api: DemoApi,
  parties: { clinic: Party; hospital: Party },
  patients: DemoPatient[],
  cal: DemoCalendar,
  clock: DemoClock | undefined,
  log: (line: string) => void,
): Promise<string> {
  const p = patients.find((x) => x.key === 'takahashi')!;
  const sentOn = cal.daysAgo(3);
  clock?.travel(cal.instant(sentOn, '16:30'));
  try {
    const body = await api.ok(
      '紹介状の送付',
      'POST',
      '/fhir/$send-referral',
      parties.hospital.token,
      referralLetter(p, parties.hospital, parties.clinic, cal, sentOn),
    );
    const letter = outParam(body, 'letter') as string;
    log(`  ${parties.hospital.name} → ${parties.clinic.name}: 診療情報提供書 (${p.familyName} ${p.givenName}, ${sentOn})`);
    return letter;
  } finally {
    clock?.travel(undefined);
  }
}
