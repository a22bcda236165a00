/** $calculate over HTTP on both engines: Parameters in and out, precise OperationOutcomes, and who may call it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/engines.ts';
import { startTestServer, type TestServer } from '../helpers/tsunagu.ts';
import { baseCase } from './fee-cases.ts';

type Param = { name: string; valueInteger?: number; valueString?: string; valueCode?: string; part?: Param[] };

const body = (c: unknown) => ({ resourceType: 'Parameters', parameter: [{ name: 'case', valueString: typeof c === 'string' ? c : JSON.stringify(c) }] });

describe.each(ENGINES)('$calculate (%s)', (engine) => {
  let s: TestServer;
  let clinic: string;

  beforeAll(async () => {
    s = await startTestServer(engine, {});
    clinic = (await s.addClient({ kind: 'facility', facilityCode: '1310000003', scopes: ['system/*.cruds'] })).token;
  });
  afterAll(async () => s?.close());

  const calculate = (c: unknown, token: string | undefined = clinic) => s.request({ method: 'POST', url: '/fhir/$calculate', token, body: body(c) });

  it('answers the points, the split and the rules', async () => {
    // 再診 75 + 外来管理加算 52 + 時間外 65 = 192点 = 1,920円 × 3割 = 576 → 580円
    const res = await calculate(baseCase({ time: '19:00', items: [{ code: '112011010' }] }));
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json().parameter as Param[];
    const one = (n: string) => out.find((p) => p.name === n);
    expect(one('totalPoints')?.valueInteger).toBe(192);
    expect(one('totalYen')?.valueInteger).toBe(1920);
    expect(one('patientYen')?.valueInteger).toBe(580);
    expect(one('encounter')?.valueCode).toBe('revisit');
    const lines = out.filter((p) => p.name === 'line').map((l) => l.part?.find((x) => x.name === 'code')?.valueCode);
    expect(lines).toEqual(['112007410', '112001110', '112011010']);
    const shares = out.filter((p) => p.name === 'share');
    expect(shares.reduce((sum, p) => sum + (p.part?.find((x) => x.name === 'yen')?.valueInteger ?? 0), 0)).toBe(1920);
    expect(out.filter((p) => p.name === 'rule').every((r) => r.part?.some((x) => x.name === 'source' && x.valueString))).toBe(true);
    expect(one('master')?.valueString).toMatch(/サンプル/);
  });

  it('refuses an unknown code with its path (422 code-invalid)', async () => {
    const res = await calculate(baseCase({ items: [{ code: '112007410' }, { code: '199999999' }] }));
    expect(res.statusCode).toBe(422);
    const issue = res.json().issue[0];
    expect(issue.code).toBe('code-invalid');
    expect(issue.expression).toEqual(['visit.items[1].code']);
    expect(issue.details.text).toMatch(/199999999/);
  });

  it('refuses a visit before the eligibility starts (422 business-rule)', async () => {
    const res = await calculate(baseCase({}, { insurance: { insurerNumber: '06132013', copayRatio: 3, acquiredOn: '2025-05-01' } }));
    expect(res.statusCode).toBe(422);
    expect(res.json().issue[0].code).toBe('business-rule');
    expect(res.json().issue[0].expression).toEqual(['visit.date']);
  });

  it('refuses a case that is not JSON, or malformed, with 400 and the field', async () => {
    const notJson = await calculate('{"facility":');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().issue[0].expression).toEqual(['case']);
    const c = baseCase() as unknown as { patient: Record<string, unknown> };
    delete c.patient.birthDate;
    const malformed = await calculate(c);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().issue[0].expression).toEqual(['patient.birthDate']);
    expect(malformed.json().issue[0].details.text).toMatch(/patient\.birthDate/);
    const missing = await s.request({ method: 'POST', url: '/fhir/$calculate', token: clinic, body: { resourceType: 'Parameters', parameter: [] } });
    expect(missing.statusCode).toBe(400);
  });

  it('needs a token', async () => {
    expect((await calculate(baseCase(), '')).statusCode).toBe(401);
  });

  it('is listed with its OperationDefinition', async () => {
    const def = await s.request({ method: 'GET', url: '/fhir/OperationDefinition/billing-calculate', token: clinic });
    expect(def.statusCode).toBe(200);
    expect(def.json().code).toBe('calculate');
  });
});
