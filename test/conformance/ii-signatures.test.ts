/**
 * Bundle.signature / Provenance.signature: required Signature elements (from the base definition)
 * and the JWS structure of `data` when it is one. No cryptographic verification.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { loadConformance, type Conformance } from '../../src/platform/conformance/index.ts';
import { describeErrors } from './helpers.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const header = b64url(JSON.stringify({ alg: 'RS256', kid: 'hospital-1' }));
const sigPart = b64url('not-a-real-signature-but-well-formed');

function provenance(signature: Record<string, unknown>): Record<string, unknown> {
  return {
    resourceType: 'Provenance',
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">署名</div>' },
    target: [{ reference: 'MedicationRequest/rx1' }],
    recorded: '2026-12-01T10:00:00+09:00',
    agent: [{ who: { reference: 'Practitioner/dr1' } }],
    signature: [signature],
  };
}

const base = {
  type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }],
  when: '2026-12-01T10:00:00+09:00',
  who: { reference: 'Practitioner/dr1' },
};

const sigErrors = (oo: OperationOutcome) => describeErrors(oo).filter((d) => /signature\[0\]/.test(d));

describe('signatures', () => {
  let c: Conformance;
  beforeAll(async () => {
    c = await loadConformance({ packages: [] });
  });

  it('accepts a detached compact JWS and a full compact JWS', () => {
    expect(describeErrors(c.validate(provenance({ ...base, sigFormat: 'application/jose', data: b64(`${header}..${sigPart}`) })))).toEqual([]);
    expect(describeErrors(c.validate(provenance({ ...base, sigFormat: 'application/jose', data: b64(`${header}.${b64url('{}')}.${sigPart}`) })))).toEqual([]);
  });

  it('accepts the JWS JSON serialization', () => {
    const json = JSON.stringify({ payload: '', signatures: [{ protected: header, signature: sigPart }] });
    expect(describeErrors(c.validate(provenance({ ...base, sigFormat: 'application/jose', data: b64(json) })))).toEqual([]);
  });

  it('accepts opaque data in other formats', () => {
    expect(describeErrors(c.validate(provenance({ ...base, sigFormat: 'application/signature+xml', data: b64('<Signature/>') })))).toEqual([]);
    expect(describeErrors(c.validate(provenance({ ...base, data: 'dGhpcyBibG9iIGlzIHNuaXBwZWQ=' })))).toEqual([]);
  });

  it('requires type, when and who', () => {
    const errs = sigErrors(c.validate(provenance({ data: b64(`${header}..${sigPart}`) })));
    expect(errs).toHaveLength(3);
    expect(errs.join('\n')).toMatch(/signature\[0\]\.type/);
    expect(errs.join('\n')).toMatch(/signature\[0\]\.when/);
    expect(errs.join('\n')).toMatch(/signature\[0\]\.who/);
  });

  it('rejects application/jose data that is not a JWS (one error)', () => {
    expect(sigErrors(c.validate(provenance({ ...base, sigFormat: 'application/jose', data: b64('just some bytes') })))).toEqual([
      'Provenance.signature[0].data | Signature.data (sigFormat application/jose) is not a JWS: expected the compact form header.payload.signature or the JSON serialization',
    ]);
  });

  it('rejects a JWS whose header is not JSON or has no alg', () => {
    const noAlg = b64url(JSON.stringify({ kid: 'x' }));
    expect(sigErrors(c.validate(provenance({ ...base, sigFormat: 'application/jose', data: b64(`${noAlg}..${sigPart}`) })))).toEqual([
      "Provenance.signature[0].data | The JWS header in Signature.data is invalid: no 'alg'",
    ]);
    expect(sigErrors(c.validate(provenance({ ...base, sigFormat: 'application/jose', data: b64(`${b64url('nope')}..${sigPart}`) })))).toEqual([
      'Provenance.signature[0].data | The JWS header in Signature.data is invalid: not JSON',
    ]);
  });

  it('rejects an empty signature part unless alg is none', () => {
    expect(sigErrors(c.validate(provenance({ ...base, sigFormat: 'application/jose', data: b64(`${header}..`) })))).toEqual([
      'Provenance.signature[0].data | The JWS signature part in Signature.data is invalid: empty',
    ]);
  });

  it('checks JWS-shaped data even without sigFormat', () => {
    const noAlg = b64url(JSON.stringify({ typ: 'JOSE' }));
    expect(sigErrors(c.validate(provenance({ ...base, data: b64(`${noAlg}..${sigPart}`) })))).toHaveLength(1);
  });

  it('checks Bundle.signature too', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      signature: { ...base, sigFormat: 'application/jose', data: b64('garbage') },
    };
    expect(describeErrors(c.validate(bundle)).filter((d) => /Bundle\.signature\.data/.test(d))).toHaveLength(1);
  });
});
