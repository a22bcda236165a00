/**
 * Malformed input to every FHIR route, on every engine: NUL and other control characters in every kind of search
 * parameter and in body strings at every depth, lone surrogates, invalid UTF-8 and percent-encoding, absurd numbers,
 * offsets and dates, wrong JSON types for every Bundle field, deep nesting, huge arrays, wrong content types.
 * Each is answered with a 4xx OperationOutcome — never a 500, never a hang — and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ENGINES } from '../helpers/engines.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';
import { observation, patient } from '../helpers/fixtures.ts';

type Send = (input: string) => Promise<LightMyRequestResponse>;
interface Raw {
  method: string;
  url: string;
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  token?: string;
}

/** Search values and parameter names that must be refused wherever a query is read. */
const BAD_QUERIES: [string, string][] = [
  ['NUL in a string parameter', 'name=ab%00cd'],
  ['NUL in a token parameter', 'identifier=urn:x%7C0%00'],
  ['NUL in a date parameter', 'birthdate=1970%00'],
  ['NUL in a reference parameter', 'organization=Organization/a%00'],
  ['NUL in a chained parameter', 'organization.name=a%00'],
  ['NUL with a modifier', 'name:exact=%00'],
  ['NUL in _id', '_id=a%00b'],
  ['NUL in _lastUpdated', '_lastUpdated=ge2024%00'],
  ['NUL in _sort', '_sort=birth%00date'],
  ['NUL in _include', '_include=Patient:organization%00'],
  ['NUL in _count', '_count=1%00'],
  ['NUL in a parameter name', 'na%00me=x'],
  ['NUL alone', '%00=%00'],
  ['an escape control character', 'name=a%1Bb'],
  ['a truncated percent-escape', 'name=%'],
  ['a non-hex percent-escape', 'name=%zz'],
  ['truncated UTF-8', 'name=%E3%81'],
  ['an invalid UTF-8 byte', 'name=%FF'],
  ['an overlong NUL', 'name=%C0%80'],
  ['a UTF-8-encoded surrogate', 'name=%ED%A0%80'],
  ['_count of 1e20', '_count=1e20'],
  ['_count of 21 digits', '_count=100000000000000000000'],
  ['_offset of 21 digits', '_offset=100000000000000000000'],
  ['_offset of 1e20', '_offset=1e20'],
  ['_offset beyond the deepest page', '_offset=99999999'],
  ['_offset negative', '_offset=-1'],
  ['a 6-digit year', 'birthdate=275760-09-13'],
  ['year 0000', 'birthdate=0000-01-01'],
  ['an impossible zone', 'birthdate=2024-01-01T00:00:00%2B99:99'],
  ['a number of 1e999', 'probability=1e999'],
  ['a number of 1e-400', 'probability=1e-400'],
  ['a number of 400 digits', `probability=${'9'.repeat(400)}`],
  ['a quantity of 1e999', 'value-quantity=1e999'],
  ['a quantity of -1e999 with units', 'value-quantity=-1e999%7Chttp://unitsofmeasure.org%7Cmg'],
  ['100,000 alternatives', `_id=${'a,'.repeat(100_000)}a`],
];

/** Valid but extreme: never a 500 (these were); 200 or 400 are both answers. */
const EXTREME_QUERIES: [string, string][] = [
  ['a date a zone pushes past 9999', 'birthdate=9999-12-31T23:00:00-09:00'],
  ['_lastUpdated past 9999', '_lastUpdated=ge9999-12-31T23:59:59-12:00'],
  ['a date before year 1 in UTC', 'birthdate=0001-01-01T00:00:00%2B14:00'],
  ['_since past 9999', '_since=9999-12-31T23:59:59-12:00'],
  ['a number of 1e300', 'probability=1e300'],
];

/** Raw JSON values spliced into bodies at different depths. */
const BAD_STRINGS: [string, string][] = [
  ['a NUL', '"ab\\u0000cd"'],
  ['only a NUL', '"\\u0000"'],
  ['an escape character', '"a\\u001bb"'],
  ['a backspace', '"a\\bb"'],
  ['a form feed', '"a\\fb"'],
  ['a lone high surrogate', '"a\\ud800b"'],
  ['a lone low surrogate', '"\\udfff"'],
  ['a high surrogate at the end', '"x\\uD83D"'],
  ['reversed surrogates', '"\\ude00\\ud83d"'],
];

/** Bytes that are not UTF-8, spliced into a string of the body. */
const BAD_BYTES: [string, number[]][] = [
  ['0xFF', [0xff]],
  ['an overlong NUL', [0xc0, 0x80]],
  ['a truncated sequence', [0xe3, 0x81]],
  ['a UTF-8-encoded surrogate', [0xed, 0xa0, 0x80]],
  ['a 5-byte sequence', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['a raw NUL', [0x00]],
];

const patientWith = (v: string, where: 'top' | 'name' | 'extension' | 'key') =>
  where === 'top'
    ? `{"resourceType":"Patient","gender":${v}}`
    : where === 'name'
      ? `{"resourceType":"Patient","name":[{"family":"a","given":["b",${v}]}]}`
      : where === 'extension'
        ? `{"resourceType":"Patient","extension":[{"url":"http://x","extension":[{"url":"y","extension":[{"url":"z","valueString":${v}}]}]}]}`
        : `{"resourceType":"Patient",${v}:"x"}`;

/** Whole bodies that are not a resource JSON the server can take. */
const BAD_BODIES: [string, string | Buffer][] = [
  ['a NUL in a key', '{"resourceType":"Patient","fam\\u0000ily":"x"}'],
  ['__proto__', '{"resourceType":"Patient","__proto__":{"admin":true}}'],
  ['an escaped __proto__', '{"resourceType":"Patient","\\u005f_proto__":{"admin":true}}'],
  ['constructor.prototype', '{"resourceType":"Patient","constructor":{"prototype":{"admin":true}}}'],
  ['a number of 1e999', '{"resourceType":"Patient","multipleBirthInteger":1e999}'],
  ['a number of -1e999', '{"resourceType":"Patient","multipleBirthInteger":-1e999}'],
  ['200 levels of nesting', `{"resourceType":"Patient","extension":${'['.repeat(200)}${']'.repeat(200)}}`],
  ['100,000 levels of nesting', `{"resourceType":"Patient","extension":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
  ['an array of 10,001 items', `{"resourceType":"Patient","name":[{"given":[${'"x",'.repeat(10_000)}"x"]}]}`],
  ['1,200,000 values', `{"resourceType":"Patient","extension":[${Array.from({ length: 120 }, () => `[${'0,'.repeat(9_999)}0]`).join(',')}]}`],
  ['a truncated object', '{"resourceType":'],
  ['a lone bracket', '['],
  ['trailing garbage', '{"resourceType":"Patient"}{"x":1}'],
  ['JSON null', 'null'],
  ['a JSON string', '"Patient"'],
  ['a JSON number', '123'],
  ['a JSON array', '[{"resourceType":"Patient"}]'],
  ['an empty object', '{}'],
  ['whitespace only', '  \n '],
  ['a byte order mark only', Buffer.from([0xef, 0xbb, 0xbf])],
];

const BAD_CONTENT_TYPES: [string, string][] = [
  ['text/plain', 'text/plain'],
  ['application/xml', 'application/xml'],
  ['application/fhir+xml', 'application/fhir+xml'],
  ['multipart/form-data', 'multipart/form-data; boundary=x'],
  ['a non-UTF-8 charset', 'application/fhir+json; charset=iso-8859-1'],
  ['Shift_JIS', 'application/json; charset=Shift_JIS'],
];

/** Bundle fields of the wrong JSON type (or value), each in a transaction and a batch. */
const BAD_BUNDLES: [string, unknown][] = [
  ['entry an object', { entry: { request: { method: 'GET', url: 'Patient' } } }],
  ['entry a string', { entry: 'Patient' }],
  ['entry a number', { entry: 5 }],
  ['entry true', { entry: true }],
  ['entry null', { entry: null }],
  ['an entry null', { entry: [null] }],
  ['an entry a string', { entry: ['x'] }],
  ['an entry an array', { entry: [[]] }],
  ['an entry a number', { entry: [7] }],
  ['no request', { entry: [{ resource: { resourceType: 'Patient' } }] }],
  ['request a string', { entry: [{ request: 'GET Patient' }] }],
  ['request an array', { entry: [{ request: [] }] }],
  ['request null', { entry: [{ request: null }] }],
  ['method a number', { entry: [{ request: { method: 5, url: 'Patient' } }] }],
  ['method an object', { entry: [{ request: { method: {}, url: 'Patient' } }] }],
  ['method an array', { entry: [{ request: { method: ['GET'], url: 'Patient' } }] }],
  ['method lower case', { entry: [{ request: { method: 'get', url: 'Patient' } }] }],
  ['method PATCH', { entry: [{ request: { method: 'PATCH', url: 'Patient/x' } }] }],
  ['method toString', { entry: [{ request: { method: 'toString', url: 'Patient' } }] }],
  ['method constructor', { entry: [{ request: { method: 'constructor', url: 'Patient' } }] }],
  ['method __proto__', { entry: [{ request: { method: '__proto__', url: 'Patient' } }] }],
  ['url a number', { entry: [{ request: { method: 'GET', url: 5 } }] }],
  ['url an object', { entry: [{ request: { method: 'GET', url: { path: 'Patient' } } }] }],
  ['url an array', { entry: [{ request: { method: 'GET', url: ['Patient'] } }] }],
  ['url null', { entry: [{ request: { method: 'GET', url: null } }] }],
  ['url empty', { entry: [{ request: { method: 'GET', url: '' } }] }],
  ['url an unknown type', { entry: [{ request: { method: 'GET', url: 'Nonsense' } }] }],
  ['url with NUL (percent-encoded)', { entry: [{ request: { method: 'GET', url: 'Patient?name=%00' } }] }],
  ['url with invalid UTF-8', { entry: [{ request: { method: 'GET', url: 'Patient?name=%FF' } }] }],
  ['url with NUL in the id', { entry: [{ request: { method: 'GET', url: 'Patient/a%00' } }] }],
  ['fullUrl a number', { entry: [{ fullUrl: 5, resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }] }],
  ['fullUrl an object', { entry: [{ fullUrl: {}, resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }] }],
  ['fullUrl an array', { entry: [{ fullUrl: ['urn:uuid:x'], resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }] }],
  ['resource a string', { entry: [{ resource: 'Patient', request: { method: 'POST', url: 'Patient' } }] }],
  ['resource an array', { entry: [{ resource: [{ resourceType: 'Patient' }], request: { method: 'POST', url: 'Patient' } }] }],
  ['resource a number', { entry: [{ resource: 1, request: { method: 'POST', url: 'Patient' } }] }],
  ['resource of another type', { entry: [{ resource: { resourceType: 'Observation' }, request: { method: 'POST', url: 'Patient' } }] }],
  ['ifMatch a number', { entry: [{ resource: { resourceType: 'Patient', id: 'p1' }, request: { method: 'PUT', url: 'Patient/p1', ifMatch: 3 } }] }],
  ['ifNoneExist an object', { entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient', ifNoneExist: { name: 'x' } } }] }],
  ['ifNoneExist with NUL', { entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient', ifNoneExist: 'name=%00' } }] }],
  [
    'ifNoneExist with a bad escape',
    { entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient', ifNoneExist: 'name=%E3' } }] },
  ],
  ['a conditional PUT with NUL', { entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'PUT', url: 'Patient?identifier=%00' } }] }],
  ['a conditional DELETE with NUL', { entry: [{ request: { method: 'DELETE', url: 'Patient?identifier=%00' } }] }],
  ['a conditional DELETE with _count 1e20', { entry: [{ request: { method: 'DELETE', url: 'Patient?identifier=x&_count=100000000000000000000' } }] }],
];

const BAD_BUNDLE_SHAPES: [string, unknown][] = [
  ['type a number', { resourceType: 'Bundle', type: 5, entry: [] }],
  ['type an array', { resourceType: 'Bundle', type: ['transaction'], entry: [] }],
  ['type null', { resourceType: 'Bundle', type: null, entry: [] }],
  ['type document', { resourceType: 'Bundle', type: 'document', entry: [] }],
  ['no resourceType', { type: 'transaction', entry: [] }],
  ['another resourceType', { resourceType: 'Patient', type: 'transaction' }],
  ['an array', [{ resourceType: 'Bundle', type: 'transaction' }]],
];

describe.each(ENGINES)('bad input on %s', (engine) => {
  let s: TestServer;
  let admin: TestClient;
  let operator: TestClient;
  let existing: { id: string };

  const inject = (r: Raw): Promise<LightMyRequestResponse> => {
    const answer = s.t.app.inject({
      method: r.method as 'GET',
      url: r.url,
      headers: {
        authorization: `Bearer ${r.token ?? admin.token}`,
        ...(r.body !== undefined ? { 'content-type': r.contentType ?? 'application/fhir+json' } : {}),
        ...r.headers,
      },
      payload: r.body,
    });
    // Never a hang: every answer within 15 s.
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to ${r.method} ${r.url.slice(0, 80)} within 15 s`)), 15_000);
    });
    return Promise.race([answer, hang]).finally(() => clearTimeout(timer));
  };

  async function stored(): Promise<string> {
    const r = await s.t.platform.db.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM resources) || '/' || (SELECT count(*) FROM resource_versions) || '/' || (SELECT coalesce(max(version_id), 0) FROM resources) AS n`,
    );
    return r.rows[0].n;
  }

  /** A 4xx OperationOutcome; a batch may answer 200 with every entry refused (4xx and an OperationOutcome). */
  function expectRefused(r: LightMyRequestResponse, what: string, allowOk = false): void {
    expect(r.statusCode, `${what}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
    if (allowOk && (r.statusCode === 204 || r.statusCode === 304)) return;
    const body = JSON.parse(r.body);
    if (r.statusCode === 200 && (body.type === 'batch-response' || body.type === 'transaction-response')) {
      if (!allowOk)
        for (const e of body.entry) {
          expect(e.response.status, `${what}: ${JSON.stringify(e).slice(0, 300)}`).toMatch(/^4\d\d/);
          expect(e.response.outcome.resourceType).toBe('OperationOutcome');
        }
      return;
    }
    if (allowOk && r.statusCode < 300) return;
    expect(r.statusCode, `${what}: ${r.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(body.resourceType, what).toBe('OperationOutcome');
    expect(body.issue[0].details.text, what).toMatch(/[ぁ-んァ-ン一-龥]/);
    expect(body.issue[0].diagnostics, what).toMatch(/[a-z]/);
  }

  /** Sends each input, asserting the answer and that nothing was stored. */
  async function refuseAll(route: string, send: Send, inputs: [string, string][], allowOk = false): Promise<void> {
    for (const [label, input] of inputs) {
      const before = await stored();
      const r = await send(input);
      expectRefused(r, `${route}, ${label}`, allowOk);
      expect(await stored(), `${route}, ${label}: nothing stored`).toBe(before);
    }
  }

  beforeAll(async () => {
    s = await startTestServer(engine);
    admin = await s.addClient({ kind: 'facility', scopes: ['system/*.*'] });
    operator = await s.addClient({ kind: 'operator', scopes: ['system/*.*'] });
    existing = json(await inject({ method: 'POST', url: '/fhir/Patient', body: JSON.stringify(patient({ identifier: 'EXISTING' })) }));
  });
  afterAll(async () => {
    await s?.close();
  });

  const bundle = (type: string, entries: unknown[]) => JSON.stringify({ resourceType: 'Bundle', type, entry: entries });
  const form = (url: string, body: string | Buffer) => inject({ method: 'POST', url, body, contentType: 'application/x-www-form-urlencoded' });
  const ifNoneExist = (q: string) =>
    inject({ method: 'POST', url: '/fhir/Patient', body: JSON.stringify(patient({ identifier: 'NEW-1' })), headers: { 'if-none-exist': q } });
  const putIf = (q: string) => inject({ method: 'PUT', url: `/fhir/Patient?${q}`, body: JSON.stringify(patient({ identifier: 'NEW-2' })) });

  /** Every route that reads a query, and how each sends one. */
  const queryRoutes = (): [string, Send, 'reads' | 'may create'][] => [
    ['GET search', (q) => inject({ method: 'GET', url: `/fhir/Patient?${q}` }), 'reads'],
    ['GET search of Observation', (q) => inject({ method: 'GET', url: `/fhir/Observation?${q}` }), 'reads'],
    ['GET search of RiskAssessment', (q) => inject({ method: 'GET', url: `/fhir/RiskAssessment?${q}` }), 'reads'],
    ['POST _search, form body', (q) => form('/fhir/Patient/_search', q), 'reads'],
    ['POST _search, query', (q) => form(`/fhir/Patient/_search?${q}`, ''), 'reads'],
    ['type history', (q) => inject({ method: 'GET', url: `/fhir/Patient/_history?${q}` }), 'reads'],
    ['instance history', (q) => inject({ method: 'GET', url: `/fhir/Patient/${existing.id}/_history?${q}` }), 'reads'],
    ['system history', (q) => inject({ method: 'GET', url: `/fhir/_history?${q}`, token: operator.token }), 'reads'],
    ['conditional create', ifNoneExist, 'may create'],
    ['conditional update', putIf, 'may create'],
    ['conditional delete', (q) => inject({ method: 'DELETE', url: `/fhir/Patient?${q}` }), 'reads'],
    [
      'transaction GET entry',
      (q) => inject({ method: 'POST', url: '/fhir', body: bundle('transaction', [{ request: { method: 'GET', url: `Patient?${q}` } }]) }),
      'reads',
    ],
    ['batch GET entry', (q) => inject({ method: 'POST', url: '/fhir', body: bundle('batch', [{ request: { method: 'GET', url: `Patient?${q}` } }]) }), 'reads'],
    [
      'transaction conditional PUT',
      (q) => inject({ method: 'POST', url: '/fhir', body: bundle('transaction', [{ resource: patient(), request: { method: 'PUT', url: `Patient?${q}` } }]) }),
      'may create',
    ],
    [
      'batch conditional DELETE',
      (q) => inject({ method: 'POST', url: '/fhir', body: bundle('batch', [{ request: { method: 'DELETE', url: `Patient?${q}` } }]) }),
      'reads',
    ],
    [
      'transaction ifNoneExist',
      (q) =>
        inject({
          method: 'POST',
          url: '/fhir',
          body: bundle('transaction', [{ resource: patient(), request: { method: 'POST', url: 'Patient', ifNoneExist: q } }]),
        }),
      'may create',
    ],
  ];

  it('refuses bad query strings and search values on every route that reads a query', async () => {
    for (const [route, send] of queryRoutes()) await refuseAll(route, send, BAD_QUERIES);
  });

  it('answers valid but extreme search values without a server error', async () => {
    // Routes that create when nothing matches are left out: an accepted extreme query may rightly create.
    for (const [route, send, kind] of queryRoutes()) if (kind === 'reads') await refuseAll(route, send, EXTREME_QUERIES, true);
  });

  it('refuses NUL, invalid percent-encoding and over-long segments in the path', async () => {
    const paths = [
      '/fhir/%00',
      '/fhir/Patient/%00',
      '/fhir/Patient/a%00b',
      '/fhir/Patient/%E3%81',
      `/fhir/Patient/${existing.id}/_history/%00`,
      '/fhir/Patient/a%00/_history',
      `/fhir/Patient/${'a'.repeat(500)}`,
    ];
    for (const url of paths) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const before = await stored();
        const r = await inject({ method, url, ...(method === 'PUT' ? { body: JSON.stringify(patient()) } : {}) });
        expectRefused(r, `${method} ${url}`);
        expect(await stored()).toBe(before);
      }
    }
  });

  /** Every route that takes a resource, sending a raw body. */
  const bodyRoutes = (): [string, (body: string | Buffer, contentType?: string) => Promise<LightMyRequestResponse>][] => [
    ['create', (body, contentType) => inject({ method: 'POST', url: '/fhir/Patient', body, contentType })],
    ['update', (body, contentType) => inject({ method: 'PUT', url: `/fhir/Patient/${existing.id}`, body, contentType })],
    [
      'conditional create',
      (body, contentType) => inject({ method: 'POST', url: '/fhir/Patient', body, contentType, headers: { 'if-none-exist': 'identifier=NONE' } }),
    ],
    ['conditional update', (body, contentType) => inject({ method: 'PUT', url: '/fhir/Patient?identifier=NONE', body, contentType })],
    ['transaction', (body, contentType) => inject({ method: 'POST', url: '/fhir', body: wrapInBundle('transaction', body), contentType })],
    ['batch', (body, contentType) => inject({ method: 'POST', url: '/fhir', body: wrapInBundle('batch', body), contentType })],
  ];
  /** A resource body as the only entry of a Bundle, bytes kept as they are. */
  function wrapInBundle(type: string, body: string | Buffer): Buffer {
    return Buffer.concat([
      Buffer.from(
        `{"resourceType":"Bundle","type":"${type}","entry":[{"fullUrl":"urn:uuid:6a1d5a86-7b4c-4c3e-9a39-1c8f8d0f0001","request":{"method":"POST","url":"Patient"},"resource":`,
      ),
      Buffer.isBuffer(body) ? body : Buffer.from(body),
      Buffer.from('}]}'),
    ]);
  }
  const withId = (body: string) => body.replace('{"resourceType":"Patient"', `{"resourceType":"Patient","id":"${existing.id}"`);

  it('refuses forbidden characters in body strings at every depth, keys and values', async () => {
    for (const [route, send] of bodyRoutes()) {
      for (const where of ['top', 'name', 'extension', 'key'] as const) {
        await refuseAll(`${route}, ${where}`, (v) => send(route === 'update' ? withId(patientWith(v, where)) : patientWith(v, where)), BAD_STRINGS);
      }
    }
  });

  it('refuses bytes that are not UTF-8', async () => {
    for (const [route, send] of bodyRoutes()) {
      for (const [label, bytes] of BAD_BYTES) {
        const before = await stored();
        const body = Buffer.concat([Buffer.from('{"resourceType":"Patient","name":[{"family":"a'), Buffer.from(bytes), Buffer.from('b"}]}')]);
        expectRefused(await send(body), `${route}, ${label}`);
        expect(await stored(), `${route}, ${label}`).toBe(before);
      }
    }
    // Form bodies too.
    for (const [label, bytes] of BAD_BYTES) {
      const r = await form('/fhir/Patient/_search', Buffer.concat([Buffer.from('name=a'), Buffer.from(bytes)]));
      expectRefused(r, `_search form, ${label}`);
    }
  });

  it('refuses malformed, prototype-polluting, unbounded and non-finite JSON', async () => {
    for (const [route, send] of bodyRoutes()) {
      for (const [label, body] of BAD_BODIES) {
        const before = await stored();
        expectRefused(await send(body), `${route}, ${label}`);
        expect(await stored(), `${route}, ${label}`).toBe(before);
      }
    }
  });

  it('refuses wrong content types', async () => {
    for (const [route, send] of bodyRoutes()) {
      for (const [label, contentType] of BAD_CONTENT_TYPES) {
        const before = await stored();
        const r = await send(JSON.stringify(patient()), contentType);
        expectRefused(r, `${route}, ${label}`);
        expect(await stored(), `${route}, ${label}`).toBe(before);
      }
    }
  });

  it('refuses Bundles whose fields have the wrong JSON type, naming the entry', async () => {
    for (const type of ['transaction', 'batch']) {
      for (const [label, fields] of BAD_BUNDLES) {
        const before = await stored();
        const r = await inject({ method: 'POST', url: '/fhir', body: JSON.stringify({ resourceType: 'Bundle', type, ...(fields as object) }) });
        expectRefused(r, `${type}, ${label}`);
        expect(await stored(), `${type}, ${label}`).toBe(before);
        const body = json(r);
        const issue = r.statusCode === 200 ? body.entry[0].response.outcome.issue[0] : body.issue[0];
        // A transaction names the entry at fault (a batch answers each entry in its own place).
        if (type === 'transaction' && !/^entry /.test(label)) expect(JSON.stringify(issue.expression), `${type}, ${label}`).toMatch(/Bundle\.entry\[0\]/);
        if (/^entry /.test(label)) expect(issue.expression, label).toEqual(['Bundle.entry']);
      }
      for (const [label, b] of BAD_BUNDLE_SHAPES) {
        const r = await inject({ method: 'POST', url: '/fhir', body: JSON.stringify(b) });
        expectRefused(r, `${type}, ${label}`);
      }
    }
  });

  it('stores and finds dates at both ends of the calendar (no server error, no year 50 read as 1950)', async () => {
    const late = await inject({
      method: 'POST',
      url: '/fhir/Observation',
      body: JSON.stringify(observation(`Patient/${existing.id}`, { date: '9999-12-31T23:00:00-05:00' })),
    });
    expect(late.statusCode, late.body.slice(0, 300)).toBe(201);
    const early = await inject({
      method: 'POST',
      url: '/fhir/Observation',
      body: JSON.stringify(observation(`Patient/${existing.id}`, { date: '0050-06-01T00:00:00+09:00' })),
    });
    expect(early.statusCode, early.body.slice(0, 300)).toBe(201);
    const ids = async (q: string) =>
      json(await inject({ method: 'GET', url: `/fhir/Observation?${q}` })).entry?.map((e: { resource: { id: string } }) => e.resource.id) ?? [];
    expect(await ids('date=ge9999-12-31')).toEqual([json(late).id]);
    expect(await ids('date=0050')).toEqual([json(early).id]);
    expect(await ids('date=1950')).toEqual([]);
    for (const r of [late, early]) expect((await inject({ method: 'DELETE', url: `/fhir/Observation/${json(r).id}` })).statusCode).toBe(204);
  });

  it('keeps repeated parameters of a form body (ANDed, as in a URL)', async () => {
    const both = json(await form('/fhir/Patient/_search', 'identifier=NOPE&identifier=EXISTING'));
    expect(both.entry ?? []).toEqual([]);
    const one = json(await form('/fhir/Patient/_search', 'identifier=EXISTING&gender=male'));
    expect(one.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([existing.id]);
  });

  it('keeps what it stored unchanged, and stores nothing it refused', async () => {
    const rows = await s.t.platform.db.query<{ content: string }>(`SELECT content FROM resources WHERE content IS NOT NULL`);
    expect(rows.rows.length).toBe(1);
    for (const r of rows.rows) {
      expect(r.content).not.toMatch(/\u0000|\ufffd/);
      expect(r.content.isWellFormed()).toBe(true);
    }
  });
});
