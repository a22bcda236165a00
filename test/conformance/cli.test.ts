/** `tsunagu validate`: exit codes, OperationOutcome JSON on stdout, --summary lines. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateCommand } from '../../cli/commands/validate.ts';
import { EXAMPLES_DIR, GENERAL_NAME_MASTER, PACKAGES_DIR } from './helpers.ts';

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const valid = (f: string) => join(EXAMPLES_DIR, 'valid', f);
const invalid = (f: string) => join(EXAMPLES_DIR, 'invalid', f);

describe('tsunagu validate', () => {
  it('exit 0 and an OperationOutcome for a valid file', async () => {
    const code = await validateCommand(['--ig', PACKAGES_DIR, valid('Condition-Example-JP-Condition-eCS-01.json')]);
    expect(code).toBe(0);
    const oo = JSON.parse(out.join('\n'));
    expect(oo.resourceType).toBe('OperationOutcome');
  });

  it('exit 1 when a file is invalid; one summary line per file', async () => {
    const code = await validateCommand([
      '--ig',
      PACKAGES_DIR,
      '--tx',
      GENERAL_NAME_MASTER,
      '--summary',
      valid('Patient-Example-JP-Patient-standard.json'),
      invalid('MedicationRequest-ErrorExample-JP-MedReq-PO-SID-28days.json'),
      invalid('Observation-ErrorExample-ObsLabo-eGFR.json'),
    ]);
    expect(code).toBe(1);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/Patient-Example-JP-Patient-standard\.json: valid/);
    expect(out[1]).toMatch(/INVALID .*coding\[0\]\.code: Unknown code '2124030F2ZZZ'/);
    expect(out[2]).toMatch(/INVALID .*Observation\.code: .*R6022/);
  });

  it('several files without --summary: a Bundle of OperationOutcomes', async () => {
    await validateCommand([
      '--ig',
      join(PACKAGES_DIR, 'jp-core.r4-1.1.2-url.tgz'),
      valid('Patient-Example-JP-Patient-minimun.json'),
      valid('Specimen-Example-Contained-JP-Specimen-Urine.json'),
    ]);
    const bundle = JSON.parse(out.join('\n'));
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry).toHaveLength(2);
    expect(bundle.entry[0].resource.resourceType).toBe('OperationOutcome');
  });

  it('a file that is not JSON is invalid, not a crash', async () => {
    const code = await validateCommand(['--summary', join(EXAMPLES_DIR, '..', 'packages', 'jp-core.r4-1.1.2-url.tgz')]);
    expect(code).toBe(1);
    expect(out[0]).toMatch(/INVALID .*not valid JSON/);
  });

  it('an unknown extension is an error; --lenient-extensions makes it a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsunagu-ext-'));
    const file = join(dir, 'patient.json');
    writeFileSync(file, JSON.stringify({ resourceType: 'Patient', extension: [{ url: 'https://vendor.test/fhir/StructureDefinition/x', valueString: 'a' }] }));
    expect(await validateCommand([file])).toBe(1);
    out = [];
    expect(await validateCommand(['--lenient-extensions', file])).toBe(0);
    expect(JSON.parse(out.join('\n')).issue.some((i: { severity: string }) => i.severity === 'warning')).toBe(true);
  });

  it('exit 2 on usage errors', async () => {
    expect(await validateCommand([])).toBe(2);
    expect(await validateCommand(['--bogus', 'x.json'])).toBe(2);
    expect(await validateCommand(['--ig', '/no/such/package.tgz', 'x.json'])).toBe(2);
  });
});
