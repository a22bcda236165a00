/**
 * `$issue-prescription` (処方箋の発行, the clinic app): the signed-in 医師 / 歯科医師 describes the drugs; the service
 * writes the JP_Bundle_ePrescriptionData, signs it with the doctor's own enrolled HPKI credential (signing-keys.ts,
 * unlocked by their passphrase) and registers it exactly as `$register-prescription` does (register.ts: profile,
 * master names, person, signature and qualification, the check — an alert refuses without overrideReason).
 *
 * Where each part of the document comes from — never from the browser's text:
 *   the patient      the eligibility record in force of a patient the facility's reception saw today
 *                    (received-patient.ts): names (漢字, カナ), sex, birth date, 保険者番号:記号:番号:枝番, 続柄, 負担率
 *   the drugs        the drug master of today: the product's name (or, for 一般名処方, the name of its 一般名コード) and
 *                    unit; quantity = 1回量 × 回数 (from the 用法 code) × 日数
 *   the 用法         the JAMI code's display (prescribing-reference.ts)
 *   the facility     the directory's name and address; telephone, postal code (and address) from the facility's last
 *                    registered prescription
 *   the prescriber   the certificate: 氏名 and 医籍 / 歯科医籍登録番号
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import { isDrugProblem, isDrugSystem } from '../master/index.ts';
import type { AuditNote } from '../model/access.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { buildPrescription, PrescriptionInputError, type PrescriptionInput, type PrescriptionLineInput } from '../prescriptions/build-prescription.ts';
import { registerPrescription, type Registered } from '../prescriptions/register.ts';
import { localPrescriberKey, signPrescriptionBundle, holderFactsOf } from '../signature/index.ts';
import { fromPem } from '../../eligibility/index.ts';
import { usageCodes } from './prescribing-reference.ts';
import { receivedPatient } from './received-patient.ts';
import { signedInPrescriber, unlockSigningKey } from './signing-keys.ts';

type Json = Record<string, unknown>;

export const MAX_LINES = 20;

export interface IssueLine {
  system: string;
  code: string;
  /** 1回量 in the drug's unit. */
  dose: number;
  usage: string;
  days: number;
  generic: boolean;
  noSubstitution: boolean;
}

const problem = (ja: string, en: string, expression: string): Issue => ({ severity: 'error', code: 'invalid', ja, en, expression: [expression] });

/** The lines as given, every problem at once (400). */
export function readIssueLines(input: ParamReader): IssueLine[] {
  const parts = input.parts('line');
  const issues: Issue[] = [];
  if (parts.length === 0) issues.push(problem('処方する薬剤がありません。薬剤を選んでください', 'give at least one line', input.path('line')));
  if (parts.length > MAX_LINES)
    issues.push(problem(`薬剤は1枚の処方箋に${MAX_LINES}行までです`, `at most ${MAX_LINES} lines per prescription`, input.path('line')));
  const lines = parts.map((p, i) => {
    const n = i + 1;
    const at = `${input.path('line')}[${i}]`;
    const num = (name: string) => {
      const v = p.all(name)[0]?.value;
      return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    };
    const system = p.string('system')?.trim() ?? '';
    const code = p.string('code')?.trim() ?? '';
    if (!system || !code || !isDrugSystem(system))
      issues.push(problem(`${n}行目: 薬剤が選ばれていません（医薬品マスターから選んでください）`, `line ${n}: no drug from the master`, `${at}.code`));
    const dose = num('dose');
    if (!Number.isFinite(dose) || dose <= 0 || dose > 1000)
      issues.push(problem(`${n}行目: 1回量は0より大きい数を入力してください`, `line ${n}: the dose must be a number > 0`, `${at}.dose`));
    const days = num('days');
    if (!Number.isInteger(days) || days <= 0 || days > 365)
      issues.push(problem(`${n}行目: 日数は1〜365の整数で入力してください`, `line ${n}: days must be a whole number 1–365`, `${at}.days`));
    const usage = p.string('usage')?.trim() ?? '';
    if (!usage) issues.push(problem(`${n}行目: 用法を選んでください`, `line ${n}: choose the usage`, `${at}.usage`));
    return { system, code, dose, usage, days, generic: p.boolean('generic') ?? false, noSubstitution: p.boolean('noSubstitution') ?? false };
  });
  if (issues.length) throw FhirError.fromIssues(400, issues);
  return lines;
}

/** The facility part: the directory, and the contact details of the facility's last registered prescription. */
async function facilityPart(rt: EprescriptionRuntime, code: string): Promise<PrescriptionInput['facility']> {
  const f = await rt.platform.facilities.get(code);
  const last = (
    await rt.platform.db.query<{ bundle: string }>('SELECT bundle FROM eprescription_prescriptions WHERE issuer = $1 ORDER BY registered_at DESC LIMIT 1', [
      code,
    ])
  ).rows[0];
  let phone: string | undefined;
  let address: string | undefined;
  let postalCode: string | undefined;
  let name: string | undefined;
  if (last) {
    const bundle = (typeof last.bundle === 'string' ? JSON.parse(last.bundle) : last.bundle) as { entry?: { resource?: Json }[] };
    const org = bundle.entry
      ?.map((e) => e.resource)
      .find(
        (r) =>
          r?.resourceType === 'Organization' &&
          ((r.meta as { profile?: string[] } | undefined)?.profile ?? []).some((p) => p.endsWith('JP_Organization_ePrescriptionData_issuer')),
      );
    phone = (org?.telecom as { system?: string; value?: string }[] | undefined)?.find((t) => t.system === 'phone')?.value;
    const a = (org?.address as { text?: string; postalCode?: string }[] | undefined)?.[0];
    address = a?.text;
    postalCode = a?.postalCode;
    name = org?.name as string | undefined;
  }
  return {
    code,
    name: f?.name ?? name ?? '',
    ...((f?.address ?? address) ? { address: f?.address ?? address } : {}),
    ...(phone ? { phone } : {}),
    ...(postalCode ? { postalCode } : {}),
  };
}

export interface IssueRequest {
  /** The Patient id (received at the facility today). */
  patient: string;
  lines: IssueLine[];
  passphrase?: string;
  overrideReason?: string;
  note?: string;
}

export async function issuePrescription(rt: EprescriptionRuntime, ctx: RequestContext, req: IssueRequest, note: AuditNote): Promise<Registered> {
  const who = signedInPrescriber(ctx);
  const now = rt.clock();
  const today = japanDate(now);
  const master = await rt.master();
  const usages = new Map(usageCodes(rt.platform.conformance).map((u) => [u.code, u]));
  const issues: Issue[] = [];
  const lines: PrescriptionLineInput[] = [];
  req.lines.forEach((l, i) => {
    const n = i + 1;
    const at = `Parameters.line[${i}]`;
    const usage = usages.get(l.usage);
    if (!usage)
      issues.push(problem(`${n}行目: 用法コード ${l.usage} はこのサービスの用法にありません`, `line ${n}: unknown usage code ${l.usage}`, `${at}.usage`));
    const found = isDrugSystem(l.system) ? master.lookup(l.system, l.code, now) : undefined;
    if (!found || isDrugProblem(found)) {
      issues.push(
        problem(
          `${n}行目: ${found && isDrugProblem(found) ? found.ja : `医薬品コード ${l.code} は医薬品マスターにありません`}`,
          `line ${n}: ${found && isDrugProblem(found) ? found.en : `${l.code} is not in the drug master`}`,
          `${at}.code`,
        ),
      );
      return;
    }
    let system = l.system as PrescriptionLineInput['system'];
    let code = l.code;
    let name = found.name;
    if (l.generic) {
      const g = found.generalCode ? master.lookup('general', found.generalCode, now) : undefined;
      if (!g || isDrugProblem(g)) {
        issues.push(
          problem(`${n}行目: この薬剤は一般名処方できません（一般名コードがありません）`, `line ${n}: no general name to prescribe by`, `${at}.generic`),
        );
        return;
      }
      system = 'general';
      code = found.generalCode!;
      name = g.name;
    }
    if (!usage) return;
    const quantity = Math.round(l.dose * usage.timesPerDay * l.days * 1000) / 1000;
    lines.push({
      system,
      code,
      name,
      quantity,
      unit: found.unit ?? '錠',
      days: l.days,
      usage: usage.display,
      usageCode: usage.code,
      dose: l.dose,
      substitution: l.noSubstitution && !l.generic ? '1' : '0',
    });
  });
  if (issues.length) throw FhirError.fromIssues(400, issues);
  const received = await receivedPatient(rt, who.facilityCode, req.patient);
  note.patientKey = received.patientId;
  const credential = await unlockSigningKey(rt, ctx, req.passphrase);
  const holder = holderFactsOf(fromPem(credential.certificatePem, 'CERTIFICATE')[0]);
  if (!holder.registrationNumber)
    throw FhirError.of(422, 'security', '電子証明書に医籍登録番号がありません', 'the certificate carries no registration number', ['passphrase']);
  const [familyName, ...given] = holder.name.split(/[\s\u3000]+/).filter(Boolean);
  const input: PrescriptionInput = {
    issuedOn: today,
    authoredAt: `${new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`,
    patient: received.input,
    facility: await facilityPart(rt, who.facilityCode),
    practitioner: {
      familyName: familyName ?? holder.name,
      givenName: given.join(' ') || '-',
      licenseNumber: holder.registrationNumber,
      role: who.role,
    },
    lines,
    ...(req.note?.trim() ? { note: req.note.trim() } : {}),
  };
  let bundle: ReturnType<typeof buildPrescription>;
  try {
    bundle = buildPrescription(input);
  } catch (e) {
    if (e instanceof PrescriptionInputError)
      throw FhirError.fromIssues(
        422,
        e.problems.map((p) => ({
          severity: 'error',
          code: 'invalid',
          ja: p.field.startsWith('facility')
            ? `医療機関の情報が足りません: ${p.ja}（医療機関の電話番号・所在地は、最初の処方箋をシステム連携で登録すると引き継がれます）`
            : p.ja,
          en: `${p.field}: ${p.en}`,
        })),
      );
    throw e;
  }
  const signed = await signPrescriptionBundle(bundle, localPrescriberKey(credential), { at: now });
  return registerPrescription(rt, ctx, { bundle: signed, overrideReason: req.overrideReason }, note);
}
