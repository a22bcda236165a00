/**
 * $my-data-pdf: the person's data as a printable Japanese document (A4, Noto Sans JP, page numbers 「n / N」): name,
 * birth date, when it was issued, eligibility, medicines prescribed and dispensed (with the facility names), diagnoses,
 * allergies, infections, labs, check-ups, documents, consents. The same data as $my-data (collect.ts), audited as the
 * person's own read. The metadata (Title, Subject, Keywords) name the document, the person and the sections.
 */
import { japanesePdf } from '../../../platform/pdf/japanese-pdf.ts';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { auditOwnRead } from '../model/person.ts';
import type { PortalRuntime } from '../model/runtime.ts';
import { collectMyData } from './collect.ts';
import { medicationNames } from './my-data-bundle.ts';
import { checkupRows, consentRows, coverageRows, dayOf, documentRows, itemRows, medicationRows, patientName, type Row } from './pdf-text.ts';

const MARGIN = 50;
const DATE_WIDTH = 90;

const japanTime = (at: Date) => {
  const j = new Date(at.getTime() + 9 * 3_600_000).toISOString();
  return `${j.slice(0, 4)}年${j.slice(5, 7)}月${j.slice(8, 10)}日 ${j.slice(11, 16)}`;
};

export interface Section {
  title: string;
  rows: Row[];
}

/** Renders the document; resolves with the PDF bytes. */
export function renderPdf(doc: { name: string; birthDate: string; issuedAt: Date; sections: Section[] }): Promise<Buffer> {
  const { pdf, done } = japanesePdf({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 20, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: '本人データ（つなぐ）',
      Subject: `${doc.name}（${doc.birthDate}生）の医療・健康情報 ${japanTime(doc.issuedAt)}発行`,
      Keywords: doc.sections.map((s) => `${s.title}:${s.rows.length}`).join(', '),
      Author: 'Tsunagu',
      Creator: 'Tsunagu patient portal',
    },
    lang: 'ja-JP',
  });
  const width = pdf.page.width - 2 * MARGIN;
  const bottom = () => pdf.page.height - pdf.page.margins.bottom;

  pdf.font('jp-bold').fontSize(20).text('本人データ（医療・健康情報）', { width });
  pdf.moveDown(0.4);
  pdf.font('jp').fontSize(12);
  pdf.text(`氏名　${doc.name || '（不明）'}`, { width });
  pdf.text(`生年月日　${doc.birthDate || '（不明）'}`, { width });
  pdf.text(`発行日時　${japanTime(doc.issuedAt)}（つなぐ 患者ポータル）`, { width });
  pdf.fontSize(9).fillColor('#444').text('この文書は本人が自分の情報を確認するためのものです。未告知の情報は含まれません。', { width });
  pdf.fillColor('black');

  for (const s of doc.sections) {
    if (pdf.y > bottom() - 60) pdf.addPage();
    pdf.moveDown(0.8);
    const top = pdf.y;
    pdf.font('jp-bold').fontSize(14).text(`${s.title}（${s.rows.length}件）`, MARGIN, top, { width });
    pdf
      .moveTo(MARGIN, pdf.y + 1)
      .lineTo(MARGIN + width, pdf.y + 1)
      .lineWidth(0.7)
      .stroke();
    pdf.moveDown(0.3);
    pdf.font('jp').fontSize(10.5);
    if (s.rows.length === 0) pdf.fillColor('#444').text('記録はありません', MARGIN, pdf.y, { width }).fillColor('black');
    for (const r of s.rows) {
      const textHeight = pdf.heightOfString(r.text, { width: width - DATE_WIDTH });
      if (pdf.y + textHeight > bottom()) pdf.addPage();
      const y = pdf.y;
      pdf.text(r.date || '—', MARGIN, y, { width: DATE_WIDTH - 6 });
      const afterDate = pdf.y;
      pdf.text(r.text, MARGIN + DATE_WIDTH, y, { width: width - DATE_WIDTH });
      pdf.y = Math.max(pdf.y, afterDate) + 2;
    }
  }

  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const keep = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf
      .font('jp')
      .fontSize(9)
      .fillColor('#444')
      .text(`${i - range.start + 1} / ${range.count}`, MARGIN, pdf.page.height - MARGIN, { width, align: 'center', lineBreak: false });
    pdf.page.margins.bottom = keep;
  }
  pdf.end();
  return done;
}

export async function myDataPdf(rt: PortalRuntime, ctx: RequestContext, patientId: string): Promise<{ pdf: Buffer; at: Date }> {
  const data = await collectMyData(rt, ctx, patientId, 'my-data-pdf');
  const names = await medicationNames(rt, data);
  const { consents } = await rt.platform.consent.list(patientId, data.at);
  const directory = new Map<string, string>(names);
  const codes = new Set<string>([
    ...consents.map((c) => c.recipient.code),
    ...data.resources
      .filter((r) => r.resourceType === 'Coverage')
      .map((r) => String((r.resource.identifier as { value?: string }[] | undefined)?.find((i) => i.value?.includes(':'))?.value ?? '').split(':')[0]),
  ]);
  for (const code of codes) {
    if (!code || directory.has(code)) continue;
    const f = await rt.platform.facilities.get(code);
    if (f) directory.set(code, f.name);
  }
  const nameOf = (code: string) => directory.get(code) ?? code;
  const meds = medicationRows(data.medication, names);
  const sections: Section[] = [
    { title: '資格情報（医療保険）', rows: coverageRows(data.resources, nameOf) },
    { title: '処方されたお薬', rows: meds.prescribed },
    { title: '調剤されたお薬', rows: meds.dispensed },
    { title: '処方情報（電子カルテ情報共有）', rows: itemRows(data.resources, ['prescription']) },
    { title: '傷病名', rows: itemRows(data.resources, ['diagnosis']) },
    { title: 'アレルギー', rows: itemRows(data.resources, ['drug-allergy', 'other-allergy']) },
    { title: '感染症', rows: itemRows(data.resources, ['infection']) },
    { title: '検査結果', rows: itemRows(data.resources, ['lab']) },
    { title: '健診結果', rows: checkupRows(data.resources) },
    { title: '健診結果報告書・患者サマリー', rows: documentRows(data.resources) },
    { title: '閲覧の同意', rows: consentRows(consents, (c) => directory.get(c) ?? '') },
  ];
  const p = data.patient as { birthDate?: string } | undefined;
  const pdf = await renderPdf({ name: patientName(data.patient), birthDate: dayOf(p?.birthDate), issuedAt: data.at, sections });
  await auditOwnRead(rt, ctx, 'my-data-pdf', patientId);
  return { pdf, at: data.at };
}
