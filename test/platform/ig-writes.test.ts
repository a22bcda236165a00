/**
 * Write paths validate against the IG packages the operator loads (here the shared JP Core and JP-CLINS
 * packages): conforming JP-CLINS content is stored, content that breaks a JP-CLINS rule is refused with the
 * reason and its location, and the CapabilityStatement lists the loaded profiles.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFhirDir } from '../helpers/shared-dir.ts';
import { json, startTestServer, type TestClient, type TestServer } from '../helpers/tsunagu.ts';

const SHARED = sharedFhirDir();
const example = (kind: 'valid' | 'invalid', file: string) => JSON.parse(readFileSync(join(SHARED, 'examples', kind, file), 'utf8'));

describe('IG-validated writes', () => {
  let s: TestServer;
  let clinic: TestClient;
  beforeAll(async () => {
    s = await startTestServer('pglite', {
      igPackages: [join(SHARED, 'packages/jp-core.r4-1.1.2-url.tgz'), join(SHARED, 'packages/jp-eCSCLINS.r4-1.5.2-snap.tgz')],
    });
    clinic = await s.addClient({ kind: 'facility', scopes: ['system/*.*'] });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('stores a conforming JP-CLINS lab result', async () => {
    const obs = example('valid', 'Observation-Example-JP-Obs-LabResult-eCS-eGFR.json');
    delete obs.id;
    const r = await s.request({ method: 'POST', url: '/fhir/Observation', token: clinic.token, body: obs });
    expect(r.statusCode, r.body).toBe(201);
  });

  it('refuses a lab result without its local code, saying why and where', async () => {
    const obs = example('invalid', 'Observation-ErrorExample-ObsLabo-eGFR.json');
    delete obs.id;
    const r = await s.request({ method: 'POST', url: '/fhir/Observation', token: clinic.token, body: obs });
    expect(r.statusCode).toBe(422);
    const errors = json(r).issue.filter((i: { severity: string }) => i.severity === 'error');
    expect(errors.some((i: { expression?: string[] }) => i.expression?.[0]?.startsWith('Observation.code'))).toBe(true);
    expect(errors.map((i: { diagnostics: string }) => i.diagnostics).join(' ')).toMatch(/local/i);
  });

  it('lists the loaded profiles in the CapabilityStatement', async () => {
    const cs = json(await s.request({ method: 'GET', url: '/fhir/metadata' }));
    const obs = cs.rest[0].resource.find((r: { type: string }) => r.type === 'Observation');
    expect(obs.supportedProfile).toContain('http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS');
    expect(cs.rest[0].operation.map((o: { name: string }) => o.name)).toContain('validate');
  });
});
