/**
 * The FHIR R4 Bundle of an offline emergency summary (救急用サマリー: アレルギー・服用中の薬・主な病名・感染症), shaped for a
 * SMART Health Card QR: type collection, `fullUrl` "resource:N", references "resource:0", no Resource.id, no meta,
 * no narrative, no Coding.display (SMART Health Cards Framework, "Health Cards are Compact",
 * https://spec.smarthealth.cards/#health-cards-are-compact).
 *
 * Deliberate deviation: the same section also lists "without CodeableConcept.text". Tsunagu keeps CodeableConcept.text,
 * because here it carries the Japanese name (アレルゲン名・薬剤名・病名) that is often the only content (many items have no
 * code) and the receiving facility verifies offline with no terminology server to turn a code back into a name.
 * Dropping it would drop clinical data; the size cost is checked at issue time (a card that does not fit one QR fails).
 */

export interface SummaryCoding {
  system: string;
  code: string;
}

export interface EmergencySummary {
  patient: { name: string; kana?: string; birthDate: string; gender: 'male' | 'female' | 'other' | 'unknown' };
  allergies: { text: string; coding?: SummaryCoding; criticality?: 'high' | 'low' | 'unable-to-assess'; recorded?: string }[];
  drugs: {
    text: string;
    coding?: SummaryCoding;
    date: string;
    /** 抗血栓薬 etc. */
    riskClass?: string;
    /** 用法・用量 as written (Dosage.text). */
    dosage?: string;
  }[];
  diagnoses: { text: string; coding?: SummaryCoding; onset?: string }[];
  infections: { text: string; coding?: SummaryCoding; result: string; date?: string }[];
}

type Json = Record<string, unknown>;

/** JP Core's way of telling 漢字 from カナ names: the ISO 21090 EN representation extension (IDE / SYL). */
const NAME_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const PATIENT = { reference: 'resource:0' };

function concept(text: string, coding?: SummaryCoding): Json {
  return coding ? { coding: [{ system: coding.system, code: coding.code }], text } : { text };
}

/** Drops undefined members so the minified JSON carries only what is known. */
function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function humanName(text: string, representation: 'IDE' | 'SYL'): Json {
  const parts = text.trim().split(/[\s\u3000]+/);
  return compact({
    extension: [{ url: NAME_REPRESENTATION, valueCode: representation }],
    text,
    family: parts.length > 1 ? parts[0] : undefined,
    given: parts.length > 1 ? parts.slice(1) : undefined,
  });
}

function patient(p: EmergencySummary['patient']): Json {
  const name = [humanName(p.name, 'IDE')];
  if (p.kana) name.push(humanName(p.kana, 'SYL'));
  return { resourceType: 'Patient', name, gender: p.gender, birthDate: p.birthDate };
}

/** The Bundle (`vc.credentialSubject.fhirBundle`) of the summary: Patient first, then the clinical entries. */
export function emergencySummaryBundle(s: EmergencySummary): Record<string, unknown> {
  const resources: Json[] = [patient(s.patient)];
  for (const a of s.allergies) {
    resources.push(
      compact({
        resourceType: 'AllergyIntolerance',
        // ait-1 (R4): clinicalStatus is required unless the record was entered in error
        clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: 'active' }] },
        criticality: a.criticality,
        code: concept(a.text, a.coding),
        patient: PATIENT,
        recordedDate: a.recorded,
      }),
    );
  }
  for (const d of s.drugs) {
    resources.push(
      compact({
        resourceType: 'MedicationStatement',
        status: 'active',
        category: d.riskClass ? { text: d.riskClass } : undefined,
        medicationCodeableConcept: concept(d.text, d.coding),
        subject: PATIENT,
        effectiveDateTime: d.date,
        dosage: d.dosage ? [{ text: d.dosage }] : undefined,
      }),
    );
  }
  for (const c of s.diagnoses) {
    resources.push(compact({ resourceType: 'Condition', code: concept(c.text, c.coding), subject: PATIENT, onsetDateTime: c.onset }));
  }
  for (const i of s.infections) {
    resources.push(
      compact({
        resourceType: 'Observation',
        status: 'final',
        code: concept(i.text, i.coding),
        subject: PATIENT,
        effectiveDateTime: i.date,
        valueString: i.result,
      }),
    );
  }
  return { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource, n) => ({ fullUrl: `resource:${n}`, resource })) };
}
