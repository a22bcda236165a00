/**
 * The server calls of the records screen: the code lists ($simple-entry-codes) and the simple entry
 * ($register-simple-entry, with check=true for the CSV preview). Issues of a refusal keep the input field they name
 * (`lab[2].value`), so the screen can put each reason on its row.
 */
import { fhir } from '../../shared/api.ts';
import { ApiError } from '../../shared/errors.ts';
import type { Text } from '../../shared/text.ts';

export interface LabItem {
  code: string;
  name: string;
  unit: string;
  listed: boolean;
}

export interface Disease {
  code: string;
  name: string;
}

interface Part {
  name: string;
  valueString?: string;
  valueBoolean?: boolean;
  valueCode?: string;
  valueInteger?: number;
  valueReference?: { reference: string };
  part?: Part[];
}
interface Parameters {
  parameter?: Part[];
}

const partsOf = (p: Part) =>
  Object.fromEntries((p.part ?? []).map((x) => [x.name, x.valueString ?? x.valueBoolean ?? x.valueCode ?? x.valueReference?.reference]));

export async function loadCodes(name = ''): Promise<{ labs: LabItem[]; diseases: Disease[] }> {
  const q = name.trim() ? `?name=${encodeURIComponent(name.trim())}` : '';
  const body = await fhir<Parameters>(`$simple-entry-codes${q}`);
  const params = body.parameter ?? [];
  return {
    labs: params.filter((p) => p.name === 'lab').map((p) => partsOf(p) as unknown as LabItem),
    diseases: params.filter((p) => p.name === 'disease').map((p) => partsOf(p) as unknown as Disease),
  };
}

export interface DiagnosisInput {
  name: string;
  code?: string;
  onset: string;
  primary?: boolean;
  suspected?: boolean;
}

export interface LabInput {
  code: string;
  name?: string;
  value: string;
  unit?: string;
  low?: string;
  high?: string;
  flag?: string;
  date: string;
}

export type PatientInput = { patient: string } | { insuredPerson: { insurer: string; symbol?: string; number: string; branch?: string; birthDate: string } };

export interface EntryRequest {
  who: PatientInput;
  department: string;
  diagnosis?: DiagnosisInput[];
  lab?: LabInput[];
  check?: boolean;
}

export interface StoredItem {
  input: string;
  reference: string;
  kind: string;
  status: string;
}

export interface EntryResult {
  patientId: string;
  registered: number;
  items: StoredItem[];
}

/** One reason of a refusal: the input field it names (`lab[1].value`, `patient`, or '' for the whole). */
export interface EntryIssue {
  field: string;
  text: Text;
}

/** A refusal with its issues (400 / 422 OperationOutcome), or undefined for other failures. */
export function issuesOf(err: unknown): EntryIssue[] | undefined {
  if (!(err instanceof ApiError) || (err.status !== 400 && err.status !== 422)) return undefined;
  const body = err.body as { resourceType?: string; issue?: { details?: { text?: string }; diagnostics?: string; expression?: string[] }[] } | undefined;
  if (body?.resourceType !== 'OperationOutcome' || !Array.isArray(body.issue)) return undefined;
  return body.issue.map((i) => ({
    field: i.expression?.[0] && /^(diagnosis|lab|patient|insuredPerson|department)/.test(i.expression[0]) ? i.expression[0] : '',
    text: { ja: i.details?.text ?? i.diagnostics ?? '', en: i.diagnostics ?? i.details?.text ?? '' },
  }));
}

const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;

export async function registerEntry(req: EntryRequest): Promise<EntryResult> {
  const body = {
    ...req.who,
    department: req.department,
    ...(req.diagnosis?.length ? { diagnosis: req.diagnosis.map(clean) } : {}),
    ...(req.lab?.length ? { lab: req.lab.map(clean) } : {}),
    ...(req.check ? { check: true } : {}),
  };
  const res = await fhir<Parameters>('$register-simple-entry', { method: 'POST', body });
  const params = res.parameter ?? [];
  return {
    patientId: params.find((p) => p.name === 'patientId')?.valueString ?? '',
    registered: params.find((p) => p.name === 'registered')?.valueInteger ?? 0,
    items: params.filter((p) => p.name === 'item').map((p) => partsOf(p) as unknown as StoredItem),
  };
}

/** 診療科 (SS-MIX2 統一診療科コード) the service takes (src/services/sharing/simple-entry/clins-builders.ts DEPARTMENTS). */
export const DEPARTMENTS: { code: string; name: string }[] = [
  { code: '01', name: '内科' },
  { code: '04', name: '神経内科' },
  { code: '05', name: '呼吸器科' },
  { code: '06', name: '消化器科' },
  { code: '08', name: '循環器科' },
  { code: '09', name: '小児科' },
  { code: '10', name: '外科' },
  { code: '11', name: '整形外科' },
];

/** Today in Japan, YYYY-MM-DD. */
export { japanToday as todayInJapan } from '../../shared/japan-time.ts';
