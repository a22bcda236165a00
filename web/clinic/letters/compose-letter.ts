/**
 * The letter the form describes: the patient's registered data picked by the doctor (diagnoses, labs, prescriptions)
 * and the texts, turned into a JP_Bundle_eReferral by the sharing service's builder (referral-document.ts — the one
 * the demo's hospital letter is built with). Pure apart from the random ids.
 */
import {
  type LetterDiagnosis,
  type LetterTable,
  referralDocument,
  splitName,
  UNCODED_DISEASE,
} from '../../../src/services/sharing/letters/referral-document.ts';
import type { Json, OwnPrescription } from './api.ts';

const MEMBER_ID = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
const INSTITUTION_EXTENSION = 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber';
const DISEASE_MASTER = 'http://medis.or.jp/CodeSystem/master-disease-keyNumber';

type Concept = { text?: string; coding?: { system?: string; code?: string; display?: string }[] };
const conceptName = (c: unknown) => {
  const x = c as Concept | undefined;
  return x?.text ?? x?.coding?.find((k) => k.display)?.display ?? '';
};

/** A registered item the doctor may attach. */
export interface Pick {
  id: string;
  /** Who registered it (医療機関コード). */
  facility?: string;
  date?: string;
}

export interface DiagnosisPick extends Pick {
  name: string;
  code?: string;
}

export interface LabPick extends Pick {
  name: string;
  value: string;
}

export interface MedicationPick extends Pick {
  /** e-prescription: its lines; a registered MedicationRequest: one line. */
  lines: { name: string; quantity: string; days: string }[];
}

const facilityOf = (r: Json) =>
  ((r.extension as { url?: string; valueIdentifier?: { value?: string } }[] | undefined) ?? []).find((e) => e.url === INSTITUTION_EXTENSION)?.valueIdentifier
    ?.value;

const byDateDesc = <T extends { date?: string }>(a: T, b: T) => (b.date ?? '').localeCompare(a.date ?? '');

export function diagnosesOf(resources: Json[]): DiagnosisPick[] {
  return resources
    .filter((r) => r.resourceType === 'Condition')
    .map((r) => {
      const coding = (r.code as Concept | undefined)?.coding?.find((c) => c.system === DISEASE_MASTER);
      return {
        id: r.id as string,
        name: conceptName(r.code),
        code: coding?.code && coding.code !== UNCODED_DISEASE ? coding.code : undefined,
        facility: facilityOf(r),
        date: ((r.onsetDateTime as string | undefined) ?? (r.recordedDate as string | undefined))?.slice(0, 10),
      };
    })
    .filter((d) => d.name)
    .sort(byDateDesc);
}

function quantityText(r: Json): string {
  const q = r.valueQuantity as { value?: number; unit?: string } | undefined;
  if (q?.value !== undefined) return `${q.value}${q.unit ? ` ${q.unit}` : ''}`;
  if (typeof r.valueString === 'string') return r.valueString;
  const c = conceptName(r.valueCodeableConcept);
  return c || '';
}

export function labsOf(resources: Json[]): LabPick[] {
  return resources
    .filter((r) => r.resourceType === 'Observation')
    .map((r) => ({
      id: r.id as string,
      name: conceptName(r.code),
      value: quantityText(r),
      facility: facilityOf(r),
      date: ((r.effectiveDateTime as string | undefined) ?? (r.issued as string | undefined))?.slice(0, 10),
    }))
    .filter((l) => l.name && l.value)
    .sort(byDateDesc);
}

export function medicationsOf(resources: Json[], prescriptions: OwnPrescription[]): MedicationPick[] {
  const registered = resources
    .filter((r) => r.resourceType === 'MedicationRequest')
    .map((r) => {
      const dose = ((r.dosageInstruction as { text?: string }[] | undefined) ?? [])[0]?.text ?? '';
      const days = (r.dispenseRequest as { expectedSupplyDuration?: { value?: number } } | undefined)?.expectedSupplyDuration?.value;
      return {
        id: `item:${r.id as string}`,
        facility: facilityOf(r),
        date: (r.authoredOn as string | undefined)?.slice(0, 10),
        lines: [{ name: [conceptName(r.medicationCodeableConcept), dose].filter(Boolean).join(' '), quantity: '', days: days ? `${days}日分` : '' }],
      };
    })
    .filter((m) => m.lines[0].name);
  const own = prescriptions
    .filter((p) => p.state !== 'cancelled' && p.lines.length)
    .map((p) => ({
      id: `rx:${p.id}`,
      date: p.issuedOn,
      lines: p.lines.map((l) => ({
        name: l.name,
        quantity: l.quantity !== undefined ? `${l.quantity}${l.unit ?? ''}` : '',
        days: l.days ? `${l.days}日分` : '',
      })),
    }));
  return [...own, ...registered].sort(byDateDesc);
}

/** The patient's 被保険者個人識別子 as the registered items name them (the newest first). */
export function memberIdOf(resources: Json[]): string | undefined {
  for (const r of resources) {
    const id = (r.subject as { identifier?: { system?: string; value?: string } } | undefined)?.identifier;
    if (id?.system === MEMBER_ID && id.value) return id.value;
  }
  return undefined;
}

export interface LetterForm {
  patient: { name: string; kana?: string; birthDate: string; gender: 'male' | 'female' | 'other' | 'unknown'; memberId: string; address: string };
  from: { code: string; name: string; doctor: string };
  to: { code: string; name: string; department?: string; doctor?: string };
  purpose: string;
  diagnoses: DiagnosisPick[];
  presentIllness: string;
  pastIllness?: string;
  labs: LabPick[];
  medications: MedicationPick[];
  remarks?: string;
  /** YYYY-MM-DD and the dateTime (+09:00). */
  date: string;
  stamp: string;
  /** Facility names by code (the source column of attached data). */
  facilityNames?: Record<string, string | undefined>;
}

const paragraphs = (s: string | undefined) =>
  (s ?? '')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);

/** 2020-12-02 → 2020年12月2日. */
const japaneseDate = (d: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : d;
};

export function labTable(labs: LabPick[], names: Record<string, string | undefined> = {}): LetterTable {
  return {
    caption: '検査結果（登録済みの検査結果より）',
    head: ['検査項目', '結果', '検査日', '実施医療機関'],
    rows: labs.map((l) => [l.name, l.value, l.date ? japaneseDate(l.date) : '', l.facility ? (names[l.facility] ?? l.facility) : '']),
  };
}

export function medicationTable(meds: MedicationPick[]): LetterTable {
  return {
    caption: '処方（登録済みの処方より）',
    head: ['薬剤', '数量', '日数', '処方日'],
    rows: meds.flatMap((m) => m.lines.map((l) => [l.name, l.quantity, l.days, m.date ? japaneseDate(m.date) : ''])),
  };
}

/** The JP_Bundle_eReferral of the form. */
export function buildLetter(f: LetterForm, uuid: () => string = () => crypto.randomUUID()): Json {
  const urls = new Map<string, string>();
  const ids = new Map<string, string>();
  const kana = f.patient.kana ? splitName(f.patient.kana) : undefined;
  const name = splitName(f.patient.name);
  const doctor = splitName(f.from.doctor);
  const diagnoses: LetterDiagnosis[] = f.diagnoses.map((d, i) => ({ name: d.name, code: d.code, onset: d.date, principal: i === 0 }));
  return referralDocument({
    url: (what) => {
      if (!urls.has(what)) urls.set(what, `urn:uuid:${uuid()}`);
      return urls.get(what)!;
    },
    businessId: (what) => {
      if (!ids.has(what)) ids.set(what, uuid().replace(/-/g, ''));
      return ids.get(what)!;
    },
    stamp: f.stamp,
    date: f.date,
    patient: {
      memberId: f.patient.memberId,
      family: name.family,
      given: name.given,
      ...(kana?.given ? { familyKana: kana.family, givenKana: kana.given } : {}),
      gender: f.patient.gender,
      birthDate: f.patient.birthDate,
      address: f.patient.address,
    },
    from: { code: f.from.code, name: f.from.name, doctor: doctor.given ? doctor : undefined, doctorText: doctor.given ? undefined : f.from.doctor },
    to: { code: f.to.code, name: f.to.name, departmentText: f.to.department?.trim() || undefined, doctorText: f.to.doctor?.trim() || undefined },
    purpose: f.purpose.trim(),
    diagnoses,
    problems: diagnoses.length
      ? { paragraphs: diagnoses.map((d, i) => `#${i + 1} ${d.name}${d.onset ? `（発症日 ${japaneseDate(d.onset)}）` : ''}${i === 0 ? '［主病名］' : ''}`) }
      : undefined,
    presentIllness: { paragraphs: paragraphs(f.presentIllness) },
    pastIllness: { paragraphs: paragraphs(f.pastIllness) },
    exams: f.labs.length ? { tables: [labTable(f.labs, f.facilityNames)] } : undefined,
    medication: f.medications.length ? { tables: [medicationTable(f.medications)] } : undefined,
    remarks: { paragraphs: paragraphs(f.remarks) },
  });
}
