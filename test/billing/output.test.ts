/**
 * The fee calculation's outputs (src/services/billing/output): 領収証・明細書 (HTML, PDF) and the レセ電 claim file, built
 * from hand-made cases and results (初診料 291 + 処方箋料 60 = 351点, 3,510円, 3割 → 1,050円). Record layouts after
 * 「オンライン又は光ディスク等による請求に係る記録条件仕様（医科用）」 (社会保険診療報酬支払基金 / 厚生労働省).
 */
import { inflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { CalculationResult, FeeLine, PatientInput, PayerShare, VisitCase } from '../../src/services/billing/model/types.ts';
import {
  claimFile,
  claimPayerOf,
  encodeShiftJis,
  OutputError,
  receiptHtml,
  receiptPdf,
  toWareki,
  warekiText,
} from '../../src/services/billing/output/index.ts';
import { receiptView } from '../../src/services/billing/output/receipt/view.ts';

const facility = { code: '1234567', prefecture: '13', name: 'つなぐ内科クリニック' };

const FIRST: FeeLine = { code: '111000110', name: '初診料', section: '11', points: 291, count: 1, total: 291, origin: 'entered' };
const RX: FeeLine = { code: '120002910', name: '処方箋料（その他）', section: '80', points: 60, count: 1, total: 60, origin: 'entered' };
const REVISIT: FeeLine = { code: '112007410', name: '再診料', section: '12', points: 75, count: 1, total: 75, origin: 'entered' };

function patient(over: Partial<PatientInput> = {}): PatientInput {
  return {
    id: 'P0001',
    name: '山田　太郎',
    nameKana: 'ヤマダ　タロウ',
    birthDate: '1980-05-15',
    sex: 'male',
    insurance: { insurerNumber: '01130012', symbol: '12345', number: '67', relationship: 'insured', copayRatio: 3 },
    ...over,
  };
}

/** A visit and its result: the lines' totals, 10 円 a point, the insurance copay and the shares as given. */
function visit(
  p: PatientInput,
  date: string,
  lines: FeeLine[],
  extra: { copayYen?: number; shares?: PayerShare[]; patientYen?: number; capYen?: number | null } = {},
) {
  const totalPoints = lines.reduce((a, l) => a + l.total, 0);
  const totalYen = totalPoints * 10;
  const ratio = p.insurance?.elderly?.copayRatio ?? p.insurance?.copayRatio ?? null;
  const copayYen = extra.copayYen ?? (ratio === null ? 0 : Math.round((totalYen * ratio) / 100) * 10);
  const patientYen = extra.patientYen ?? copayYen;
  const visitCase: VisitCase = {
    facility,
    patient: p,
    visit: { date, items: lines.map((l) => ({ code: l.code })), diagnoses: [{ code: '8833421', name: '高血圧症', startDate: '2025-04-03', main: true }] },
  };
  const result: CalculationResult = {
    visitDate: date,
    encounter: 'first',
    lines,
    removed: [],
    totalPoints,
    totalYen,
    copay: {
      age: 44,
      ratio,
      capYen: extra.capYen ?? null,
      insuranceCopayYen: copayYen,
      shares: extra.shares ?? [
        { payer: 'insurer', number: p.insurance?.insurerNumber, name: '保険者', yen: totalYen - copayYen, rule: 'insurer', text: '保険給付' },
        { payer: 'patient', name: '患者', yen: patientYen, rule: 'copay', text: '一部負担金' },
      ],
      patientYen,
      rules: [],
    },
    rules: [],
    master: 'サンプルマスター（令和6年度改定の告示から抜粋, sample）',
  };
  return { visitCase, result };
}

const lf = (text: string) => text.split('\r\n').filter(Boolean);
const fields = (record: string) => record.split(',');

/**
 * The text pdfkit drew, page by page: each content stream's TJ strings decoded through the ToUnicode map of the font
 * selected by Tf (pdfkit writes Identity-H fonts with one bfrange array per 256 codes).
 */
function pdfText(pdf: Buffer): string[] {
  const src = pdf.toString('latin1');
  const objects = new Map<string, { dict: string; stream?: string }>();
  for (const m of src.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = m[2];
    const s = /stream\r?\n([\s\S]*?)\r?\nendstream/.exec(body);
    const stream = s && body.includes('/FlateDecode') ? inflateSync(Buffer.from(s[1], 'latin1')).toString('latin1') : s?.[1];
    objects.set(m[1], { dict: body.split('stream')[0], stream });
  }
  const hex = (h: string) => String.fromCharCode(...(h.match(/.{4}/g) ?? []).map((x) => Number.parseInt(x, 16)));
  const cmaps = new Map<string, Map<number, string>>();
  for (const [, o] of objects) {
    for (const f of o.dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const uni = /\/ToUnicode (\d+) 0 R/.exec(objects.get(f[2])?.dict ?? '');
      const cmap = objects.get(uni?.[1] ?? '')?.stream ?? '';
      const map = new Map<number, string>();
      for (const r of cmap.matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/gi)) {
        let code = Number.parseInt(r[1], 16);
        for (const u of r[2].matchAll(/<([0-9a-f]+)>/gi)) map.set(code++, hex(u[1]));
      }
      cmaps.set(f[1], map);
    }
  }
  const pages: string[] = [];
  for (const [, o] of objects) {
    const contents = /\/Type \/Page\b[\s\S]*\/Contents (\d+) 0 R/.exec(o.dict);
    if (!contents) continue;
    let map = new Map<number, string>();
    const out: string[] = [];
    for (const t of (objects.get(contents[1])?.stream ?? '').matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\] TJ/g)) {
      if (t[1]) map = cmaps.get(t[1]) ?? new Map();
      else out.push([...t[2].matchAll(/<([0-9a-f]+)>/gi)].map((h) => [...hex(h[1])].map((c) => map.get(c.charCodeAt(0)) ?? '?').join('')).join(''));
    }
    pages.push(out.join('\n'));
  }
  return pages;
}

describe('和暦 (toWareki)', () => {
  it('writes GYYMMDD and GYYMM with the era codes of 別表4', () => {
    expect(toWareki('2025-04-01')).toBe('5070401');
    expect(toWareki('2025-04')).toBe('50704');
    expect(toWareki('2019-04-30')).toBe('4310430');
    expect(toWareki('2019-05-01')).toBe('5010501');
    expect(toWareki('1989-01-07')).toBe('3640107');
    expect(toWareki('1989-01-08')).toBe('4010108');
    expect(toWareki('1926-12-25')).toBe('3011225');
    expect(toWareki('1912-07-30')).toBe('2010730');
    expect(toWareki('1900-01-01')).toBe('1330101');
    expect(warekiText('2019-05-01')).toBe('令和元年5月1日');
  });
  it('refuses a non-date with a Japanese message', () => {
    expect(() => toWareki('2025-02-30', 'visit.date')).toThrow(/暦日ではありません（visit\.date）/);
    expect(() => toWareki('1850-01-01')).toThrow(/明治より前/);
  });
});

describe('Shift_JIS (encodeShiftJis)', () => {
  it('encodes ASCII, 半角カナ, JIS X 0208 and the look-alikes Node decodes elsewhere', () => {
    expect([...encodeShiftJis('A,1')]).toEqual([0x41, 0x2c, 0x31]);
    expect([...encodeShiftJis('ｱ')]).toEqual([0xb1]);
    expect([...encodeShiftJis('亜')]).toEqual([0x88, 0x9f]);
    expect([...encodeShiftJis('〜')]).toEqual([0x81, 0x60]);
    expect([...encodeShiftJis('　')]).toEqual([0x81, 0x40]);
    const text = '初診料、処方箋料（その他）：山田　太郎 ﾃｽﾄ 123';
    expect(new TextDecoder('shift_jis').decode(encodeShiftJis(text))).toBe(text);
  });
  it('refuses characters outside JIS X 0201/0208, naming the field', () => {
    expect(() => encodeShiftJis('𠮷野', 'patient.name')).toThrow(OutputError);
    expect(() => encodeShiftJis('𠮷野', 'patient.name')).toThrow(/「patient\.name」の文字「𠮷」\(U\+20BB7\)/);
    expect(() => encodeShiftJis('①', 'diagnosis')).toThrow(/U\+2460/);
    expect(() => encodeShiftJis('髙', 'name')).toThrow(/U\+9AD9/);
  });
});

describe('領収証・明細書 (receiptHtml, receiptPdf)', () => {
  const { visitCase, result } = visit(patient(), '2025-04-01', [FIRST, RX]);

  it('groups the lines into the 様式 rows: 処方箋料 (120…) under 投薬', () => {
    const v = receiptView(visitCase, result, { issuedOn: '2025-04-01' });
    const points = Object.fromEntries(v.sections.map((s) => [s.name, s.points]));
    expect(points['初・再診料']).toBe(291);
    expect(points.投薬).toBe(60);
    expect(points.その他).toBe(0);
    expect(v.sections).toHaveLength(17);
    expect(v.sections.reduce((a, s) => a + s.points, 0)).toBe(351);
  });

  it('shows totals, sections, ratio, shares and the sample-master notice on an A4 Japanese page', () => {
    const html = receiptHtml(visitCase, result, { issuedOn: '2025-04-01', receiptNumber: 'R-1' });
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="ja">/);
    expect(html).toContain('size: A4');
    expect(html).toContain('351点');
    expect(html).toContain('3,510円');
    expect(html).toContain('1,050円');
    expect(html).toContain('2,460円');
    expect(html).toContain('負担割合 3割');
    expect(html).toContain('令和7年4月1日');
    expect(html).toContain('<th>初・再診料</th>');
    expect(html).toContain('<td class="n">291点</td>');
    expect(html).toContain('処方箋料（その他）');
    expect(html).toContain('サンプルマスターによる試算（請求には使えません）');
    expect(html).toContain('この明細書は');
    expect(html).not.toMatch(/<(script|link|img)\b/);
  });

  it('prints each 公費 and local subsidy share and what the patient paid', () => {
    const p = patient({
      publicExpenses: [{ payerNumber: '54136015', recipientNumber: '1234566', monthlyCapYen: 5000 }],
      localSubsidies: [{ payerNumber: '88132019', recipientNumber: '7654321', name: 'マル障' }],
    });
    const shares: PayerShare[] = [
      { payer: 'insurer', name: '保険者', yen: 2460, rule: 'insurer', text: '' },
      { payer: 'public', number: '54136015', name: '難病（特定医療費）', yen: 350, rule: 'p', text: '' },
      { payer: 'local', number: '88132019', name: 'マル障', yen: 200, rule: 'l', text: '' },
      { payer: 'patient', name: '患者', yen: 500, rule: 'c', text: '' },
    ];
    const v = visit(p, '2025-04-01', [FIRST, RX], { shares, patientYen: 500 });
    const html = receiptHtml(v.visitCase, v.result, { issuedOn: '2025-04-02' });
    expect(html).toContain('公費負担：難病（特定医療費）（54136015）</th><td class="n">350円');
    expect(html).toContain('地方単独事業：マル障（88132019）</th><td class="n">200円');
    expect(html).toContain('領収額</th><td class="n total">500円');
  });

  it('escapes names from the input', () => {
    const v = visit(patient({ name: '<script>alert("x")</script>' }), '2025-04-01', [FIRST, RX]);
    v.visitCase.facility = { ...facility, name: 'A&B "clinic"' };
    const html = receiptHtml(v.visitCase, v.result, { issuedOn: '2025-04-01' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('A&#38;B &#34;clinic&#34;');
  });

  it('refuses a result of another day', () => {
    expect(() => receiptHtml({ ...visitCase, visit: { ...visitCase.visit, date: '2025-04-02' } }, result)).toThrow(/診療日/);
  });

  it('renders a PDF (A4, two pages) naming the patient and the amounts', async () => {
    const pdf = await receiptPdf(visitCase, result, { issuedOn: '2025-04-01' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(2);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(doc.getTitle()).toBe('領収証・明細書 山田　太郎 2025-04-01');
    expect(doc.getSubject()).toBe('合計351点 一部負担金1050円 領収額1050円');
    expect(doc.getKeywords()).toContain('初・再診料:291');
    const [receipt, statement] = pdfText(pdf);
    for (const t of [
      '領 収 証',
      '山田　太郎 様',
      '初・再診料',
      '291点',
      '投薬',
      '60点',
      '351点',
      '3,510円',
      '1,050円',
      '2,460円',
      'サンプルマスターによる試算',
    ]) {
      expect(receipt).toContain(t);
    }
    for (const t of ['診療明細書（入院外）', '初診料（111000110）', '処方箋料（その他）（120002910）', 'この明細書は']) expect(statement).toContain(t);
  });
});

describe('レセ電 claim file (claimFile)', () => {
  const a = patient();
  const b = patient({
    id: 'P0002',
    name: '佐藤　花子',
    nameKana: undefined,
    birthDate: '1990-10-01',
    sex: 'female',
    insurance: { insurerNumber: '06139990', symbol: '記号１', number: '８', relationship: 'dependant', copayRatio: 3 },
    publicExpenses: [{ payerNumber: '54136015', recipientNumber: '1234566', monthlyCapYen: 5000 }],
  });
  const bShares: PayerShare[] = [
    { payer: 'insurer', name: '保険者', yen: 2460, rule: 'i', text: '' },
    { payer: 'public', number: '54136015', name: '難病', yen: 550, rule: 'p', text: '' },
    { payer: 'patient', name: '患者', yen: 500, rule: 'c', text: '' },
  ];
  const visits = [
    visit(a, '2025-04-03', [FIRST, RX]),
    visit(b, '2025-04-05', [FIRST, RX], { shares: bShares, patientYen: 500 }),
    visit(a, '2025-04-17', [REVISIT, RX]),
  ];
  const claim = claimFile({ facility: { ...facility, phone: '03-1234-5678' }, month: '2025-04', payer: 'shaho', visits });
  const records = lf(claim.text);
  const kinds = records.map((r) => r.slice(0, 2));

  it('writes IR, then RE HO [KO] SY SI… per patient, then GO', () => {
    expect(kinds).toEqual(['IR', 'RE', 'HO', 'SY', 'SI', 'SI', 'SI', 'RE', 'HO', 'KO', 'SY', 'SI', 'SI', 'GO']);
    expect(claim.receipts).toBe(2);
    expect(records[0]).toBe('IR,1,13,1,1234567,,つなぐ内科クリニック,50705,00,03-1234-5678');
  });

  it('has the field counts of the layout', () => {
    const count: Record<string, number> = { IR: 10, RE: 38, HO: 15, KO: 13, SY: 8, SI: 44, GO: 4 };
    for (const r of records) expect(fields(r).length, r.slice(0, 2)).toBe(count[r.slice(0, 2)]);
  });

  it('fills RE: number, レセプト種別, 診療年月, 氏名, 男女, 和暦 birth date, カルテ番号, カナ', () => {
    const [re1, re2] = records.filter((r) => r.startsWith('RE')).map(fields);
    expect(re1.slice(0, 8)).toEqual(['RE', '1', '1112', '50704', '山田　太郎', '1', '3550515', '']);
    expect(re1[13]).toBe('P0001');
    expect(re1[36]).toBe('ヤマダ　タロウ');
    expect(re2.slice(0, 7)).toEqual(['RE', '2', '1126', '50704', '佐藤　花子', '2', '4021001']);
  });

  it('sums the month in HO and KO: 実日数, 合計点数, 負担金額', () => {
    const [ho1, ho2] = records.filter((r) => r.startsWith('HO')).map(fields);
    expect(ho1.slice(0, 6)).toEqual(['HO', '01130012', '12345', '67', '2', String(351 + 135)]);
    // Under 70 without 高額療養費 in kind, the outpatient 一部負担金額 is not recorded (記載要領).
    expect(ho1[11]).toBe('');
    expect(ho2.slice(0, 6)).toEqual(['HO', '06139990', '記号１', '８', '1', '351']);
    const ko = fields(records.find((r) => r.startsWith('KO'))!);
    expect(ko.slice(0, 7)).toEqual(['KO', '54136015', '1234566', '', '1', '351', '500']);
  });

  it('records 一部負担金額 and the 限度額 特記事項 when the cap was reached, and 一部負担金額 for 高齢受給者', () => {
    const capped = patient({ insurance: { ...patient().insurance!, limitCategory: 'u70-u' } });
    const v1 = visit(capped, '2025-04-03', [FIRST, RX], { capYen: 80100 });
    const v2 = visit(capped, '2025-04-10', [FIRST, RX], { capYen: 2000, copayYen: 950 });
    const rec = lf(claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [v1, v2] }).text).map(fields);
    expect(rec[1][11]).toBe('28');
    expect(rec[2][11]).toBe('2000');
    const under = lf(claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [v1] }).text).map(fields);
    expect([under[1][11], under[2][11]]).toEqual(['', '']);
    const elderly = patient({ birthDate: '1953-01-01', insurance: { ...patient().insurance!, copayRatio: 2, elderly: { copayRatio: 2 } } });
    const e = lf(claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [visit(elderly, '2025-04-03', [FIRST, RX])] }).text).map(fields);
    expect(e[2][11]).toBe('700');
  });

  it('merges a code across visits with the day counts (3rd and 17th) and prints 診療識別 once per section', () => {
    const si = records
      .slice(0, 7)
      .filter((r) => r.startsWith('SI'))
      .map(fields);
    expect(si.map((f) => [f[1], f[3], f[5], f[6]])).toEqual([
      ['11', '111000110', '291', '1'],
      ['12', '112007410', '75', '1'],
      ['80', '120002910', '60', '2'],
    ]);
    const rx = si[2];
    expect(rx[2]).toBe('1');
    const days = rx.slice(13);
    expect(days).toHaveLength(31);
    expect(days[2]).toBe('1');
    expect(days[16]).toBe('1');
    expect(days.filter(Boolean)).toHaveLength(2);
    const sameSection = claimFile({
      facility,
      month: '2025-04',
      payer: 'shaho',
      visits: [visit(a, '2025-04-03', [RX, { ...RX, code: '120003270', name: '一般名処方加算２', points: 8, total: 8, origin: 'added' }])],
    });
    const si2 = lf(sameSection.text)
      .filter((r) => r.startsWith('SI'))
      .map(fields);
    expect(si2.map((f) => f[1])).toEqual(['80', '']);
  });

  it('writes one KO per 公費 with what the patient still pays after each (national first, 生活保護 last, then local)', () => {
    const p = patient({
      publicExpenses: [
        { payerNumber: '12136014', recipientNumber: '1111111' },
        { payerNumber: '54136015', recipientNumber: '1234566' },
      ],
      localSubsidies: [{ payerNumber: '88132019', recipientNumber: '7654321' }],
    });
    const shares: PayerShare[] = [
      { payer: 'insurer', name: '保険者', yen: 2460, rule: 'i', text: '' },
      { payer: 'public', number: '54136015', name: '難病', yen: 550, rule: 'p', text: '' },
      { payer: 'local', number: '88132019', name: 'マル障', yen: 300, rule: 'l', text: '' },
      { payer: 'public', number: '12136014', name: '生活保護', yen: 200, rule: 'w', text: '' },
    ];
    const rec = lf(
      claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [visit(p, '2025-04-03', [FIRST, RX], { shares, patientYen: 0 })] }).text,
    ).map(fields);
    expect(rec[1][2]).toBe('1142');
    expect(rec.filter((f) => f[0] === 'KO').map((f) => [f[1], f[6]])).toEqual([
      ['54136015', '500'],
      ['12136014', '300'],
      ['88132019', ''],
    ]);
    expect(rec.filter((f) => f[0] === 'SI').every((f) => f[2] === 'V')).toBe(true);
  });

  it('gives the 公費 receipt the 負担区分 of 医保と公費1', () => {
    const si = records
      .slice(7)
      .filter((r) => r.startsWith('SI'))
      .map(fields);
    expect(si.every((f) => f[2] === '2')).toBe(true);
  });

  it('writes SY with the code, 和暦 start, 転帰 and 主傷病; 未コード化 names as 0000999', () => {
    expect(records[3]).toBe('SY,8833421,5070403,1,,,01,');
    const v = visit(a, '2025-04-03', [FIRST]);
    v.visitCase.visit.diagnoses = [{ name: 'かぜ症候群', startDate: '2025-04-03' }];
    const sy = lf(claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [v] }).text).find((r) => r.startsWith('SY'));
    expect(sy).toBe('SY,0000999,5070403,1,,かぜ症候群,,');
  });

  it('totals GO from the HO points and ends with CRLF and 0x1A in Shift_JIS', () => {
    const hoTotal = records.filter((r) => r.startsWith('HO')).reduce((s, r) => s + Number(fields(r)[5]), 0);
    expect(records.at(-1)).toBe(`GO,2,${hoTotal},99`);
    expect(claim.totalPoints).toBe(hoTotal);
    expect(claim.text.endsWith('\r\n')).toBe(true);
    expect(claim.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(claim.bytes.at(-1)).toBe(0x1a);
    expect(claim.bytes.at(-2)).toBe(0x0a);
    expect(new TextDecoder('shift_jis').decode(claim.bytes.subarray(0, -1))).toBe(claim.text);
  });

  it('derives レセプト種別 from insurance, age and 公費 (別表5)', () => {
    const type = (p: PatientInput, date = '2025-04-10', payer: 'shaho' | 'kokuho' = 'shaho') =>
      fields(lf(claimFile({ facility, month: date.slice(0, 7), payer, visits: [visit(p, date, [FIRST])] }).text)[1])[2];
    expect(type(patient())).toBe('1112');
    expect(type(patient({ birthDate: '2019-04-02' }))).toBe('1114');
    // 6歳に達する日 2025-03-31 → 未就学者 until that day.
    expect(type(patient({ birthDate: '2019-04-01' }), '2025-03-31')).toBe('1114');
    expect(type(patient({ birthDate: '2019-04-01' }), '2025-04-01')).toBe('1112');
    expect(type(patient({ insurance: { ...patient().insurance!, relationship: 'dependant' } }))).toBe('1116');
    const elderly = (r: 2 | 3) => patient({ birthDate: '1953-01-01', insurance: { ...patient().insurance!, copayRatio: r, elderly: { copayRatio: r } } });
    expect(type(elderly(2))).toBe('1118');
    expect(type(elderly(3))).toBe('1110');
    const late = (r: 1 | 3) => patient({ birthDate: '1940-01-01', insurance: { insurerNumber: '39131015', number: '12345678', copayRatio: r } });
    expect(type(late(1), '2025-04-10', 'kokuho')).toBe('1318');
    expect(type(late(3), '2025-04-10', 'kokuho')).toBe('1310');
    const twoPublic = patient({
      publicExpenses: [{ payerNumber: '54136015', recipientNumber: '1234566' }],
      localSubsidies: [{ payerNumber: '88132019', recipientNumber: '7654321' }],
    });
    expect(type(twoPublic)).toBe('1132');
    const welfare = patient({ insurance: null, publicExpenses: [{ payerNumber: '12136014', recipientNumber: '1234567' }] });
    expect(type(welfare)).toBe('1212');
  });

  it('writes 公費単独 without HO, 負担区分 5, and 国保 with 給付割合 and a 6-digit insurer', () => {
    const welfare = patient({ insurance: null, publicExpenses: [{ payerNumber: '12136014', recipientNumber: '1234567' }] });
    const w = lf(
      claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [visit(welfare, '2025-04-03', [FIRST], { copayYen: 0, patientYen: 0, shares: [] })] })
        .text,
    );
    expect(w.map((r) => r.slice(0, 2))).toEqual(['IR', 'RE', 'KO', 'SY', 'SI', 'GO']);
    expect(fields(w[4])[2]).toBe('5');
    expect(w.at(-1)).toBe('GO,1,291,99');
    const kokuho = patient({ insurance: { insurerNumber: '138057', symbol: '千代', number: '1234', relationship: 'insured', copayRatio: 3 } });
    const k = lf(claimFile({ facility, month: '2025-04', payer: 'kokuho', visits: [visit(kokuho, '2025-04-03', [FIRST])] }).text);
    expect(k[0].startsWith('IR,2,13,1,')).toBe(true);
    expect(fields(k[1])[7]).toBe('70');
    expect(fields(k[2])[1]).toBe('  138057');
    // the platform's canonical form of a 国保 number (00 + 6 digits) is 国保 too, written as its 6 digits
    const canonical = patient({ insurance: { insurerNumber: '00138057', symbol: '千代', number: '1234', relationship: 'insured', copayRatio: 3 } });
    expect(claimPayerOf(canonical.insurance)).toBe('kokuho');
    const c = lf(claimFile({ facility, month: '2025-04', payer: 'kokuho', visits: [visit(canonical, '2025-04-03', [FIRST])] }).text);
    expect(fields(c[2])[1]).toBe('  138057');
  });

  it('records a drug as IY with its 使用量, and refuses one without', () => {
    const drug = { code: '620000001', name: '薬剤', section: '21', points: 12, count: 1, total: 12, origin: 'entered' as const, quantity: 3 };
    const rec = lf(claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [visit(a, '2025-04-03', [FIRST, drug])] }).text);
    const iy = fields(rec.find((r) => r.startsWith('IY'))!);
    expect(iy.slice(0, 7)).toEqual(['IY', '21', '1', '620000001', '3', '12', '1']);
    expect(iy).toHaveLength(44);
    const { quantity: _q, ...noQty } = drug;
    expect(() => claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [visit(a, '2025-04-03', [noQty])] })).toThrow(/使用量/);
  });

  it('writes 全角 in 漢字 fields and refuses what Shift_JIS cannot hold, naming the field', () => {
    const half = lf(claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [visit(patient({ name: 'ﾔﾏﾀﾞ ﾀﾛｳ' }), '2025-04-03', [FIRST])] }).text);
    expect(fields(half[1])[4]).toBe('ヤマダ　タロウ');
    // a name character outside JIS X 0208 with an everyday form is written in that form, and reported
    const yoshida = claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [visit(patient({ name: '𠮷田　一' }), '2025-04-03', [FIRST])] });
    expect(fields(lf(yoshida.text)[1])[4]).toBe('吉田　一');
    expect(yoshida.notes).toEqual([expect.stringMatching(/𠮷田　一.*吉田　一/)]);
    // one without is refused, naming the field
    expect(() => claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [visit(patient({ name: '𩸽田　一' }), '2025-04-03', [FIRST])] })).toThrow(
      /「visits\[0\]\.visitCase\.patient\.name」の文字「𩸽」/,
    );
    expect(() => claimFile({ facility: { ...facility, name: '①クリニック' }, month: '2025-04', payer: 'shaho', visits: [] })).toThrow(/facility\.name/);
    expect(() => claimFile({ facility, month: '2025-04', payer: 'shaho', visits: [visit(patient({ name: 'あ'.repeat(21) }), '2025-04-03', [FIRST])] })).toThrow(
      /40バイト/,
    );
  });

  it('refuses bad input with Japanese messages', () => {
    const base = { facility, month: '2025-04', payer: 'shaho' as const };
    expect(() => claimFile({ ...base, month: '2025-4', visits: [] })).toThrow(/診療年月/);
    expect(() => claimFile({ ...base, visits: [visit(a, '2025-05-01', [FIRST])] })).toThrow(/診療年月 2025-04 のものではありません/);
    expect(() => claimFile({ ...base, payer: 'kokuho', visits: [visit(a, '2025-04-01', [FIRST])] })).toThrow(/国保（国保連）の請求に入りません/);
    expect(() => claimFile({ ...base, visits: [visit(patient({ sex: 'unknown' }), '2025-04-01', [FIRST])] })).toThrow(/男女区分/);
    const noDx = visit(a, '2025-04-01', [FIRST]);
    noDx.visitCase.visit.diagnoses = [];
    expect(() => claimFile({ ...base, visits: [noDx] })).toThrow(/傷病名がありません/);
    const wrong = visit(a, '2025-04-01', [FIRST]);
    wrong.result.totalPoints = 300;
    expect(() => claimFile({ ...base, visits: [wrong] })).toThrow(/一致しません/);
  });

  it('writes the month of 2,000 visits (700 patients) well under a second', () => {
    const many = Array.from({ length: 2000 }, (_, i) => {
      const n = i % 700;
      const p = patient({ id: `P${n}`, name: `患者　${String(n).replace(/\d/g, (d) => '０１２３４５６７８９'[Number(d)])}` });
      const day = String(1 + (Math.floor(i / 700) * 9 + (n % 9))).padStart(2, '0');
      return visit(p, `2025-04-${day}`, i < 700 ? [FIRST, RX] : [REVISIT, RX]);
    });
    const started = performance.now();
    const out = claimFile({ facility, month: '2025-04', payer: 'shaho', visits: many });
    const ms = performance.now() - started;
    expect(out.receipts).toBe(700);
    expect(out.totalPoints).toBe(700 * 351 + 1300 * 135);
    expect(ms).toBeLessThan(1000);
    console.log(`claimFile: 2,000 visits / 700 receipts in ${ms.toFixed(0)} ms, ${out.bytes.length} bytes`);
  });
});
