/** `tsunagu billing` as a vendor runs it: calc (text and JSON), receipt, claim, and the exit codes of bad input. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { billingCommand } from '../../cli/commands/billing.ts';
import { runCli } from '../helpers/cli.ts';
import { baseCase } from './fee-cases.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsunagu-billing-cli-'));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const diagnosis = [{ code: '8833421', name: '高血圧症', main: true }];

describe('tsunagu billing', () => {
  it('calc prints the lines, the split and the rules (sample master)', async () => {
    // 再診 75 + 外来管理加算 52 = 127点 → 1,270 × 3割 = 381 → 380円
    const c = file('revisit.json', baseCase({ items: [{ code: '112011010' }] }));
    const r = await runCli(billingCommand, ['calc', c, '--master', 'sample']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('合計 127 点');
    expect(r.out).toContain('窓口負担 380 円');
    expect(r.out).toContain('[A001-revisit]');
    expect(r.out).toMatch(/サンプル/);
  });

  it('calc --json gives the result to compare with a receipt computer; a BOM is accepted', async () => {
    const c = file('bom.json', `\uFEFF${JSON.stringify(baseCase({ lastVisitDate: null }))}`);
    const r = await runCli(billingCommand, ['calc', c, '--json', '--master', 'sample']);
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.result.totalPoints).toBe(291);
    expect(out.result.copay.patientYen).toBe(870);
  });

  it('exits 1 with the precise outcome for a case that cannot be calculated, 2 for bad arguments', async () => {
    const bad = file('bad.json', baseCase({ items: [{ code: '199999999' }] }));
    const r = await runCli(billingCommand, ['calc', bad, '--master', 'sample']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('診療行為コード 199999999 は点数マスターにありません [visit.items[0].code]');
    const notJson = await runCli(billingCommand, ['calc', file('x.json', '{'), '--master', 'sample']);
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/JSON として読めません/);
    expect((await runCli(billingCommand, ['calc', '--master', 'sample'])).code).toBe(2);
    expect((await runCli(billingCommand, ['calc', bad, '--master', 'other'])).code).toBe(2);
    expect((await runCli(billingCommand, ['calc', join(dir, 'missing.json'), '--master', 'sample'])).code).toBe(2);
    expect((await runCli(billingCommand, ['nonsense'])).code).toBe(2);
  });

  it('receipt writes the HTML and the PDF of a case', async () => {
    const c = file('receipt.json', baseCase({ lastVisitDate: null, diagnoses: diagnosis }));
    const html = join(dir, 'receipt.html');
    expect((await runCli(billingCommand, ['receipt', c, '--out', html, '--master', 'sample'])).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('291');
    const pdf = join(dir, 'receipt.pdf');
    expect((await runCli(billingCommand, ['receipt', c, '--out', pdf, '--master', 'sample'])).code).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('claim writes the month’s レセ電 file of the cases (Shift_JIS, one RE per patient)', async () => {
    const first = file(
      'a.json',
      baseCase({ date: '2025-04-21', diagnoses: diagnosis }, {}, [{ date: '2025-04-07', time: '10:00', lastVisitDate: null, items: [], diagnoses: diagnosis }]),
    );
    const second = file('b.json', {
      ...baseCase({ diagnoses: diagnosis }, { name: '佐藤 一郎', number: '346' } as never),
      patient: { ...baseCase().patient, name: '佐藤 一郎', insurance: { insurerNumber: '06132013', number: '346', copayRatio: 3 } },
    });
    const out = join(dir, 'RECEIPTC.UKE');
    const r = await runCli(billingCommand, ['claim', first, second, '--month', '2025-04', '--out', out, '--master', 'sample']);
    expect(r.code, r.err).toBe(0);
    // 初診 291 + 再診 75 (patient 1) + 再診 75 (patient 2)
    expect(r.out).toContain('2 件、441 点');
    const text = new TextDecoder('shift_jis').decode(readFileSync(out));
    expect(text.split('\r\n').filter((l) => l.startsWith('RE,'))).toHaveLength(2);
    expect(readFileSync(out).at(-1)).toBe(0x1a);
    expect((await runCli(billingCommand, ['claim', first, '--month', '2025-4', '--out', out, '--master', 'sample'])).code).toBe(2);
    expect((await runCli(billingCommand, ['claim', first, '--month', '2025-04', '--payer', 'kokuho', '--out', out, '--master', 'sample'])).code).toBe(2);
  });
});
