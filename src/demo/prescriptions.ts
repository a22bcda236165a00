/**
 * E-prescriptions (電子処方箋) over the years: the clinic's and the hospital's 医師 write a JP_Bundle_ePrescriptionData
 * (`buildPrescription`), sign it with their HPKI test credential, and register it (`$register-prescription`) on the
 * day of issue; みどり薬局 retrieves it the same day with the 引換番号, the insured number and the birth date, accepts
 * it and registers what it dispensed (`$dispense-prescription`) — once a generic instead of the brand; 松本 大輔's
 * hospital prescription went to あおぞら薬局. The services' clock travels to each day. Open today for the pharmacy app:
 * 髙橋 一郎's (no pharmacy holds it), 松本 大輔's (registered despite a 重複投薬 alert, with the reason; he consented at
 * みどり薬局's reader today, so the pharmacy sees the alert's detail; ロキソニン may be given as a generic) and
 * 井上 由美's (accepted by あおぞら薬局: locked against みどり薬局).
 * Drugs and names are the e-prescription service's sample master (`tsunagu eprescription drugs`).
 */
import type { PrescriptionInput, PrescriptionLineInput } from '../services/eprescription/index.ts';
import { buildPrescription, localPrescriberKey, signPrescriptionBundle } from '../services/eprescription/index.ts';
import type { DemoApi, Json } from './api.ts';
import { outParam } from './api.ts';
import type { DemoCalendar, DemoClock } from './calendar.ts';
import type { Party } from './facilities.ts';
import type { DemoHpki, DemoPaths } from './files.ts';
import { demoCredential } from './files.ts';
import type { DemoPatient } from './people.ts';
import { receiveAtPharmacy } from './pharmacy-visit.ts';
import { STAFF } from './staff.ts';

type Drug = Pick<PrescriptionLineInput, 'system' | 'code' | 'name' | 'unit'>;

/** Sample-master drugs (names exactly as the master has them). */
const DRUGS = {
  amlodipine5: { system: 'receipt', code: '612170710', name: 'ノルバスク錠５ｍｇ', unit: '錠' },
  amlodipine25: { system: 'receipt', code: '612170709', name: 'ノルバスク錠２．５ｍｇ', unit: '錠' },
  atorvastatin10: { system: 'receipt', code: '610443014', name: 'リピトール錠１０ｍｇ', unit: '錠' },
  glimepiride1: { system: 'receipt', code: '610443002', name: 'アマリール１ｍｇ錠', unit: '錠' },
  pravastatin10: { system: 'receipt', code: '612180265', name: 'メバロチン錠１０　１０ｍｇ', unit: '錠' },
  pravastatinGeneric: { system: 'receipt', code: '620002799', name: 'プラバスタチンＮａ錠１０ｍｇ「チョーセイ」', unit: '錠' },
  donepezil5: { system: 'receipt', code: '610432043', name: 'アリセプト錠５ｍｇ', unit: '錠' },
  candesartan4: { system: 'receipt', code: '610432012', name: 'ブロプレス錠４　４ｍｇ', unit: '錠' },
  carvedilol10: { system: 'receipt', code: '612140702', name: 'アーチスト錠１０ｍｇ', unit: '錠' },
  itraconazole50: { system: 'yj', code: '6290004M1029', name: 'イトリゾールカプセル５０', unit: 'カプセル' },
  pergolide50: { system: 'receipt', code: '610406392', name: 'ペルマックス錠５０μｇ', unit: '錠' },
  cetirizine5: { system: 'receipt', code: '610421326', name: 'ジルテック錠５　５ｍｇ', unit: '錠' },
  pioglitazone15: { system: 'receipt', code: '610432040', name: 'アクトス錠１５　１５ｍｇ', unit: '錠' },
  triazolam025: { system: 'yj', code: '1124007F2026', name: 'ハルシオン０．２５ｍｇ錠', unit: '錠' },
  quazepam20: { system: 'receipt', code: '610432031', name: 'ドラール錠２０　２０ｍｇ', unit: '錠' },
  loxoprofen60: { system: 'receipt', code: '620098801', name: 'ロキソニン錠６０ｍｇ', unit: '錠' },
  carbocisteine500: { system: 'receipt', code: '610407447', name: 'ムコダイン錠５００ｍｇ', unit: '錠' },
} satisfies Record<string, Drug>;
type DrugKey = keyof typeof DRUGS;

interface Line {
  drug: DrugKey;
  perDay: number;
  days: number;
  usage: string;
}

interface PrescriptionPlan {
  patient: string;
  by: 'clinic' | 'hospital';
  daysAgo: number;
  lines: Line[];
  /** Not dispensed: left open (the pharmacy app's story). */
  open?: boolean;
  /** The pharmacy that dispenses it (default みどり薬局); for an open one: the pharmacy that accepted it (none: open). */
  pharmacy?: 'pharmacy' | 'otherPharmacy';
  /** Registered despite the check's alert, for this reason (overrideReason). */
  overrideReason?: string;
  /** The pharmacy hands over another brand of the same generic for this drug (後発医薬品への変更). */
  substitute?: Partial<Record<DrugKey, DrugKey>>;
  note?: string;
}

const line = (drug: DrugKey, perDay: number, days: number, usage: string): Line => ({ drug, perDay, days, usage });
const takahashiLines = [line('amlodipine5', 1, 28, '1日1回朝食後'), line('glimepiride1', 1, 28, '1日1回朝食後'), line('atorvastatin10', 1, 28, '1日1回夕食後')];

export const PRESCRIPTION_PLANS: readonly PrescriptionPlan[] = [
  { patient: 'takahashi', by: 'clinic', daysAgo: 4 * 365 + 20, lines: [line('amlodipine5', 1, 28, '1日1回朝食後')] },
  { patient: 'takahashi', by: 'clinic', daysAgo: 2 * 365 + 40, lines: takahashiLines.slice(0, 2) },
  { patient: 'takahashi', by: 'clinic', daysAgo: 150, lines: takahashiLines },
  { patient: 'takahashi', by: 'clinic', daysAgo: 58, lines: takahashiLines },
  { patient: 'takahashi', by: 'clinic', daysAgo: 0, lines: takahashiLines, open: true },
  { patient: 'yoshida', by: 'clinic', daysAgo: 3 * 365 + 10, lines: [line('cetirizine5', 1, 14, '1日1回就寝前')] },
  { patient: 'watanabe', by: 'hospital', daysAgo: 540, lines: [line('carvedilol10', 1, 14, '1日1回朝食後')], note: '退院時処方' },
  { patient: 'watanabe', by: 'clinic', daysAgo: 85, lines: [line('amlodipine25', 1, 28, '1日1回朝食後'), line('carvedilol10', 1, 28, '1日1回朝食後')] },
  { patient: 'kato', by: 'clinic', daysAgo: 365, lines: [line('pravastatin10', 1, 28, '1日1回夕食後')] },
  { patient: 'kato', by: 'clinic', daysAgo: 92, lines: [line('pravastatin10', 1, 28, '1日1回夕食後')], substitute: { pravastatin10: 'pravastatinGeneric' } },
  { patient: 'hayashi', by: 'clinic', daysAgo: 30, lines: [line('donepezil5', 1, 28, '1日1回朝食後'), line('candesartan4', 1, 28, '1日1回朝食後')] },
  {
    patient: 'ito',
    by: 'hospital',
    daysAgo: 24,
    lines: [line('itraconazole50', 8, 7, '1日2回朝夕食後（1回4カプセル）')],
    note: '爪白癬のパルス療法（1週間服用、3週間休薬）',
  },
  { patient: 'shimizu', by: 'hospital', daysAgo: 60, lines: [line('pergolide50', 3, 28, '1日3回毎食後')] },
  { patient: 'inoue', by: 'clinic', daysAgo: 12, lines: [line('cetirizine5', 1, 14, '1日1回就寝前')] },
  // 松本 大輔: a hypnotic from the hospital (dispensed at あおぞら薬局); today the clinic prescribes another one of the
  // same class (重複投薬 alert at みどり薬局, where he consented at the reader) and ロキソニン (a generic may be given)
  { patient: 'matsumoto', by: 'hospital', daysAgo: 20, lines: [line('triazolam025', 1, 14, '1日1回就寝前')], pharmacy: 'otherPharmacy' },
  {
    patient: 'matsumoto',
    by: 'clinic',
    daysAgo: 0,
    lines: [line('quazepam20', 1, 14, '1日1回就寝前'), line('loxoprofen60', 3, 5, '1日3回毎食後')],
    open: true,
    overrideReason: '病院で処方されたハルシオンは服用を終えたと本人から聴取。薬局で服用状況の確認を依頼',
  },
  // 井上 由美: today's prescription was accepted by あおぞら薬局 — みどり薬局 cannot take it (「他の薬局で受付済み」)
  { patient: 'inoue', by: 'clinic', daysAgo: 0, lines: [line('carbocisteine500', 3, 7, '1日3回毎食後')], open: true, pharmacy: 'otherPharmacy' },
  { patient: 'hashimoto', by: 'clinic', daysAgo: 40, lines: [line('pioglitazone15', 1, 28, '1日1回朝食後'), line('candesartan4', 1, 28, '1日1回朝食後')] },
];

const DOCTORS = {
  clinic: { ...STAFF.find((s) => s.at === 'clinic' && s.role === 'doctor')!, familyKana: 'サトウ', givenKana: 'ケンイチ', licenseNumber: '412345' },
  hospital: { ...STAFF.find((s) => s.at === 'hospital' && s.role === 'doctor')!, familyKana: 'ナカムラ', givenKana: 'ナオキ', licenseNumber: '398765' },
};

export interface PrescriptionsSeeded {
  dispensed: number;
  /** Open today; `acceptedBy`: the 薬局コード of the pharmacy that accepted it (none: no pharmacy holds it). */
  open: { patient: string; prescription: string; exchangeNumber: string; acceptedBy?: string }[];
  credentials: { facilityCode: string; login: string; path: string }[];
}

function prescriptionInput(p: DemoPatient, plan: PrescriptionPlan, facility: Party, issuedOn: string, authoredAt: string): PrescriptionInput {
  const doctor = DOCTORS[plan.by];
  const [familyName, givenName] = doctor.displayName.split(' ');
  return {
    issuedOn,
    authoredAt,
    patient: {
      familyName: p.familyName,
      givenName: p.givenName,
      familyKana: p.familyKana,
      givenKana: p.givenKana,
      gender: p.sex,
      birthDate: p.birthDate,
      insurer: p.insurerNumber,
      ...(p.symbol ? { symbol: p.symbol } : {}),
      number: p.number,
      ...(p.branch ? { branch: p.branch } : {}),
      relationship: p.relationship === 'insured' ? '1' : '2',
      copayPercent: (p.elderlyCopayRatio ?? p.copayRatio) * 10,
    },
    facility: { code: facility.code, name: facility.name, phone: facility.phone, address: facility.address, postalCode: facility.postalCode },
    practitioner: { familyName, givenName, familyKana: doctor.familyKana, givenKana: doctor.givenKana, licenseNumber: doctor.licenseNumber, role: 'doctor' },
    lines: plan.lines.map((l) => ({ ...DRUGS[l.drug], quantity: l.perDay * l.days, days: l.days, usage: l.usage })),
    ...(plan.note ? { note: plan.note } : {}),
  };
}

const dispenseOf = (drug: Drug, quantity: number, handedOver: string, substituted: boolean): Json => ({
  name: 'dispense',
  resource: {
    resourceType: 'MedicationDispense',
    status: 'completed',
    medicationCodeableConcept: {
      coding: [{ system: drug.system === 'yj' ? 'urn:oid:1.2.392.100495.20.1.73' : 'urn:oid:1.2.392.100495.20.2.71', code: drug.code, display: drug.name }],
      text: drug.name,
    },
    quantity: { value: quantity, unit: drug.unit },
    whenHandedOver: handedOver,
    ...(substituted ? { substitution: { wasSubstituted: true } } : {}),
  },
});

export async function registerPrescriptions(
  api: DemoApi,
  parties: { clinic: Party; hospital: Party; pharmacy: Party; otherPharmacy: Party },
  patients: DemoPatient[],
  cal: DemoCalendar,
  clock: DemoClock | undefined,
  files: { paths: DemoPaths; hpki: DemoHpki },
  log: (line: string) => void,
): Promise<PrescriptionsSeeded> {
  const credentials = {
    clinic: await demoCredential(
      files.paths,
      files.hpki,
      { file: `${parties.clinic.code}-doctor`, name: DOCTORS.clinic.displayName, registrationNumber: DOCTORS.clinic.licenseNumber },
      cal.now,
    ),
    hospital: await demoCredential(
      files.paths,
      files.hpki,
      { file: `${parties.hospital.code}-doctor`, name: DOCTORS.hospital.displayName, registrationNumber: DOCTORS.hospital.licenseNumber },
      cal.now,
    ),
  };
  const out: PrescriptionsSeeded = {
    dispensed: 0,
    open: [],
    credentials: (['clinic', 'hospital'] as const).map((at) => ({ facilityCode: parties[at].code, login: 'doctor', path: credentials[at].path })),
  };
  try {
    for (const plan of [...PRESCRIPTION_PLANS].sort((a, b) => b.daysAgo - a.daysAgo)) {
      if (!clock && plan.daysAgo > 0) continue;
      const p = patients.find((x) => x.key === plan.patient)!;
      const day = cal.daysAgo(plan.daysAgo);
      const at = (time: string) => {
        const t = cal.instant(day, time);
        clock?.travel(t);
        return cal.dateTime(day, time);
      };
      const facility = parties[plan.by];
      const authoredAt = at('10:30');
      const bundle = buildPrescription(prescriptionInput(p, plan, facility, day, authoredAt));
      const signed = await signPrescriptionBundle(bundle, localPrescriberKey(credentials[plan.by].credential), { at: cal.instant(day, '10:30') });
      const registered = await api.operation(`処方箋の登録 (${p.key}, ${day})`, 'register-prescription', facility.token, [
        { name: 'resource', resource: signed },
        ...(plan.overrideReason ? [{ name: 'overrideReason', valueString: plan.overrideReason }] : []),
      ]);
      const prescription = outParam(registered, 'prescription') as string;
      const exchangeNumber = outParam(registered, 'exchangeNumber') as string;
      if (plan.open && !plan.pharmacy) {
        out.open.push({ patient: p.key, prescription, exchangeNumber });
        continue;
      }
      const pharmacy = parties[plan.pharmacy ?? 'pharmacy'];
      at('11:40');
      const basis = [
        { name: 'exchangeNumber', valueString: exchangeNumber },
        { name: 'insuredNumber', valueString: p.memberId },
        { name: 'birthDate', valueDate: p.birthDate },
      ];
      await api.operation(`処方箋の取得 (${p.key}, ${day})`, 'retrieve-prescription', pharmacy.token, basis);
      await api.operation(`処方箋の受付 (${p.key}, ${day})`, 'accept-prescription', pharmacy.token, [
        { name: 'prescription', valueString: prescription },
        ...basis,
      ]);
      if (plan.open) {
        out.open.push({ patient: p.key, prescription, exchangeNumber, acceptedBy: pharmacy.code });
        continue;
      }
      const handedOver = at('12:10');
      const dispenses = plan.lines.map((l) => {
        const given = plan.substitute?.[l.drug];
        return dispenseOf(DRUGS[given ?? l.drug], l.perDay * l.days, handedOver, given !== undefined);
      });
      await api.operation(`調剤結果の登録 (${p.key}, ${day})`, 'dispense-prescription', pharmacy.token, [
        { name: 'prescription', valueString: prescription },
        ...dispenses,
      ]);
      out.dispensed++;
    }
  } finally {
    clock?.travel(undefined);
  }
  // 松本 大輔 is at みどり薬局 today: his card on the reader, consent to his medication information (the alert's detail)
  await receiveAtPharmacy(api, parties.pharmacy, patients.find((x) => x.key === 'matsumoto')!);
  log(`  ${out.dispensed} 件の処方箋を調剤済み、${out.open.length} 件を受付待ち / prescriptions dispensed, ${out.open.length} open`);
  return out;
}
