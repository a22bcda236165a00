/**
 * 受付の資格確認の履歴 (reception history): every successful reception of a facility or pharmacy — `$verify-card`
 * (card-pin / card-face) and `$verify-insurance` (insurance-card / eligibility-certificate) that found the person
 * eligible — is kept with the eligibility the facility was answered (a snapshot: a later change of the record does
 * not rewrite what the desk was told), and the consent choices made at the reader for that visit. The facility reads
 * back ITS OWN receptions only (`$reception-history`), of the last RECEPTION_HISTORY_DAYS days: as the national
 * system lets a facility re-obtain its own past results, so the doctor's PC sees what the desk's PC received.
 *
 * Not receptions, so not kept: `$bulk-precheck` (一括照会, a check of booked patients before they come: no visit),
 * refusals (nobody was received; the audit log has them), and answers that identified a person without eligibility
 * (lost, not yet valid: the desk must re-check them).
 *
 * What another facility, a patient, an insurer or anyone else asks is answered as if there were none / refused: a
 * facility's query is always limited to its own facility code in SQL, so another facility's receptions cannot appear
 * whatever the parameters; non-facility callers are refused (403, audited).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { badRequest } from '../../../platform/fhir/errors.ts';
import { isValidId } from '../../../platform/fhir/references.ts';
import type { OutParam, ParamReader } from '../../../platform/router/operations/parameters.ts';
import { addDays, japanDateOf, parseCalendarDate } from '../model/calendar-date.ts';
import { kanaMatchKey, nameSearchKey } from '../model/names.ts';
import type { EligibilityRecord } from '../model/record.ts';
import type { EligibilityRuntime } from '../model/runtime.ts';
import type { Eligible } from './eligibility-rules.ts';
import type { VisitMethod } from './visit-token.ts';

/** How far back a facility may read its receptions: those done today and in the 92 days before (Japan time) — 3 months. */
export const RECEPTION_HISTORY_DAYS = 92;
export const RECEPTION_HISTORY_MAX_COUNT = 100;
export const RECEPTION_HISTORY_DEFAULT_COUNT = 50;

type AnsweredRecord = Omit<EligibilityRecord, 'personLinkKey'>;

/** The eligibility as answered at reception (what eligibilityParts writes). */
export interface EligibilityAnswer {
  record: AnsweredRecord;
  copayRatio: Eligible['copayRatio'];
  elderly: Eligible['elderly'];
  specificDiseases: Eligible['specificDiseases'];
  publicExpenses: Eligible['publicExpenses'];
  alsoValid: Pick<EligibilityRecord, 'insurerNumber' | 'symbol' | 'number' | 'branch' | 'acquiredOn'>[];
}

export interface ReaderChoices {
  medication?: boolean;
  surgery?: boolean;
  checkup?: boolean;
  setting?: string;
  until?: string | null;
  recordedAt: string;
}

/**
 * Old-style kanji common in registered names folded to the everyday form for the loose search only (the name is
 * stored and shown as registered): 「高橋」 finds 髙橋, 「山崎」 finds 山﨑.
 */
const VARIANTS: Record<string, string> = { 髙: '高', 﨑: '崎', 𠮷: '吉', 邉: '辺', 邊: '辺', 齋: '斎', 齊: '斉', 濵: '浜', 德: '徳', 槇: '槙' };

/** The loose search key of a name or a query: NFKC, no spaces or variation selectors, hiragana → katakana, variants folded. */
export function searchKeyOf(text: string): string {
  return [...kanaMatchKey(nameSearchKey(text))].map((c) => VARIANTS[c] ?? c).join('');
}

function withoutLinkKey(r: EligibilityRecord): AnsweredRecord {
  const { personLinkKey: _omit, ...rest } = r;
  return rest;
}

interface ReceptionRowIn {
  id: string;
  facility: string;
  patient: string;
  at: string;
  visitDate: string;
  method: string;
  key: string;
  birthDate: string;
  coverage: string | null;
  snapshot: string;
}

/**
 * The reception rows, written in batches: the rows of every verification answered in the same turn of the event
 * loop (and those arriving while a batch is being written) go into one INSERT — one round trip and commit for
 * the batch, as the replay guard does (challenge-store.ts), so keeping the history costs reception little.
 */
export class ReceptionLog {
  private queue: { row: ReceptionRowIn; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = false;

  constructor(private readonly db: EligibilityRuntime['platform']['db']) {}

  add(row: ReceptionRowIn): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.scheduled && !this.inFlight) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
    });
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 500);
        const col = <K extends keyof ReceptionRowIn>(k: K) => batch.map((b) => b.row[k]);
        try {
          await this.db.query(
            `INSERT INTO elig_receptions (reception_id, facility_code, patient_key, received_at, visit_date, method, search_key, birth_date, coverage_id, snapshot)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
             ON CONFLICT (reception_id) DO NOTHING`,
            [
              col('id'),
              col('facility'),
              col('patient'),
              col('at'),
              col('visitDate'),
              col('method'),
              col('key'),
              col('birthDate'),
              col('coverage'),
              col('snapshot'),
            ],
            { name: 'elig_reception_insert' },
          );
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.inFlight = false;
    }
  }

  /** Resolves when nothing is queued or being written (shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight || this.scheduled) await new Promise((r) => setTimeout(r, 5));
  }
}

/** Keeps a successful reception (called by $verify-card / $verify-insurance after the answer is decided). */
export async function recordReception(
  rt: EligibilityRuntime,
  entry: { visitId: string; facilityCode: string; patientId: string; method: VisitMethod; visitDate: string; eligible: Eligible; coverageId?: string },
  now: Date,
): Promise<void> {
  const e = entry.eligible;
  const r = e.record;
  const snapshot: EligibilityAnswer = {
    record: withoutLinkKey(r),
    copayRatio: e.copayRatio,
    elderly: e.elderly,
    specificDiseases: e.specificDiseases,
    publicExpenses: e.publicExpenses,
    alsoValid: e.alsoValid.map((a) => ({ insurerNumber: a.insurerNumber, symbol: a.symbol, number: a.number, branch: a.branch, acquiredOn: a.acquiredOn })),
  };
  await rt.receptions.add({
    id: entry.visitId,
    facility: entry.facilityCode,
    patient: entry.patientId,
    at: now.toISOString(),
    visitDate: entry.visitDate,
    method: entry.method,
    key: `${searchKeyOf(`${r.familyName}${r.givenName}`)} ${searchKeyOf(`${r.familyNameKana}${r.givenNameKana}`)}`,
    birthDate: r.birthDate,
    coverage: entry.coverageId ?? null,
    snapshot: JSON.stringify(snapshot),
  });
}

/** Adds the reader choices of a visit to its reception (a later choice of a category replaces the earlier one). */
export async function recordReceptionConsent(
  rt: EligibilityRuntime,
  visit: { id: string; facilityCode: string },
  choices: Omit<ReaderChoices, 'recordedAt'>,
  now: Date,
): Promise<void> {
  // One statement: a later choice of a category replaces the earlier one (jsonb ||), the others stay.
  const merged: ReaderChoices = { ...choices, recordedAt: now.toISOString() };
  await rt.platform.db.query(
    `UPDATE elig_receptions SET consent = (COALESCE(consent::jsonb, '{}'::jsonb) || $1::jsonb)::text WHERE reception_id = $2 AND facility_code = $3`,
    [JSON.stringify(merged), visit.id, visit.facilityCode],
    { name: 'elig_reception_consent' },
  );
}

export interface HistoryQuery {
  facilityCode: string;
  date?: string;
  patient?: string;
  name?: string;
  birthdate?: string;
  count: number;
  cursor?: { at: string; id: string };
}

function dateParam(params: ParamReader, name: string): string | undefined {
  const v = params.string(name);
  if (v === undefined) return undefined;
  const d = parseCalendarDate(v.trim());
  if (!d.ok) throw badRequest(`${name}：${d.ja}`, `${name}: ${d.en}`, [params.path(name)]);
  return d.value;
}

/** The query of `$reception-history` from its parameters (400 for any bad one); no filter: today's receptions. */
export function historyQueryOf(params: ParamReader, facilityCode: string, now: Date): HistoryQuery & { first: string; today: string } {
  const today = japanDateOf(now);
  // The window: receptions done since the start (Japan time) of the day RECEPTION_HISTORY_DAYS days ago.
  const first = new Date(Date.parse(`${addDays(today, -RECEPTION_HISTORY_DAYS)}T00:00:00+09:00`)).toISOString();
  const date = dateParam(params, 'date');
  const birthdate = dateParam(params, 'birthdate');
  let patient = params.string('patient')?.trim();
  if (patient !== undefined) {
    if (patient.startsWith('Patient/')) patient = patient.slice(8);
    if (!isValidId(patient))
      throw badRequest('patient は患者の id（Patient/<id>）です', 'patient must be a Patient id (Patient/<id>)', [params.path('patient')]);
  }
  const rawName = params.string('name');
  let name: string | undefined;
  if (rawName !== undefined) {
    name = searchKeyOf(rawName);
    if (name === '') throw badRequest('氏名（name）が空です', 'name is empty', [params.path('name')]);
    if ([...name].length > 50) throw badRequest('氏名（name）は50文字までです', 'name is longer than 50 characters', [params.path('name')]);
  }
  const rawCount = params.string('_count');
  let count = RECEPTION_HISTORY_DEFAULT_COUNT;
  if (rawCount !== undefined) {
    if (!/^\d{1,4}$/.test(rawCount.trim()) || Number(rawCount) < 1 || Number(rawCount) > RECEPTION_HISTORY_MAX_COUNT)
      throw badRequest(
        `_count は 1〜${RECEPTION_HISTORY_MAX_COUNT} の整数です（${rawCount}）`,
        `_count must be an integer from 1 to ${RECEPTION_HISTORY_MAX_COUNT} (got ${rawCount})`,
        [params.path('_count')],
      );
    count = Number(rawCount);
  }
  const rawCursor = params.string('cursor');
  let cursor: HistoryQuery['cursor'];
  if (rawCursor !== undefined) {
    const [at, id] = Buffer.from(rawCursor, 'base64url').toString('utf8').split('|');
    if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[A-Za-z0-9_-]{1,64}$/.test(id))
      throw badRequest('cursor が正しくありません（前の応答の next をそのまま渡します）', 'cursor is not valid (pass the next of the previous answer)', [
        params.path('cursor'),
      ]);
    cursor = { at: new Date(at).toISOString(), id };
  }
  const filtered = date ?? patient ?? name ?? birthdate;
  return { facilityCode, date: filtered === undefined ? today : date, patient, name, birthdate, count, cursor, first, today };
}

export interface ReceptionRow {
  reception_id: string;
  patient_key: string;
  at_ms: string | number;
  visit_date: string;
  method: string;
  snapshot: string;
  consent: string | null;
  insurer: string | null;
}

/** This facility's receptions matching the query, newest first: `count` of them and whether there are more. */
export async function readReceptions(rt: EligibilityRuntime, q: HistoryQuery & { first: string }): Promise<{ rows: ReceptionRow[]; more: boolean }> {
  const where = ['r.facility_code = $1', 'r.received_at >= $2::timestamptz'];
  const values: unknown[] = [q.facilityCode, q.first];
  const add = (sql: (n: string) => string, v: unknown) => {
    values.push(v);
    where.push(sql(`$${values.length}`));
  };
  if (q.date) add((n) => `r.visit_date = ${n}`, q.date);
  if (q.patient) add((n) => `r.patient_key = ${n}`, q.patient);
  if (q.birthdate) add((n) => `r.birth_date = ${n}`, q.birthdate);
  if (q.name) add((n) => `strpos(r.search_key, ${n}) > 0`, q.name);
  if (q.cursor) {
    values.push(q.cursor.at, q.cursor.id);
    where.push(`(r.received_at, r.reception_id) < ($${values.length - 1}::timestamptz, $${values.length})`);
  }
  values.push(q.count + 1);
  const res = await rt.platform.db.query<ReceptionRow>(
    `SELECT r.reception_id, r.patient_key, (extract(epoch from r.received_at) * 1000)::bigint AS at_ms, r.visit_date, r.method, r.snapshot, r.consent,
            ${rt.platform.system.contentSql('Organization', 'i.organization_id')} AS insurer
       FROM elig_receptions r
       LEFT JOIN elig_insurers i ON i.insurer_number = (r.snapshot::json -> 'record' ->> 'insurerNumber')
      WHERE ${where.join(' AND ')}
      ORDER BY r.received_at DESC, r.reception_id DESC
      LIMIT $${values.length}`,
    values,
  );
  return { rows: res.rows.slice(0, q.count), more: res.rows.length > q.count };
}

export function cursorOf(row: ReceptionRow): string {
  return Buffer.from(`${new Date(Number(row.at_ms)).toISOString()}|${row.reception_id}`, 'utf8').toString('base64url');
}

function insurerName(content: string | null): string | undefined {
  if (!content) return undefined;
  try {
    const o = JSON.parse(content) as { name?: unknown };
    return typeof o.name === 'string' && o.name.trim() ? o.name : undefined;
  } catch {
    return undefined;
  }
}

/** One reception as output parts (the eligibility as `eligibility`, the same parts as $verify-card's answer). */
export function receptionParts(row: ReceptionRow, eligibilityParts: (e: EligibilityAnswer) => OutParam[]): OutParam[] {
  const s = JSON.parse(row.snapshot) as EligibilityAnswer;
  const r = s.record;
  const consent = row.consent ? (JSON.parse(row.consent) as ReaderChoices) : undefined;
  const insurer = insurerName(row.insurer);
  return [
    { name: 'received', valueInstant: new Date(Number(row.at_ms)).toISOString() },
    { name: 'visitDate', valueDate: row.visit_date },
    { name: 'method', valueCode: row.method },
    { name: 'patient', valueReference: { reference: `Patient/${row.patient_key}` } },
    { name: 'name', valueString: [r.familyName, r.givenName].filter(Boolean).join(' ') },
    ...(r.familyNameKana || r.givenNameKana ? [{ name: 'kana', valueString: [r.familyNameKana, r.givenNameKana].filter(Boolean).join(' ') }] : []),
    { name: 'birthDate', valueDate: r.birthDate },
    { name: 'gender', valueCode: r.sex },
    ...(insurer ? [{ name: 'insurerName', valueString: insurer }] : []),
    { name: 'eligibility', part: eligibilityParts(s) },
    ...(consent
      ? [
          {
            name: 'consent',
            part: [
              ...(['medication', 'surgery', 'checkup'] as const).flatMap((c) => (consent[c] === undefined ? [] : [{ name: c, valueBoolean: consent[c] }])),
              ...(consent.setting ? [{ name: 'setting', valueCode: consent.setting }] : []),
              ...(consent.until ? [{ name: 'until', valueDate: consent.until }] : []),
              { name: 'recorded', valueInstant: consent.recordedAt },
            ],
          },
        ]
      : []),
  ];
}

/** The facility (or pharmacy) code of a caller that may read its reception history, or undefined. */
export function receivingFacility(ctx: RequestContext): string | undefined {
  const p = ctx.principal;
  return (p.kind === 'facility' || p.kind === 'pharmacy') && p.facilityCode ? p.facilityCode : undefined;
}
