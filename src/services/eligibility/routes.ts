/**
 * HTTP routes of the eligibility service (registered before the generic FHIR routes).
 *
 * Reception (facilities, pharmacies) — FHIR operations, Parameters in and out:
 *   POST /fhir/$card-challenge            challenge for the card
 *   POST /fhir/$verify-card               card assertion → eligibility on the visit date (or the reason)
 *   POST /fhir/$verify-insurance          保険証 / 資格確認書 number + birth date → eligibility
 *   POST /fhir/$bulk-precheck             一括照会 of booked patients
 *   POST /fhir/$reader-consent            consent choices at the reader for a card visit
 *   POST /fhir/Consent/:id/$revoke        withdraw a consent (patient or the recording facility)
 *   GET  /fhir/Patient/:id/$medication-history | $surgery-history | $checkup-results   consented views
 * Insurers and operators:
 *   POST /eligibility/records             register / update / end records (JSON, bulk-file column names)
 *   POST /eligibility/records/$bulk       a bulk file (text/csv), per-line report
 *   POST /eligibility/cards               link a user certificate to a registered person
 *   POST /fhir/$import-shared-information receipt and check-up data (Bundle)
 *   GET  /fhir/Patient/:id/$eligibility-history
 * Anyone: GET /fhir/OperationDefinition/<id> for the operations above; GET /eligibility/openapi.json for the
 * endpoints outside FHIR.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canonicalInsurerCode, type RequestContext } from '../../platform/auth/principal.ts';
import { FhirError, badRequest, forbidden } from '../../platform/fhir/errors.ts';
import { isValidId } from '../../platform/fhir/references.ts';
import { sendFhir } from '../../platform/http/fhir-json.ts';
import { authenticate } from '../../platform/http/request-context.ts';
import type { PlatformParts } from '../../platform/platform.ts';
import { bundleText } from '../../platform/store/bundle-text.ts';
import { parseBulkRow, BULK_COLUMNS, type BulkRow } from './bulk-file.ts';
import { loadBulkText } from './bulk-load.ts';
import { describeUserCertificate, linkCertificate, personByInsuredKey } from './cards.ts';
import { recordReaderConsent, revokeConsent } from './consent.ts';
import { OPERATION_DEFINITIONS } from './operations.ts';
import { INSURED_PERSON_IDENTIFIER_SYSTEM, formatInsuredPersonIdentifierValue, parseInsuredPersonIdentifierValue } from './numbers.ts';
import { ParamReader, parameters } from './params.ts';
import { applyRecords, assertRegistryScopes, type RegistryItem } from './registry-store.ts';
import type { EligibilityRuntime } from './runtime.ts';
import { eligibilityOpenApi } from './openapi.ts';
import { speaksForIdentity } from './person-identity.ts';
import type { EligibilityRecord } from './record.ts';
import { importSharedInformation, viewSharedInformation, VIEWS, type ViewName } from './shared-data.ts';
import { bulkParameters, bulkPrecheck, resultParameters, verifyCard, verifyInsuranceNumber, type OutputOptions } from './verification.ts';

const MAX_RECORDS_PER_REQUEST = 1000;

function outputOptions(params: ParamReader): OutputOptions {
  const v = params.string('nameDisplay');
  if (v !== undefined && v !== 'exact' && v !== 'bmp')
    throw badRequest(`nameDisplay は exact か bmp です（${v}）`, `nameDisplay must be exact or bmp (got ${v})`, [params.path('nameDisplay')]);
  return { nameDisplay: (v as OutputOptions['nameDisplay']) ?? 'exact' };
}

function registryRow(value: unknown, where: string): BulkRow {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest('資格情報は JSON オブジェクトです', 'an eligibility record must be a JSON object', [where]);
  const known = new Set<string>(BULK_COLUMNS.map((c) => c.name));
  const row: BulkRow = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!known.has(k)) throw badRequest(`不明な項目「${k}」があります`, `unknown field "${k}"`, [`${where}.${k}`]);
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string' && typeof v !== 'number') throw badRequest(`${k} は文字列か数値です`, `${k} must be a string or a number`, [`${where}.${k}`]);
    (row as Record<string, string>)[k] = String(v);
  }
  return row;
}

export async function eligibilityRoutes(app: FastifyInstance, rt: EligibilityRuntime): Promise<void> {
  const platform: PlatformParts = rt.platform;
  const ctxOf = (request: FastifyRequest): Promise<RequestContext> => authenticate(request, platform.tokens);
  const baseOf = (request: FastifyRequest) => (platform.config.publicUrl ? `${platform.config.publicUrl}/fhir` : `${request.protocol}://${request.host}/fhir`);

  // Insurer bulk files arrive as CSV.
  if (!app.hasContentTypeParser('text/csv')) app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  for (const [id, def] of Object.entries(OPERATION_DEFINITIONS)) app.get(`/fhir/OperationDefinition/${id}`, async (_req, reply) => sendFhir(reply, 200, def));
  app.get('/eligibility/openapi.json', async (request, reply) =>
    reply.type('application/json').send(eligibilityOpenApi(platform.config.publicUrl ?? `${request.protocol}://${request.host}`)),
  );

  // ---------------- reception ----------------

  app.post('/fhir/$card-challenge', async (request, reply) => {
    const ctx = await ctxOf(request);
    const p = ctx.principal;
    if ((p.kind !== 'facility' && p.kind !== 'pharmacy') || !p.facilityCode)
      throw forbidden('チャレンジは医療機関・薬局に発行します', 'challenges are issued to facilities and pharmacies');
    const issued = rt.challenges.issue(p.facilityCode);
    return sendFhir(
      reply,
      200,
      parameters([
        { name: 'challenge', valueString: issued.challenge },
        { name: 'expires', valueInstant: issued.expiresAt.toISOString() },
      ]),
    );
  });

  app.post('/fhir/$verify-card', async (request, reply) => {
    const ctx = await ctxOf(request);
    const params = ParamReader.of(request.body);
    const options = outputOptions(params);
    return sendFhir(reply, 200, resultParameters(await verifyCard(rt, ctx, params), options));
  });

  app.post('/fhir/$verify-insurance', async (request, reply) => {
    const ctx = await ctxOf(request);
    const params = ParamReader.of(request.body);
    const options = outputOptions(params);
    return sendFhir(reply, 200, resultParameters(await verifyInsuranceNumber(rt, ctx, params), options));
  });

  app.post('/fhir/$bulk-precheck', async (request, reply) => {
    const ctx = await ctxOf(request);
    const params = ParamReader.of(request.body);
    return sendFhir(reply, 200, bulkParameters(await bulkPrecheck(rt, ctx, params), outputOptions(params)));
  });

  app.post('/fhir/$reader-consent', async (request, reply) => {
    const ctx = await ctxOf(request);
    const consents = await recordReaderConsent(rt, ctx, ParamReader.of(request.body));
    const base = baseOf(request);
    return sendFhir(
      reply,
      201,
      bundleText(
        { type: 'collection', total: consents.length },
        consents.map((c) => ({ fullUrl: `${base}/Consent/${c.consentId}`, resource: c.content })),
      ),
    );
  });

  app.post<{ Params: { id: string } }>('/fhir/Consent/:id/$revoke', async (request, reply) => {
    const ctx = await ctxOf(request);
    if (!isValidId(request.params.id)) throw badRequest('id が正しくありません', 'invalid id');
    return sendFhir(reply, 200, await revokeConsent(rt, ctx, request.params.id));
  });

  for (const view of Object.keys(VIEWS) as ViewName[]) {
    app.get<{ Params: { id: string } }>(`/fhir/Patient/:id/$${view}`, async (request, reply) => {
      const ctx = await ctxOf(request);
      if (!isValidId(request.params.id)) throw badRequest('id が正しくありません', 'invalid id');
      const i = request.url.indexOf('?');
      const query = new URLSearchParams(i >= 0 ? request.url.slice(i + 1) : '');
      return sendFhir(reply, 200, await viewSharedInformation(platform, ctx, view, request.params.id, query, baseOf(request)));
    });
  }

  // ---------------- insurers ----------------

  app.post('/eligibility/records', async (request, reply) => {
    const ctx = await ctxOf(request);
    assertRegistryScopes(platform, ctx);
    const body = request.body as Record<string, unknown> | null;
    const many = !!body && typeof body === 'object' && 'records' in body;
    const list = many ? body!.records : [body];
    if (!Array.isArray(list) || list.length === 0) throw badRequest('records は空でない配列です', 'records must be a non-empty array', ['records']);
    if (list.length > MAX_RECORDS_PER_REQUEST)
      throw badRequest(`一度に ${MAX_RECORDS_PER_REQUEST} 件までです（大量の登録は一括ファイルで）`, `at most ${MAX_RECORDS_PER_REQUEST} records per request (use the bulk file for more)`, ['records']);
    const items: RegistryItem[] = [];
    const problems: { index: number; errors: { ja: string; en: string; column?: string }[] }[] = [];
    list.forEach((value, index) => {
      const where = many ? `records[${index}]` : '$';
      const parsed = parseBulkRow(registryRow(value, where));
      if ('problems' in parsed) problems.push({ index, errors: parsed.problems.map((p) => ({ ja: p.ja, en: p.en, column: p.column })) });
      else items.push({ line: index, record: parsed.record, previousInsuredKey: parsed.previousInsuredKey });
    });
    if (!many && problems.length) {
      throw FhirError.fromIssues(
        400,
        problems[0].errors.map((e) => ({ severity: 'error', code: 'invalid', ja: e.ja, en: e.en, expression: e.column ? [e.column] : undefined })),
      );
    }
    const outcomes = await applyRecords(platform, ctx, items);
    if (!many) {
      const o = outcomes[0];
      if (o.status === 'error') {
        const status = o.code === 'forbidden-insurer' ? 403 : o.code === 'link-conflict' ? 409 : o.code === 'invalid-resource' ? 422 : 400;
        throw FhirError.of(status, status === 403 ? 'forbidden' : status === 409 ? 'conflict' : 'invalid', o.reason_ja, o.reason_en);
      }
      return reply.code(o.status === 'created' ? 201 : 200).send({
        status: o.status,
        recordKey: o.recordKey,
        patient: `Patient/${o.patientId}`,
        coverage: `Coverage/${o.coverageId}`,
        newPerson: o.newPerson,
      });
    }
    const results = [
      ...outcomes.map((o) =>
        o.status === 'error'
          ? { index: o.line, status: 'error', code: o.code, reason_ja: o.reason_ja, reason_en: o.reason_en }
          : { index: o.line, status: o.status, recordKey: o.recordKey, patient: `Patient/${o.patientId}`, coverage: `Coverage/${o.coverageId}`, newPerson: o.newPerson },
      ),
      ...problems.map((p) => ({
        index: p.index,
        status: 'error',
        code: 'invalid',
        reason_ja: p.errors.map((e) => e.ja).join('；'),
        reason_en: p.errors.map((e) => e.en).join('; '),
      })),
    ].sort((a, b) => a.index - b.index);
    const count = (s: string) => results.filter((r) => r.status === s).length;
    return reply.code(200).send({ created: count('created'), updated: count('updated'), unchanged: count('unchanged'), errors: count('error'), results });
  });

  app.post('/eligibility/records/$bulk', async (request, reply) => {
    const ctx = await ctxOf(request);
    assertRegistryScopes(platform, ctx);
    if (typeof request.body !== 'string')
      throw FhirError.of(415, 'not-supported', '一括ファイルは Content-Type: text/csv で送ってください', 'send the bulk file as Content-Type: text/csv');
    const report = await loadBulkText(platform, ctx, request.body);
    if (report.fatal) throw FhirError.of(400, 'invalid', `${report.fatal.line} 行目: ${report.fatal.reason_ja}`, `line ${report.fatal.line}: ${report.fatal.reason_en}`);
    return reply.code(200).send(report);
  });

  app.post('/eligibility/cards', async (request, reply) => {
    const ctx = await ctxOf(request);
    const p = ctx.principal;
    if (p.kind !== 'insurer' && p.kind !== 'operator') throw forbidden('カードの紐付けは保険者・運用者が行います', 'cards are linked by insurers and operators');
    const params = ParamReader.of(request.body);
    const cert = describeUserCertificate(params.requiredString('certificate', '利用者証明用電子証明書'), rt.trust);
    let patientId = params.string('patient')?.replace(/^Patient\//, '');
    if (!patientId) {
      const insured = params.requiredString('insuredNumber', '被保険者個人識別子（保険者番号:記号:番号:枝番）');
      const parsed = parseInsuredPersonIdentifierValue(insured.normalize('NFKC'));
      if (!parsed.ok) throw badRequest(parsed.problems.map((x) => x.ja).join('、'), parsed.problems.map((x) => x.en).join('; '), [params.path('insuredNumber')]);
      const key = formatInsuredPersonIdentifierValue(parsed.value);
      if (p.kind === 'insurer' && !(await insurerOwns(platform, p.facilityCode, key)))
        throw forbidden('加入者以外のカードは紐付けられません', 'an insurer links cards of its own members only');
      patientId = await personByInsuredKey(platform.db, key, params.string('birthDate'));
      if (!patientId) throw FhirError.of(404, 'not-found', '該当する資格情報がありません（番号と生年月日を確認してください）', 'no registered person matches the number and birth date');
      // A card names the person: only an insurer that speaks for her identity may link one (not one that claimed her).
      if (p.kind === 'insurer' && !(await speaksForPerson(platform, patientId, normalizeInsurer(p.facilityCode))))
        throw forbidden(
          'この方の本人情報を登録した保険者ではないため、カードを紐付けられません（運用者に依頼してください）',
          "this insurer does not speak for the person's identity (her record was linked from another insurer): an operator links the card",
        );
    } else if (p.kind === 'insurer') {
      throw forbidden('保険者は被保険者番号で指定してください', 'insurers name the person by insured number');
    }
    const outcome = await linkCertificate(platform, ctx, cert, patientId, (issuer, serial) => Boolean(rt.trust.revocation(issuer, serial)));
    return reply.code(outcome === 'linked' ? 201 : 200).send({ outcome, patient: `Patient/${patientId}`, serial: cert.serial, fingerprint: cert.fingerprint });
  });

  app.post('/fhir/$import-shared-information', async (request, reply) => {
    const ctx = await ctxOf(request);
    const result = await importSharedInformation(platform, ctx, request.body);
    return sendFhir(
      reply,
      201,
      parameters([
        { name: 'created', valueInteger: result.created.length },
        ...result.created.map((c) => ({ name: 'resource', part: [{ name: 'reference', valueReference: { reference: c.reference } }, { name: 'category', valueCode: c.category }] })),
      ]),
    );
  });

  app.get<{ Params: { id: string } }>('/fhir/Patient/:id/$eligibility-history', async (request, reply) => {
    const ctx = await ctxOf(request);
    const id = request.params.id;
    if (!isValidId(id)) throw badRequest('id が正しくありません', 'invalid id');
    const p = ctx.principal;
    const entity = `Patient/${id}/$eligibility-history`;
    const rows = (
      await platform.db.query<{ insurer_number: string; coverage_id: string; acquired_on: string }>(
        'SELECT insurer_number, coverage_id, acquired_on FROM elig_records WHERE patient_key = $1 ORDER BY acquired_on DESC, insurer_number',
        [id],
      )
    ).rows;
    const allowed =
      p.kind === 'operator' ||
      (p.kind === 'patient' && p.patientId === id) ||
      (p.kind === 'insurer' && rows.some((r) => r.insurer_number === normalizeInsurer(p.facilityCode)));
    if (!allowed)
      throw await platform.repo.deny(ctx, 'read', rows.length ? id : '', entity, '資格履歴は本人・加入先の保険者・運用者のみ閲覧できます', 'eligibility history is for the person, their insurers and operators');
    if (rows.length === 0) throw FhirError.of(404, 'not-found', `Patient/${id} の資格情報はありません`, `no eligibility is registered for Patient/${id}`);
    // An insurer sees its own periods (and the Patient with its own numbers); other insurers' stay theirs.
    const own = p.kind === 'insurer' ? normalizeInsurer(p.facilityCode) : undefined;
    const shown = own === undefined ? rows : rows.filter((r) => r.insurer_number === own);
    const res = await platform.db.query<{ resource_type: string; id: string; content: string }>(
      `SELECT resource_type, id, content FROM resources WHERE (resource_type = 'Patient' AND id = $1) OR (resource_type = 'Coverage' AND id = ANY($2::text[]))`,
      [id, shown.map((r) => r.coverage_id)],
    );
    const byId = new Map(res.rows.map((r) => [`${r.resource_type}/${r.id}`, r.resource_type === 'Patient' && own !== undefined ? ownNumbersOnly(r.content, own) : r.content]));
    const ordered = [`Patient/${id}`, ...shown.map((r) => `Coverage/${r.coverage_id}`)].filter((ref) => byId.has(ref));
    await platform.readAudit.write([platform.repo.auditRecord(ctx, 'R', 'eligibility-history', '0', id, ordered)]);
    const base = baseOf(request);
    return sendFhir(
      reply,
      200,
      bundleText(
        { type: 'searchset', total: ordered.length - 1 },
        ordered.map((ref) => ({ fullUrl: `${base}/${ref}`, resource: byId.get(ref)!, extra: { search: { mode: ref.startsWith('Patient/') ? 'include' : 'match' } } })),
      ),
    );
  });
}

const normalizeInsurer = (code: string | undefined) => canonicalInsurerCode(code ?? '');

async function speaksForPerson(platform: PlatformParts, patientId: string, insurerNumber: string): Promise<boolean> {
  const res = await platform.db.query<{ record: string; identity: boolean }>('SELECT record, identity FROM elig_records WHERE patient_key = $1', [patientId]);
  return speaksForIdentity(res.rows.map((r) => ({ record: JSON.parse(r.record) as EligibilityRecord, identity: r.identity })), insurerNumber);
}

async function insurerOwns(platform: PlatformParts, insurerCode: string | undefined, insuredKey: string): Promise<boolean> {
  return insuredKey.startsWith(`${normalizeInsurer(insurerCode)}:`) && insurerCode !== undefined && (await platform.db.query('SELECT 1 FROM elig_records WHERE insured_key = $1 LIMIT 1', [insuredKey])).rowCount > 0;
}

/**
 * The Patient as an insurer sees it in the eligibility history: the identifiers of its own insured numbers only
 * (the others would tell it the person's other insurers and periods), tagged SUBSETTED as FHIR marks a partial view.
 */
function ownNumbersOnly(content: string, insurerNumber: string): string {
  const patient = JSON.parse(content) as { meta?: { tag?: unknown[] }; identifier?: { system?: string; value?: string }[] };
  patient.identifier = (patient.identifier ?? []).filter((i) => i.system !== INSURED_PERSON_IDENTIFIER_SYSTEM || i.value?.startsWith(`${insurerNumber}:`));
  patient.meta = { ...patient.meta, tag: [...(patient.meta?.tag ?? []), { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' }] };
  return JSON.stringify(patient);
}
