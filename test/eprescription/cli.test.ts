/**
 * The `tsunagu eprescription` command on an embedded data directory and temporary files: a small 医薬品マスター
 * (Shift_JIS, the real row layout) and a 一般名処方マスタ import their good rows and report the refused ones by line;
 * an interaction CSV likewise; a test HPKI (init, issue) signs a prescription Bundle the service's verifier accepts
 * from the trust directory, and a revocation (CRL published there) makes it refused; bad arguments exit non-zero
 * with a Japanese / English message and no stack trace.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eprescriptionCommand } from '../../cli/commands/eprescription.ts';
import {
  INTERACTION_CSV_COLUMNS,
  PRESCRIPTION_PROFILE,
  readCredentialFile,
  trustFromDirectory,
  verifyPrescriptionSignature,
} from '../../src/services/eprescription/index.ts';
import { runCli } from '../helpers/cli.ts';
import { shiftJis } from '../helpers/shift-jis.ts';
import { prescriptionBundle } from './signature-fixtures.ts';

const run = (argv: string[]) => runCli(eprescriptionCommand, argv, { stdout: true });

// 医薬品マスター rows in the 42-column layout (a real row of ロキソニン錠６０ｍｇ from the master's copy, see
// master-importers.test.ts); row() changes columns (0-based) of it.
const LOXONIN =
  '0,Y,620098801,10,ロキソニン錠６０ｍｇ,13,ﾛｷｿﾆﾝｼﾞｮｳ60MG,16,1,錠,1,10.80,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,1,,20260401,99999999,1149019F1560,006789000,0,ロキソニン錠６０ｍｇ,0,1149019F1ZZZ,【般】ロキソプロフェンＮａ錠６０ｍｇ,2,0,0,1';
const row = (over: Record<number, string>) => {
  const f = LOXONIN.split(',');
  for (const [i, v] of Object.entries(over)) f[Number(i)] = v;
  return f.join(',');
};

/** No stack trace in what a command printed. */
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('tsunagu eprescription (embedded database)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-erx-cli-'));
  const dataDir = join(dir, 'data');
  const hpkiDir = join(dir, 'hpki');
  const env = { ...process.env };

  beforeAll(() => {
    delete process.env.DATABASE_URL;
    process.env.TSUNAGU_AUDIT_KEY_FILE = join(dir, 'audit.key');
  });
  afterAll(() => {
    process.env = env;
    rmSync(dir, { recursive: true, force: true });
  });

  describe('import-drugs / drugs', () => {
    it('imports a receipt master (Shift_JIS), saving the good rows and reporting a refused row with its line number', async () => {
      const file = join(dir, 'y.csv');
      const lines = [
        LOXONIN, // 1
        row({ 2: '620099301', 4: 'ロキソプロフェンＮａ錠６０ｍｇ「テスト」' }), // 2
        row({ 2: '999999999' }), // 3: a dummy code
        row({ 2: '620099302', 30: '2026-13-01' }), // 4: a bad date
        row({ 2: '620099303', 4: 'テスト錠１０ｍｇ' }), // 5
      ];
      writeFileSync(file, shiftJis(lines.join('\r\n')));
      const r = await run(['import-drugs', file, '--data-dir', dataDir, '--no-progress']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('read 5 rows: saved 3, refused 2');
      expect(r.out).toContain('source receipt-master replaced');
      expect(r.err).toContain('3 行目 / line 3: 医薬品コード "999999999"');
      expect(r.err).toContain('4 行目 / line 4:');
      expect(r.err).toContain('is not YYYYMMDD');

      const listed = await run(['drugs', '--data-dir', dataDir]);
      expect(listed.code).toBe(0);
      expect(listed.out).toMatch(/receipt-master\s+3/);
    }, 120_000);

    it('replaces the source on a new release, or adds to it with --append; lists the first 20 refusals (all with --verbose)', async () => {
      const file = join(dir, 'y2.csv');
      const bad = Array.from({ length: 25 }, (_, i) => row({ 2: String(620200000 + i), 4: '' })); // no name
      writeFileSync(file, [row({ 2: '620099304' }), ...bad].join('\n'));
      const r = await run(['import-drugs', file, '--data-dir', dataDir, '--no-progress', '--encoding', 'utf-8', '--source', 'y-2026-10']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('saved 1, refused 25');
      expect(r.err).toContain('5 more (--verbose for all)');
      expect(r.err).not.toContain('line 26:');
      const verbose = await run(['import-drugs', file, '--data-dir', dataDir, '--no-progress', '--source', 'y-2026-10', '--append', '--verbose']);
      expect(verbose.code).toBe(0);
      expect(verbose.err).toContain('26 行目 / line 26: 620200024: no 漢字名称');
      expect(verbose.out).toContain('added to source y-2026-10');

      const again = join(dir, 'y3.csv');
      writeFileSync(again, LOXONIN);
      expect((await run(['import-drugs', again, '--data-dir', dataDir, '--no-progress'])).code).toBe(0);
      const listed = await run(['drugs', '--data-dir', dataDir]);
      expect(listed.out).toMatch(/receipt-master\s+1\n/);
      expect(listed.out).toMatch(/y-2026-10\s+1\n/);
    }, 120_000);

    it('imports a 一般名処方マスタ with the release date', async () => {
      const file = join(dir, 'general.csv');
      writeFileSync(
        file,
        [
          '処方箋に記載する一般名処方の標準的な記載（一般名処方マスタ）,,,,',
          '区分,一般名コード,一般名処方の標準的な記載,成分名,規格',
          '内,1149019F1ZZZ,【般】ロキソプロフェンＮａ錠６０ｍｇ,ロキソプロフェンナトリウム水和物,６０ｍｇ１錠',
          '内,2189015F2ZZ,【般】短いコード,x,１錠',
        ].join('\r\n'),
      );
      const r = await run(['import-drugs', file, '--format', 'general', '--valid-from', '2026-04-01', '--data-dir', dataDir, '--no-progress']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('read 2 rows: saved 1, refused 1');
      expect(r.err).toContain('4 行目 / line 4: 一般名コード "2189015F2ZZ"');
      expect((await run(['drugs', '--data-dir', dataDir])).out).toMatch(/general-name-master\s+1/);
    }, 120_000);

    it('exits 1 when the file cannot be read or holds no importable row, changing nothing', async () => {
      const missing = await run(['import-drugs', join(dir, 'nope.csv'), '--data-dir', dataDir, '--no-progress']);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain('を読めません / cannot read');
      noStack(missing.err);
      const wrong = join(dir, 'wrong.csv');
      writeFileSync(wrong, `${INTERACTION_CSV_COLUMNS.join(',')}\ncontraindicated,ingredient,2189011,,ingredient,6290004,,,\n`);
      const r = await run(['import-drugs', wrong, '--data-dir', dataDir, '--no-progress']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('no row could be imported (nothing changed)');
      expect((await run(['drugs', '--data-dir', dataDir])).out).toMatch(/receipt-master\s+1\n/);
    }, 120_000);
  });

  describe('import-interactions / interactions', () => {
    const header = INTERACTION_CSV_COLUMNS.join(',');

    it('saves the good rows and reports a refused row with its line number', async () => {
      const file = join(dir, 'interactions.csv');
      writeFileSync(
        file,
        [
          '# test data',
          header,
          'contraindicated,ingredient,2189011,シンバスタチン,ingredient,6290004,イトラコナゾール,横紋筋融解症,PMDA 添付文書', // 3
          'contraindicated,drug,1249010,,ingredient,6241008,,,', // 4: unknown scope
          '併用禁忌,成分,1249010,チザニジン,成分,1179039,フルボキサミン,,', // 5
        ].join('\r\n'),
      );
      const r = await run(['import-interactions', file, '--dataset', 'test-pairs', '--data-dir', dataDir, '--no-progress']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('read 3 rows: saved 2, refused 1');
      expect(r.out).toContain('dataset test-pairs replaced');
      expect(r.err).toContain('4 行目 / line 4: scope_a "drug"');
      const listed = await run(['interactions', '--data-dir', dataDir]);
      expect(listed.code).toBe(0);
      expect(listed.out).toMatch(/test-pairs\s+contraindicated\s+2/);

      const more = join(dir, 'more.csv');
      writeFileSync(more, `${header}\nduplicate-class,class,1124,ベンゾジアゼピン系製剤,,,,,\n`);
      expect((await run(['import-interactions', more, '--dataset', 'test-pairs', '--append', '--data-dir', dataDir, '--no-progress'])).code).toBe(0);
      const after = (await run(['interactions', '--data-dir', dataDir])).out;
      expect(after).toMatch(/test-pairs\s+contraindicated\s+2/);
      expect(after).toMatch(/test-pairs\s+duplicate-class\s+1/);
    }, 120_000);

    it('exits 1 on a file without the required columns, and 2 without --dataset', async () => {
      const file = join(dir, 'bad-header.csv');
      writeFileSync(file, 'kind,scope_a,key_a\ncontraindicated,ingredient,2189011\n');
      const r = await run(['import-interactions', file, '--dataset', 'test-pairs', '--data-dir', dataDir, '--no-progress']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('必須列がありません');
      expect(r.err).toContain('cannot load (nothing changed)');
      noStack(r.err);
      expect((await run(['interactions', '--data-dir', dataDir])).out).toMatch(/test-pairs\s+contraindicated\s+2/);
      const noDataset = await run(['import-interactions', file, '--data-dir', dataDir]);
      expect(noDataset.code).toBe(2);
      expect(noDataset.err).toContain('--dataset');
    }, 120_000);
  });

  describe('hpki / sign', () => {
    const doctorFile = join(dir, 'doctor.json');
    const dentistFile = join(dir, 'dentist.json');
    const bundleFile = join(dir, 'rx.json');
    const trustDir = join(hpkiDir, 'trust');
    const verify = async (file: string) =>
      verifyPrescriptionSignature(JSON.parse(readFileSync(file, 'utf8')), await trustFromDirectory(trustDir), { requiredRole: ['doctor', 'dentist'] });

    it('init creates a labelled TEST HPKI and the trust directory the service reads', async () => {
      const r = await run(['hpki', 'init', '--dir', hpkiDir]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('TEST PKI');
      expect(r.out).toContain(`TSUNAGU_HPKI_TRUST_DIR=${trustDir}`);
      expect(readdirSync(trustDir).sort()).toEqual([
        'tsunagu-test-hpki-issuing.crl.pem',
        'tsunagu-test-hpki-issuing.int.pem',
        'tsunagu-test-hpki-root.crl.pem',
        'tsunagu-test-hpki-root.crt.pem',
      ]);
      const again = await run(['hpki', 'init', '--dir', hpkiDir]);
      expect(again.code).toBe(1);
      expect(again.err).toContain('already exists');
    }, 60_000);

    it('issue + sign give a Bundle the verifier accepts from the trust directory', async () => {
      const issued = await run([
        'hpki',
        'issue',
        '--dir',
        hpkiDir,
        '--name',
        '神奈川　花子',
        '--role',
        'doctor',
        '--registration',
        '123456',
        '--out',
        doctorFile,
      ]);
      expect(issued.code, issued.err).toBe(0);
      const info = JSON.parse(issued.out);
      expect(info).toMatchObject({ role: 'doctor', registrationNumber: '123456', credential: doctorFile });
      expect((await readCredentialFile(doctorFile)).serial).toBe(info.serial);
      expect(issued.err).toContain('TEST PKI');

      writeFileSync(bundleFile, JSON.stringify(prescriptionBundle(), null, 2));
      const signedFile = join(dir, 'rx.signed.json');
      const signed = await run(['sign', '--credential', doctorFile, bundleFile, '--out', signedFile]);
      expect(signed.code, signed.err).toBe(0);
      expect(JSON.parse(signed.out)).toMatchObject({ signer: '神奈川　花子', serial: info.serial });
      const v = await verify(signedFile);
      expect(v).toMatchObject({ ok: true, signer: { name: '神奈川　花子', role: 'doctor', registrationNumber: '123456', serial: info.serial } });
      expect(
        await verifyPrescriptionSignature(JSON.parse(readFileSync(signedFile, 'utf8')), await trustFromDirectory(trustDir), { requiredRole: ['doctor'] }),
      ).toMatchObject({ ok: true });

      // without --out the signed Bundle goes to standard output
      const toStdout = await run(['sign', '--credential', doctorFile, bundleFile]);
      expect(toStdout.code).toBe(0);
      expect(JSON.parse(toStdout.out).signature.sigFormat).toBe('application/jose');
    }, 60_000);

    it('refuses to sign for another prescriber, and a file that is not a Bundle', async () => {
      const issued = await run([
        'hpki',
        'issue',
        '--dir',
        hpkiDir,
        '--name',
        '横浜 次郎',
        '--role',
        'dentist',
        '--registration',
        '654321',
        '--out',
        dentistFile,
      ]);
      expect(issued.code, issued.err).toBe(0);
      const other = await run(['sign', '--credential', dentistFile, bundleFile, '--out', join(dir, 'x.json')]);
      expect(other.code).toBe(1);
      expect(other.err).toContain('処方医');
      expect(other.err).toContain('would refuse it');
      const notBundle = join(dir, 'patient.json');
      writeFileSync(notBundle, JSON.stringify({ resourceType: 'Patient' }));
      const r = await run(['sign', '--credential', doctorFile, notBundle]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('is not a FHIR Bundle');
      const notJson = join(dir, 'broken.json');
      writeFileSync(notJson, '{');
      expect((await run(['sign', '--credential', doctorFile, notJson])).code).toBe(1);
      expect((await run(['sign', '--credential', bundleFile, bundleFile])).err).toContain('cannot read the credential file');
    }, 60_000);

    it('revoke publishes the CRL into the trust directory: the signature is refused after it', async () => {
      const signedFile = join(dir, 'rx.before-revocation.json');
      expect((await run(['sign', '--credential', doctorFile, bundleFile, '--out', signedFile])).code).toBe(0);
      expect(await verify(signedFile)).toMatchObject({ ok: true });
      const { serial } = await readCredentialFile(doctorFile);
      const r = await run(['hpki', 'revoke', '--dir', hpkiDir, '--serial', serial.toUpperCase(), '--reason', 'keyCompromise']);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ revoked: serial, reason: 'keyCompromise' });
      expect(await verify(signedFile)).toMatchObject({ ok: false, code: 'revoked' });
      const list = JSON.parse((await run(['hpki', 'list', '--dir', hpkiDir])).out);
      expect(list.holders.find((h: { serial: string }) => h.serial === serial).revoked.reason).toBe('keyCompromise');

      const unknown = await run(['hpki', 'revoke', '--dir', hpkiDir, '--serial', 'abcdef']);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain('no certificate with serial abcdef');
    }, 60_000);

    it("revoking the issuing CA (the root's CRL) refuses every certificate under it", async () => {
      const dentistBundle = prescriptionBundle();
      const practitioner = dentistBundle.entry!.find((e) => e.resource?.resourceType === 'Practitioner')!.resource as {
        qualification: { identifier: { value: string }[] }[];
      };
      practitioner.qualification[0].identifier[0].value = '654321';
      const input = join(dir, 'rx-dentist.json');
      writeFileSync(input, JSON.stringify(dentistBundle));
      const signedFile = join(dir, 'rx-dentist.signed.json');
      expect((await run(['sign', '--credential', dentistFile, input, '--out', signedFile])).code).toBe(0);
      expect(await verify(signedFile)).toMatchObject({ ok: true, signer: { role: 'dentist' } });
      const list = JSON.parse((await run(['hpki', 'list', '--dir', hpkiDir])).out);
      const r = await run(['hpki', 'revoke', '--dir', hpkiDir, '--serial', list.issuingCa.serial, '--reason', 'cessationOfOperation']);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).certificate).toContain('issuing CA');
      expect(await verify(signedFile)).toMatchObject({ ok: false, code: 'revoked' });
    }, 60_000);
  });

  describe('new', () => {
    const form = {
      issuedOn: '2026-06-01',
      patient: {
        familyName: '東京',
        givenName: '太郎',
        gender: 'male',
        birthDate: '1985-01-01',
        insurer: '01130012',
        symbol: '1234567',
        number: '89',
        branch: '00',
      },
      facility: { code: '1312345679', name: 'つなぐ内科クリニック', phone: '03-1234-5678', address: '東京都千代田区千代田１－１' },
      practitioner: { familyName: '神奈川', givenName: '花子', licenseNumber: '123456', role: 'doctor' },
      lines: [{ system: 'yj', code: '2233002F1280', name: 'カルボシステイン錠２５０ｍｇ', quantity: 21, unit: '錠', days: 7, usage: '1日3回朝昼夕食後' }],
    };

    it('writes the prescription Bundle of a form (to --out, or to standard output)', async () => {
      const input = join(dir, 'form.json');
      const output = join(dir, 'new', 'rx.json');
      writeFileSync(input, `\uFEFF${JSON.stringify(form)}`);
      const r = await run(['new', '--input', input, '--out', output]);
      expect(r.code, r.err).toBe(0);
      const bundle = JSON.parse(readFileSync(output, 'utf8'));
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document', meta: { profile: [PRESCRIPTION_PROFILE] } });
      expect(JSON.parse(r.out)).toMatchObject({ written: output, documentId: bundle.identifier.value, lines: 1 });
      const toStdout = await run(['new', '--input', input]);
      expect(toStdout.code, toStdout.err).toBe(0);
      expect(JSON.parse(toStdout.out).entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'MedicationRequest')).toBeDefined();
    });

    it('refuses a bad form with every bad field (exit 2), a file that is not JSON (2) and a missing file (1)', async () => {
      const bad = join(dir, 'bad-form.json');
      writeFileSync(bad, JSON.stringify({ ...form, issuedOn: '2026-02-30', facility: { ...form.facility, code: '131234567' }, lines: [] }));
      const r = await run(['new', '--input', bad, '--out', join(dir, 'never.json')]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('is not a valid prescription form');
      expect(r.err).toContain('issuedOn: 交付日は YYYY-MM-DD の日付です');
      expect(r.err).toContain('facility.code:');
      expect(r.err).toContain('lines: 処方する薬剤がありません / lines must list at least one drug');
      noStack(r.err);
      expect(readdirSync(dir)).not.toContain('never.json');
      const notJson = join(dir, 'form-broken.json');
      writeFileSync(notJson, '{');
      const broken = await run(['new', '--input', notJson]);
      expect(broken.code).toBe(2);
      expect(broken.err).toContain('cannot read');
      expect((await run(['new', '--input', join(dir, 'no-such-form.json')])).code).toBe(1);
      const none = await run(['new']);
      expect(none.code).toBe(2);
      expect(none.err).toContain('give the form JSON file with --input');
    });
  });

  describe('bad arguments', () => {
    it.each([
      [['nonsense'], 2, 'unknown command nonsense'],
      [[], 2, 'tsunagu eprescription <command>'],
      [['import-drugs'], 2, 'give the file to import'],
      [['import-drugs', 'x.csv', '--format', 'xml'], 2, '--format must be receipt or general'],
      [['import-drugs', 'x.csv', '--encoding', 'latin1'], 2, '--encoding must be utf-8 or shift_jis'],
      [['import-drugs', 'x.csv', '--valid-from', '2026-04-01'], 2, 'apply to --format general only'],
      [['import-drugs', 'x.csv', '--format', 'general', '--valid-from', '2026-02-30'], 2, 'must be a date'],
      [['import-drugs', 'x.csv', '--bogus'], 2, "invalid arguments: Unknown option '--bogus'"],
      [['drugs', 'extra'], 2, 'invalid arguments'],
      [['hpki'], 2, 'give an hpki command'],
      [['hpki', 'issue', '--dir', 'd', '--name', 'x', '--role', 'nurse', '--registration', '1', '--out', 'o.json'], 2, '--role must be one of'],
      [['hpki', 'issue', '--dir', 'd', '--name', 'x', '--role', 'doctor', '--registration', '12 34', '--out', 'o.json'], 2, '--registration must be'],
      [['hpki', 'issue', '--name', 'x'], 2, 'give the test HPKI directory with --dir'],
      [['hpki', 'revoke', '--dir', 'd', '--serial', 'xyz'], 2, '--serial must be the certificate serial'],
      [['hpki', 'revoke', '--dir', 'd', '--serial', '01', '--reason', 'lost'], 2, '--reason must be one of'],
      [['sign', 'rx.json'], 2, 'give the credential file with --credential'],
      [['hpki', 'crl', '--dir', '/nonexistent/hpki'], 1, 'no test HPKI in'],
    ])('%j → exit %i', async (argv, code, message) => {
      const r = await run(argv);
      expect(r.code).toBe(code);
      expect(r.err).toContain(message);
      noStack(r.err);
    });

    it('--help prints the usage and exits 0', async () => {
      for (const argv of [
        ['--help'],
        ['import-drugs', '--help'],
        ['import-interactions', '-h'],
        ['hpki', '--help'],
        ['hpki', 'issue', '--help'],
        ['sign', '--help'],
        ['new', '--help'],
      ]) {
        const r = await run(argv);
        expect(r.code, argv.join(' ')).toBe(0);
        expect(r.out).toContain('tsunagu eprescription');
      }
    });
  });
});
