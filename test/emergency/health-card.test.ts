/**
 * SMART Health Cards for the offline emergency summary (救急用サマリーQR): sign → numeric QR → verify; the QR image
 * decodes to the same text; tampering, unknown keys, other issuers, malformed text and future cards are refused with
 * their code; verification never touches the network; the JWKS is public only; the key persists; Japanese survives;
 * the Bundle validates against base R4; an oversized summary fails clearly; the CLI verifies and refuses.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { CompactSign, calculateJwkThumbprint, decodeProtectedHeader, generateKeyPair } from 'jose';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthCardCommand } from '../../cli/commands/health-card.ts';
import { loadConformance } from '../../src/platform/conformance/index.ts';
import type { Database } from '../../src/platform/storage/database.ts';
import { openPglite } from '../../src/platform/storage/pglite-engine.ts';
import {
  EMERGENCY_SUMMARY_TYPE,
  HEALTH_CARD_TYPE,
  HealthCardError,
  emergencySummaryBundle,
  fromNumericQr,
  healthCardKeysMigration,
  healthCardQrPng,
  issueHealthCard,
  loadHealthCardSigner,
  toNumericQr,
  verifyHealthCard,
  type EmergencySummary,
  type HealthCardSigner,
} from '../../src/services/emergency/health-card/index.ts';
import { runCli } from '../helpers/cli.ts';

/** jsqr is CommonJS with `exports.default`: under NodeNext the default import is the module object. */
const jsQR = jsqr.default;
const ISSUER = 'https://tsunagu.example.jp/emergency';
const NOW = new Date('2026-12-03T10:00:00Z');

const SUMMARY: EmergencySummary = {
  patient: { name: '𠮷田 太郎', kana: 'ヨシダ タロー', birthDate: '1950-04-01', gender: 'male' },
  allergies: [
    { text: 'ペニシリン系抗菌薬', criticality: 'high', recorded: '2020-01-15' },
    { text: 'ピーナッツ', coding: { system: 'urn:oid:1.2.392.200119.4.1001', code: 'J9FB' } },
  ],
  drugs: [
    {
      text: 'ワーファリン錠1mg',
      coding: { system: 'urn:oid:1.2.392.100495.20.2.74', code: '3332001F1010' },
      date: '2026-11-01',
      riskClass: '抗血栓薬',
      dosage: '1日1回 朝食後 1錠',
    },
    { text: 'アムロジピン錠5mg', date: '2026-10-20' },
  ],
  diagnoses: [{ text: '心房細動', onset: '2019-06' }, { text: '2型糖尿病' }],
  infections: [{ text: 'HBs抗原', result: '陰性', date: '2026-10-01' }],
};

type Json = Record<string, any>;
const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const payloadOf = (jws: string): Json => JSON.parse(inflateRawSync(Buffer.from(jws.split('.')[1], 'base64url')).toString('utf8'));

async function refusal(p: Promise<unknown>): Promise<HealthCardError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HealthCardError);
    const err = e as HealthCardError;
    expect(err.ja).toMatch(/[ぁ-んァ-ン一-龥]/); // a Japanese sentence …
    expect(err.en).toMatch(/[a-z]{3}/); // … and an English one
    expect(err.message).toBe(`${err.ja} / ${err.en}`);
    return err;
  }
  throw new Error('expected a refusal');
}

async function freshDb(): Promise<Database> {
  const db = await openPglite(undefined);
  await db.query(healthCardKeysMigration.sql);
  return db;
}

describe('SMART Health Cards: the offline emergency summary', () => {
  let db: Database;
  let otherDb: Database;
  let signer: HealthCardSigner;
  let other: HealthCardSigner;
  let card: Awaited<ReturnType<typeof issueHealthCard>>;

  beforeAll(async () => {
    db = await freshDb();
    otherDb = await freshDb();
    signer = await loadHealthCardSigner(db);
    other = await loadHealthCardSigner(otherDb);
    card = await issueHealthCard(signer, { issuer: ISSUER, summary: SUMMARY, now: NOW });
  });
  afterAll(async () => {
    await db?.close();
    await otherDb?.close();
  });

  it('round trip: sign → shc:/ numeric text → verify, with the header and payload the spec requires', async () => {
    expect(card.qr).toMatch(/^shc:\/(\d\d)+$/);
    expect(fromNumericQr(card.qr)).toBe(card.jws);
    expect(toNumericQr(card.jws)).toBe(card.qr);
    expect(card.issuedAt.toISOString()).toBe(NOW.toISOString());

    const header = decodeProtectedHeader(card.jws);
    expect(header).toEqual({ alg: 'ES256', zip: 'DEF', kid: signer.kid });
    const payload = payloadOf(card.jws);
    expect(inflateRawSync(Buffer.from(card.jws.split('.')[1], 'base64url')).toString('utf8')).toBe(JSON.stringify(payload)); // minified
    expect(payload.iss).toBe(ISSUER);
    expect(payload.nbf).toBe(NOW.getTime() / 1000);
    expect(payload.vc.type).toEqual([HEALTH_CARD_TYPE, 'https://tsunagu.dev/fhir/shc#emergency-summary']);
    expect(payload.vc.type[1]).toBe(EMERGENCY_SUMMARY_TYPE);
    expect(payload.vc.credentialSubject.fhirVersion).toBe('4.0.1');

    for (const text of [card.qr, card.jws, `\uFEFF${card.qr.slice(0, 40)}\n${card.qr.slice(40)}\n`]) {
      const v = await verifyHealthCard(text, signer.jwks(), { issuer: ISSUER, now: NOW });
      expect(v.issuer).toBe(ISSUER);
      expect(v.kid).toBe(signer.kid);
      expect(v.issuedAt.toISOString()).toBe(NOW.toISOString());
      expect(v.types).toContain(HEALTH_CARD_TYPE);
      expect(v.bundle).toEqual(payload.vc.credentialSubject.fhirBundle);
      expect(v.summary.allergies.map((a) => a.text)).toEqual(['ペニシリン系抗菌薬', 'ピーナッツ']);
      expect(v.summary.allergies[0].criticality).toBe('high');
      expect(v.summary.drugs[0]).toEqual({ text: 'ワーファリン錠1mg', date: '2026-11-01', riskClass: '抗血栓薬', dosage: '1日1回 朝食後 1錠' });
      expect(v.summary.drugs[1].text).toBe('アムロジピン錠5mg');
      expect(v.summary.diagnoses).toEqual([
        { text: '心房細動', onset: '2019-06' },
        { text: '2型糖尿病', onset: undefined },
      ]);
      expect(v.summary.infections).toEqual([{ text: 'HBs抗原', result: '陰性', date: '2026-10-01' }]);
    }
  });

  it('the Bundle is minimal per the spec: resource:N, no id/meta/narrative/Coding.display; Japanese in .text', () => {
    const bundle = payloadOf(card.jws).vc.credentialSubject.fhirBundle;
    expect(bundle.type).toBe('collection');
    bundle.entry.forEach((e: Json, n: number) => {
      expect(e.fullUrl).toBe(`resource:${n}`);
      expect(e.resource.id).toBeUndefined();
      expect(e.resource.meta).toBeUndefined();
      expect(e.resource.text).toBeUndefined();
      const ref = e.resource.patient ?? e.resource.subject;
      if (n > 0) expect(ref).toEqual({ reference: 'resource:0' });
    });
    expect(JSON.stringify(bundle)).not.toContain('"display"');
    expect(bundle.entry.map((e: Json) => e.resource.resourceType)).toEqual([
      'Patient',
      'AllergyIntolerance',
      'AllergyIntolerance',
      'MedicationStatement',
      'MedicationStatement',
      'Condition',
      'Condition',
      'Observation',
    ]);
    const drug = bundle.entry[3].resource;
    expect(drug.medicationCodeableConcept).toEqual({ coding: [{ system: 'urn:oid:1.2.392.100495.20.2.74', code: '3332001F1010' }], text: 'ワーファリン錠1mg' });
    expect(drug.category).toEqual({ text: '抗血栓薬' });
    expect(drug.effectiveDateTime).toBe('2026-11-01');
    expect(drug.dosage).toEqual([{ text: '1日1回 朝食後 1錠' }]);
  });

  it('the QR image decodes to the same shc:/ text (byte + numeric segments), and the SVG is a QR of the reported version', async () => {
    const png = PNG.sync.read(await healthCardQrPng(card.qr));
    const decoded = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height);
    expect(decoded?.data).toBe(card.qr);
    expect(decoded?.version).toBe(card.qrVersion);
    expect(decoded?.chunks.map((c) => c.type)).toEqual(['byte', 'numeric']);
    expect(card.qrVersion).toBeGreaterThanOrEqual(1);
    expect(card.qrVersion).toBeLessThanOrEqual(40);
    expect(card.qrSvg).toMatch(/^<svg[^>]*viewBox="0 0 (\d+) \1"/);
    const size = Number(/viewBox="0 0 (\d+)/.exec(card.qrSvg)?.[1]);
    expect(size - 8).toBe(17 + 4 * card.qrVersion); // modules + the default 4-module quiet zone on both sides
  });

  it('tampering is refused with "signature": one digit pair changed, payload re-encoded, another key’s signature', async () => {
    const [h, p, sig] = card.jws.split('.');
    // one digit pair in the payload part: a different base64url character at the middle of the payload
    const at = h.length + 1 + Math.floor(p.length / 2);
    const replacement = card.jws[at] === 'A' ? 'B' : 'A';
    const digitAt = 5 + 2 * at;
    const tampered = card.qr.slice(0, digitAt) + String(replacement.charCodeAt(0) - 45).padStart(2, '0') + card.qr.slice(digitAt + 2);
    expect(tampered).not.toBe(card.qr);
    expect((await refusal(verifyHealthCard(tampered, signer.jwks(), { now: NOW }))).code).toBe('signature');

    // the payload changed (an allergy removed) and re-encoded, the old signature kept
    const payload = payloadOf(card.jws);
    payload.vc.credentialSubject.fhirBundle.entry.splice(1, 1);
    const forged = `${h}.${b64url(deflateRawSync(Buffer.from(JSON.stringify(payload))))}.${sig}`;
    expect((await refusal(verifyHealthCard(toNumericQr(forged), signer.jwks(), { now: NOW }))).code).toBe('signature');

    // the same header and payload signed by another key (claiming our kid)
    const { privateKey } = await generateKeyPair('ES256');
    const otherSigned = await new CompactSign(Buffer.from(p, 'base64url')).setProtectedHeader({ alg: 'ES256', zip: 'DEF', kid: signer.kid }).sign(privateKey);
    expect(otherSigned.split('.')[1]).toBe(p);
    expect((await refusal(verifyHealthCard(otherSigned, signer.jwks(), { now: NOW }))).code).toBe('signature');
    // another issuer's genuine signature swapped in
    const theirs = await issueHealthCard(other, { issuer: ISSUER, summary: SUMMARY, now: NOW });
    const swapped = `${h}.${p}.${theirs.jws.split('.')[2]}`;
    expect((await refusal(verifyHealthCard(swapped, signer.jwks(), { now: NOW }))).code).toBe('signature');
  });

  it('an unknown kid, or a JWKS entry whose kid is not its thumbprint, is refused with "unknown-key"', async () => {
    const theirs = await issueHealthCard(other, { issuer: ISSUER, summary: SUMMARY, now: NOW });
    const err = await refusal(verifyHealthCard(theirs.qr, signer.jwks(), { now: NOW }));
    expect(err.code).toBe('unknown-key');
    expect(err.en).toContain(other.kid);
    expect((await verifyHealthCard(theirs.qr, other.jwks(), { now: NOW })).kid).toBe(other.kid);
    // their key listed under our kid: the thumbprint check refuses it
    const mislabeled = { keys: [{ ...other.jwks().keys[0], kid: signer.kid }] };
    expect((await refusal(verifyHealthCard(card.qr, mislabeled, { now: NOW }))).code).toBe('unknown-key');
    expect((await refusal(verifyHealthCard(card.qr, { keys: [] }, { now: NOW }))).code).toBe('unknown-key');
  });

  it('another issuer than expected is refused with "issuer"', async () => {
    const err = await refusal(verifyHealthCard(card.qr, signer.jwks(), { issuer: 'https://evil.example.com', now: NOW }));
    expect(err.code).toBe('issuer');
    expect(err.en).toContain(ISSUER);
    await expect(issueHealthCard(signer, { issuer: `${ISSUER}/`, summary: SUMMARY })).rejects.toMatchObject({ code: 'issuer' });
  });

  it('malformed text is refused with "format": prefix, odd digits, pairs above 77, chunks, not a JWS', async () => {
    const digits = card.qr.slice(5);
    const cases = [
      `shx:/${digits}`,
      `${card.qr}1`,
      `shc:/78${digits}`,
      `shc:/99${digits.slice(2)}`,
      `shc:/1/2/${digits}`,
      'shc:/12a4',
      'shc:/',
      'hello',
      `${card.jws}.x`,
    ];
    for (const text of cases) {
      const err = await refusal(verifyHealthCard(text, signer.jwks(), { now: NOW }));
      expect(err.code, text.slice(0, 20)).toBe('format');
    }
    expect(() => fromNumericQr(`${card.qr}1`)).toThrow(/奇数.*odd/);
    expect(() => fromNumericQr('shc:/5678')).toThrow(/範囲外.*00–77/);
    expect(() => fromNumericQr('https://example.com')).toThrow(/shc:\//);
    expect(fromNumericQr('shc:/0077')).toBe('-z');
    const wrongAlg = `${b64url(Buffer.from(JSON.stringify({ alg: 'HS256', zip: 'DEF', kid: signer.kid })))}.${card.jws.split('.').slice(1).join('.')}`;
    expect((await refusal(verifyHealthCard(wrongAlg, signer.jwks(), { now: NOW }))).code).toBe('format');
  });

  it('a card from the future is refused with "not-yet-valid" (beyond 5 minutes of clock skew); an expired one with "expired"', async () => {
    const future = await issueHealthCard(signer, { issuer: ISSUER, summary: SUMMARY, now: new Date(NOW.getTime() + 3_600_000) });
    expect((await refusal(verifyHealthCard(future.qr, signer.jwks(), { now: NOW }))).code).toBe('not-yet-valid');
    const skewed = await issueHealthCard(signer, { issuer: ISSUER, summary: SUMMARY, now: new Date(NOW.getTime() + 4 * 60_000) });
    expect((await verifyHealthCard(skewed.qr, signer.jwks(), { now: NOW })).issuer).toBe(ISSUER);
    const payload = { ...payloadOf(card.jws), exp: NOW.getTime() / 1000 - 60 };
    expect((await refusal(verifyHealthCard(await signer.sign(payload), signer.jwks(), { now: NOW }))).code).toBe('expired');
  });

  it('a signed payload without the health-card type or a Bundle, or not DEFLATE, is refused with "payload"', async () => {
    const payload = payloadOf(card.jws);
    const noType = { ...payload, vc: { ...payload.vc, type: [EMERGENCY_SUMMARY_TYPE] } };
    expect((await refusal(verifyHealthCard(await signer.sign(noType), signer.jwks(), { now: NOW }))).code).toBe('payload');
    const noBundle = { ...payload, vc: { ...payload.vc, credentialSubject: { fhirVersion: '4.0.1', fhirBundle: { resourceType: 'Patient' } } } };
    expect((await refusal(verifyHealthCard(await signer.sign(noBundle), signer.jwks(), { now: NOW }))).code).toBe('payload');
    const noIss = { nbf: payload.nbf, vc: payload.vc };
    expect((await refusal(verifyHealthCard(await signer.sign(noIss), signer.jwks(), { now: NOW }))).code).toBe('payload');
    // a valid signature over JSON that is not deflated
    const row = (await db.query<{ private_jwk: string }>('SELECT private_jwk FROM emergency_health_card_keys')).rows[0];
    const { importJWK } = await import('jose');
    const key = await importJWK(JSON.parse(row.private_jwk), 'ES256');
    const raw = await new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', zip: 'DEF', kid: signer.kid }).sign(key);
    expect((await refusal(verifyHealthCard(raw, signer.jwks(), { now: NOW }))).code).toBe('payload');
  });

  it('verifies without the network: fetch replaced by a function that throws is never called', async () => {
    const saved = globalThis.fetch;
    let calls = 0;
    globalThis.fetch = (() => {
      calls++;
      throw new Error('network used during verification');
    }) as typeof fetch;
    try {
      const v = await verifyHealthCard(card.qr, signer.jwks(), { issuer: ISSUER, now: NOW });
      expect(v.summary.patient.name).toBe('𠮷田 太郎');
      await refusal(verifyHealthCard(card.qr, { keys: [] }, { now: NOW }));
    } finally {
      globalThis.fetch = saved;
    }
    expect(calls).toBe(0);
  });

  it('the verifier and what it imports use no node: modules (the clinic web app imports the same file)', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      const specifiers = [...src.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]);
      for (const s of specifiers) {
        expect(s, `${file} imports ${s}`).not.toMatch(/^node:|^(fs|zlib|crypto|buffer|path|os|stream|util)$/);
        if (s.startsWith('.')) visit(resolve(dirname(file), s));
        else expect(s, `${file} imports ${s}`).toBe('jose');
      }
      expect(src).not.toMatch(/\bBuffer\b|\bprocess\./);
    };
    visit(resolve('src/services/emergency/health-card/shc-verify.ts'));
    expect(seen.size).toBeGreaterThan(3);
  });

  it('the JWKS has public EC P-256 keys only, kid = RFC 7638 thumbprint', async () => {
    const { keys } = signer.jwks();
    expect(keys).toHaveLength(1);
    for (const k of keys) {
      expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
      expect(k.d).toBeUndefined();
      expect(k.kid).toBe(await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: k.x, y: k.y }, 'sha256'));
    }
    expect(JSON.stringify(signer.jwks())).not.toMatch(/"d"/);
    // the private half is in the table, for every node to sign with
    expect(JSON.parse((await db.query<{ private_jwk: string }>('SELECT private_jwk FROM emergency_health_card_keys')).rows[0].private_jwk).d).toBeTruthy();
  });

  it('the key persists: loading twice gives the same kid; a second key (rotation) signs new cards and old cards still verify', async () => {
    const again = await loadHealthCardSigner(db);
    expect(again.kid).toBe(signer.kid);
    expect((await db.query('SELECT kid FROM emergency_health_card_keys')).rows).toHaveLength(1);
    expect(other.kid).not.toBe(signer.kid);

    const rotDb = await freshDb();
    try {
      const first = await loadHealthCardSigner(rotDb);
      const old = await issueHealthCard(first, { issuer: ISSUER, summary: SUMMARY, now: NOW });
      await rotDb.query("UPDATE emergency_health_card_keys SET created = now() - interval '1 day'");
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const { exportJWK } = await import('jose');
      const priv = await exportJWK(privateKey);
      const kid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: priv.x, y: priv.y }, 'sha256');
      const pub = { kty: 'EC', crv: 'P-256', x: priv.x, y: priv.y, kid, use: 'sig', alg: 'ES256' };
      await rotDb.query('INSERT INTO emergency_health_card_keys (kid, private_jwk, public_jwk) VALUES ($1, $2, $3)', [
        kid,
        JSON.stringify({ ...priv, kid }),
        JSON.stringify(pub),
      ]);
      const rotated = await loadHealthCardSigner(rotDb);
      expect(rotated.kid).toBe(kid);
      expect(rotated.jwks().keys.map((k) => k.kid)).toEqual([kid, first.kid]);
      expect((await verifyHealthCard(old.qr, rotated.jwks(), { now: NOW })).kid).toBe(first.kid);
      const fresh = await issueHealthCard(rotated, { issuer: ISSUER, summary: SUMMARY, now: NOW });
      expect((await verifyHealthCard(fresh.qr, rotated.jwks(), { now: NOW })).kid).toBe(kid);
    } finally {
      await rotDb.close();
    }
  });

  it('Japanese text survives exactly: 𠮷 (a surrogate pair), ー, kana, full-width space', async () => {
    const summary: EmergencySummary = {
      ...SUMMARY,
      patient: { name: '𠮷田\u3000ユーコ', kana: 'ヨシダ ユーコ', birthDate: '1988-02-29', gender: 'female' },
      allergies: [{ text: 'ソバ(蕎麦)・𩸽', criticality: 'unable-to-assess' }],
    };
    expect('𠮷'.length).toBe(2);
    const c = await issueHealthCard(signer, { issuer: ISSUER, summary, now: NOW });
    const v = await verifyHealthCard(c.qr, signer.jwks(), { now: NOW });
    expect(v.summary.patient).toEqual({ name: '𠮷田\u3000ユーコ', kana: 'ヨシダ ユーコ', birthDate: '1988-02-29', gender: 'female' });
    expect(v.summary.allergies[0].text).toBe('ソバ(蕎麦)・𩸽');
    const name = (v.bundle as Json).entry[0].resource.name;
    expect(name[0]).toMatchObject({ text: '𠮷田\u3000ユーコ', family: '𠮷田', given: ['ユーコ'] });
    expect(name[1].extension[0].valueCode).toBe('SYL');
  });

  it('the Bundle passes base R4 validation (and the validator does catch a broken one)', async () => {
    const conformance = await loadConformance({ packages: [] });
    const bundle = emergencySummaryBundle(SUMMARY);
    const issues = conformance.validate(bundle).issue ?? [];
    const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
    expect(errors, JSON.stringify(errors.slice(0, 5))).toEqual([]);
    // no narrative by the SHC rules: the only remarks are dom-6 warnings
    expect(issues.every((i) => i.severity === 'warning' && String(i.diagnostics).includes('dom-6'))).toBe(true);
    const broken = JSON.parse(JSON.stringify(bundle)) as Json;
    delete broken.entry[3].resource.status; // MedicationStatement.status is 1..1
    broken.entry[1].resource.criticality = 'very-high';
    const brokenErrors = (conformance.validate(broken).issue ?? []).filter((i) => i.severity === 'error');
    expect(brokenErrors.length).toBeGreaterThanOrEqual(2);
  });

  it('a summary too large for one QR code fails with a clear "too-large" error — nothing is dropped', async () => {
    const drugs = Array.from({ length: 120 }, (_, i) => ({ text: `薬剤${i}-${crypto.randomUUID()}`, date: '2026-11-01' }));
    const err = await refusal(issueHealthCard(signer, { issuer: ISSUER, summary: { ...SUMMARY, drugs }, now: NOW }));
    expect(err.code).toBe('too-large');
    expect(err.ja).toContain('QRコード');
    expect(err.en).toMatch(/does not fit one QR code \(JWS of \d+ characters/);
    // a larger but fitting summary is issued whole, at a higher version
    const some = drugs.slice(0, 15);
    const big = await issueHealthCard(signer, { issuer: ISSUER, summary: { ...SUMMARY, drugs: some }, now: NOW });
    expect(big.qrVersion).toBeGreaterThan(card.qrVersion);
    expect((await verifyHealthCard(big.qr, signer.jwks(), { now: NOW })).summary.drugs.map((d) => d.text)).toEqual(some.map((d) => d.text));
  });

  describe('tsunagu health-card verify', () => {
    let dir: string;
    let jwksFile: string;
    let cardFile: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tsunagu-shc-'));
      jwksFile = join(dir, 'jwks.json');
      cardFile = join(dir, 'card.txt');
      await writeFile(jwksFile, JSON.stringify(signer.jwks()));
      await writeFile(cardFile, `\uFEFF${card.qr.slice(0, 100)}\r\n${card.qr.slice(100)}\n`);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('prints the issuer, the issue date in Japan time and the summary in Japanese', async () => {
      const r = await runCli(healthCardCommand, ['verify', cardFile, '--jwks', jwksFile, '--issuer', ISSUER]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`発行者 / issuer: ${ISSUER}`);
      expect(r.out).toContain('2026-12-03 19:00 (日本時間)');
      expect(r.out).toContain('患者: 𠮷田 太郎(ヨシダ タロー)  生年月日 1950-04-01  性別 男性');
      expect(r.out).toContain('ペニシリン系抗菌薬(重篤度: 高)');
      expect(r.out).toContain('ワーファリン錠1mg [抗血栓薬] 1日1回 朝食後 1錠 (2026-11-01)');
      expect(r.out).toContain('心房細動(発症 2019-06)');
      expect(r.out).toContain('HBs抗原: 陰性 (2026-10-01)');
    });

    it('exits 1 with the Japanese and English reason when refused; 2 for bad arguments or files', async () => {
      const other = await runCli(healthCardCommand, ['verify', cardFile, '--jwks', jwksFile, '--issuer', 'https://other.example.jp']);
      expect(other.code).toBe(1);
      expect(other.err).toContain('REFUSED (issuer)');
      expect(other.err).toContain('発行者が違います');
      const tamperedFile = join(dir, 'tampered.txt');
      const [h, p, s] = card.jws.split('.');
      await writeFile(tamperedFile, `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`);
      const bad = await runCli(healthCardCommand, ['verify', tamperedFile, '--jwks', jwksFile]);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/REFUSED \(signature\)\n {2}署名が正しくありません.*\n {2}invalid signature/);
      expect(bad.out).toBe('');
      expect((await runCli(healthCardCommand, ['verify', cardFile])).code).toBe(2);
      expect((await runCli(healthCardCommand, ['verify', join(dir, 'none.txt'), '--jwks', jwksFile])).err).toContain('cannot read the card file');
      expect((await runCli(healthCardCommand, ['verify', cardFile, '--jwks', cardFile])).err).toContain('JWKS');
      expect((await runCli(healthCardCommand, ['sign'])).code).toBe(2);
    });

    it('is registered in the command table (spawned through cli/tsunagu.ts)', async () => {
      const run = promisify(execFile);
      const { stdout } = await run('npx', ['tsx', 'cli/tsunagu.ts', 'health-card', 'verify', cardFile, '--jwks', jwksFile], { timeout: 60_000 });
      expect(stdout).toContain('検証済み / verified');
      expect(stdout).toContain('𠮷田 太郎');
      const refused = await run('npx', ['tsx', 'cli/tsunagu.ts', 'health-card', 'verify', cardFile, '--jwks', jwksFile, '--issuer', 'https://x.example'], {
        timeout: 60_000,
      }).catch((e: { code: number; stderr: string }) => e);
      expect((refused as { code: number }).code).toBe(1);
      expect((refused as { stderr: string }).stderr).toContain('REFUSED (issuer)');
    }, 120_000);
  });
});
