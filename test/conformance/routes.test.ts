/** $validate as a registered operation, through the FHIR router (no HTTP server, no database). */
import { beforeAll, describe, expect, it } from 'vitest';
import { VALIDATE_SPEC, validateHandler } from '../../src/platform/conformance/index.ts';
import { parseScopes } from '../../src/platform/auth/scopes.ts';
import { FhirRouter } from '../../src/platform/router/router.ts';
import { OperationRegistry } from '../../src/platform/router/operations/operation-registry.ts';
import type { FhirResponse } from '../../src/platform/router/fhir-request.ts';
import { FhirError } from '../../src/platform/fhir/errors.ts';
import { example, jpConformance } from './helpers.ts';

const router = new FhirRouter();

beforeAll(async () => {
  new OperationRegistry(router).register(VALIDATE_SPEC, validateHandler(await jpConformance()));
});

/** POSTs to the router; a thrown FhirError becomes its response, as the HTTP layer renders it. */
async function post(url: string, body: unknown): Promise<{ statusCode: number; json(): any }> {
  const [path, qs] = url.replace(/^\/fhir\/?/, '').split('?');
  let res: FhirResponse;
  try {
    res = await router.handle({
      method: 'POST',
      path,
      query: new URLSearchParams(qs ?? ''),
      headers: {},
      body,
      base: 'http://localhost/fhir',
      context: async () => ({ principal: { clientId: 'c', name: 'test', kind: 'operator', scopes: parseScopes('system/*.*') }, purpose: 'HOPERAT' }),
    });
  } catch (err) {
    if (!(err instanceof FhirError)) throw err;
    res = { status: err.status, body: err.outcome };
  }
  const parsed = typeof res.body === 'string' ? JSON.parse(res.body) : res.body;
  return { statusCode: res.status, json: () => parsed };
}

describe('POST /fhir/$validate', () => {
  it('returns 200 and an OperationOutcome without errors for a valid resource', async () => {
    const r = await post('/fhir/$validate', example('valid', 'Condition-Example-JP-Condition-eCS-01.json'));
    expect(r.statusCode).toBe(200);
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
    const withProfile = await post(
      `/fhir/Patient/$validate?profile=${encodeURIComponent('http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS')}`,
      patient,
    );
    expect(withProfile.json().issue.some((i: { severity: string }) => i.severity === 'error')).toBe(true);
  });

  it('400 when the body is not a resource, or names a parameter the operation does not take', async () => {
    const r = await post('/fhir/$validate', { hello: 'world' });
    expect(r.statusCode).toBe(400);
    expect(r.json().resourceType).toBe('OperationOutcome');
    const unknown = await post('/fhir/$validate', { resourceType: 'Parameters', parameter: [{ name: 'resourse', resource: { resourceType: 'Patient' } }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().issue[0].diagnostics).toContain("unknown parameter 'resourse'");
    const wrongType = await post('/fhir/$validate', { resourceType: 'Parameters', parameter: [{ name: 'resource', valueString: 'Patient' }] });
    expect(wrongType.statusCode).toBe(400);
  });

  it('400 when the type in the URL does not match the body, or is not a resource type', async () => {
    expect((await post('/fhir/Patient/$validate', example('valid', 'Condition-Example-JP-Condition-eCS-01.json'))).statusCode).toBe(400);
    expect((await post('/fhir/Nothing/$validate', { resourceType: 'Nothing' })).statusCode).toBe(400);
  });
});
