/**
 * The eligibility service's answers read for the screen (pure, no DOM): a FHIR `Parameters` of `$verify-card` /
 * `$verify-insurance` becomes a `VerifyAnswer` — the result, the reason in both languages, the patient (names exactly
 * as registered), the insurance and its sub-entitlements — and the requests the screen sends are built here.
 */
import type { Text } from '../../shared/text.ts';

export interface Param {
  name: string;
  part?: Param[];
  resource?: unknown;
  [key: string]: unknown;
}

export interface Parameters {
  resourceType: 'Parameters';
  parameter?: Param[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first parameter (or part) named `name`. */
export function param(list: readonly Param[] | undefined, name: string): Param | undefined {
  return list?.find((p) => p.name === name);
}

/** Every parameter (or part) named `name`. */
export function params(list: readonly Param[] | undefined, name: string): Param[] {
  return list?.filter((p) => p.name === name) ?? [];
}

/** The `value[x]` of a parameter. */
export function paramValue(p: Param | undefined): unknown {
  if (!p) return undefined;
  const key = Object.keys(p).find((k) => k.startsWith('value'));
  return key ? p[key] : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

interface Coding {
  code?: string;
  display?: string;
}

const coding = (v: unknown): Coding | undefined => (isRecord(v) ? { code: str(v.code), display: str(v.display) } : undefined);

export interface ReceivedPatient {
  id: string;
  /** 氏名 exactly as registered (IDE representation). */
  name: string;
  /** カナ (SYL representation). */
  kana?: string;
  birthDate?: string;
  gender?: string;
}

export interface PublicExpense {
  /** 公費負担者番号 (8 digits). */
  payer: string;
  /** 公費受給者番号. */
  recipient?: string;
  validFrom?: string;
  validTo?: string;
}

export interface SpecificDisease {
  code?: string;
  display?: string;
  monthlyLimitYen?: number;
}

export interface EligibilitySummary {
  /** 保険者番号, canonical 8 digits (国保 with 00 in front). */
  insurerNumber: string;
  symbol?: string;
  number: string;
  branch?: string;
  relationship?: 'insured' | 'dependant';
  acquiredOn?: string;
  lostOn?: string;
  /** 負担割合 in tenths (3 = 3割). */
  copayRatio?: number;
  limitCategory?: Coding;
  elderlyCopayRatio?: number;
  elderlyValidFrom?: string;
  elderlyValidTo?: string;
  specificDiseases: SpecificDisease[];
  publicExpenses: PublicExpense[];
}

export interface VerifyAnswer {
  ok: boolean;
  code: string;
  stage?: string;
  text: Text;
  visitDate?: string;
  method?: string;
  visit?: string;
  patient?: ReceivedPatient;
  eligibility?: EligibilitySummary;
  /** 保険種別 (国保, 医保, 後期高齢者) from the Coverage. */
  insuranceType?: string;
  /** The insurer Organization (`Organization/<id>`), for its name. */
  payor?: string;
  /** The fields a refusal names (from the OperationOutcome's expression), with the message of each. */
  problems: { field?: string; text: Text }[];
}

interface HumanName {
  text?: string;
  family?: string;
  given?: string[];
  extension?: { url?: string; valueCode?: string }[];
}

const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

const nameText = (n: HumanName): string => n.text ?? [n.family ?? '', ...(n.given ?? [])].filter(Boolean).join(' ');
const representation = (n: HumanName): string | undefined => n.extension?.find((e) => e.url === REPRESENTATION)?.valueCode;

/** The Patient of an answer: 氏名 (IDE, else the first name that is not SYL), カナ (SYL). */
export function patientOf(resource: unknown): ReceivedPatient | undefined {
  if (!isRecord(resource) || resource.resourceType !== 'Patient' || typeof resource.id !== 'string') return undefined;
  const names = (Array.isArray(resource.name) ? resource.name : []) as HumanName[];
  const ide = names.find((n) => representation(n) === 'IDE') ?? names.find((n) => representation(n) !== 'SYL');
  const syl = names.find((n) => representation(n) === 'SYL');
  const name = ide ? nameText(ide) : '';
  if (!name) return undefined;
  return {
    id: resource.id,
    name,
    ...(syl && nameText(syl) ? { kana: nameText(syl) } : {}),
    ...(str(resource.birthDate) ? { birthDate: resource.birthDate as string } : {}),
    ...(str(resource.gender) ? { gender: resource.gender as string } : {}),
  };
}

const EXT = 'https://tsunagu.dev/fhir/StructureDefinition/';

interface Extension {
  url?: string;
  extension?: Extension[];
  valuePeriod?: { start?: string; end?: string };
  valueIdentifier?: { value?: string };
  [key: string]: unknown;
}

/** The `eligibility` parts of an answer ($verify-card, $verify-insurance, $reception-history). */
export function summaryOf(parts: readonly Param[]): EligibilitySummary {
  const s = (name: string) => str(paramValue(param(parts, name)));
  const n = (name: string) => {
    const v = paramValue(param(parts, name));
    return typeof v === 'number' ? v : undefined;
  };
  const relationship = s('relationship');
  return {
    insurerNumber: s('insurerNumber') ?? '',
    symbol: s('symbol'),
    number: s('number') ?? '',
    branch: s('branch'),
    relationship: relationship === 'insured' || relationship === 'dependant' ? relationship : undefined,
    acquiredOn: s('acquiredOn'),
    lostOn: s('lostOn'),
    copayRatio: n('copayRatio'),
    limitCategory: coding(paramValue(param(parts, 'limitCategory'))),
    elderlyCopayRatio: n('elderlyCopayRatio'),
    specificDiseases: params(parts, 'specificDisease').map((d) => {
      const disease = coding(paramValue(param(d.part, 'disease')));
      const money = paramValue(param(d.part, 'monthlyLimit'));
      return {
        code: disease?.code,
        display: disease?.display,
        monthlyLimitYen: isRecord(money) && typeof money.value === 'number' ? money.value : undefined,
      };
    }),
    publicExpenses: params(parts, 'publicExpense').map((p) => {
      const payer = paramValue(param(p.part, 'payer'));
      return {
        payer: isRecord(payer) ? (str(payer.value) ?? '') : '',
        recipient: str(paramValue(param(p.part, 'recipient'))),
        validTo: str(paramValue(param(p.part, 'validTo'))),
      };
    }),
  };
}

/** Adds what only the Coverage says: the periods of the 高齢受給者証 and of each 公費 (their start). */
function withCoverage(summary: EligibilitySummary, coverage: unknown): EligibilitySummary {
  if (!isRecord(coverage) || !Array.isArray(coverage.extension)) return summary;
  const exts = coverage.extension as Extension[];
  const sub = (e: Extension, url: string) => e.extension?.find((x) => x.url === url);
  const elderly = exts.find((e) => e.url === `${EXT}eligibility-elderly-recipient`);
  const period = elderly && sub(elderly, 'period')?.valuePeriod;
  const publicExpenses = summary.publicExpenses.map((p) => {
    const ext = exts.find((e) => e.url === `${EXT}eligibility-public-expense` && sub(e, 'payer')?.valueIdentifier?.value === p.payer);
    const from = ext && sub(ext, 'period')?.valuePeriod?.start;
    return from ? { ...p, validFrom: from } : p;
  });
  return {
    ...summary,
    ...(period?.start ? { elderlyValidFrom: period.start } : {}),
    ...(period?.end ? { elderlyValidTo: period.end } : {}),
    publicExpenses,
  };
}

/** Reads a `$verify-card` / `$verify-insurance` answer. */
export function readVerifyAnswer(body: unknown): VerifyAnswer {
  const list = isRecord(body) && Array.isArray(body.parameter) ? (body.parameter as Param[]) : [];
  const s = (name: string) => str(paramValue(param(list, name)));
  const code = coding(paramValue(param(list, 'code')))?.code ?? 'unknown';
  const ja = s('message') ?? '資格確認の結果を読み取れませんでした';
  const en = s('diagnostics') ?? ja;
  const coverage = param(list, 'coverage')?.resource;
  const eligibilityParts = param(list, 'eligibility')?.part;
  const outcome = param(list, 'outcome')?.resource;
  const problems: VerifyAnswer['problems'] = [];
  if (isRecord(outcome) && Array.isArray(outcome.issue)) {
    for (const issue of outcome.issue as { details?: { text?: string }; diagnostics?: string; expression?: string[] }[]) {
      const field = /name='([^']+)'/.exec(issue.expression?.[0] ?? '')?.[1];
      const ija = issue.details?.text ?? issue.diagnostics;
      if (!ija) continue;
      problems.push({ ...(field ? { field } : {}), text: { ja: ija, en: issue.diagnostics ?? ija } });
    }
  }
  const payor = isRecord(coverage) && Array.isArray(coverage.payor) ? str((coverage.payor[0] as { reference?: string } | undefined)?.reference) : undefined;
  const type = isRecord(coverage) && isRecord(coverage.type) && Array.isArray(coverage.type.coding) ? coding(coverage.type.coding[0])?.display : undefined;
  const patient = patientOf(param(list, 'patient')?.resource);
  return {
    ok: paramValue(param(list, 'result')) === true,
    code,
    stage: s('stage'),
    text: { ja, en },
    visitDate: s('visitDate'),
    method: s('method'),
    visit: s('visit'),
    patient,
    eligibility: eligibilityParts ? withCoverage(summaryOf(eligibilityParts), coverage) : undefined,
    insuranceType: type,
    payor: payor?.startsWith('Organization/') ? payor : undefined,
    problems,
  };
}

/** What the virtual card reader answered (POST /eligibility/virtual-reader/authenticate). */
export type ReaderAnswer =
  | { ok: true; assertion: { challenge: string; signature: string; certificate: string; chain: string[]; method: string } }
  | { ok: false; code: string; ja: string; en: string; retriesLeft?: number };

export function readReaderAnswer(body: unknown): ReaderAnswer {
  if (isRecord(body) && body.ok === true && isRecord(body.assertion)) {
    const a = body.assertion;
    return {
      ok: true,
      assertion: {
        challenge: String(a.challenge ?? ''),
        signature: String(a.signature ?? ''),
        certificate: String(a.certificate ?? ''),
        chain: Array.isArray(a.chain) ? a.chain.map(String) : [],
        method: String(a.method ?? ''),
      },
    };
  }
  const b = isRecord(body) ? body : {};
  return {
    ok: false,
    code: str(b.code) ?? 'unknown',
    ja: str(b.ja) ?? 'カードリーダーの応答を読み取れませんでした',
    en: str(b.en) ?? 'the card reader’s answer could not be read',
    ...(typeof b.retriesLeft === 'number' ? { retriesLeft: b.retriesLeft } : {}),
  };
}

/** The challenge of a `$card-challenge` answer. */
export function challengeOf(body: unknown): string | undefined {
  const list = isRecord(body) && Array.isArray(body.parameter) ? (body.parameter as Param[]) : [];
  return str(paramValue(param(list, 'challenge')));
}

/** `$verify-card` from the reader's assertion. */
export function verifyCardBody(a: Extract<ReaderAnswer, { ok: true }>['assertion']): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'challenge', valueString: a.challenge },
      { name: 'signature', valueString: a.signature },
      { name: 'certificate', valueString: a.certificate },
      ...a.chain.map((c) => ({ name: 'chain', valueString: c })),
      { name: 'method', valueCode: a.method },
    ],
  };
}

export type ConsentCategory = 'medication' | 'surgery' | 'checkup';
export const CONSENT_CATEGORIES: readonly ConsentCategory[] = ['medication', 'surgery', 'checkup'];
export type ConsentChoices = Record<ConsentCategory, boolean>;

/** `$reader-consent`: the patient's choices for a card visit (outpatient: valid 24 hours). */
export function readerConsentBody(visit: string, choices: ConsentChoices): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [{ name: 'visit', valueString: visit }, ...CONSENT_CATEGORIES.map((c) => ({ name: c, valueBoolean: choices[c] }))],
  };
}

export interface InsuranceQuery {
  source: 'eligibility-certificate' | 'insurance-card';
  insurerNumber: string;
  symbol: string;
  number: string;
  branch: string;
  birthDate: string;
}

/** `$verify-insurance` (番号入力): empty 記号 and 枝番 are left out. */
export function verifyInsuranceBody(q: InsuranceQuery): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'source', valueCode: q.source },
      { name: 'insurerNumber', valueString: q.insurerNumber },
      ...(q.symbol ? [{ name: 'symbol', valueString: q.symbol }] : []),
      { name: 'number', valueString: q.number },
      ...(q.branch ? [{ name: 'branch', valueString: q.branch }] : []),
      { name: 'birthDate', valueDate: q.birthDate },
    ],
  };
}
