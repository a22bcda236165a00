/**
 * The pieces under the prescriber signature: the RFC 8785 canonical form, the hcRole attribute's DER, the HPKI test
 * CA on disk and the prescriber credential files.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HC_ACTOR_ATTRIBUTE_OID,
  JHPKI_CODING_SCHEME_OID,
  canonicalJson,
  canonicalSignedContent,
  createHpkiAuthority,
  hcRoleExtensionValue,
  hcRolesOf,
  holderFactsOf,
  loadHpkiAuthority,
  localPrescriberKey,
  readCredentialFile,
  signPrescriptionBundle,
  trustForAuthorities,
  verifyPrescriptionSignature,
  writeCredentialFile,
} from '../../src/services/eprescription/signature/index.ts';
import { explicit, oid, readOid, readTlv, sequence, set, utf8String } from '../../src/services/eprescription/signature/der.ts';
import { prescriptionBundle, T0 } from './signature-fixtures.ts';

describe('canonical JSON (RFC 8785)', () => {
  it('matches the RFC 8785 §3.2.4 example', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = JSON.parse(
      String.raw`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`,
    );
    const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
    // JSON.parse puts the integer-like key first again; compare the text order instead.
    const text = canonicalJson(input);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) => text.indexOf(JSON.stringify(k)));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(keys).toHaveLength(7);
  });

  it('leaves out undefined members, keeps Japanese text as is, refuses non-JSON values', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [true, null], d: '東京　太郎' })).toBe('{"b":1,"c":[true,null],"d":"東京　太郎"}');
    expect(canonicalJson({ z: { y: 2, x: 1 } })).toBe('{"z":{"x":1,"y":2}}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/finite/);
    expect(() => canonicalJson({ a: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ a: new Date() })).toThrow(/plain JSON object/);
    expect(() => canonicalJson([undefined])).toThrow(/undefined/);
  });

  it('the signed content is the Bundle without its signature member, nothing else removed', () => {
    const b = { resourceType: 'Bundle', id: 'x', meta: { versionId: '1' }, signature: { data: 'AAAA' } };
    expect(new TextDecoder().decode(canonicalSignedContent(b))).toBe('{"id":"x","meta":{"versionId":"1"},"resourceType":"Bundle"}');
    expect(b.signature).toEqual({ data: 'AAAA' });
  });
});

describe('the hcRole attribute (ISO/TS 17090 in subjectDirectoryAttributes)', () => {
  it('round-trips one or several roles, Japanese HPKI coding scheme only', () => {
    expect(hcRolesOf(hcRoleExtensionValue(['Medical Doctor']))).toEqual(['Medical Doctor']);
    expect(hcRolesOf(hcRoleExtensionValue(['Pharmacist', 'Director of Pharmacy'])).sort()).toEqual(['Director of Pharmacy', 'Pharmacist']);
    expect(hcRolesOf(hcRoleExtensionValue([]))).toEqual([]);
  });

  it('is encoded as SEQUENCE { SEQUENCE { 1.0.17090.0.1, SET { SET { HCActor } } } }', () => {
    const der = hcRoleExtensionValue(['Dentist']);
    const top = readTlv(der, 0);
    expect(top.tag).toBe(0x30);
    const attr = readTlv(der, top.start);
    const type = readTlv(der, attr.start);
    expect(readOid(der, type)).toBe(HC_ACTOR_ATTRIBUTE_OID);
    const text = Buffer.from(der).toString('hex');
    expect(text).toContain(Buffer.from(oid(JHPKI_CODING_SCHEME_OID)).toString('hex'));
    expect(text).toContain(Buffer.from('Dentist').toString('hex'));
  });

  it('reads only hcRoles coded in the Japanese HPKI scheme, and only the hcRole attribute', () => {
    const actor = (scheme: string, text: string) => sequence(explicit(0, set(explicit(0, oid(scheme)), explicit(2, utf8String(text)))));
    const der = sequence(
      sequence(oid(HC_ACTOR_ATTRIBUTE_OID), set(set(actor('1.2.3.4', 'Medical Doctor'), actor(JHPKI_CODING_SCHEME_OID, 'Pharmacist')))),
      sequence(oid('2.5.4.9'), set(utf8String('not an hcRole'))),
    );
    expect(hcRolesOf(der)).toEqual(['Pharmacist']);
  });

  it('OIDs round-trip, large arcs included', () => {
    for (const o of ['1.0.17090.0.1', '1.2.392.100495.1.6.1.1', '2.5.29.9', '2.999.1']) expect(readOid(oid(o), readTlv(oid(o), 0))).toBe(o);
  });

  it('malformed DER is refused', () => {
    expect(() => hcRolesOf(Uint8Array.from([0x30, 0x05, 0x01]))).toThrow(RangeError);
    expect(() => hcRolesOf(Uint8Array.from([0x04, 0x00]))).toThrow(RangeError);
  });
});

describe('the HPKI test CA on disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsunagu-hpki-ca-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('issues certificates with the holder, the qualification and HPKI key usage; reloads from its directory', async () => {
    const root = await createHpkiAuthority({ dir: join(dir, 'root'), now: new Date(T0.getTime() - 86400_000) });
    const ca = await createHpkiAuthority({ dir: join(dir, 'ca'), parent: root, keyType: 'RSA-2048', now: new Date(T0.getTime() - 86400_000) });
    for (const f of ['ca.crt.pem', 'ca.key.pem', 'chain.pem', 'authority.json', 'hpki.json']) await stat(join(ca.dir, f));
    const cred = await ca.issue({ name: '神奈川　花子', role: 'doctor', registrationNumber: '123456', now: T0 });
    const cert = new X509Certificate(cred.certificatePem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(new X509Certificate(ca.certificatePem))).toBe(true);
    const facts = holderFactsOf(cert.raw);
    expect(facts).toEqual({ name: '神奈川　花子', registrationNumber: '123456', hcRoles: ['Medical Doctor'], roles: ['doctor'], signingUsage: true });
    expect(cred.chainPems).toEqual([ca.certificatePem, root.certificatePem]);

    const reloaded = await loadHpkiAuthority(ca.dir);
    expect(reloaded.fingerprint).toBe(ca.fingerprint);
    const second = await reloaded.issue({ name: '川崎 三郎', role: 'pharmacist', registrationNumber: '777777', now: T0 });
    expect((await reloaded.holders()).map((h) => [h.name, h.hcRoles, h.serial])).toEqual([
      ['神奈川　花子', ['Medical Doctor'], cred.serial],
      ['川崎 三郎', ['Pharmacist'], second.serial],
    ]);
    await expect(loadHpkiAuthority(join(dir, 'nothing'))).rejects.toThrow(/not an HPKI test authority/);
    await expect(ca.issue({ name: 'a, CN=b', role: 'doctor', registrationNumber: '1', now: T0 })).rejects.toThrow(/not allowed/);
    await expect(ca.issue({ name: 'ok', role: 'doctor', registrationNumber: '12 34', now: T0 })).rejects.toThrow(/registration number/);
  });

  it('a credential file round-trips (mode 0600) and signs', async () => {
    const ca = await createHpkiAuthority({ dir: join(dir, 'single'), now: new Date(T0.getTime() - 86400_000) });
    const cred = await ca.issue({ name: '横浜 次郎', role: 'dentist', registrationNumber: '654321', now: T0 });
    const path = join(dir, 'dentist.json');
    await writeCredentialFile(path, cred);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const read = await readCredentialFile(path);
    expect(read).toEqual(cred);
    const bundle = await signPrescriptionBundle(prescriptionBundle(), localPrescriberKey(read), { at: T0 });
    const v = await verifyPrescriptionSignature(bundle, await trustForAuthorities([ca]), { at: T0, requiredRole: 'dentist' });
    expect(v).toMatchObject({ ok: true, signer: { name: '横浜 次郎', role: 'dentist', registrationNumber: '654321' } });
    await expect(readCredentialFile(join(ca.dir, 'authority.json'))).rejects.toThrow(/not a prescriber credential/);
    expect(JSON.parse(await readFile(join(ca.dir, 'hpki.json'), 'utf8'))).toMatchObject({ format: 'tsunagu-hpki-authority/1' });
  });
});
