/**
 * The `tsunagu eligibility` and `tsunagu card` commands on an embedded data directory: a generated insurer file
 * with broken lines loads every good line and reports every bad one (line number and reason); re-running
 * changes nothing; a card is issued for a registered person, renewed and revoked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { cardCommand } from '../../cli/commands/card.ts';
import { eligibilityCommand } from '../../cli/commands/eligibility.ts';
import { generateBulkFile, readBulkFile } from '../../src/services/eligibility/registry/bulk-file.ts';
import { readCardFile } from '../../src/services/eligibility/reception/card/index.ts';
import { insuredKeyOf } from '../../src/services/eligibility/registry/fhir-mapping.ts';
import type { EligibilityRecord } from '../../src/services/eligibility/model/record.ts';

const run = (fn: (argv: string[]) => Promise<number>, argv: string[]) => runCli(fn, argv, { stdout: true });

describe('tsunagu eligibility / card (embedded database)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagu-elig-cli-'));
  const dataDir = join(dir, 'data');
  const file = join(dir, 'insurer.csv');
  let badLines: { line: number; kind: string }[] = [];
  let first: EligibilityRecord;
  const env = { ...process.env };

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    process.env.TSUNAGU_AUDIT_KEY_FILE = join(dir, 'audit.key');
    const generated = await generateBulkFile(1200, 42, file, { badEvery: 37 });
    badLines = generated.badLines;
    for await (const l of readBulkFile(file)) {
      if (l.kind === 'record') {
        first = l.record;
        break;
      }
    }
  });
  afterAll(() => {
    process.env = env;
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads every good line and reports every bad one with its line number and reason', async () => {
    const report = join(dir, 'errors.csv');
    const r = await run(eligibilityCommand, ['load', file, '--data-dir', dataDir, '--report', report, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`created ${1200 - badLines.length}`);
    expect(r.out).toContain(`refused ${badLines.length}`);
    const rows = readFileSync(report, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .slice(1);
    expect(rows.map((l) => Number(l.split(',')[0]))).toEqual(badLines.map((b) => b.line));
    expect(r.err).toContain(`${badLines[0].line} 行目`);
  }, 120_000);

  it('re-running the same file changes nothing', async () => {
    const r = await run(eligibilityCommand, ['load', file, '--data-dir', dataDir, '--no-progress']);
    expect(r.out).toContain(`unchanged ${1200 - badLines.length}`);
    expect(r.out).toContain('created 0');
  }, 120_000);

  it('refuses an unreadable header, loading nothing', async () => {
    const bad = join(dir, 'bad.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'hokensha,kigou\n1,2\n');
    const r = await run(eligibilityCommand, ['load', bad, '--data-dir', dataDir, '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('不明な列');
  }, 60_000);

  it('issues, renews and revokes a card for a registered person', async () => {
    expect((await run(cardCommand, ['ca', 'init', '--data-dir', dataDir])).code).toBe(0);
    const cardFile = join(dir, 'card.json');
    const issued = await run(cardCommand, [
      'issue',
      '--insured',
      insuredKeyOf(first),
      '--birth-date',
      first.birthDate,
      '--pin',
      '1234',
      '--key-type',
      'P-256',
      '--out',
      cardFile,
      '--data-dir',
      dataDir,
    ]);
    expect(issued.code, issued.err).toBe(0);
    const info = JSON.parse(issued.out);
    expect(info.patient).toMatch(/^Patient\//);
    expect((await readCardFile(cardFile)).pinRetriesLeft).toBe(3);
    const hist = await run(eligibilityCommand, ['history', '--insured', insuredKeyOf(first), '--data-dir', dataDir]);
    expect(hist.out).toContain(first.familyName);
    const renewed = await run(cardCommand, ['renew', '--card', cardFile, '--pin', '1234', '--data-dir', dataDir]);
    expect(renewed.code, renewed.err).toBe(0);
    expect(JSON.parse(renewed.out)).toMatchObject({ patient: info.patient, previousSerial: info.serial });
    const revoked = await run(cardCommand, ['revoke', '--card', cardFile, '--reason', 'keyCompromise', '--data-dir', dataDir]);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.out).revoked).toBe(JSON.parse(renewed.out).serial);
    const wrongPerson = await run(cardCommand, [
      'issue',
      '--insured',
      insuredKeyOf(first),
      '--birth-date',
      '1900-01-01',
      '--pin',
      '1234',
      '--data-dir',
      dataDir,
    ]);
    expect(wrongPerson.code).toBe(1);
    expect(wrongPerson.err).toContain('該当する方がいません');
  }, 120_000);
});
