/**
 * 診療情報提供書の組み立て: a JP_Bundle_eReferral (JP-CLINS 1.5.2) written the way an EHR writes one — the structured
 * sections (紹介目的 950, 傷病名・主訴 340, 現病歴 360, 既往歴 370, アレルギー 510, 臨床経過 330, 投薬 430, 検査 620, under
 * 構造情報 300) with their narrative, the sender (920) and the addressee (910) by 医療機関コード, the patient by
 * 被保険者個人識別子 (JP_Insurance_memberID) and birth date, each diagnosis a JP_Condition_eCS. Labs and medication
 * travel as narrative tables of their sections (what the addressee reads; `MedicationRequest` entries would become
 * items of the 6 information, which a letter's author does not intend by attaching a list).
 *
 * Pure: no I/O and no platform imports, so the demo (src/demo/letters.ts), the tests and the clinic app in the browser
 * (web/clinic/letters/) build the same document; the caller names the entries (`url`) and their business
 * identifiers (`businessId`) — random in the app, derived from a seed in the demo.
 */

type Json = Record<string, unknown>;

const ECS = 'http://jpfhir.jp/fhir/eCS/StructureDefinition/';
const SECTION_CODES = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
const INSTANCE_ID = 'http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier';
const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const DEPARTMENT_EXTENSION = 'http://jpfhir.jp/fhir/eCS/Extension/StructureDefinition/JP_eCS_Department';
const MEMBER_ID = 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
const INSTITUTION = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const DISEASE_MASTER = 'http://medis.or.jp/CodeSystem/master-disease-keyNumber';
/** 病名管理番号 of a diagnosis without a code (the IG's uncoded form, with the name). */
export const UNCODED_DISEASE = '99999999';
export const REFERRAL_BUNDLE_PROFILE = 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral';

/** A person's name: 漢字 (IDE) and, when known, カナ (SYL). */
export interface LetterName {
  family: string;
  given: string;
  familyKana?: string;
  givenKana?: string;
}

export interface LetterPatient extends LetterName {
  /** 被保険者個人識別子 `保険者番号:記号:番号:枝番`. */
  memberId: string;
  gender: 'male' | 'female' | 'other' | 'unknown';
  /** YYYY-MM-DD. */
  birthDate: string;
  /** 住所 (JP_Patient_eCS requires one). */
  address: string;
}

/** 診療科 (SS-MIX2 統一診療科コード). */
export interface LetterDepartment {
  code: string;
  display: string;
}

export interface LetterParty {
  /** 医療機関コード (10 digits). */
  code: string;
  name: string;
  phone?: string;
  address?: string;
  postalCode?: string;
  /** Coded 診療科 (on the Organization); `departmentText` for one known by name only. */
  department?: LetterDepartment;
  departmentText?: string;
  /** The doctor (a Practitioner entry of the section). */
  doctor?: LetterName;
  /** A doctor known by name only (the narrative, no Practitioner entry). */
  doctorText?: string;
}

export interface LetterDiagnosis {
  name: string;
  /** 病名管理番号; absent: uncoded (99999999 with the name). */
  code?: string;
  /** onset (YYYY-MM-DD or a dateTime); required by the profile: the letter's date when unknown. */
  onset?: string;
  /** 主病名 (encounter-diagnosis), else problem-list-item. */
  principal?: boolean;
}

/** A table of the narrative (検査結果, 処方). */
export interface LetterTable {
  caption?: string;
  head: string[];
  rows: string[][];
}

/** A section's narrative: paragraphs, then tables. */
export interface LetterText {
  paragraphs?: string[];
  tables?: LetterTable[];
}

export interface ReferralDocumentInput {
  /** The fullUrl of an entry (`urn:uuid:…`), by its role (composition, patient, sender, condition-0 …). */
  url(what: string): string;
  /** A business identifier (resourceInstance-identifier), by role; `''` for the document itself. */
  businessId(what: string): string;
  /** When it is written (dateTime with offset) and its day (YYYY-MM-DD). */
  stamp: string;
  date: string;
  patient: LetterPatient;
  from: LetterParty;
  to: LetterParty;
  /** 紹介目的 (also the reason of the purpose Encounter). */
  purpose: string;
  /** The purpose Encounter's reason, when it differs from the narrative. */
  purposeReason?: string;
  diagnoses: LetterDiagnosis[];
  /** The 傷病名・主訴 narrative, when it says more than the list of diagnoses (#1 … #n). */
  problems?: LetterText;
  /** 現病歴・経過 (mandatory). */
  presentIllness: LetterText;
  pastIllness?: LetterText;
  allergies?: LetterText;
  course?: LetterText;
  medication?: LetterText;
  exams?: LetterText;
  /** 備考・連絡情報 (section 220). */
  remarks?: LetterText;
  /** 外来文書 (default) or 入院文書. */
  category?: 'OUTPATIENT' | 'INPATIENT';
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function tableXhtml(t: LetterTable): string {
  const cells = (tag: string, row: string[]) => `<tr>${row.map((c) => `<${tag}>${xmlEscape(c)}</${tag}>`).join('')}</tr>`;
  return (
    `<table>${t.caption ? `<caption>${xmlEscape(t.caption)}</caption>` : ''}<thead>${cells('th', t.head)}</thead>` +
    `<tbody>${t.rows.map((r) => cells('td', r)).join('')}</tbody></table>`
  );
}

/** The XHTML narrative of paragraphs and tables (escaped). */
export function letterNarrative(text: LetterText): { status: string; div: string } {
  const paragraphs = (text.paragraphs ?? []).filter((p) => p.trim()).map((p) => `<p>${xmlEscape(p).replace(/\r?\n/g, '<br/>')}</p>`);
  const tables = (text.tables ?? []).filter((t) => t.rows.length).map(tableXhtml);
  return { status: 'additional', div: `<div xmlns="http://www.w3.org/1999/xhtml">${[...paragraphs, ...tables].join('')}</div>` };
}

const hasText = (t: LetterText | undefined): t is LetterText =>
  !!t && ((t.paragraphs ?? []).some((p) => p.trim()) || (t.tables ?? []).some((x) => x.rows.length > 0));

const section = (code: string, title: string, text: LetterText, entry: string[] = [], sub?: Json[]): Json => ({
  title,
  code: { coding: [{ system: SECTION_CODES, code, display: `${title}セクション` }] },
  text: letterNarrative(text),
  ...(entry.length ? { entry: entry.map((reference) => ({ reference })) } : {}),
  ...(sub ? { section: sub } : {}),
});

const nameParts = (n: LetterName) => [
  { extension: [{ url: REPRESENTATION, valueCode: 'IDE' }], use: 'official', text: `${n.family} ${n.given}`, family: n.family, given: [n.given] },
  ...(n.familyKana && n.givenKana
    ? [
        {
          extension: [{ url: REPRESENTATION, valueCode: 'SYL' }],
          use: 'official',
          text: `${n.familyKana} ${n.givenKana}`,
          family: n.familyKana,
          given: [n.givenKana],
        },
      ]
    : []),
];

/** 「佐藤 健一」 as family and given (a name without a space: all family). */
export function splitName(full: string): { family: string; given: string } {
  const parts = full
    .normalize('NFC')
    .trim()
    .split(/[\s\u3000]+/);
  return parts.length > 1 ? { family: parts[0], given: parts.slice(1).join(' ') } : { family: parts[0] ?? '', given: '' };
}

const fullName = (n: LetterName | undefined) => (n ? `${n.family} ${n.given}`.trim() : undefined);

function organization(p: LetterParty, stamp: string): Json {
  return {
    resourceType: 'Organization',
    meta: { lastUpdated: stamp, profile: [`${ECS}JP_Organization_eCS`] },
    ...(p.department
      ? {
          extension: [
            {
              url: DEPARTMENT_EXTENSION,
              valueCodeableConcept: { coding: [{ system: 'http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment', ...p.department }] },
            },
          ],
        }
      : {}),
    identifier: [{ system: INSTITUTION, value: p.code }],
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }],
    name: p.name,
    ...(p.phone ? { telecom: [{ system: 'phone', value: p.phone }] } : {}),
    ...(p.address || p.postalCode
      ? { address: [{ ...(p.address ? { text: p.address } : {}), ...(p.postalCode ? { postalCode: p.postalCode } : {}), country: 'JP' }] }
      : {}),
  };
}

/** The JP_Bundle_eReferral document Bundle. */
export function referralDocument(d: ReferralDocumentInput): Json {
  const id = {
    composition: d.url('composition'),
    patient: d.url('patient'),
    visit: d.url('visit'),
    purpose: d.url('purpose'),
    author: d.url('author'),
    addresseeDoctor: d.url('addressee-doctor'),
    sender: d.url('sender'),
    addressee: d.url('addressee'),
  };
  const year = d.date.slice(0, 4);
  const meta = (profile: string) => ({ lastUpdated: d.stamp, profile: [`${ECS}${profile}`] });
  const conditions = d.diagnoses.map((x, i) => ({ url: d.url(`condition-${i}`), diagnosis: x }));
  const condition = (x: LetterDiagnosis, patientUrl: string): Json => ({
    resourceType: 'Condition',
    meta: meta('JP_Condition_eCS'),
    identifier: [{ system: INSTANCE_ID, value: d.businessId(x.name) }],
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [
      {
        coding: [
          x.principal
            ? { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }
            : { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' },
        ],
      },
    ],
    code: { coding: [{ system: DISEASE_MASTER, code: x.code ?? UNCODED_DISEASE, display: x.name }], text: x.name },
    subject: { reference: patientUrl },
    onsetDateTime: x.onset ?? d.date,
  });
  const encounter = (what: string, reason?: string): Json => ({
    resourceType: 'Encounter',
    meta: meta('JP_Encounter_eCS'),
    identifier: [{ system: INSTANCE_ID, value: d.businessId(what) }],
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: '外来' },
    period: { start: d.date },
    ...(reason ? { reasonCode: [{ text: reason }] } : {}),
  });
  const practitioner = (n: LetterName): Json => ({ resourceType: 'Practitioner', meta: meta('JP_Practitioner_eCS'), name: nameParts(n) });

  const fromLine = [d.from.name, d.from.department?.display ?? d.from.departmentText, fullName(d.from.doctor) ?? d.from.doctorText].filter(Boolean).join(' ');
  const toDoctor = fullName(d.to.doctor) ?? d.to.doctorText;
  const toLine = [d.to.name, d.to.department?.display ?? d.to.departmentText, toDoctor ? `${toDoctor} 先生` : undefined].filter(Boolean).join(' ');
  const optional = [
    hasText(d.pastIllness) && section('370', '既往歴', d.pastIllness),
    hasText(d.allergies) && section('510', 'アレルギー・不耐性反応', d.allergies),
    hasText(d.course) && section('330', '臨床経過', d.course),
    hasText(d.medication) && section('430', '投薬指示', d.medication),
    hasText(d.exams) && section('620', '検査結果', d.exams),
  ].filter((s): s is Json => !!s);
  const problemText: LetterText = d.problems ?? {
    paragraphs: d.diagnoses.length ? d.diagnoses.map((x, i) => `#${i + 1} ${x.name}`) : ['特記すべき傷病名なし'],
  };
  const composition: Json = {
    resourceType: 'Composition',
    meta: { lastUpdated: d.stamp, profile: ['http://jpfhir.jp/fhir/eReferral/StructureDefinition/JP_Composition_eReferral|1'] },
    language: 'ja',
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber', valueString: '1.0' }],
    identifier: { system: INSTANCE_ID, value: `${d.from.code}-${year}-${d.businessId('').slice(0, 12)}` },
    status: 'final',
    type: { coding: [{ system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes', code: '57133-1', display: '診療情報提供書' }] },
    category: [
      {
        coding: [
          d.category === 'INPATIENT'
            ? { system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-subtypecodes', code: 'INPATIENT', display: '入院文書' }
            : { system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-subtypecodes', code: 'OUTPATIENT', display: '外来文書' },
        ],
      },
    ],
    subject: { reference: id.patient, type: 'Patient' },
    encounter: { reference: id.visit, type: 'Encounter' },
    date: d.stamp,
    author: [...(d.from.doctor ? [{ reference: id.author, type: 'Practitioner' }] : []), { reference: id.sender, type: 'Organization' }],
    title: '診療情報提供書',
    custodian: { reference: id.sender, type: 'Organization' },
    event: [{ code: [{ text: '診療情報提供書発行' }], period: { start: d.date } }],
    section: [
      section('920', '紹介元情報', { paragraphs: [fromLine, d.from.address ?? '', d.from.phone ? `電話 ${d.from.phone}` : ''] }, [
        id.sender,
        ...(d.from.doctor ? [id.author] : []),
      ]),
      section('910', '紹介先情報', { paragraphs: [toLine] }, [id.addressee, ...(d.to.doctor ? [id.addresseeDoctor] : [])]),
      section(
        '300',
        '構造情報',
        { paragraphs: ['診療情報提供書の構造情報'] },
        [],
        [
          section('950', '紹介目的', { paragraphs: [d.purpose] }, [id.purpose]),
          section(
            '340',
            '傷病名・主訴',
            problemText,
            conditions.map((c) => c.url),
          ),
          section('360', '現病歴', d.presentIllness),
          ...optional,
        ],
      ),
      ...(hasText(d.remarks) ? [section('220', '備考・連絡情報', d.remarks)] : []),
    ],
  };
  const p = d.patient;
  const patient: Json = {
    resourceType: 'Patient',
    meta: { lastUpdated: d.stamp, profile: [`${ECS}JP_Patient_eCS`] },
    identifier: [{ system: MEMBER_ID, value: p.memberId }],
    name: nameParts(p),
    gender: p.gender,
    birthDate: p.birthDate,
    address: [{ text: p.address }],
  };
  const entries: Json[] = [
    { fullUrl: id.composition, resource: composition },
    { fullUrl: id.patient, resource: patient },
    { fullUrl: id.visit, resource: encounter('visit') },
    { fullUrl: id.purpose, resource: encounter('purpose', d.purposeReason ?? d.purpose) },
    ...(d.from.doctor ? [{ fullUrl: id.author, resource: practitioner(d.from.doctor) }] : []),
    ...(d.to.doctor ? [{ fullUrl: id.addresseeDoctor, resource: practitioner(d.to.doctor) }] : []),
    { fullUrl: id.sender, resource: organization(d.from, d.stamp) },
    { fullUrl: id.addressee, resource: organization(d.to, d.stamp) },
    ...conditions.map((c) => ({ fullUrl: c.url, resource: condition(c.diagnosis, id.patient) })),
  ];
  return {
    resourceType: 'Bundle',
    meta: { lastUpdated: d.stamp, profile: [`${REFERRAL_BUNDLE_PROFILE}|1`] },
    language: 'ja',
    identifier: { system: 'http://jpfhir.jp/fhir/clins/bundle-identifier', value: `${d.from.code}^${year}^${d.businessId('').slice(0, 20)}` },
    type: 'document',
    timestamp: d.stamp,
    entry: entries,
  };
}
