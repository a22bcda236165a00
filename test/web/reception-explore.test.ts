import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { signInStaff } from '../helpers/app-sign-in.ts';
import { demoPatient, demoStaff, startDemoWebServer } from './demo-web.ts';

describe('explore', () => {
  it('flows', async () => {
    const server = await startDemoWebServer();
    const out: Record<string, unknown> = {};
    try {
      const app = server.t.app;
      const call = async (token: string, method: 'POST' | 'GET', url: string, body?: unknown) => {
        const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/fhir+json' }, payload: body === undefined ? undefined : JSON.stringify(body) });
        return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined };
      };
      for (const role of ['事務', '看護師'] as const) {
        const who = demoStaff(server.world, role);
        const s = await signInStaff(app, { facility: who.facility, login: who.login, password: who.password });
        const t = s.access_token;
        for (const key of ['takahashi', 'kobayashi', 'yamazaki', 'shimizu', 'ito', 'watanabe']) {
          const p = demoPatient(server.world, key);
          const card = JSON.parse(readFileSync(p.card, 'utf8'));
          const ch = await call(t, 'POST', '/fhir/$card-challenge', { resourceType: 'Parameters' });
          const challenge = ch.body.parameter[0].valueString;
          const wrong = await call(t, 'POST', '/eligibility/virtual-reader/authenticate', { card, challenge, pin: p.pin === '0000' ? '1111' : '0000' });
          const ok = await call(t, 'POST', '/eligibility/virtual-reader/authenticate', { card, challenge, pin: p.pin });
          const a = ok.body.assertion;
          const v = await call(t, 'POST', '/fhir/$verify-card', { resourceType: 'Parameters', parameter: [
            { name: 'challenge', valueString: a.challenge }, { name: 'signature', valueString: a.signature }, { name: 'certificate', valueString: a.certificate },
            ...a.chain.map((c: string) => ({ name: 'chain', valueString: c })), { name: 'method', valueCode: a.method }] });
          const visit = v.body.parameter.find((x: { name: string }) => x.name === 'visit')?.valueString;
          const consent = await call(t, 'POST', '/fhir/$reader-consent', { resourceType: 'Parameters', parameter: [{ name: 'visit', valueString: visit }, { name: 'medication', valueBoolean: true }, { name: 'surgery', valueBoolean: false }] });
          const [ins, sym, num, br] = p.insuredNumber.split(':');
          const vi = await call(t, 'POST', '/fhir/$verify-insurance', { resourceType: 'Parameters', parameter: [
            { name: 'source', valueCode: 'eligibility-certificate' }, { name: 'insurerNumber', valueString: ins }, { name: 'symbol', valueString: sym }, { name: 'number', valueString: num }, { name: 'branch', valueString: br }, { name: 'birthDate', valueDate: p.birthDate }] });
          const viBad = await call(t, 'POST', '/fhir/$verify-insurance', { resourceType: 'Parameters', parameter: [
            { name: 'source', valueCode: 'eligibility-certificate' }, { name: 'insurerNumber', valueString: ins }, { name: 'symbol', valueString: sym }, { name: 'number', valueString: num }, { name: 'branch', valueString: br }, { name: 'birthDate', valueDate: '1999-01-01' }] });
          const viBad2 = await call(t, 'POST', '/fhir/$verify-insurance', { resourceType: 'Parameters', parameter: [
            { name: 'insurerNumber', valueString: '12345678' }, { name: 'number', valueString: num }, { name: 'birthDate', valueDate: '1999-02-30' }] });
          const patientRef = v.body.parameter.find((x: { name: string }) => x.name === 'patientReference')?.valueReference?.reference;
          const cov = v.body.parameter.find((x: { name: string }) => x.name === 'coverage')?.resource;
          const org = cov ? await call(t, 'GET', `/fhir/${cov.payor[0].reference}`) : undefined;
          const pat = patientRef ? await call(t, 'GET', `/fhir/${patientRef}`) : undefined;
          out[`${role}-${key}`] = { p: { ...p, pin: undefined }, wrong: { ...wrong.body, card: undefined, status: wrong.status }, okStatus: ok.status, v: v.body, consent: { status: consent.status, body: consent.status === 201 ? consent.body.total : consent.body }, vi: vi.body, viBad: viBad.body, viBad2: { s: viBad2.status, b: viBad2.body }, org, pat: pat?.status };
          if (role === '看護師') break;
        }
      }
    } finally {
      writeFileSync('/tmp/recep/explore.json', JSON.stringify(out, null, 1));
      await server.close();
    }
  }, 300_000);
});
