/**
 * The prescriber signature: signing a prescription Bundle with an HPKI-style certificate and verifying it — the good
 * path and every refusal (no signature, malformed, untrusted chain, expired, not yet valid, revoked, wrong
 * qualification, content changed, algorithm not allowed).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticTrustStore } from '../../src/services/eligibility/index.ts';
import {
  DISPENSING_ROLES,
  PRESCRIBING_ROLES,
  createHpkiAuthority,
  localPrescriberKey,
  signPrescriptionBundle,
  trustForAuthorities,
  trustFromDirectory,
  verifyPrescriptionSignature,
  type PrescriberKey,
  type SignatureVerification,
} from '../../src/services/eprescription/signature/index.ts';
import { signWithKey } from '../../src/services/eprescription/signature/jws.ts';
import { hpkiWorld, medicationRequestOf, patientOf, prescriptionBundle, T0, type HpkiWorld } from './signature-fixtures.ts';

const AT = new Date(T0.getTime() + 3600_000);
let w: HpkiWorld;

beforeAll(async () => {
  w = await hpkiWorld();
});
afterAll(async () => w?.close());

async function signed(cred = w.doctor, bundle: Bundle = prescriptionBundle()): Promise<Bundle> {
  return signPrescriptionBundle(bundle, localPrescriberKey(cred), { at: T0 });
}

function verify(bundle: unknown, options: Partial<Parameters<typeof verifyPrescriptionSignature>[2]> = {}, trust = w.trust): Promise<SignatureVerification> {
  return verifyPrescriptionSignature(bundle, trust, { at: AT, requiredRole: PRESCRIBING_ROLES, ...options });
}

function codeOf(v: SignatureVerification): string {
  return v.ok ? 'ok' : v.code;
}

/** The JWS of a signed Bundle, split. */
function jwsOf(bundle: Bundle): { header: Record<string, unknown>; encodedHeader: string; signature: string } {
  const [encodedHeader, , signature] = Buffer.from(bundle.signature!.data!, 'base64').toString('ascii').split('.');
  return { header: JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')), encodedHeader, signature };
}

function withJws(bundle: Bundle, header: Record<string, unknown>, signature: string, payload = ''): Bundle {
  const jws = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
  return { ...bundle, signature: { ...bundle.signature!, data: Buffer.from(jws).toString('base64') } };
}

describe('a signed prescription verifies', () => {
  it('names the signer: name, qualification, registration number, certificate serial', async () => {
    const bundle = await signed();
    expect(bundle.signature).toMatchObject({
      sigFormat: 'application/jose',
      when: '2026-06-01T00:00:00Z',
      who: { display: '神奈川　花子' },
      type: [{ system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.1' }],
    });
    const v = await verify(bundle, { requiredRole: 'doctor' });
    expect(v).toMatchObject({ ok: true, alg: 'ES256', signedAt: T0 });
    if (!v.ok) return;
    expect(v.signer).toMatchObject({ name: '神奈川　花子', role: 'doctor', roles: ['doctor'], registrationNumber: '123456', serial: w.doctor.serial });
    expect(v.signer.issuer).toContain('Tsunagu Test HPKI Issuing CA');
  });

  it('the JWS is detached (empty payload) and carries the certificate chain in x5c', async () => {
    const bundle = await signed();
    const jws = Buffer.from(bundle.signature!.data!, 'base64').toString('ascii');
    expect(jws.split('.')).toHaveLength(3);
    expect(jws.split('.')[1]).toBe('');
    const { header } = jwsOf(bundle);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JOSE', cty: 'application/fhir+json', sigT: '2026-06-01T00:00:00Z' });
    expect(header.x5c).toHaveLength(3); // signer, issuing CA, root
  });

  it('a 歯科医師 signs a prescription too; requiredRole names who may sign', async () => {
    const bundle = await signed(w.dentist);
    expect(codeOf(await verify(bundle))).toBe('ok');
    expect(codeOf(await verify(bundle, { requiredRole: 'dentist' }))).toBe('ok');
    const asDoctor = await verify(bundle, { requiredRole: 'doctor' });
    expect(codeOf(asDoctor)).toBe('wrong-qualification');
  });

  it('RS256 with RSA-2048 keys, as HPKI cards hold', async () => {
    const rsa = await w.issuing.issue({ name: '相模 四郎', role: 'doctor', registrationNumber: '424242', keyType: 'RSA-2048', now: T0 });
    const bundle = await signed(rsa);
    expect(jwsOf(bundle).header.alg).toBe('RS256');
    expect(await verify(bundle)).toMatchObject({ ok: true, alg: 'RS256', signer: { name: '相模 四郎' } });
  });

  it('survives a JSON round trip with other whitespace and member order (canonical form)', async () => {
    const bundle = await signed();
    const reordered = JSON.parse(JSON.stringify(bundle, null, 4));
    const { entry, ...rest } = reordered;
    const shuffled = { entry, ...Object.fromEntries(Object.entries(rest).reverse()) };
    expect(Object.keys(shuffled)[0]).toBe('entry');
    expect(codeOf(await verify(shuffled))).toBe('ok');
  });

  it('trust from PEM files: a directory with the root as anchor and the issuing CA as intermediate', async () => {
    const bundle = await signed();
    const trust = await StaticTrustStore.fromPems({ anchors: [w.root.certificatePem] }); // the issuing CA comes from x5c
    expect(codeOf(await verify(bundle, {}, trust))).toBe('ok');
  });
});

describe('refusals', () => {
  it('no signature', async () => {
    const v = await verify(prescriptionBundle());
    expect(v).toMatchObject({ ok: false, code: 'no-signature' });
    if (!v.ok) expect(v.ja).toContain('電子署名がありません');
  });

  it('malformed: not a Bundle, a Signature array, another format, garbage data, an attached payload', async () => {
    const bundle = await signed();
    expect(codeOf(await verify({ resourceType: 'Patient' }))).toBe('malformed');
    expect(codeOf(await verify(null))).toBe('malformed');
    expect(codeOf(await verify({ ...bundle, signature: [bundle.signature] }))).toBe('malformed');
    expect(codeOf(await verify({ ...bundle, signature: { ...bundle.signature, sigFormat: 'application/signature+xml' } }))).toBe('malformed');
    expect(codeOf(await verify({ ...bundle, signature: { ...bundle.signature, targetFormat: 'application/fhir+json' } }))).toBe('malformed');
    expect(codeOf(await verify({ ...bundle, signature: { ...bundle.signature, data: '***' } }))).toBe('malformed');
    expect(codeOf(await verify({ ...bundle, signature: { ...bundle.signature, data: Buffer.from('a.b').toString('base64') } }))).toBe('malformed');
    const { header, signature } = jwsOf(bundle);
    expect(codeOf(await verify(withJws(bundle, header, signature, 'eyJ9')))).toBe('malformed');
    expect(codeOf(await verify(withJws(bundle, { ...header, x5c: [] }, signature)))).toBe('malformed');
    expect(codeOf(await verify(withJws(bundle, { ...header, x5c: ['AAAA'] }, signature)))).toBe('malformed');
    expect(codeOf(await verify(withJws(bundle, { ...header, crit: ['exp'] }, signature)))).toBe('malformed');
    expect(codeOf(await verify(withJws(bundle, { ...header, sigT: undefined }, signature)))).toBe('malformed');
    expect(codeOf(await verify(withJws(bundle, { ...header, 'x5t#S256': 'AAAA' }, signature)))).toBe('malformed');
  });

  it('malformed: Signature.when changed (outside the signed content, so checked against sigT)', async () => {
    const bundle = await signed();
    const v = await verify({ ...bundle, signature: { ...bundle.signature, when: '2026-05-01T00:00:00Z' } });
    expect(v).toMatchObject({ ok: false, code: 'malformed' });
  });

  it('untrusted chain: a certificate of a CA the service does not trust', async () => {
    const other = await createHpkiAuthority({ dir: join(w.dir, 'rogue'), commonName: 'Tsunagu Test HPKI Issuing CA', now: new Date(T0.getTime() - 86400_000) });
    const rogue = await other.issue({ name: '神奈川　花子', role: 'doctor', registrationNumber: '123456', now: T0 });
    const v = await verify(await signed(rogue));
    expect(v).toMatchObject({ ok: false, code: 'untrusted-chain' });
    if (!v.ok) expect(v.ja).toContain('信頼する認証局');
  });

  it('untrusted chain: the issuing CA neither presented nor known', async () => {
    const bundle = await signed();
    const { header } = jwsOf(bundle);
    const leafOnly: PrescriberKey = { ...localPrescriberKey(w.doctor), certificateChain: async () => [(header.x5c as string[])[0]] };
    const trust = await StaticTrustStore.fromPems({ anchors: [w.root.certificatePem] });
    const v = await verify(await signPrescriptionBundle(prescriptionBundle(), leafOnly, { at: T0 }), {}, trust);
    expect(codeOf(v)).toBe('untrusted-chain');
  });

  it('expired and not yet valid', async () => {
    const short = await w.issuing.issue({
      name: '期限 切子',
      role: 'doctor',
      registrationNumber: '100001',
      notBefore: new Date('2026-07-01T00:00:00Z'),
      notAfter: new Date('2026-08-01T00:00:00Z'),
    });
    const bundle = await signed(short);
    const early = await verify(bundle, { at: new Date('2026-06-15T00:00:00Z') });
    expect(early).toMatchObject({ ok: false, code: 'not-yet-valid' });
    if (!early.ok) expect(early.ja).toContain('2026-07-01');
    const late = await verify(bundle, { at: new Date('2026-08-02T00:00:00Z') });
    expect(late).toMatchObject({ ok: false, code: 'expired' });
    if (!late.ok) expect(late.ja).toContain('有効期限');
    expect(codeOf(await verify(bundle, { at: new Date('2026-07-15T00:00:00Z') }))).toBe('ok');
  });

  it('revoked: accepted before the CRL, refused once the CRL is published', async () => {
    const cred = await w.issuing.issue({ name: '紛失 一郎', role: 'doctor', registrationNumber: '200002', now: T0 });
    const bundle = await signed(cred);
    expect(codeOf(await verify(bundle, {}, await trustForAuthorities([w.issuing])))).toBe('ok');
    const revokedAt = new Date(T0.getTime() + 1800_000);
    await w.issuing.revoke(cred.serial, 'cessationOfOperation', revokedAt);
    // Revoked in the register but no CRL published yet: the verifier cannot know.
    expect(codeOf(await verify(bundle, {}, await trustForAuthorities([w.issuing])))).toBe('ok');
    await w.issuing.publishCrl({ now: revokedAt });
    const trust = await trustForAuthorities([w.issuing]);
    const v = await verify(bundle, {}, trust);
    expect(v).toMatchObject({ ok: false, code: 'revoked' });
    if (!v.ok) expect(v.ja).toContain('失効');
    // Verified at a time before the revocation (not a key compromise): the certificate was good then.
    expect(codeOf(await verify(bundle, { at: new Date(T0.getTime() + 60_000) }, trust))).toBe('ok');
    // The other prescribers of the same CA are not affected.
    expect(codeOf(await verify(await signed(w.doctor), {}, trust))).toBe('ok');
  });

  it('revoked for key compromise: refused whatever the verification time', async () => {
    const cred = await w.issuing.issue({ name: '盗難 二郎', role: 'doctor', registrationNumber: '300003', now: T0 });
    const bundle = await signed(cred);
    await w.issuing.revoke(cred.serial, 'keyCompromise', new Date(T0.getTime() + 7200_000));
    await w.issuing.publishCrl({ now: new Date(T0.getTime() + 7200_000) });
    const v = await verify(bundle, { at: new Date(T0.getTime() + 60_000) }, await trustForAuthorities([w.issuing]));
    expect(v).toMatchObject({ ok: false, code: 'revoked' });
    if (!v.ok) expect(v.ja).toContain('鍵の危殆化');
  });

  it('revocation unknown: current CRLs required but none published for the root', async () => {
    const bundle = await signed();
    const v = await verify(bundle, { requireCurrentRevocationData: true }, await trustForAuthorities([w.issuing]));
    expect(v).toMatchObject({ ok: false, code: 'revocation-unknown' });
  });

  it('wrong qualification: a 薬剤師 certificate cannot sign a prescription', async () => {
    const v = await verify(await signed(w.pharmacist));
    expect(v).toMatchObject({ ok: false, code: 'wrong-qualification' });
    if (!v.ok) {
      expect(v.ja).toContain('薬剤師');
      expect(v.ja).toContain('医師・歯科医師');
      expect(v.en).toContain('Pharmacist');
    }
  });

  it('a 薬剤師 certificate signs a dispensing result (調剤結果); a 医師 one does not', async () => {
    const dispensing: Bundle = { resourceType: 'Bundle', type: 'document', timestamp: '2026-06-01T15:00:00+09:00', entry: [] };
    const byPharmacist = await signed(w.pharmacist, dispensing);
    expect(await verify(byPharmacist, { requiredRole: DISPENSING_ROLES })).toMatchObject({ ok: true, signer: { role: 'pharmacist', name: '川崎 三郎' } });
    expect(codeOf(await verify(await signed(w.doctor, dispensing), { requiredRole: 'pharmacist' }))).toBe('wrong-qualification');
  });

  it('wrong qualification: no hcRole at all, or an unknown one', async () => {
    const none = await w.issuing.issue({ name: '資格 無子', role: 'doctor', hcRoles: [], registrationNumber: '400004', now: T0 });
    const v = await verify(await signed(none));
    expect(v).toMatchObject({ ok: false, code: 'wrong-qualification' });
    if (!v.ok) expect(v.ja).toContain('資格属性なし');
    const nurse = await w.issuing.issue({ name: '看護 花', role: 'nurse', registrationNumber: '500005', now: T0 });
    expect(codeOf(await verify(await signed(nurse)))).toBe('wrong-qualification');
    const both = await w.issuing.issue({
      name: '兼務 医',
      role: 'doctor',
      hcRoles: ['Director of Clinic', 'Medical Doctor'],
      registrationNumber: '600006',
      now: T0,
    });
    expect(await verify(await signed(both))).toMatchObject({ ok: true, signer: { role: 'doctor' } });
  });

  it('bad key usage: a CA certificate cannot sign prescriptions', async () => {
    const subCa = await createHpkiAuthority({ dir: join(w.dir, 'sub2'), parent: w.root, now: new Date(T0.getTime() - 86400_000) });
    const caKey: PrescriberKey = {
      alg: 'ES256',
      certificateChain: async () => [subCa.certificatePem, w.root.certificatePem].map((p) => p.replace(/-----[^-]+-----|\s/g, '')),
      sign: async (input) => {
        const { createPrivateKey } = await import('node:crypto');
        const { readFile } = await import('node:fs/promises');
        return signWithKey(createPrivateKey(await readFile(join(subCa.dir, 'ca.key.pem'), 'utf8')), 'ES256', input);
      },
    };
    const v = await verify(await signPrescriptionBundle(prescriptionBundle(), caKey, { at: T0 }));
    expect(codeOf(v)).toBe('bad-key-usage');
  });

  it('revoked: an issuing CA revoked by the root refuses every certificate under it', async () => {
    const sub = await createHpkiAuthority({ dir: join(w.dir, 'sub-revoked'), parent: w.root, now: new Date(T0.getTime() - 86400_000) });
    const cred = await sub.issue({ name: '配下 六郎', role: 'doctor', registrationNumber: '800008', now: T0 });
    const bundle = await signed(cred);
    expect(codeOf(await verify(bundle, {}, await trustForAuthorities([sub, w.root])))).toBe('ok');
    await w.root.revoke(new X509Certificate(sub.certificatePem).serialNumber, 'cessationOfOperation', T0);
    await w.root.publishCrl({ now: T0 });
    const v = await verify(bundle, {}, await trustForAuthorities([sub, w.root]));
    expect(v).toMatchObject({ ok: false, code: 'revoked' });
    if (!v.ok) expect(v.ja).toContain('認証局の証明書は失効しています');
  });

  it('trust from a directory of PEM files (*.crt.pem anchors, *.int.pem intermediates, *.crl.pem CRLs)', async () => {
    const dir = join(w.dir, 'trust-dir');
    await mkdir(dir);
    await writeFile(join(dir, 'hpki-root.crt.pem'), w.root.certificatePem);
    await writeFile(join(dir, 'issuing.int.pem'), w.issuing.certificatePem);
    const trust = await trustFromDirectory(dir);
    const leafOnly: PrescriberKey = {
      ...localPrescriberKey(w.doctor),
      certificateChain: async () => (await localPrescriberKey(w.doctor).certificateChain()).slice(0, 1),
    };
    expect(codeOf(await verify(await signPrescriptionBundle(prescriptionBundle(), leafOnly, { at: T0 }), {}, trust))).toBe('ok');
  });

  it('algorithm not allowed: none, HS256, RS1, and ES256 claimed for an RSA key', async () => {
    const bundle = await signed();
    const { header, signature } = jwsOf(bundle);
    for (const alg of ['none', 'HS256', 'RS1', 'PS384']) {
      const v = await verify(withJws(bundle, { ...header, alg }, alg === 'none' ? '' : signature));
      expect(codeOf(v), alg).toBe('algorithm-not-allowed');
    }
    const rsa = await w.issuing.issue({ name: '鍵違 五郎', role: 'doctor', registrationNumber: '700007', keyType: 'RSA-2048', now: T0 });
    const real = localPrescriberKey(rsa);
    const mislabelled: PrescriberKey = { alg: 'ES256', certificateChain: real.certificateChain, sign: real.sign };
    const v = await verify(await signPrescriptionBundle(prescriptionBundle(), mislabelled, { at: T0 }));
    expect(v).toMatchObject({ ok: false, code: 'algorithm-not-allowed' });
  });
});

describe('content changed after signing is refused', () => {
  const tampers: [string, (b: any) => void][] = [
    ['the dose (1錠 → 2錠)', (b) => (medicationRequestOf(b).dosageInstruction[0].doseAndRate[0].doseQuantity.value = 2)],
    ['the quantity (21 → 210)', (b) => (medicationRequestOf(b).dispenseRequest.quantity.value = 210)],
    ['the drug code (YJ)', (b) => (medicationRequestOf(b).medicationCodeableConcept.coding[1].code = '2233002F1281')],
    ['the drug code (receipt code)', (b) => (medicationRequestOf(b).medicationCodeableConcept.coding[0].code = '999999999')],
    ['the drug name shown', (b) => (medicationRequestOf(b).medicationCodeableConcept.text = 'ワーファリン錠１ｍｇ')],
    ['the dosage text', (b) => (medicationRequestOf(b).dosageInstruction[0].text += '　１４日分')],
    ['the patient (identifier)', (b) => (patientOf(b).identifier[0].value = '00000011')],
    ['the patient (name)', (b) => (patientOf(b).name[0].text = '東京　次郎')],
    ['the patient reference', (b) => (medicationRequestOf(b).subject.reference = 'urn:uuid:00000000-0000-0000-0000-000000000000')],
    ['the Bundle id', (b) => (b.id = 'rx-example-02')],
    ['the Bundle meta', (b) => (b.meta.lastUpdated = '2026-06-02T00:00:00Z')],
    ['a member added', (b) => (medicationRequestOf(b).substitution = { allowedBoolean: false })],
    ['an entry added', (b) => b.entry.push({ fullUrl: 'urn:uuid:x', resource: { resourceType: 'Communication', status: 'completed' } })],
    ['an entry removed', (b) => b.entry.pop()],
    ['a number type (1 → "1")', (b) => (medicationRequestOf(b).dosageInstruction[0].doseAndRate[0].doseQuantity.value = '1')],
  ];

  it.each(tampers)('%s', async (_what, change) => {
    const bundle = structuredClone(await signed());
    expect(codeOf(await verify(bundle))).toBe('ok');
    change(bundle);
    const v = await verify(bundle);
    expect(v).toMatchObject({ ok: false, code: 'content-mismatch' });
    if (!v.ok) expect(v.ja).toContain('一致しません');
  });

  it('the signature value or the protected header changed', async () => {
    const bundle = await signed();
    const { header, signature } = jwsOf(bundle);
    const flipped = Buffer.from(signature, 'base64url');
    flipped[5] ^= 0x01;
    expect(codeOf(await verify(withJws(bundle, header, flipped.toString('base64url'))))).toBe('content-mismatch');
    const otherTime = { ...header, sigT: '2026-05-31T00:00:00Z' };
    const v = await verify({
      ...withJws(bundle, otherTime, signature),
      signature: { ...withJws(bundle, otherTime, signature).signature, when: otherTime.sigT },
    });
    expect(codeOf(v)).toBe('content-mismatch');
  });

  it("another prescriber's certificate swapped in", async () => {
    const bundle = await signed();
    const { header, signature } = jwsOf(bundle);
    const dentistX5c = await localPrescriberKey(w.dentist).certificateChain();
    const { 'x5t#S256': _t, ...rest } = header;
    expect(codeOf(await verify(withJws(bundle, { ...rest, x5c: dentistX5c }, signature)))).toBe('content-mismatch');
  });
});
