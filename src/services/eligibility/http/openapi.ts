/**
 * OpenAPI 3.1 description of the eligibility service's endpoints outside FHIR (`/eligibility/…`: insurers'
 * registration and card links, the virtual card reader), served at GET /eligibility/openapi.json. The FHIR operations ($verify-card …) are
 * described by OperationDefinitions and the CapabilityStatement instead. The record schema is derived from the bulk
 * file's columns, so the two cannot drift apart.
 */
import { BULK_COLUMNS } from '../registry/bulk-file.ts';

const problem = { $ref: '#/components/schemas/OperationOutcome' };
const errors = (codes: Record<string, string>) =>
  Object.fromEntries(Object.entries(codes).map(([code, description]) => [code, { description, content: { 'application/fhir+json': { schema: problem } } }]));

const recordResult = {
  type: 'object',
  properties: {
    status: { enum: ['created', 'updated', 'unchanged'] },
    recordKey: { type: 'string', description: '保険者番号:記号:番号:枝番' },
    patient: { type: 'string', examples: ['Patient/0190…'] },
    coverage: { type: 'string', examples: ['Coverage/0190…'] },
    newPerson: { type: 'boolean' },
  },
};

/** The virtual card reader (only when it is on). */
function virtualReaderPath(): Record<string, unknown> {
  const refusal = {
    type: 'object',
    required: ['ok', 'code', 'ja', 'en'],
    properties: {
      ok: { const: false },
      code: { enum: ['wrong-pin', 'pin-locked', 'pin-format', 'face-not-matched', 'card-blocked', 'card-outdated'] },
      ja: { type: 'string' },
      en: { type: 'string' },
      retriesLeft: { type: 'integer', description: 'PIN tries left after a wrong PIN (0: locked)' },
      card: { type: 'object', description: 'the card file as the chip now stands (offer to save it)' },
    },
  };
  const signed = {
    type: 'object',
    required: ['ok', 'assertion', 'card'],
    properties: {
      ok: { const: true },
      assertion: {
        type: 'object',
        description: 'what $verify-card takes: challenge, signature, certificate, chain, method',
        required: ['challenge', 'signature', 'certificate', 'chain', 'method'],
        properties: {
          challenge: { type: 'string' },
          signature: { type: 'string', description: 'base64url' },
          certificate: { type: 'string', description: 'base64 DER' },
          chain: { type: 'array', items: { type: 'string' } },
          method: { enum: ['pin', 'face'] },
        },
      },
      card: { type: 'object', description: 'the card file as the chip now stands' },
    },
  };
  return {
    post: {
      summary: '仮想カードリーダー / the virtual card reader: the card signs the challenge after the PIN or the face match',
      description:
        'For browser apps at the desk (facilities and pharmacies with a reception token). The chip’s retry counters are kept by the platform ' +
        'per card: re-sending an older copy of the file resets nothing. Then send the assertion to POST /fhir/$verify-card.',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              additionalProperties: false,
              required: ['card', 'challenge'],
              properties: {
                card: { type: 'object', description: 'the virtual card file (tsunagu-virtual-card/1) as JSON' },
                challenge: { type: 'string', description: 'from POST /fhir/$card-challenge, for this facility' },
                pin: { type: 'string', description: '暗証番号 (4 digits); or' },
                faceMatched: { type: 'boolean', description: 'the reader’s face match (顔認証)' },
              },
            },
          },
        },
      },
      responses: {
        '200': { description: 'signed, or the chip’s refusal', content: { 'application/json': { schema: { oneOf: [signed, refusal] } } } },
        ...errors({
          '400': 'not a card file, not this facility’s live challenge, neither or both of pin / faceMatched: nothing counted',
          '401': 'no or invalid token',
          '403': 'not a facility or pharmacy, Coverage read scope missing, or a role without reception',
        }),
      },
    },
  };
}

export function eligibilityOpenApi(serverUrl?: string, options: { virtualReader?: boolean } = {}): Record<string, unknown> {
  const record = {
    type: 'object',
    additionalProperties: false,
    required: BULK_COLUMNS.filter((c) => c.required).map((c) => c.name),
    properties: Object.fromEntries(BULK_COLUMNS.map((c) => [c.name, { type: ['string', 'integer'], description: c.ja }])),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tsunagu eligibility registry (資格情報の登録) and virtual card reader',
      version: '1',
      description:
        'Endpoints outside FHIR for insurers (保険者) and operators, and the virtual card reader for facilities. Authenticate with a SMART backend-services access token ' +
        '(POST /auth/token). Registration needs Coverage create and update scopes; an insurer registers only its own insurer number.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ bearer: [] }],
    paths: {
      '/eligibility/records': {
        post: {
          summary: '資格情報の登録・更新・喪失 / register, update or end eligibility records',
          description: `One record, or {"records": [...]} with at most 1,000. Columns as in the bulk file (docs/eligibility-domain.md).`,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: [
                    record,
                    { type: 'object', required: ['records'], properties: { records: { type: 'array', minItems: 1, maxItems: 1000, items: record } } },
                  ],
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'updated / unchanged (one record), or the per-record report (records)',
              content: { 'application/json': { schema: recordResult } },
            },
            '201': { description: 'created (one record)', content: { 'application/json': { schema: recordResult } } },
            ...errors({
              '400': 'bad input: nothing written',
              '401': 'no or invalid token',
              '403': 'not this insurer’s number, or scopes missing',
              '409': 'person link conflict',
              '422': 'the FHIR resources would not validate',
            }),
          },
        },
      },
      '/eligibility/records/$bulk': {
        post: {
          summary: '一括ファイル / a whole insurer file',
          description:
            'CSV with a header row (column names or their Japanese labels). Every good line is stored; every bad one is reported with its line number and reason; re-sending changes nothing.',
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
          responses: {
            '200': { description: 'the load report (created, updated, unchanged, refused lines)' },
            ...errors({ '400': 'unreadable header: nothing loaded', '401': 'no or invalid token', '403': 'scopes missing', '415': 'not text/csv' }),
          },
        },
      },
      '/eligibility/cards': {
        post: {
          summary: '電子証明書の紐付け / link a user certificate (利用者証明用電子証明書) to a registered person',
          description:
            'Insurers name their member by insured number and birth date; operators may name the Patient. A certificate belongs to one person; ' +
            'an insurer cannot add a second valid certificate to a person (revoke the old one, or renew it, first).',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['certificate'],
                  properties: {
                    certificate: { type: 'string', description: 'PEM or base64 DER' },
                    insuredNumber: { type: 'string', description: '保険者番号:記号:番号:枝番' },
                    birthDate: { type: 'string', format: 'date' },
                    patient: { type: 'string', description: 'Patient/<id> (operators only)' },
                  },
                },
              },
            },
          },
          responses: {
            '200': { description: 'already linked to this person' },
            '201': { description: 'linked' },
            ...errors({
              '400': 'unreadable certificate or number',
              '401': 'no or invalid token',
              '403': 'not an insurer or operator, or not the insurer’s member',
              '404': 'no registered person matches the number and birth date',
              '409': 'the certificate is linked to someone else, or the person already has a valid certificate',
              '422': 'the certificate was not issued by a trusted CA',
            }),
          },
        },
      },
      ...(options.virtualReader ? { '/eligibility/virtual-reader/authenticate': virtualReaderPath() } : {}),
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        OperationOutcome: {
          type: 'object',
          description: 'FHIR OperationOutcome: issue[].details.text in Japanese, issue[].diagnostics in English, issue[].expression the location',
          required: ['resourceType', 'issue'],
          properties: { resourceType: { const: 'OperationOutcome' }, issue: { type: 'array', items: { type: 'object' } } },
        },
      },
    },
  };
}
