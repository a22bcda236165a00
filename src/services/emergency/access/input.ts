/** The inputs the workflows share: the coded reason with its text, and how the person is identified. */
import { badRequest } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import { EMERGENCY_REASONS, EMERGENCY_REASON_CODES, REASON_TEXT_MAX, isEmergencyReason, type EmergencyReason } from '../model/reasons.ts';
import type { Demographics } from './identify.ts';

export interface StatedReason {
  code: EmergencyReason;
  text: string;
  /** What the notice and the review list show: the coded reason, with the text. */
  display: string;
}

export function reasonInput(input: ParamReader): StatedReason {
  const code = input.requiredString('reason', '理由');
  if (!isEmergencyReason(code))
    throw badRequest(`理由「${code}」は ${EMERGENCY_REASON_CODES.join(' / ')} のいずれかです`, `reason must be one of ${EMERGENCY_REASON_CODES.join(', ')}`, [
      input.path('reason'),
    ]);
  const text = (input.string('reasonText') ?? '').trim();
  if (code === 'other' && !text)
    throw badRequest('理由が「その他」のときは理由の説明（reasonText）を記載してください', 'reason other needs reasonText', [input.path('reasonText')]);
  if (text.length > REASON_TEXT_MAX)
    throw badRequest(`理由の説明は${REASON_TEXT_MAX}文字までです`, `reasonText is at most ${REASON_TEXT_MAX} characters`, [input.path('reasonText')]);
  return { code, text, display: text ? `${EMERGENCY_REASONS[code].ja}: ${text}` : EMERGENCY_REASONS[code].ja };
}

const SEXES = ['male', 'female', 'other', 'unknown'] as const;

function calendarDate(v: string, path: string): string {
  const s = v.normalize('NFKC').trim().replace(/\//g, '-');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? new Date(`${s}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s)
    throw badRequest(`生年月日「${v}」は YYYY-MM-DD の正しい日付ではありません`, `birthDate "${v}" is not a valid YYYY-MM-DD date`, [path]);
  return s;
}

export interface IdentificationInput {
  certificate?: string;
  demographics?: Demographics;
  /** The candidate chosen (Patient id), with the same details. */
  chosen?: string;
}

/**
 * Either the card's certificate, or 氏名 + 生年月日 (+ 性別 when `needSex`, + 郵便番号); `patient` picks a candidate. Both
 * or neither is a 400.
 */
export function identificationInput(input: ParamReader, opts: { needSex: boolean; allowCard: boolean }): IdentificationInput {
  const certificate = input.string('certificate')?.trim();
  const name = input.string('name')?.trim();
  if (certificate && !opts.allowCard)
    throw badRequest('この閲覧はカードではなく氏名と生年月日で行います', 'this view identifies by name and birth date', [input.path('certificate')]);
  if (certificate && name)
    throw badRequest('カードの証明書か氏名等のどちらか一方を指定してください', 'give either the card certificate or the name and birth date, not both');
  if (certificate) return { certificate };
  if (!name)
    throw badRequest(
      opts.allowCard ? 'カードの電子証明書（certificate）か、氏名・生年月日・性別を指定してください' : '氏名と生年月日を指定してください',
      opts.allowCard ? 'give the card certificate, or name, birthDate and sex' : 'give name and birthDate',
    );
  const birthDate = calendarDate(input.requiredString('birthDate', '生年月日'), input.path('birthDate'));
  const sexRaw = input.string('sex');
  if (opts.needSex && !sexRaw) throw badRequest('性別（sex）を指定してください', 'sex is required with the name', [input.path('sex')]);
  if (sexRaw !== undefined && !(SEXES as readonly string[]).includes(sexRaw))
    throw badRequest('性別は male / female / other / unknown です', 'sex must be male, female, other or unknown', [input.path('sex')]);
  const postalCode = input.string('postalCode')?.trim();
  if (postalCode && !/^\d{3}-?\d{4}$/.test(postalCode.normalize('NFKC').replace(/[‐−ー]/g, '-')))
    throw badRequest('郵便番号は7桁（例 123-4567）です', 'postalCode is 7 digits (e.g. 123-4567)', [input.path('postalCode')]);
  const chosen = input
    .string('patient')
    ?.trim()
    .replace(/^Patient\//, '');
  if (chosen !== undefined && !isValidId(chosen))
    throw badRequest('patient は候補の患者IDです', "patient must be a candidate's Patient id", [input.path('patient')]);
  return {
    demographics: { name, birthDate, ...(sexRaw ? { sex: sexRaw as Demographics['sex'] } : {}), ...(postalCode ? { postalCode } : {}) },
    ...(chosen ? { chosen } : {}),
  };
}
