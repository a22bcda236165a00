/**
 * The operation registry keeps definitions, handlers and the CapabilityStatement together: every operation the
 * CapabilityStatement lists has a handler and a definition that resolves, and every registered operation is listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestServer, type TestServer } from '../helpers/tsunagu.ts';

describe('operations: CapabilityStatement, definitions and handlers agree', () => {
  let s: TestServer;
  let token = '';
  beforeAll(async () => {
    s = await startTestServer('pglite');
    token = (await s.addClient({ kind: 'operator', scopes: ['system/*.*'] })).token;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lists exactly the registered operations, each with a definition served at OperationDefinition/<id>', async () => {
    const cs = json(await s.request({ method: 'GET', url: '/fhir/metadata' }));
    const listed = new Map<string, Set<string>>(); // name → levels (system or resource types)
    const note = (name: string, level: string, definition: string) => {
      listed.set(`${name} ${definition}`, (listed.get(`${name} ${definition}`) ?? new Set()).add(level));
    };
    for (const o of cs.rest[0].operation ?? []) note(o.name, 'system', o.definition);
    for (const r of cs.rest[0].resource) for (const o of r.operation ?? []) note(o.name, r.type, o.definition);
    const registered = s.t.operations.list();
    expect(new Set([...listed.keys()].map((k) => k.split(' ')[0]))).toEqual(new Set(registered.map((o) => o.spec.code)));
    for (const { spec, definition } of registered) {
      const levels = listed.get(`${spec.code} ${spec.url}`)!;
      expect(levels, spec.code).toBeDefined();
      expect(levels.has('system'), spec.code).toBe(spec.system);
      for (const type of spec.resource ?? [])
        if (type !== 'Resource' && (spec.type || spec.instance)) expect(levels.has(type), `${spec.code} on ${type}`).toBe(true);
      const served = await s.request({ method: 'GET', url: `/fhir/OperationDefinition/${spec.id}` });
      expect(served.statusCode, spec.id).toBe(200);
      expect(json(served)).toEqual(definition);
      expect(json(served)).toMatchObject({ resourceType: 'OperationDefinition', code: spec.code, url: spec.url });
    }
  });

  it('every listed operation reaches its handler at every level it is listed on', async () => {
    for (const { spec } of s.t.operations.list()) {
      const paths = [
        ...(spec.system ? [`/fhir/$${spec.code}`] : []),
        ...(spec.resource ?? []).flatMap((t) => {
          const type = t === 'Resource' ? 'Patient' : t;
          return [...(spec.type ? [`/fhir/${type}/$${spec.code}`] : []), ...(spec.instance ? [`/fhir/${type}/x1/$${spec.code}`] : [])];
        }),
      ];
      for (const url of paths) {
        const r = await s.request({
          method: 'POST',
          url,
          token,
          body: { resourceType: 'Parameters', parameter: [{ name: 'no-such-parameter', valueString: 'x' }] },
        });
        // The handler's input check answers (400 naming the parameter), not the router's "no interaction" (404).
        expect([url, r.statusCode], r.body).toEqual([url, 400]);
        expect(json(r).issue[0].diagnostics, url).toContain("unknown parameter 'no-such-parameter'");
      }
    }
  });
});
