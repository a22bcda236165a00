/**
 * A referral letter (診療情報提供書, JP_Bundle_eReferral) waiting in the clinic's inbox: さくら総合病院 循環器科 sends
 * 髙橋 一郎 back to つなぐ内科クリニック after the work-up of his angina (逆紹介), three days ago, through
 * `$send-referral`. Written as a hospital EHR writes one: the structured sections (紹介目的, 傷病名・主訴, 現病歴,
 * 既往歴, 臨床経過, 投薬, 検査) with their narrative, the sender and the addressee by 医療機関コード.
 */
import { referralDocument } from '../services/sharing/letters/referral-document.ts';
import type { DemoApi, Json } from './api.ts';
import { outParam } from './api.ts';
import type { DemoCalendar, DemoClock } from './calendar.ts';
import { businessId, uuidOf } from '../services/sharing/index.ts';
import type { Party } from './facilities.ts';
import { clinsPersonOf } from './history.ts';
import type { DemoPatient } from './people.ts';

const party = (p: Party) => ({ code: p.code, name: p.name, phone: p.phone, address: p.address, postalCode: p.postalCode });

/** The letter, built by the sharing service's document builder (referral-document.ts) with ids derived from a seed. */
export function referralLetter(p: DemoPatient, from: Party, to: Party, cal: DemoCalendar, sentOn: string): Json {
  const seed = `referral-${p.key}-${sentOn}`;
  const person = clinsPersonOf(p);
  const paragraphs = (...lines: string[]) => ({ paragraphs: lines });
  return referralDocument({
    url: (what) => `urn:uuid:${uuidOf(seed, what)}`,
    businessId: (what) => (what ? businessId(seed, what) : businessId(seed)),
    stamp: cal.dateTime(sentOn, '16:20'),
    date: sentOn,
    patient: {
      memberId: person.memberId,
      family: person.familyName,
      given: person.givenName,
      familyKana: person.familyKana,
      givenKana: person.givenKana,
      gender: person.gender,
      birthDate: person.birthDate,
      address: person.address,
    },
    from: {
      ...party(from),
      department: { code: '08', display: '循環器科' },
      doctor: { family: '中村', given: '直樹', familyKana: 'ナカムラ', givenKana: 'ナオキ' },
    },
    to: {
      ...party(to),
      department: { code: '01', display: '内科' },
      doctor: { family: '佐藤', given: '健一', familyKana: 'サトウ', givenKana: 'ケンイチ' },
    },
    purpose: '労作性狭心症の精査が終了しましたので、今後の外来管理をお願いいたします（逆紹介）。',
    purposeReason: '労作性狭心症の精査終了につき、今後の外来管理をお願いします。',
    diagnoses: [
      { name: '狭心症', code: '20058911', onset: cal.monthsAgo(8), principal: true },
      { name: '高血圧症', code: '20061593', onset: cal.monthsAgo(144) },
    ],
    problems: paragraphs('#1 労作性狭心症', '#2 高血圧症', '#3 2型糖尿病'),
    presentIllness: paragraphs(
      '貴院で高血圧症・2型糖尿病・脂質異常症の加療中、約8か月前より坂道歩行時の前胸部圧迫感を自覚され、当科をご紹介いただきました。',
      '運動負荷心電図で陽性、冠動脈CTで左前下行枝近位部に75%狭窄を認めました。症状は安定しており、患者さんと相談のうえ薬物療法を選択しました。',
    ),
    pastIllness: paragraphs('特記すべき既往なし。喫煙歴：20本/日×30年（55歳で禁煙）。'),
    allergies: paragraphs('薬剤・食物アレルギーなし。造影剤使用時も副作用なし。'),
    course: paragraphs(
      '抗狭心症薬を調整後、胸部症状は消失しました。LDLコレステロールは目標（70 mg/dL未満）に向けて強化が必要と考えます。',
      '胸痛の再燃・増悪時には当科へご連絡ください。半年後に当科で負荷心電図を予定しています。',
    ),
    medication: paragraphs('当科からの追加処方はありません。貴院の処方（ノルバスク錠５ｍｇ、アマリール１ｍｇ錠、リピトール錠１０ｍｇ）の継続をお願いします。'),
    exams: paragraphs('冠動脈CT：左前下行枝近位部 75%狭窄。心エコー：左室駆出率 62%、壁運動異常なし。', 'Cre 0.88 mg/dL、K 4.3 mmol/L。'),
  });
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
