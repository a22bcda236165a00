/**
 * The readable content of a verified emergency summary card (表示用の抽出): names and values as text, for the verifying
 * facility's screen or the CLI. Reads what shc-bundle.ts writes; a coded item without text shows as `system|code`.
 * Browser-safe (no node: modules).
 */
export interface HealthCardSummary {
  patient: { name: string; kana?: string; birthDate?: string; gender?: string };
  allergies: { text: string; criticality?: string; recorded?: string }[];
  drugs: { text: string; date?: string; riskClass?: string; dosage?: string }[];
  diagnoses: { text: string; onset?: string }[];
  infections: { text: string; result: string; date?: string }[];
}

type Json = Record<string, unknown>;
const NAME_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function conceptText(v: unknown): string {
  const c = obj(v);
  const text = str(c.text);
  if (text) return text;
  const codings = arr(c.coding).map(obj);
  return codings.map((x) => `${str(x.system) ?? ''}|${str(x.code) ?? ''}`).join(', ') || '(不明 / unknown)';
}

function nameText(v: unknown): string {
  const n = obj(v);
  return str(n.text) ?? [str(n.family), ...arr(n.given).map(str)].filter(Boolean).join(' ');
}

function representation(v: unknown): string | undefined {
  return str(
    arr(obj(v).extension)
      .map(obj)
      .find((e) => e.url === NAME_REPRESENTATION)?.valueCode,
  );
}

/** The summary of a health-card Bundle; resources of other types are ignored. */
export function summarizeBundle(bundle: Json): HealthCardSummary {
  const s: HealthCardSummary = { patient: { name: '' }, allergies: [], drugs: [], diagnoses: [], infections: [] };
  for (const entry of arr(bundle.entry)) {
    const r = obj(obj(entry).resource);
    switch (r.resourceType) {
      case 'Patient': {
        const names = arr(r.name);
        const kana = names.find((n) => representation(n) === 'SYL');
        const main = names.find((n) => representation(n) !== 'SYL') ?? names[0];
        s.patient = { name: main ? nameText(main) : '', kana: kana ? nameText(kana) : undefined, birthDate: str(r.birthDate), gender: str(r.gender) };
        break;
      }
      case 'AllergyIntolerance':
        s.allergies.push({ text: conceptText(r.code), criticality: str(r.criticality), recorded: str(r.recordedDate) });
        break;
      case 'MedicationStatement':
        s.drugs.push({
          text: conceptText(r.medicationCodeableConcept),
          date: str(r.effectiveDateTime) ?? str(obj(r.effectivePeriod).start),
          riskClass: str(obj(r.category).text),
          dosage: str(obj(arr(r.dosage)[0]).text),
        });
        break;
      case 'Condition':
        s.diagnoses.push({ text: conceptText(r.code), onset: str(r.onsetDateTime) });
        break;
      case 'Observation':
        s.infections.push({ text: conceptText(r.code), result: str(r.valueString) ?? conceptText(r.valueCodeableConcept), date: str(r.effectiveDateTime) });
        break;
    }
  }
  return s;
}
