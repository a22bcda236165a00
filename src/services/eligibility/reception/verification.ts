/**
 * Verification at reception (資格確認): by My Number card (challenge → card signature → certificate → person →
 * eligibility on the visit date), by insurance number input (保険証・資格確認書の記号・番号・枝番 + 生年月日), and the
 * bulk pre-check of booked patients (一括照会). Each answer is either the eligibility in force on the visit date
 * or the precise reason it is not available, with the stage that failed:
 *   card        the card response did not verify (untrusted CA, revoked, expired, tampered, replayed …)
 *   link        the certificate is not linked to a registered person (or was superseded by a renewal)
 *   eligibility the person has no eligibility on that date (lost, not yet valid, no record …)
 *   input       the typed number or date is wrong (check digit, branch, birth date …)
 * Every verification leaves an audit event (action E), whatever its result, before the answer is returned.
 * Number input is limited per client, per card number and per request (probe-guard.ts).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import type { AuditOutcome } from '../../../platform/audit/audit-record.ts';
import { FhirError, badRequest, forbidden } from '../../../platform/fhir/errors.ts';
import { outcome } from '../../../platform/fhir/outcome.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import { japanDateOf, parseCalendarDate } from '../model/calendar-date.ts';
import { fingerprintOf } from './card/algorithms.ts';
import type { CardAssertion } from './card/card.ts';
import type { VerifiedCard } from './card/verifier.ts';
import { eligibilityByInsuranceNumber, eligibilityOn, type EligibilityDecision, type Eligible } from './eligibility-rules.ts';
import { ELIGIBILITY_REASON_SYSTEM, LIMIT_CATEGORY_SYSTEM, SPECIFIC_DISEASE_SYSTEM } from '../model/fhir-codes.ts';
import { numberKeyOf } from '../registry/fhir-mapping.ts';
import { bmpWithoutVariationSelectors, toDisplayable } from '../model/names.ts';
import { parseInsuredPersonNumber, PUBLIC_PAYER_NUMBER_SYSTEM } from '../model/numbers.ts';
import { FailureBudget } from './probe-guard.ts';
import { type ParamReader, RawJson, type OutParam } from '../../../platform/router/operations/parameters.ts';
import { LIMIT_CATEGORIES, SPECIFIC_DISEASES, recordKey, type EligibilityRecord } from '../model/record.ts';
import type { EligibilityRuntime } from '../model/runtime.ts';
import type { VisitMethod } from './visit-token.ts';
import { recordReception, type EligibilityAnswer } from './reception-history.ts';

export type Stage = 'card' | 'link' | 'eligibility' | 'input';

export interface ReceptionResult {
  ok: boolean;
  stage?: Stage;
  code: string;
  ja: string;
  en: string;
  visitDate: string;
  method: VisitMethod;
  /** Caller's reference for this entry (bulk pre-check). */
  ref?: string;
  patientId?: string;
  /** Visit token (a person was identified); consent at the reader needs a card visit. */
  visit?: string;
  patientJson?: string;
  coverageJson?: string;
  eligible?: Eligible;
  /** The record a refusal is about (the lost one, the future one). */
  record?: EligibilityRecord;
  coverageId?: string;
  card?: Pick<VerifiedCard, 'serial' | 'fingerprint' | 'cardId' | 'notAfter' | 'keyType'>;
  problems?: { field: string; ja: string; en: string }[];
  /** People registered under the number typed in, when it did not identify them (number input: wrong 枝番 or birth date, locked, repeated). */
  probed?: string[];
}

interface LookupRow {
  patient_key: string;
  patient: string | null;
  record: string | null;
  coverage_id: string | null;
  coverage: string | null;
}

const ELIGIBLE = { code: 'eligible', ja: '資格が確認できました', en: 'eligible' };

/** The caller must be a facility or pharmacy allowed to read Coverage. */
export function assertReception(platform: ServicePlatform, ctx: RequestContext): string {
  const p = ctx.principal;
  if ((p.kind !== 'facility' && p.kind !== 'pharmacy') || !p.facilityCode)
    throw forbidden('資格確認は医療機関・薬局のみが行えます', 'eligibility verification is for facilities and pharmacies');
  const scope = platform.policy.scopeDecision(ctx, 'Coverage', 'read');
  if (!scope.allow) throw forbidden(scope.ja, scope.en);
  return p.facilityCode;
}

function visitDateOf(params: ParamReader, now: Date): string {
  const given = params.string('visitDate');
  if (given === undefined || given === '') return japanDateOf(now);
  const d = parseCalendarDate(given);
  if (!d.ok) throw badRequest(`受診日：${d.ja}`, `visitDate: ${d.en}`, [params.path('visitDate')]);
  return d.value;
}

/**
 * One event per answer, in the identified person's log; a number typed that did not identify anyone it is
 * registered to (wrong 枝番 or birth date, locked, repeated in the request) is recorded in the log of each person
 * registered under it, so people see every attempt on their number.
 */
async function audit(rt: EligibilityRuntime, ctx: RequestContext, subtype: string, results: ReceptionResult[]): Promise<void> {
  const { platform } = rt;
  await rt.audit.write(
    results.flatMap((r) => {
      const outcomeCode: AuditOutcome = r.ok || r.stage === 'eligibility' ? '0' : '4';
      const entities = [...(r.patientId ? [`Patient/${r.patientId}`] : []), ...(r.coverageId ? [`Coverage/${r.coverageId}`] : [])];
      const extra = {
        outcomeDesc: `${r.code}${r.card ? ` (certificate ${r.card.serial})` : ''}${r.ref ? ` ref ${r.ref}` : ''}: ${r.en}`,
        purpose: 'COVERAGE',
      };
      const people = r.probed?.length ? r.probed : [r.patientId ?? ''];
      return people.map((pk) => platform.repo.auditRecord(ctx, 'E', subtype, outcomeCode, pk, pk && !r.patientId ? [`Patient/${pk}`] : entities, extra));
    }),
  );
}

/**
 * What a number-input refusal tells the caller: whether nothing is registered under the number, or the branch or the
 * birth date is wrong, is one answer — otherwise anyone at a reception desk could learn which numbers exist and then
 * try birth dates. The precise reason stays in the audit log.
 */
const NO_MATCH_CODES = new Set(['no-record', 'branch-mismatch', 'birthdate-mismatch']);
const NO_MATCH = {
  code: 'no-match',
  ja: '入力された保険者番号・記号・番号・枝番と生年月日に一致する資格情報はありません。券面と生年月日をご確認ください',
  en: 'no eligibility matches the insurer number, symbol, number, branch and birth date entered; check the card and the birth date',
};

/** The number has had too many failed lookups today (any client): the same answer whether anyone holds it. */
const TOO_MANY_ATTEMPTS = {
  code: 'too-many-attempts',
  ja: 'この番号への照会が多すぎます。マイナンバーカードで受付するか、時間をおいて再度お試しください',
  en: 'this number has had too many failed lookups; verify with the My Number card, or try again later',
};

/** An earlier entry of the same request has this number and 枝番 with another birth date. */
const REPEATED_NUMBER = {
  code: 'repeated-number',
  ja: 'この依頼には同じ番号・枝番で生年月日の異なる照会が先にあります（最初の照会だけを行いました）',
  en: 'an earlier entry of this request has the same number and branch with another birth date (only the first is looked up)',
};

function publicAnswer(r: ReceptionResult): ReceptionResult {
  return r.method !== 'card-pin' && r.method !== 'card-face' && NO_MATCH_CODES.has(r.code) ? { ...r, ...NO_MATCH, stage: 'input' } : r;
}

function fromDecision(
  decision: EligibilityDecision,
  base: Pick<ReceptionResult, 'visitDate' | 'method' | 'patientId' | 'ref'>,
  coverageOf: (r: EligibilityRecord) => { id: string | null; json: string | null },
): ReceptionResult {
  if (decision.ok) {
    const cov = coverageOf(decision.record);
    return { ok: true, ...ELIGIBLE, ...base, eligible: decision, coverageId: cov.id ?? undefined, coverageJson: cov.json ?? undefined };
  }
  const stage: Stage = ['invalid-number', 'invalid-date', 'branch-mismatch', 'birthdate-mismatch', 'ambiguous'].includes(decision.code)
    ? 'input'
    : 'eligibility';
  return {
    ok: false,
    stage,
    code: decision.code,
    ja: decision.ja,
    en: decision.en,
    ...base,
    record: decision.record,
    coverageId: decision.record ? (coverageOf(decision.record).id ?? undefined) : undefined,
    problems: decision.problems?.map((p) => ({ field: p.field, ja: p.ja, en: p.en })),
  };
}

/** `$verify-card`: the card's signed challenge → eligibility on the visit date. */
export async function verifyCard(rt: EligibilityRuntime, ctx: RequestContext, params: ParamReader, now = new Date()): Promise<ReceptionResult> {
  const { platform } = rt;
  const facility = assertReception(platform, ctx);
  const visitDate = visitDateOf(params, now);
  const assertion: CardAssertion = {
    challenge: params.requiredString('challenge', 'チャレンジ'),
    signature: params.requiredString('signature', 'カードの署名'),
    certificate: params.requiredString('certificate', '利用者証明用電子証明書'),
    chain: params.strings('chain'),
    method: params.requiredString('method', '本人確認の方法（pin / face）') as CardAssertion['method'],
  };
  // The person lookup (keyed by the certificate fingerprint) runs while the card is verified — the replay guard
  // and the lookup are two round trips in parallel, not in sequence. Its rows are used only if the card verifies.
  const certificateDer = typeof assertion.certificate === 'string' ? Buffer.from(assertion.certificate, 'base64') : undefined;
  const lookup = certificateDer?.length ? rt.reception.lookup(fingerprintOf(certificateDer), visitDate) : Promise.resolve([]);
  lookup.catch(() => undefined);
  const card = await rt.verifier.verify(assertion, { facilityCode: facility, now });
  const method: VisitMethod = assertion.method === 'face' ? 'card-face' : 'card-pin';
  let result: ReceptionResult;
  if (!card.ok) {
    result = { ok: false, stage: 'card', code: card.code, ja: card.ja, en: card.en, visitDate, method };
  } else {
    const cardInfo = { serial: card.serial, fingerprint: card.fingerprint, cardId: card.cardId, notAfter: card.notAfter, keyType: card.keyType };
    const rows = await lookup;
    const link = rows[0];
    if (!link || link.unlinked_at || link.superseded_by) {
      const superseded = !!link?.superseded_by;
      result = {
        ok: false,
        stage: 'link',
        code: superseded ? 'superseded' : 'not-linked',
        ja: superseded
          ? 'この電子証明書は更新済みです（新しい証明書で受付してください）'
          : 'このカードは資格情報と紐付けられていません（保険者による登録または初回の利用登録が必要です）',
        en: superseded
          ? 'this certificate has been renewed; use the card with its new certificate'
          : 'this card is not linked to any eligibility record (the insurer or the holder must register it first)',
        visitDate,
        method,
        card: cardInfo,
      };
    } else {
      const parsed = rows.filter((r) => r.record !== null).map((r) => ({ row: r, record: JSON.parse(r.record!) as EligibilityRecord }));
      const records = parsed.map((x) => x.record);
      const byKey = new Map(parsed.map((x) => [recordKey(x.record), x.row]));
      const patientId = link.patient_key;
      result = fromDecision(eligibilityOn(records, visitDate), { visitDate, method, patientId }, (rec) => {
        const row = byKey.get(recordKey(rec));
        return { id: row?.coverage_id ?? null, json: row?.coverage ?? null };
      });
      result.card = cardInfo;
      result.patientJson = link.patient ?? undefined;
      const issued = rt.visits.issue({ patientId, facilityCode: facility, visitDate, method }, now.getTime());
      result.visit = issued.token;
      if (result.ok && result.eligible)
        await recordReception(
          rt,
          { visitId: issued.visit.id, facilityCode: facility, patientId, method, visitDate, eligible: result.eligible, coverageId: result.coverageId },
          now,
        );
    }
  }
  await audit(rt, ctx, 'verify-card', [result]);
  return result;
}

export interface NumberQuery {
  ref?: string;
  insurerNumber: string;
  symbol?: string;
  number: string;
  branch?: string;
  birthDate: string;
  visitDate: string;
  method: VisitMethod;
}

function numberQueryOf(p: ParamReader, now: Date, ref?: string): NumberQuery {
  const source = p.string('source') ?? 'insurance-card';
  if (source !== 'insurance-card' && source !== 'eligibility-certificate')
    throw badRequest(
      `source は insurance-card か eligibility-certificate です（${source}）`,
      `source must be insurance-card or eligibility-certificate, got ${source}`,
      [p.path('source')],
    );
  return {
    ref,
    insurerNumber: p.requiredString('insurerNumber', '保険者番号'),
    symbol: p.string('symbol'),
    number: p.requiredString('number', '番号'),
    branch: p.string('branch'),
    birthDate: p.requiredString('birthDate', '生年月日'),
    visitDate: visitDateOf(p, now),
    method: source,
  };
}

/**
 * Refuses the whole request (429, Retry-After) when the client's number input of the last hour plus `entries`
 * exceeds its limit; nothing is looked up, and the refusal is audited.
 */
async function admitNumberInput(rt: EligibilityRuntime, ctx: RequestContext, subtype: string, entries: number, now: Date): Promise<void> {
  const quota = await rt.probes.reserve(ctx.principal.clientId, entries, now);
  if (quota.ok) return;
  const { platform } = rt;
  await rt.audit.write([
    platform.repo.auditRecord(ctx, 'E', subtype, '4', '', [], {
      outcomeDesc: `rate-limited: ${entries} number lookups refused (${quota.used} in the last hour, limit ${quota.limit})`,
      purpose: 'COVERAGE',
    }),
  ]);
  throw new FhirError(
    429,
    outcome([
      {
        severity: 'error',
        code: 'throttled',
        ja: `番号入力による照会が上限（1時間に ${quota.limit} 件）を超えます。${quota.retryAfterSeconds} 秒後に再度お試しください（マイナンバーカードでの受付は制限されません）`,
        en: `number lookups of this client would exceed ${quota.limit} per hour (${quota.used} used, ${entries} asked); retry after ${quota.retryAfterSeconds} s (card verification is not limited)`,
      },
    ]),
    { 'retry-after': String(quota.retryAfterSeconds) },
  );
}

interface NumberSlot {
  /** 保険者番号:記号:番号 — the failure counter. */
  numberKey: string;
  /** number key + 枝番 — one person's slot in a request. */
  slot: string;
  birthDate: string;
}

function refusal(q: NumberQuery, answer: { code: string; ja: string; en: string }, people: string[]): ReceptionResult {
  return { ok: false, stage: 'input', ...answer, visitDate: q.visitDate, method: q.method, ref: q.ref, ...(people.length ? { probed: people } : {}) };
}

/**
 * Number lookups for many queries in one round trip, in input order: an entry repeating an earlier one's number
 * and 枝番 with another birth date, or of a locked number (its failures, stored and of this request so far, reached
 * the limit), is answered without a decision; every other failed lookup counts against its number.
 */
async function lookupNumbers(rt: EligibilityRuntime, queries: NumberQuery[], now: Date): Promise<ReceptionResult[]> {
  const db = rt.platform.db;
  const slots = new Map<NumberQuery, NumberSlot | null>();
  const badBirthDates = new Map<NumberQuery, EligibilityDecision>();
  for (const q of queries) {
    const parsed = parseInsuredPersonNumber(q);
    const birth = parseCalendarDate(q.birthDate);
    slots.set(q, null);
    if (!parsed.ok) continue;
    if (!birth.ok) {
      badBirthDates.set(q, { ok: false, visitDate: q.visitDate, code: 'invalid-date', ja: `生年月日：${birth.ja}`, en: `birth date: ${birth.en}` });
      continue;
    }
    const numberKey = numberKeyOf({
      insurerNumber: parsed.value.insurer.value,
      symbol: parsed.value.symbol?.normalized ?? '',
      number: parsed.value.number.normalized,
    });
    slots.set(q, { numberKey, slot: `${numberKey}:${parsed.value.branch?.value ?? ''}`, birthDate: birth.value });
  }
  const wanted = [...new Set([...slots.values()].filter((k): k is NumberSlot => k !== null).map((k) => k.numberKey))];
  const budget = new FailureBudget(await rt.probes.failures(wanted, now), rt.probes.failuresPerDay);
  const byNumber = new Map<string, (LookupRow & { number_key: string; lost_on: string | null; acquired_on: string })[]>();
  if (wanted.length > 0) {
    const res = await db.query<LookupRow & { number_key: string; lost_on: string | null; acquired_on: string }>(
      `SELECT r.number_key, r.patient_key, r.record, r.coverage_id, r.acquired_on, r.lost_on,
              ${rt.platform.system.contentSql('Patient', 'r.patient_key')} AS patient,
              ${rt.platform.system.contentSql('Coverage', 'r.coverage_id')} AS coverage
         FROM unnest($1::text[]) AS q(number_key)
         CROSS JOIN LATERAL (SELECT * FROM elig_records r WHERE r.number_key = q.number_key) r`,
      [wanted],
      { name: 'elig_lookup_numbers' },
    );
    for (const row of res.rows) byNumber.set(row.number_key, [...(byNumber.get(row.number_key) ?? []), row]);
  }
  const peopleUnder = (numberKey: string) => [...new Set((byNumber.get(numberKey) ?? []).map((r) => r.patient_key))];
  const firstBirthDate = new Map<string, string>();
  const results = queries.map((q) => {
    const s = slots.get(q) ?? null;
    if (s) {
      const first = firstBirthDate.get(s.slot);
      if (first !== undefined && first !== s.birthDate) return refusal(q, REPEATED_NUMBER, peopleUnder(s.numberKey));
      firstBirthDate.set(s.slot, s.birthDate);
      if (budget.locked(s.numberKey)) return refusal(q, TOO_MANY_ATTEMPTS, peopleUnder(s.numberKey));
    }
    // A bad number or birth date is answered before any record is looked at (the answer must not depend on them).
    const rows = s ? (byNumber.get(s.numberKey) ?? []) : [];
    const withRecords = rows.map((r) => ({ row: r, record: JSON.parse(r.record!) as EligibilityRecord }));
    const decision =
      badBirthDates.get(q) ??
      eligibilityByInsuranceNumber(
        withRecords.map((x) => x.record),
        { insurerNumber: q.insurerNumber, symbol: q.symbol, number: q.number, branch: q.branch, birthDate: q.birthDate },
        q.visitDate,
      );
    if (s && !decision.ok && NO_MATCH_CODES.has(decision.code)) budget.fail(s.numberKey, `${s.slot}@${s.birthDate}`);
    const rowOf = (rec: EligibilityRecord) => withRecords.find((x) => recordKey(x.record) === recordKey(rec))?.row;
    // The person is identified when the number, branch and birth date matched (eligible, or lost / not yet valid).
    const person = decision.ok
      ? rowOf(decision.record)
      : decision.record && (decision.code === 'lost' || decision.code === 'not-yet-valid')
        ? rowOf(decision.record)
        : undefined;
    const probed =
      !decision.ok && (decision.code === 'branch-mismatch' || decision.code === 'birthdate-mismatch')
        ? [...new Set(rows.map((r) => r.patient_key))]
        : undefined;
    const result = fromDecision(decision, { visitDate: q.visitDate, method: q.method, ref: q.ref, patientId: person?.patient_key }, (rec) => {
      const row = rowOf(rec);
      const covers = row && row.acquired_on <= q.visitDate && (row.lost_on === null || q.visitDate < row.lost_on);
      return { id: row?.coverage_id ?? null, json: covers ? row.coverage : null };
    });
    if (person) result.patientJson = person.patient ?? undefined;
    if (probed) result.probed = probed;
    return result;
  });
  await rt.probes.recordFailures(budget.added, now);
  return results;
}

/** `$verify-insurance`: 保険証・資格確認書の番号入力 + 生年月日 → eligibility on the visit date. */
export async function verifyInsuranceNumber(rt: EligibilityRuntime, ctx: RequestContext, params: ParamReader, now = new Date()): Promise<ReceptionResult> {
  const facility = assertReception(rt.platform, ctx);
  const query = numberQueryOf(params, now);
  await admitNumberInput(rt, ctx, 'verify-insurance', 1, now);
  const [result] = await lookupNumbers(rt, [query], now);
  if (result.patientId) {
    const issued = rt.visits.issue({ patientId: result.patientId, facilityCode: facility, visitDate: query.visitDate, method: query.method }, now.getTime());
    result.visit = issued.token;
    if (result.ok && result.eligible)
      await recordReception(
        rt,
        {
          visitId: issued.visit.id,
          facilityCode: facility,
          patientId: result.patientId,
          method: query.method,
          visitDate: query.visitDate,
          eligible: result.eligible,
          coverageId: result.coverageId,
        },
        now,
      );
  }
  await audit(rt, ctx, 'verify-insurance', [result]);
  return result;
}

export const MAX_PRECHECK = 1000;

/** `$bulk-precheck` (一括照会): eligibility of many booked patients by number + birth date. */
export async function bulkPrecheck(rt: EligibilityRuntime, ctx: RequestContext, params: ParamReader, now = new Date()): Promise<ReceptionResult[]> {
  assertReception(rt.platform, ctx);
  const entries = params.parts('entry');
  if (entries.length === 0) throw badRequest('照会する患者（entry）がありません', 'no entry to check', [params.path('entry')]);
  if (entries.length > MAX_PRECHECK)
    throw badRequest(
      `一度に照会できるのは ${MAX_PRECHECK} 件までです（${entries.length} 件）`,
      `at most ${MAX_PRECHECK} entries per request (got ${entries.length})`,
      [params.path('entry')],
    );
  const queries = entries.map((e, i) => numberQueryOf(e, now, e.string('ref') ?? String(i + 1)));
  await admitNumberInput(rt, ctx, 'bulk-precheck', queries.length, now);
  const results = await lookupNumbers(rt, queries, now);
  await audit(rt, ctx, 'bulk-precheck', results);
  return results;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

export interface OutputOptions {
  /** `bmp`: add displayName with ● for characters outside the BMP or with variation selectors (names stay exact). */
  nameDisplay?: 'exact' | 'bmp';
  /** Embed the Patient and Coverage resources (default true; false in the bulk pre-check). */
  resources?: boolean;
}

/** The eligibility parts of an answer (also of a kept reception, $reception-history). */
export function eligibilityParts(e: EligibilityAnswer): OutParam[] {
  const r = e.record;
  return [
    { name: 'insurerNumber', valueString: r.insurerNumber },
    ...(r.symbol ? [{ name: 'symbol', valueString: r.symbol }] : []),
    { name: 'number', valueString: r.number },
    ...(r.branch ? [{ name: 'branch', valueString: r.branch }] : []),
    { name: 'relationship', valueCode: r.relationship },
    { name: 'acquiredOn', valueDate: r.acquiredOn },
    ...(r.lostOn ? [{ name: 'lostOn', valueDate: r.lostOn }] : []),
    { name: 'copayRatio', valueInteger: e.copayRatio },
    ...(r.limitCategory
      ? [{ name: 'limitCategory', valueCoding: { system: LIMIT_CATEGORY_SYSTEM, code: r.limitCategory, display: LIMIT_CATEGORIES[r.limitCategory].ja } }]
      : []),
    ...(e.elderly ? [{ name: 'elderlyCopayRatio', valueInteger: e.elderly.copayRatio }] : []),
    ...e.specificDiseases.map((d) => ({
      name: 'specificDisease',
      part: [
        { name: 'disease', valueCoding: { system: SPECIFIC_DISEASE_SYSTEM, code: d.code, display: SPECIFIC_DISEASES[d.code].ja } },
        { name: 'monthlyLimit', valueMoney: { value: d.monthlyLimitYen, currency: 'JPY' } },
      ],
    })),
    ...e.publicExpenses.map((p) => ({
      name: 'publicExpense',
      part: [
        { name: 'payer', valueIdentifier: { system: PUBLIC_PAYER_NUMBER_SYSTEM, value: p.payerNumber } },
        { name: 'recipient', valueString: p.recipientNumber },
        ...(p.validTo ? [{ name: 'validTo', valueDate: p.validTo }] : []),
      ],
    })),
    ...(e.alsoValid.length ? [{ name: 'alsoValid', valueString: e.alsoValid.map((a) => recordKey(a)).join(' ') }] : []),
  ];
}

function displayName(patientJson: string | undefined): string | undefined {
  if (!patientJson) return undefined;
  const p = JSON.parse(patientJson) as { name?: { family?: string; given?: string[] }[] };
  const n = p.name?.[0];
  if (!n) return undefined;
  return toDisplayable([n.family ?? '', ...(n.given ?? [])].join(' '), bmpWithoutVariationSelectors);
}

/** The parts of one result (used alone, or inside an `entry` of the bulk answer). */
export function resultParts(answer: ReceptionResult, options: OutputOptions = {}): OutParam[] {
  const r = publicAnswer(answer);
  const withResources = options.resources ?? true;
  return [
    ...(r.ref !== undefined ? [{ name: 'ref', valueString: r.ref }] : []),
    { name: 'result', valueBoolean: r.ok },
    { name: 'code', valueCoding: { system: ELIGIBILITY_REASON_SYSTEM, code: r.code, display: r.ja } },
    ...(r.stage ? [{ name: 'stage', valueCode: r.stage }] : []),
    { name: 'message', valueString: r.ja },
    { name: 'diagnostics', valueString: r.en },
    { name: 'visitDate', valueDate: r.visitDate },
    { name: 'method', valueCode: r.method },
    ...(r.visit ? [{ name: 'visit', valueString: r.visit }] : []),
    ...(r.patientId ? [{ name: 'patientReference', valueReference: { reference: `Patient/${r.patientId}` } }] : []),
    ...(withResources && r.patientJson ? [{ name: 'patient', resource: new RawJson(r.patientJson) }] : []),
    ...(options.nameDisplay === 'bmp' && r.patientJson ? [{ name: 'displayName', valueString: displayName(r.patientJson) }] : []),
    ...(withResources && r.coverageJson ? [{ name: 'coverage', resource: new RawJson(r.coverageJson) }] : []),
    ...(!withResources && r.coverageId && r.ok ? [{ name: 'coverageReference', valueReference: { reference: `Coverage/${r.coverageId}` } }] : []),
    ...(r.eligible ? [{ name: 'eligibility', part: eligibilityParts(r.eligible) }] : []),
    ...(r.record && !r.ok ? [{ name: 'recordConcerned', valueString: recordKey(r.record) }] : []),
    ...(r.card ? [{ name: 'certificateSerial', valueString: r.card.serial }] : []),
    ...(!r.ok
      ? [
          {
            name: 'outcome',
            resource: outcome(
              r.problems?.length
                ? r.problems.map((p) => ({
                    severity: 'error' as const,
                    code: 'invalid' as const,
                    ja: p.ja,
                    en: p.en,
                    expression: [`Parameters.parameter.where(name='${p.field}')`],
                  }))
                : [
                    {
                      severity: 'error',
                      code: r.stage === 'card' ? 'security' : r.code === TOO_MANY_ATTEMPTS.code ? 'throttled' : r.stage === 'input' ? 'invalid' : 'not-found',
                      ja: r.ja,
                      en: r.en,
                    },
                  ],
            ),
          },
        ]
      : []),
  ];
}

/** The output parameters of $bulk-precheck: counts, then one entry of parts per booked patient, in order. */
export function bulkParts(results: ReceptionResult[], options: OutputOptions = {}): OutParam[] {
  const ok = results.filter((r) => r.ok).length;
  return [
    { name: 'total', valueInteger: results.length },
    { name: 'eligible', valueInteger: ok },
    { name: 'ineligible', valueInteger: results.length - ok },
    ...results.map((r) => ({ name: 'entry', part: resultParts(r, { ...options, resources: false }) })),
  ];
}
