/**
 * Consent at the reader (閲覧同意): after identification with the My Number card, the patient chooses on the
 * reader, per category, whether this facility may view their information:
 *   medication  薬剤情報・診療情報 (receipt-based medication and treatment information, except surgery)
 *   surgery     手術情報 (asked separately)
 *   checkup     健診情報 (specific health check-ups)
 *   ehr6        電子カルテ情報 (the 6 information of the EHR sharing service)
 * Each choice is a FHIR Consent (JP_Consent): scope patient-privacy, the category as a second category coding
 * and as provision.securityLabel, provision.actor = the facility by 医療機関コード, provision.period = validity
 * (outpatient: 24 hours from the consent, as the national system; inpatient / home care: until the stated end of
 * the stay, at most a year), the visit in an extension. A later choice of the same category at the same
 * facility replaces the earlier one (set inactive).
 *
 * Data of a category carry the security label { CONSENT_CATEGORY_SYSTEM, category } in meta.security. A permitting
 * choice becomes an access grant (src/platform/access/grants.ts) of that label to the facility for the consent's
 * validity; a later choice, a revocation or the end of the period ends it. The platform decides every read of another
 * registrant's labelled data from those grants (in SQL for searches), so facilities and pharmacies read it only
 * with a permitting consent. Services that need the reason of a refusal (the consented views, later e-prescription
 * and sharing) ask `consentDecision`; the emergency workflow (S8) writes its own time-limited grants.
 */
import { ownerKey, type RequestContext } from '../../platform/auth/principal.ts';
import { newId } from '../../platform/fhir/ids.ts';
import { badRequest, forbidden, notFound } from '../../platform/fhir/errors.ts';
import type { PlatformParts } from '../../platform/platform.ts';
import type { Queryable } from '../../platform/storage/database.ts';
import type { WriteSession } from '../../platform/store/repository.ts';
import { parseCalendarDate } from './calendar-date.ts';
import {
  CONSENT_CATEGORIES,
  CONSENT_CATEGORY_CODES,
  CONSENT_CATEGORY_SYSTEM,
  ELIGIBILITY_EXT,
  JP_PROFILE,
  MANAGED_TAG,
  TSUNAGU_CANONICAL,
  VISIT_ID_SYSTEM,
  securityLabel,
  type ConsentCategory,
} from './fhir-codes.ts';
import { FACILITY_CODE_SYSTEM } from './numbers.ts';
import type { ParamReader } from '../../platform/router/operations/parameters.ts';
import type { EligibilityRuntime } from './runtime.ts';

export type ConsentSetting = 'outpatient' | 'inpatient' | 'home-care';

/** Outpatient consent lasts 24 hours (the national system's rule for reader consent). */
export const OUTPATIENT_CONSENT_MS = 24 * 3600_000;
/** Upper bound of an inpatient / home-care consent. */
export const MAX_STAY_CONSENT_DAYS = 366;

export type ConsentAnswer =
  | { allow: true; consentId: string; validTo: Date }
  | { allow: false; code: 'no-consent' | 'declined' | 'expired' | 'revoked'; consentId?: string; ja: string; en: string };

interface ConsentRow {
  consent_id: string;
  decision: string;
  valid_from: Date;
  valid_to: Date;
  revoked_at: Date | null;
}

/**
 * THE consent question every service asks: may `facilityCode` view `category` data of `patientId` at `at`?
 * The latest choice of that category at that facility decides; it must permit, cover `at` and not be revoked.
 */
export async function consentDecision(
  db: Queryable,
  q: { patientId: string; facilityCode: string; category: ConsentCategory; at?: Date },
): Promise<ConsentAnswer> {
  const at = q.at ?? new Date();
  const res = await db.query<ConsentRow>(
    `SELECT consent_id, decision, valid_from, valid_to, revoked_at FROM elig_consents
      WHERE patient_key = $1 AND facility_code = $2 AND category = $3 AND recorded <= $4
      ORDER BY recorded DESC LIMIT 1`,
    [q.patientId, q.facilityCode, q.category, at.toISOString()],
    { name: 'elig_consent_decision' },
  );
  const label = CONSENT_CATEGORIES[q.category];
  const row = res.rows[0];
  if (!row)
    return {
      allow: false,
      code: 'no-consent',
      ja: `${label.ja}の閲覧について、この医療機関での本人の同意がありません`,
      en: `the patient has not consented to this facility viewing ${label.en}`,
    };
  if (row.revoked_at && new Date(row.revoked_at) <= at)
    return { allow: false, code: 'revoked', consentId: row.consent_id, ja: `${label.ja}の閲覧同意は取り消されています`, en: `consent to view ${label.en} was revoked` };
  if (row.decision !== 'permit')
    return { allow: false, code: 'declined', consentId: row.consent_id, ja: `本人が${label.ja}の閲覧に同意しませんでした`, en: `the patient declined viewing of ${label.en}` };
  if (at < new Date(row.valid_from) || at >= new Date(row.valid_to))
    return {
      allow: false,
      code: 'expired',
      consentId: row.consent_id,
      ja: `${label.ja}の閲覧同意の有効期間が過ぎています。もう一度カードリーダーで同意を取得してください`,
      en: `the consent to view ${label.en} has expired; ask the patient again at the reader`,
    };
  return { allow: true, consentId: row.consent_id, validTo: new Date(row.valid_to) };
}

/** The grant source of a consent (its grant ends when the consent does). */
export const consentGrantSource = (consentId: string) => `eligibility:consent:${consentId}`;

// ---------------------------------------------------------------------------------------------
// Recording consent at the reader
// ---------------------------------------------------------------------------------------------

export interface RecordedConsent {
  consentId: string;
  category: ConsentCategory;
  decision: 'permit' | 'deny';
  validFrom: Date;
  validTo: Date;
  content: string;
}

export function consentResource(o: {
  id: string;
  patientId: string;
  facilityCode: string;
  facilityName: string;
  category: ConsentCategory;
  decision: 'permit' | 'deny';
  validFrom: Date;
  validTo: Date;
  visitId: string;
  setting: ConsentSetting;
}) {
  const label = CONSENT_CATEGORIES[o.category];
  return {
    resourceType: 'Consent',
    id: o.id,
    meta: { profile: [JP_PROFILE.consent], tag: [MANAGED_TAG] },
    extension: [{ url: ELIGIBILITY_EXT.visit, valueIdentifier: { system: VISIT_ID_SYSTEM, value: o.visitId } }],
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [
      { coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] },
      { coding: [{ system: CONSENT_CATEGORY_SYSTEM, code: o.category, display: label.ja }], text: label.ja },
    ],
    patient: { reference: `Patient/${o.patientId}` },
    dateTime: o.validFrom.toISOString(),
    performer: [{ reference: `Patient/${o.patientId}` }],
    organization: [{ identifier: { system: FACILITY_CODE_SYSTEM, value: o.facilityCode }, display: o.facilityName }],
    policy: [{ uri: `${TSUNAGU_CANONICAL}/policy/reader-consent/${o.setting}` }],
    provision: {
      type: o.decision,
      period: { start: o.validFrom.toISOString(), end: o.validTo.toISOString() },
      actor: [
        {
          role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] },
          reference: { identifier: { system: FACILITY_CODE_SYSTEM, value: o.facilityCode }, display: o.facilityName },
        },
      ],
      action: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] }],
      securityLabel: [securityLabel(o.category)],
      purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }],
    },
  };
}

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
    throw badRequest(`setting は outpatient / inpatient / home-care です（${setting}）`, `setting must be outpatient, inpatient or home-care (got ${setting})`, [params.path('setting')]);
  let validTo = new Date(now.getTime() + OUTPATIENT_CONSENT_MS);
  if (setting !== 'outpatient') {
    const until = params.requiredString('until', '入院・在宅の終了予定日');
    const d = parseCalendarDate(until);
    if (!d.ok) throw badRequest(`終了予定日：${d.ja}`, `until: ${d.en}`, [params.path('until')]);
    validTo = endOfJapanDay(d.value);
    if (validTo <= now) throw badRequest('終了予定日が過去の日付です', 'until is in the past', [params.path('until')]);
    if (validTo.getTime() - now.getTime() > MAX_STAY_CONSENT_DAYS * 86400_000)
      throw badRequest(`同意の有効期間は最長 ${MAX_STAY_CONSENT_DAYS} 日です`, `a consent lasts at most ${MAX_STAY_CONSENT_DAYS} days`, [params.path('until')]);
  }
  const recorded: RecordedConsent[] = [];
  await platform.db.transaction(async (tx) => {
    const session: WriteSession = { tx, audits: [], trusted: true };
    // Earlier active choices of the same categories at this facility are replaced.
    const previous = await tx.query<{ consent_id: string }>(
      `SELECT consent_id FROM elig_consents WHERE patient_key = $1 AND facility_code = $2 AND category = ANY($3::text[]) AND revoked_at IS NULL AND valid_to > $4`,
      [visit.patientId, p.facilityCode, choices.map((c) => c.category), now.toISOString()],
    );
    for (const row of previous.rows) {
      await setConsentInactive(platform, ctx, session, row.consent_id);
      await platform.grants.end(tx, consentGrantSource(row.consent_id), now);
    }
    if (previous.rows.length)
      await tx.query('UPDATE elig_consents SET revoked_at = $2 WHERE consent_id = ANY($1::text[])', [previous.rows.map((r) => r.consent_id), now.toISOString()]);
    for (const choice of choices) {
      const id = newId();
      const body = consentResource({
        id,
        patientId: visit.patientId,
        facilityCode: p.facilityCode!,
        facilityName: p.name,
        category: choice.category,
        decision: choice.decision,
        validFrom: now,
        validTo,
        visitId: visit.id,
        setting,
      });
      const written = await platform.repo.create(ctx, body, { session, id });
      await tx.query(
        `INSERT INTO elig_consents (consent_id, patient_key, facility_code, category, decision, valid_from, valid_to, visit_id, recorded)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, visit.patientId, p.facilityCode, choice.category, choice.decision, now.toISOString(), validTo.toISOString(), visit.id, now.toISOString()],
      );
      if (choice.decision === 'permit')
        await platform.grants.put(tx, consentGrantSource(id), [
          { grantee: ownerKey(p), patientKey: visit.patientId, label: securityLabel(choice.category), validFrom: now, validTo, basis: `Consent/${id}` },
        ]);
      recorded.push({ consentId: id, category: choice.category, decision: choice.decision, validFrom: now, validTo, content: written.stored.content! });
    }
    await platform.chains.appendBatch(tx, session.audits);
  });
  return recorded;
}

async function setConsentInactive(platform: PlatformParts, ctx: RequestContext, session: WriteSession, consentId: string): Promise<void> {
  const current = await platform.repo.loadCurrent(session.tx, 'Consent', consentId, true);
  if (!current || current.deleted) return;
  const body = JSON.parse(current.content!) as Record<string, unknown>;
  if (body.status === 'inactive') return;
  await platform.repo.update(ctx, 'Consent', consentId, { ...body, status: 'inactive' }, { session });
}

/** Withdraws a consent: the patient (their own, e.g. from the portal) or the facility that recorded it. */
export async function revokeConsent(rt: EligibilityRuntime, ctx: RequestContext, consentId: string, now = new Date()): Promise<string> {
  const { platform } = rt;
  const res = await platform.db.query<{ patient_key: string; facility_code: string; revoked_at: Date | null }>(
    'SELECT patient_key, facility_code, revoked_at FROM elig_consents WHERE consent_id = $1',
    [consentId],
  );
  const row = res.rows[0];
  if (!row) throw notFound(`Consent/${consentId}`);
  const p = ctx.principal;
  const allowed =
    (p.kind === 'patient' && p.patientId === row.patient_key) ||
    ((p.kind === 'facility' || p.kind === 'pharmacy') && p.facilityCode === row.facility_code) ||
    p.kind === 'operator';
  if (!allowed) throw await platform.repo.deny(ctx, 'update', row.patient_key, `Consent/${consentId}`, 'この同意を取り消す権限がありません', 'not allowed to revoke this consent');
  let content = '';
  await platform.db.transaction(async (tx) => {
    const session: WriteSession = { tx, audits: [], trusted: true };
    await setConsentInactive(platform, ctx, session, consentId);
    await tx.query('UPDATE elig_consents SET revoked_at = COALESCE(revoked_at, $2) WHERE consent_id = $1', [consentId, now.toISOString()]);
    await platform.grants.end(tx, consentGrantSource(consentId), now);
    await platform.chains.appendBatch(tx, session.audits);
    content = (await platform.repo.loadCurrent(tx, 'Consent', consentId))?.content ?? '';
  });
  return content;
}
