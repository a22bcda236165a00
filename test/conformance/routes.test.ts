/** $validate over HTTP (Fastify inject on a bare app with the plugin registered). */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRoutes } from '../../src/platform/conformance/index.ts';
import { example, jpConformance } from './helpers.ts';

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  // Fastify's default parser only knows application/json; the platform adds FHIR JSON the same way.
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  await app.register(validateRoutes, { conformance: await jpConformance() });
  await app.ready();
});
afterAll(() => app.close());

const post = (url: string, payload: unknown) =>
  app.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/fhir+json' } });

describe('POST /fhir/$validate', () => {
  it('returns 200 and an OperationOutcome without errors for a valid resource', async () => {
    const r = await post('/fhir/$validate', example('valid', 'Condition-Example-JP-Condition-eCS-01.json'));
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('application/fhir+json');
    const oo = r.json();
    expect(oo.resourceType).toBe('OperationOutcome');
    expect(oo.issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
  });

  it('returns 200 with the errors for an invalid resource', async () => {
    const r = await post('/fhir/$validate', example('invalid', 'Observation-ErrorExample-ObsLabo-eGFR.json'));
    expect(r.statusCode).toBe(200);
    const errs = r.json().issue.filter((i: { severity: string }) => i.severity === 'error');
    expect(errs[0].expression).toEqual(['Observation.code']);
    expect(errs[0].details.text).toMatch(/ローカルコード/);
  });

  it('accepts a Parameters body with resource and profile parts', async () => {
    const patient = example('valid', 'Patient-Example-JP-Patient-minimun.json');
    const r = await post('/fhir/$validate', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'resource', resource: patient },
        { name: 'profile', valueUri: 'http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS' },
      ],
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().issue.some((i: { severity: string }) => i.severity === 'error')).toBe(true);
  });

  it('accepts ?profile= too', async () => {
    const patient = example('valid', 'Patient-Example-JP-Patient-minimun.json');
    const plain = await post('/fhir/Patient/$validate', patient);
    expect(plain.json().issue.some((i: { severity: string }) => i.severity === 'error')).toBe(false);
    const withProfile = await post(`/fhir/Patient/$validate?profile=${encodeURIComponent('http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS')}`, patient);
    expect(withProfile.json().issue.some((i: { severity: string }) => i.severity === 'error')).toBe(true);
  });

  it('400 when the body is not a resource', async () => {
    const r = await post('/fhir/$validate', { hello: 'world' });
    expect(r.statusCode).toBe(400);
    expect(r.json().resourceType).toBe('OperationOutcome');
  });

  it('400 when the type in the URL does not match the body, or is not a resource type', async () => {
    expect((await post('/fhir/Patient/$validate', example('valid', 'Condition-Example-JP-Condition-eCS-01.json'))).statusCode).toBe(400);
    expect((await post('/fhir/Nothing/$validate', { resourceType: 'Nothing' })).statusCode).toBe(400);
  });
});
