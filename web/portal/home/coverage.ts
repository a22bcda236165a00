/**
 * 資格: `Patient/{id}/$eligibility-history` (the person's own Coverages, newest first) read for the portal — insurer,
 * 記号・番号・枝番, 負担割合, 限度額適用区分, 高齢受給者, 公費. Pure.
 */
import { arrayOf, codingsOf, isRecord, type Json, stringOf } from '../../clinic/patient/format.ts';

const CORE = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition';
const TSUNAGU = 'https://tsunagu.dev/fhir/StructureDefinition';

export interface PublicExpenseLine {
  /** 公費負担者番号. */
  payer: string;
  /** 受給者番号. */
  recipient?: string;
  from?: string;
  to?: string;
}

export interface CoverageView {
  id: string;
  /** The insurer Organization's id (its name is read separately). */
  insurerRef?: string;
  /** 保険者番号 (canonical 8 digits). */
  insurerNumber?: string;
  /** 国保 / 医保 / 後期高齢 … as the record says. */
  kind?: string;
  symbol?: string;
  number?: string;
  branch?: string;
  /** 1 被保険者 (本人), 2 被扶養者 (家族). */
  relationship?: 'insured' | 'dependant';
  /** 負担割合 in 割 (3 = 3割). */
  copay?: number;
  limit?: { code: string; name?: string };
  elderly?: { copay?: number; from?: string };
  publicExpenses: PublicExpenseLine[];
  from?: string;
  to?: string;
  /** In force (no end, or an end not yet passed). */
  current: boolean;
}

const ext = (r: Json, url: string) => arrayOf(r.extension).filter((e) => e.url === url);
const sub = (e: Json, url: string) => arrayOf(e.extension).find((x) => x.url === url);
/** Full-width digits and letters (as printed on cards) to half-width. */
export const halfWidth = (s: string | undefined) => s?.replace(/[！-～]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

function coverageOf(r: Json, today: string): CoverageView {
  const period = isRecord(r.period) ? r.period : {};
  const to = stringOf(period.end);
  const member = arrayOf(r.identifier).find((i) => typeof i.value === 'string' && /^\d{6,8}:/.test(i.value as string));
  const insurerNumber = member ? (member.value as string).split(':')[0] : undefined;
  const copayPct = arrayOf(r.costToBeneficiary)
    .map((c) => (isRecord(c.valueQuantity) ? c.valueQuantity.value : undefined))
    .find((v): v is number => typeof v === 'number');
  const limit = ext(r, `${TSUNAGU}/eligibility-limit-category`)[0];
  const limitCoding = limit && isRecord(limit.valueCoding) ? limit.valueCoding : undefined;
  const elderly = ext(r, `${TSUNAGU}/eligibility-elderly-recipient`)[0];
  const rel = codingsOf(r.relationship).map((c) => c.code)[0];
  const payor = arrayOf(r.payor)[0];
  return {
    id: stringOf(r.id) ?? '',
    insurerRef: payor ? stringOf(payor.reference) : undefined,
    insurerNumber,
    kind: codingsOf(r.type).map((c) => stringOf(c.display))[0],
    symbol: halfWidth(stringOf(ext(r, `${CORE}/JP_Coverage_InsuredPersonSymbol`)[0]?.valueString)),
    number: halfWidth(stringOf(ext(r, `${CORE}/JP_Coverage_InsuredPersonNumber`)[0]?.valueString)),
    branch: halfWidth(stringOf(ext(r, `${CORE}/JP_Coverage_InsuredPersonSubNumber`)[0]?.valueString)),
    relationship: rel === '1' ? 'insured' : rel ? 'dependant' : undefined,
    copay: copayPct !== undefined ? copayPct / 10 : undefined,
    limit: limitCoding && typeof limitCoding.code === 'string' ? { code: limitCoding.code, name: stringOf(limitCoding.display) } : undefined,
    elderly: elderly
      ? {
          copay: sub(elderly, 'copayRatio')?.valueInteger as number | undefined,
          from: stringOf((sub(elderly, 'period')?.valuePeriod as Json | undefined)?.start),
        }
      : undefined,
    publicExpenses: ext(r, `${TSUNAGU}/eligibility-public-expense`).flatMap((e) => {
      const payer = sub(e, 'payer')?.valueIdentifier as Json | undefined;
      const recipient = sub(e, 'recipient')?.valueIdentifier as Json | undefined;
      const p = sub(e, 'period')?.valuePeriod as Json | undefined;
      const code = stringOf(payer?.value);
      return code ? [{ payer: code, recipient: stringOf(recipient?.value), from: stringOf(p?.start), to: stringOf(p?.end) }] : [];
    }),
    from: stringOf(period.start),
    to,
    current: r.status === 'active' && (!to || to >= today),
  };
}

/** The Coverages of the answer, in force first, then newest first. */
export function coveragesOf(bundle: unknown, today: string): CoverageView[] {
  const b = isRecord(bundle) ? bundle : {};
  const out = arrayOf(b.entry)
    .map((e) => (isRecord(e.resource) ? e.resource : undefined))
    .filter((r): r is Json => r?.resourceType === 'Coverage')
    .map((r) => coverageOf(r, today));
  return out.sort((a, b) => Number(b.current) - Number(a.current) || (b.from ?? '').localeCompare(a.from ?? ''));
}
