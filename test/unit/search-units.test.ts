/** Unit tests of the search building blocks: dates, normalisation, expressions, scopes, ids. */
import { describe, expect, it } from 'vitest';
import { parseDateRange } from '../../src/platform/search/dates.ts';
import { normalizeForSearch } from '../../src/platform/search/normalize.ts';
import { compileForType, isFastPath } from '../../src/platform/search/expression.ts';
import { r4SearchRegistry } from '../../src/platform/search/registry.ts';
import { patientKeyOf } from '../../src/platform/search/patient-key.ts';
import { allows, intersectScopes, parseScope, parseScopes } from '../../src/platform/auth/scopes.ts';
import { checkFacilityCodeShape } from '../../src/platform/identity/facility-code.ts';
import { newId } from '../../src/platform/fhir/ids.ts';
import { parseReference } from '../../src/platform/fhir/references.ts';
import { buildIndexRows } from '../../src/platform/search/index-rows.ts';
import { INDEX_TABLE, emptyIndexRows } from '../../src/platform/search/index-tables/tables.ts';
import { referenceTarget } from '../../src/platform/search/index-tables/reference.ts';
import { StatementParams } from '../../src/platform/storage/sql-params.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('date ranges', () => {
  it('widens partial dates to their whole precision, in Japan time when no zone is given', () => {
    const y = parseDateRange('2024')!;
    expect(iso(y.low)).toBe('2023-12-31T15:00:00.000Z');
    expect(iso(y.high)).toBe('2024-12-31T14:59:59.999Z');
    const m = parseDateRange('2024-02')!;
    expect(iso(m.high)).toBe('2024-02-29T14:59:59.999Z'); // leap year
    const s = parseDateRange('2024-05-01T10:00:00Z')!;
    expect(iso(s.low)).toBe('2024-05-01T10:00:00.000Z');
    expect(iso(s.high)).toBe('2024-05-01T10:00:00.999Z');
    const ms = parseDateRange('2024-05-01T10:00:00.123+09:00')!;
    expect(ms.low).toBe(ms.high);
  });
  it('rejects impossible dates', () => {
    for (const bad of ['2023-02-30', '2024-13', '2024-00-10', '24-01-01', '2024-01-01T25:00:00Z', 'today', '2024-1-1'])
      expect(parseDateRange(bad), bad).toBeUndefined();
  });
});

describe('string normalisation', () => {
  it('folds width, case, Latin accents and katakana, keeps voicing marks and old kanji', () => {
    expect(normalizeForSearch('ＹＡＭＡＤＡ')).toBe('yamada');
    expect(normalizeForSearch('ﾔﾏﾀﾞ')).toBe('やまだ');
    expect(normalizeForSearch('ヤマダ')).toBe('やまだ');
    expect(normalizeForSearch('José')).toBe('jose');
    expect(normalizeForSearch('ガ')).not.toBe(normalizeForSearch('カ'));
    expect(normalizeForSearch('髙橋')).toBe('髙橋');
    expect(normalizeForSearch('山田\u3000 太郎')).toBe('山田 太郎');
  });
});

describe('search parameter expressions', () => {
  it('compiles the R4 expressions to fast paths, narrowing choice types', () => {
    expect(isFastPath('(Observation.value as Quantity)')).toBe(true);
    expect(isFastPath("Patient.telecom.where(system='phone')")).toBe(true);
    expect(isFastPath('Condition.subject.where(resolve() is Patient)')).toBe(true);
    const ev = compileForType('(Observation.value as Quantity) | (Observation.value as SampledData)', 'Observation')!;
    expect(ev({ resourceType: 'Observation', valueQuantity: { value: 1 } }).map((v) => v.value)).toEqual([{ value: 1 }]);
    expect(ev({ resourceType: 'Observation', valueString: 'x' })).toEqual([]);
    const phone = compileForType("Patient.telecom.where(system='phone') | Practitioner.telecom.where(system='phone')", 'Patient')!;
    expect(
      phone({
        resourceType: 'Patient',
        telecom: [
          { system: 'email', value: 'a@b' },
          { system: 'phone', value: '03' },
        ],
      }).map((v) => v.value),
    ).toEqual([{ system: 'phone', value: '03' }]);
  });
  it('falls back to FHIRPath for the rest', () => {
    const deceased = r4SearchRegistry().get('Patient', 'deceased')!;
    expect(deceased.evaluate({ resourceType: 'Patient', deceasedBoolean: true }).map((v) => v.value)).toEqual([true]);
  });
  it('finds the patient key through the compartment parameters', () => {
    const reg = r4SearchRegistry();
    const key = (r: Record<string, unknown>) => patientKeyOf(r, reg).key;
    expect(key({ resourceType: 'Observation', subject: { reference: 'Patient/p1' } })).toBe('p1');
    expect(key({ resourceType: 'Observation', subject: { reference: 'Group/g1' } })).toBe('');
    expect(key({ resourceType: 'Patient', id: 'me' })).toBe('me');
    expect(key({ resourceType: 'Organization', id: 'o' })).toBe('');
    expect(key({ resourceType: 'Coverage', beneficiary: { reference: 'Patient/b' } })).toBe('b');
    // A person named by identifier, contained, or on another server is a person, not "no one" (issue 9, finding 3).
    const byId = patientKeyOf({ resourceType: 'Observation', id: 'o1', subject: { identifier: { system: 'urn:x', value: '1' } } }, reg);
    expect(byId.key).toMatch(/^unresolved:[0-9a-f]{32}$/);
    expect(byId.identifiers).toEqual([{ system: 'urn:x', value: '1' }]);
    // The same identifier gives the same placeholder (one unknown person), a different one another.
    expect(key({ resourceType: 'Condition', id: 'c9', subject: { identifier: { system: 'urn:x', value: '1' } } })).toBe(byId.key);
    expect(key({ resourceType: 'Observation', id: 'o1', subject: { identifier: { system: 'urn:x', value: '2' } } })).not.toBe(byId.key);
    expect(key({ resourceType: 'Observation', id: 'o2', contained: [{ resourceType: 'Patient', id: 'p' }], subject: { reference: '#p' } })).toMatch(
      /^unresolved:/,
    );
    expect(key({ resourceType: 'Observation', id: 'o3', contained: [{ resourceType: 'Group', id: 'g' }], subject: { reference: '#g' } })).toBe('');
    expect(key({ resourceType: 'Observation', id: 'o4', subject: { reference: 'https://other.example/fhir/Patient/p1' } })).toMatch(/^unresolved:/);
    expect(key({ resourceType: 'Observation', id: 'o5', subject: { identifier: { system: 'urn:x', value: '1' }, type: 'Device' } })).toBe('');
  });
});

describe('index tables', () => {
  const extract = <T extends keyof typeof INDEX_TABLE>(type: T, ...values: unknown[]) => {
    const rows = emptyIndexRows()[type];
    for (const value of values) (INDEX_TABLE[type].extract as (r: typeof rows, p: string, f: { value: unknown }) => void)(rows, 'p', { value });
    return rows;
  };

  it('turn found values into rows, column by column', () => {
    const coding = { system: 'http://loinc.org', code: '2823-3' };
    expect(extract('token', { coding: [coding, coding] }, { system: 'phone', value: '03' }, true)).toEqual({
      param: ['p', 'p', 'p'],
      system: ['http://loinc.org', null, null],
      code: ['2823-3', '03', 'true'],
    });
    expect(extract('string', { family: 'ヤマダ', given: ['タロウ'] })).toEqual({
      param: ['p', 'p', 'p'],
      norm: ['やまだ', 'たろう', 'やまだ たろう'],
      exact: ['ヤマダ', 'タロウ', 'ヤマダ タロウ'],
    });
    expect(extract('date', { start: '2024' })).toEqual({ param: ['p'], low: ['2023-12-31T15:00:00.000Z'], high: ['infinity'] });
    expect(extract('quantity', { low: { value: 1, unit: 'mg' }, high: { value: 2, currency: 'JPY' } })).toEqual({
      param: ['p', 'p'],
      value: ['1', '2'],
      system: [null, null],
      code: [null, 'JPY'],
      unit: ['mg', null],
    });
    expect(extract('number', 1.5, Infinity, '2')).toEqual({ param: ['p'], value: ['1.5'] });
    expect(extract('uri', 'http://x', '')).toEqual({ param: ['p'], uri: ['http://x'] });
  });

  it('store a reference to this server as type and id, anything else as the URL written (another server: no id)', () => {
    expect(referenceTarget('Patient/23')).toEqual({ type: 'Patient', id: '23', url: null });
    expect(referenceTarget('Patient/23/_history/2')).toEqual({ type: 'Patient', id: '23', url: null });
    expect(referenceTarget('http://example.org/fhir/Patient/23')).toEqual({ type: 'Patient', id: null, url: 'http://example.org/fhir/Patient/23' });
    expect(referenceTarget('urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0')).toEqual({
      type: null,
      id: null,
      url: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0',
    });
    const rows = buildIndexRows({ resourceType: 'Observation', subject: { reference: 'https://other.example/fhir/Patient/23' } }, r4SearchRegistry());
    expect(rows.reference).toEqual({ param: ['subject'], targetType: ['Patient'], targetId: [null], targetUrl: ['https://other.example/fhir/Patient/23'] });
  });

  it("search an id or Type/id among this server's targets, an absolute URL among URLs", () => {
    const cond = (v: string, modifier?: string) => {
      const p = new StatementParams();
      return { sql: INDEX_TABLE.reference.condition(v, modifier, p, 'a'), params: p.values };
    };
    expect(cond('23')).toEqual({ sql: '(a.target_id = $1)', params: ['23'] });
    expect(cond('23', 'Patient')).toEqual({ sql: '(a.target_id = $2 AND a.target_type = $1)', params: ['Patient', '23'] });
    expect(cond('Patient/23')).toEqual({ sql: '(a.target_type = $1 AND a.target_id = $2)', params: ['Patient', '23'] });
    expect(cond('http://example.org/fhir/Patient/23').sql).toBe('(left(a.target_url, 200) = left($1::text, 200) AND a.target_url = $1)');
    expect(() => cond('http://example.org/fhir/Group/1', 'Patient')).toThrow(/does not match/);
  });
});

describe('scopes', () => {
  it('parses SMART v1 and v2 scopes and checks permissions', () => {
    expect(parseScope('system/Observation.read')!.permissions).toEqual(new Set(['r', 's']));
    expect(parseScope('system/*.cruds')!.permissions.size).toBe(5);
    expect(parseScope('system/Observation.sr')).toBeUndefined(); // v2 letters must be in order
    expect(parseScope('openid')).toBeUndefined();
    const s = parseScopes('system/Patient.rs system/Observation.write');
    expect(allows(s, 'Patient', 'r')).toBe(true);
    expect(allows(s, 'Patient', 'c')).toBe(false);
    expect(allows(s, 'Observation', 'c')).toBe(true);
    expect(allows(s, 'Observation', 'r')).toBe(false);
  });
  it('grants the intersection of what was asked and what was registered', () => {
    const granted = intersectScopes(parseScopes('system/*.cruds'), parseScopes('system/Patient.read'));
    expect(granted.map((g) => g.raw)).toEqual([]);
    const g2 = intersectScopes(parseScopes('system/Patient.cruds'), parseScopes('system/*.read'));
    expect(g2.map((g) => g.raw)).toEqual(['system/Patient.rs']);
  });
});

describe('identifiers', () => {
  it('checks the shape of a facility code', () => {
    expect(checkFacilityCodeShape('1312345679')).toBeUndefined();
    expect(checkFacilityCodeShape('4812345678')?.en).toMatch(/prefecture/);
    expect(checkFacilityCodeShape('1392345678')?.en).toMatch(/score table/);
    expect(checkFacilityCodeShape('1312345678')?.en).toMatch(/check digit/);
    expect(checkFacilityCodeShape('131234567')?.en).toMatch(/10 digits/);
  });
  it('assigns UUIDv7 ids in time order', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newId())).size).toBe(1000);
  });
  it('parses references', () => {
    expect(parseReference('Patient/1')).toEqual({ resourceType: 'Patient', id: '1' });
    expect(parseReference('https://x.jp/fhir/Patient/1/_history/2')).toEqual({ resourceType: 'Patient', id: '1', versionId: '2' });
    expect(parseReference('urn:uuid:abc')).toBeUndefined();
    expect(parseReference('#contained')).toBeUndefined();
  });
});
