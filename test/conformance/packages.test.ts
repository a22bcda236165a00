/** Package loading: .tgz and folders, versions, dependencies, terminology files, snapshot generation. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConformance, PackageReadError, type Conformance } from '../../src/platform/conformance/index.ts';
import { CanonicalIndex, compareVersions, versionMatches } from '../../src/platform/conformance/registry.ts';
import { describeErrors, example, jpConformance, PACKAGES_DIR, packagePaths } from './helpers.ts';

let c: Conformance;
let tmp: string;
beforeAll(async () => {
  c = await jpConformance();
  tmp = mkdtempSync(join(tmpdir(), 'tsunagu-conformance-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loading', () => {
  it('reports what it loaded, with timings', () => {
    const names = c.packages.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['jp-core.r4', 'jp-eCSCLINS.r4', 'jp-eCheckupReport.r4']));
    const clins = c.packages.find((p) => p.name === 'jp-eCSCLINS.r4');
    expect(clins?.structureDefinitions).toBeGreaterThan(40);
    expect(clins?.valueSets).toBeGreaterThan(200);
    expect(c.timings.totalMs).toBeGreaterThan(0);
  });

  it('an unpacked folder gives the same verdicts as the .tgz', async () => {
    const dir = join(tmp, 'clins');
    mkdirSync(dir);
    await tar.x({ file: join(PACKAGES_DIR, 'jp-eCSCLINS.r4-1.5.2-snap.tgz'), cwd: dir });
    const others = packagePaths().filter((p) => !p.includes('eCSCLINS'));
    const fromFolder = await loadConformance({ packages: [...others, dir] });
    expect(fromFolder.hasProfile('http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS|1')).toBe(true);
    const bad = example('valid', 'Observation-Example-JP-Obs-LabResult-eCS-eGFR.json');
    delete bad.status;
    expect(describeErrors(fromFolder.validate(bad))).toEqual(describeErrors(c.validate(bad)));
  });

  it('refuses a path that is not a package', async () => {
    await expect(loadConformance({ packages: [join(tmp, 'missing.tgz')] })).rejects.toBeInstanceOf(PackageReadError);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    await expect(loadConformance({ packages: [empty] })).rejects.toThrow(/no package.json/);
  });

  it('reports a declared dependency it cannot find', async () => {
    const dir = join(tmp, 'needs-dep', 'package');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'needs.dep', version: '1.0.0', dependencies: { 'hl7.fhir.r4.core': '4.0.1', 'no.such.package': '9.9.9' } }),
    );
    const loaded = await loadConformance({ packages: [join(tmp, 'needs-dep')] });
    expect(loaded.loadProblems.some((p) => /no\.such\.package#9\.9\.9 is not loaded/.test(p.message))).toBe(true);
  });

  it('loads terminology files and rejects files without terminology', async () => {
    const cs = join(tmp, 'cs.json');
    writeFileSync(cs, JSON.stringify({ resourceType: 'CodeSystem', url: 'urn:test:cs', content: 'complete', status: 'active', concept: [{ code: 'a' }] }));
    const loaded = await loadConformance({ packages: [], terminology: [cs] });
    expect(loaded.definitions.terminology.codeInSystem('urn:test:cs', 'a').result).toBe('yes');
    expect(loaded.definitions.terminology.codeInSystem('urn:test:cs', 'b').result).toBe('no');
    const notTx = join(tmp, 'patient.json');
    writeFileSync(notTx, JSON.stringify({ resourceType: 'Patient' }));
    await expect(loadConformance({ packages: [], terminology: [notTx] })).rejects.toThrow(/no CodeSystem, ValueSet or Questionnaire/);
  });

  it('base R4 only, when no package is given', async () => {
    const base = await loadConformance({ packages: [] });
    expect(base.packages).toEqual([]);
    expect(base.hasProfile('http://hl7.org/fhir/StructureDefinition/Observation')).toBe(true);
    expect(base.hasProfile('http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient')).toBe(false);
    const jp = example('valid', 'Patient-Example-JP-Patient-minimun.json');
    const oo = base.validate(jp);
    expect(oo.issue?.some((i) => i.severity === 'warning' && /not loaded/.test(i.diagnostics ?? ''))).toBe(true);
  });
});

describe('profiles and versions', () => {
  it('resolves url|version as meta.profile uses it', () => {
    expect(c.hasProfile('http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS|1')).toBe(true);
    expect(c.hasProfile('http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS|2')).toBe(false);
  });

  it('lists the loaded resource profiles for the CapabilityStatement', () => {
    const obs = c.profileUrls('Observation');
    expect(obs).toContain('http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Observation_LabResult_eCS');
    expect(obs.every((u) => !u.startsWith('http://hl7.org/fhir/StructureDefinition/'))).toBe(true);
  });

  it('generates snapshots for differential-only packages (ePrescriptionData)', () => {
    const n = c.definitions.compileAll((sd) => (sd.url ?? '').includes('ePrescription'));
    expect(n).toBeGreaterThan(10);
    expect(c.loadProblems.filter((p) => p.severity === 'error')).toEqual([]);
    const mr = c.definitions.profile('http://jpfhir.jp/fhir/ePrescription/StructureDefinition/JP_MedicationRequest_ePrescriptionData');
    expect(mr?.byId.get('MedicationRequest.medication[x].coding:codingYJ.system')?.fixed?.value).toBe('urn:oid:1.2.392.100495.20.1.73');
  });
});

describe('canonical index', () => {
  it('compares versions numerically', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions(undefined, '0.1')).toBeLessThan(0);
    expect(versionMatches('1', '1.0.2')).toBe(true);
    expect(versionMatches('1.0', '1.1.0')).toBe(false);
  });

  it('prefers the newest version, and the referring package when asked', () => {
    const idx = new CanonicalIndex<string>();
    idx.add('http://x/a', undefined, 'old', 'pkgA');
    idx.add('http://x/a', '1', 'new', 'pkgB');
    expect(idx.get('http://x/a')).toBe('new');
    expect(idx.get('http://x/a', 'pkgA')).toBe('old');
    expect(idx.get('http://x/a|1')).toBe('new');
    expect(idx.get('http://x/a|2')).toBeUndefined();
  });
});
