/**
 * Consent at the reader (閲覧同意): after identification with the My Number card, the patient chooses on the
 * reader, per category, whether this facility may view their information:
 *   medication  「診療＋お薬＋アレルギー等＋検査」 (medication and treatment information, allergies, labs, prescriptions)
 *   surgery     「傷病名＋手術情報＋感染症」 (surgery, diagnoses and infections)
 *   checkup     健診情報 (health check-ups)
 * (MISSION.md S3: the EHR-shared 6 information have no category of their own; they are viewed under these groups.)
 * This module checks the reception side — a card visit of this facility, within its time, the choices and their
 * validity (outpatient: 24 hours from the consent, as the national system; inpatient / home care: until the stated
 * end of the stay, at most a year) — and records each choice through the platform's consent capability
 * (src/platform/consent: a JP_Consent resource, a row, an access grant of the category for a permit; a later choice
 * of the same category at the same facility replaces the earlier one). Revocation goes there too.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { CONSENT_CATEGORY_CODES, type ConsentCategory } from '../../../platform/consent/categories.ts';
import type { RecordedConsent } from '../../../platform/consent/consents.ts';
import { badRequest, forbidden } from '../../../platform/fhir/errors.ts';
import type { ParamReader } from '../../../platform/router/operations/parameters.ts';
import { parseCalendarDate } from '../model/calendar-date.ts';
import type { EligibilityRuntime } from '../model/runtime.ts';
import { recordReceptionConsent } from '../reception/reception-history.ts';

export type ConsentSetting = 'outpatient' | 'inpatient' | 'home-care';

/** Outpatient consent lasts 24 hours (the national system's rule for reader consent). */
export const OUTPATIENT_CONSENT_MS = 24 * 3600_000;
/** Upper bound of an inpatient / home-care consent. */
export const MAX_STAY_CONSENT_DAYS = 366;

/** End of a Japan-time calendar day as an instant. */
function endOfJapanDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00+09:00`) + 24 * 3600_000);
}

/** `$reader-consent`: the patient's choices at the reader after a card visit. */
export async function recordReaderConsent(rt: EligibilityRuntime, ctx: RequestContext, params: ParamReader, now = new Date()): Promise<RecordedConsent[]> {
  const { platform } = rt;
  const p = ctx.principal;
  if ((p.kind !== 'facility' && p.kind !== 'pharmacy') || !p.facilityCode)
    throw forbidden('閲覧同意は医療機関・薬局のカードリーダーで記録します', 'reader consent is recorded by facilities and pharmacies');
  const checked = rt.visits.check(params.requiredString('visit', '受付情報（visit）'), p.facilityCode, now.getTime());
  if (!checked.ok) throw badRequest(checked.ja, checked.en, [params.path('visit')]);
  const visit = checked.visit;
  if (visit.method !== 'card-pin' && visit.method !== 'card-face')
    throw badRequest(
      '閲覧同意はマイナンバーカードで本人確認した受付でのみ記録できます',
      'consent can only be recorded for a visit identified with the My Number card',
      [params.path('visit')],
    );
  const choices: { category: ConsentCategory; decision: 'permit' | 'deny' }[] = [];
  for (const category of CONSENT_CATEGORY_CODES) {
    const v = params.boolean(category);
    if (v !== undefined) choices.push({ category, decision: v ? 'permit' : 'deny' });
  }
  if (choices.length === 0)
    throw badRequest(
      `同意の選択がありません（${CONSENT_CATEGORY_CODES.join(' / ')} を true / false で指定）`,
      `no choice given: set ${CONSENT_CATEGORY_CODES.join(', ')} to true or false`,
    );
  const setting = (params.string('setting') ?? 'outpatient') as ConsentSetting;
  if (!['outpatient', 'inpatient', 'home-care'].includes(setting))
    throw badRequest(
      `setting は outpatient / inpatient / home-care です（${setting}）`,
      `setting must be outpatient, inpatient or home-care (got ${setting})`,
      [params.path('setting')],
    );
  let validTo = new Date(now.getTime() + OUTPATIENT_CONSENT_MS);
  let untilDate: string | undefined;
  if (setting !== 'outpatient') {
    const until = params.requiredString('until', '入院・在宅の終了予定日');
    const d = parseCalendarDate(until);
    if (!d.ok) throw badRequest(`終了予定日：${d.ja}`, `until: ${d.en}`, [params.path('until')]);
    untilDate = d.value;
    validTo = endOfJapanDay(d.value);
    if (validTo <= now) throw badRequest('終了予定日が過去の日付です', 'until is in the past', [params.path('until')]);
    if (validTo.getTime() - now.getTime() > MAX_STAY_CONSENT_DAYS * 86400_000)
      throw badRequest(`同意の有効期間は最長 ${MAX_STAY_CONSENT_DAYS} 日です`, `a consent lasts at most ${MAX_STAY_CONSENT_DAYS} days`, [params.path('until')]);
  }
  const recipient = { kind: p.kind, code: p.facilityCode, name: p.name };
  const recorded = await platform.repo.transaction(
    async (session) => {
      const recorded: RecordedConsent[] = [];
      for (const choice of choices)
        recorded.push(
          await platform.consent.record(session, ctx, {
            patientId: visit.patientId,
            recipient,
            ...choice,
            validFrom: now,
            validTo,
            policy: setting,
            visitId: visit.id,
          }),
        );
      return recorded;
    },
    { trusted: true },
  );
  // The choices join the visit's reception in the facility's reception history (reception-history.ts).
  await recordReceptionConsent(
    rt,
    { id: visit.id, facilityCode: p.facilityCode },
    {
      ...Object.fromEntries(choices.map((c) => [c.category, c.decision === 'permit'])),
      setting,
      until: untilDate ?? null,
    },
    now,
  );
  return recorded;
}

/** Withdraws a consent: the patient (their own, e.g. from the portal) or the facility that recorded it. */
export function revokeConsent(rt: EligibilityRuntime, ctx: RequestContext, consentId: string, now = new Date()): Promise<string> {
  return rt.platform.consent.revoke(ctx, consentId, now);
}
