/**
 * The eligibility service's HTTP routes outside FHIR (its FHIR operations are in fhir-operations.ts):
 * insurers and operators
 *   POST /eligibility/records             register / update / end records (JSON, bulk-file column names)
 *   POST /eligibility/records/$bulk       a bulk file (text/csv), per-line report
 *   POST /eligibility/cards               link a user certificate to a registered person
 * facilities and pharmacies (unless TSUNAGU_VIRTUAL_READER=0)
 *   POST /eligibility/virtual-reader/authenticate   the virtual card reader for browser apps (virtual-reader-route.ts)
 * anyone
 *   GET  /eligibility/openapi.json        an OpenAPI description of these endpoints
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canonicalInsurerCode, type RequestContext } from '../../../platform/auth/principal.ts';
import { FhirError, badRequest, forbidden } from '../../../platform/fhir/errors.ts';
import { authenticate } from '../../../platform/http/request-context.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import { parseBulkRow, BULK_COLUMNS, type BulkRow } from '../registry/bulk-file.ts';
import { loadBulkText } from '../registry/bulk-load.ts';
import { describeUserCertificate, linkCertificate, personByInsuredKey } from '../reception/cards.ts';
import { formatInsuredPersonIdentifierValue, parseInsuredPersonIdentifierValue } from '../model/numbers.ts';
import { ParamReader } from '../../../platform/router/operations/parameters.ts';
import { applyRecords, assertRegistryScopes, type RegistryItem } from '../registry/registry-store.ts';
import type { EligibilityRuntime } from '../model/runtime.ts';
import { eligibilityOpenApi } from './openapi.ts';
import { virtualReaderRoute } from './virtual-reader-route.ts';
import { speaksForIdentity } from '../registry/person-identity.ts';
import type { EligibilityRecord } from '../model/record.ts';

const MAX_RECORDS_PER_REQUEST = 1000;

function registryRow(value: unknown, where: string): BulkRow {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw badRequest('資格情報は JSON オブジェクトです', 'an eligibility record must be a JSON object', [where]);
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
  const platform: ServicePlatform = rt.platform;
  const ctxOf = (request: FastifyRequest): Promise<RequestContext> => authenticate(request, platform.tokens);

  // Insurer bulk files arrive as CSV.
  if (!app.hasContentTypeParser('text/csv')) app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/eligibility/openapi.json', async (request, reply) =>
    reply
      .type('application/json')
      .send(eligibilityOpenApi(platform.config.publicUrl ?? `${request.protocol}://${request.host}`, { virtualReader: rt.virtualReader !== undefined })),
  );

  if (rt.virtualReader) virtualReaderRoute(app, rt, rt.virtualReader);

  // ---------------- insurers ----------------

  app.post('/eligibility/records', async (request, reply) => {
    const ctx = await ctxOf(request);
    assertRegistryScopes(platform, ctx);
    const body = request.body as Record<string, unknown> | null;
    const many = !!body && typeof body === 'object' && 'records' in body;
    const list = many ? body!.records : [body];
    if (!Array.isArray(list) || list.length === 0) throw badRequest('records は空でない配列です', 'records must be a non-empty array', ['records']);
    if (list.length > MAX_RECORDS_PER_REQUEST)
      throw badRequest(
        `一度に ${MAX_RECORDS_PER_REQUEST} 件までです（大量の登録は一括ファイルで）`,
        `at most ${MAX_RECORDS_PER_REQUEST} records per request (use the bulk file for more)`,
        ['records'],
      );
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
          : {
              index: o.line,
              status: o.status,
              recordKey: o.recordKey,
              patient: `Patient/${o.patientId}`,
              coverage: `Coverage/${o.coverageId}`,
              newPerson: o.newPerson,
            },
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
    if (report.fatal)
      throw FhirError.of(400, 'invalid', `${report.fatal.line} 行目: ${report.fatal.reason_ja}`, `line ${report.fatal.line}: ${report.fatal.reason_en}`);
    return reply.code(200).send(report);
  });

  app.post('/eligibility/cards', async (request, reply) => {
    const ctx = await ctxOf(request);
    const p = ctx.principal;
    if (p.kind !== 'insurer' && p.kind !== 'operator')
      throw forbidden('カードの紐付けは保険者・運用者が行います', 'cards are linked by insurers and operators');
    const params = ParamReader.of(request.body);
    const cert = describeUserCertificate(params.requiredString('certificate', '利用者証明用電子証明書'), rt.trust);
    let patientId = params.string('patient')?.replace(/^Patient\//, '');
    if (!patientId) {
      const insured = params.requiredString('insuredNumber', '被保険者個人識別子（保険者番号:記号:番号:枝番）');
      const parsed = parseInsuredPersonIdentifierValue(insured.normalize('NFKC'));
      if (!parsed.ok)
        throw badRequest(parsed.problems.map((x) => x.ja).join('、'), parsed.problems.map((x) => x.en).join('; '), [params.path('insuredNumber')]);
      const key = formatInsuredPersonIdentifierValue(parsed.value);
      if (p.kind === 'insurer' && !(await insurerOwns(platform, p.facilityCode, key)))
        throw forbidden('加入者以外のカードは紐付けられません', 'an insurer links cards of its own members only');
      patientId = await personByInsuredKey(platform.db, key, params.string('birthDate'));
      if (!patientId)
        throw FhirError.of(
          404,
          'not-found',
          '該当する資格情報がありません（番号と生年月日を確認してください）',
          'no registered person matches the number and birth date',
        );
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
}

const normalizeInsurer = (code: string | undefined) => canonicalInsurerCode(code ?? '');

async function speaksForPerson(platform: ServicePlatform, patientId: string, insurerNumber: string): Promise<boolean> {
  const res = await platform.db.query<{ record: string; identity: boolean }>('SELECT record, identity FROM elig_records WHERE patient_key = $1', [patientId]);
  return speaksForIdentity(
    res.rows.map((r) => ({ record: JSON.parse(r.record) as EligibilityRecord, identity: r.identity })),
    insurerNumber,
  );
}

async function insurerOwns(platform: ServicePlatform, insurerCode: string | undefined, insuredKey: string): Promise<boolean> {
  return (
    insuredKey.startsWith(`${normalizeInsurer(insurerCode)}:`) &&
    insurerCode !== undefined &&
    (await platform.db.query('SELECT 1 FROM elig_records WHERE insured_key = $1 LIMIT 1', [insuredKey])).rowCount > 0
  );
}
