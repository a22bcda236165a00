/**
 * 領収証・明細書 as a PDF (A4, Noto Sans JP): page 1 the 領収証 (様式第1号's rows), then the 明細書 lines, continued on
 * as many pages as they need. The metadata name the patient, the visit and the amounts.
 */
import type { CalculationResult, VisitCase } from '../../model/types.ts';
import { japanesePdf } from '../../../../platform/pdf/japanese-pdf.ts';
import { grouped, type ReceiptOptions, receiptView, STATEMENT_NOTICE } from './view.ts';

const MARGIN = 42;
const yen = (n: number) => `${grouped(n)}円`;

/** The receipt and statement of one visit as PDF bytes. */
export function receiptPdf(visitCase: VisitCase, result: CalculationResult, options: ReceiptOptions = {}): Promise<Buffer> {
  const v = receiptView(visitCase, result, options);
  const { pdf, done } = japanesePdf({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    info: {
      Title: `領収証・明細書 ${v.patientName} ${v.visitDate}`,
      Subject: `合計${v.totalPoints}点 一部負担金${v.insuranceCopayYen}円 領収額${v.receivedYen}円`,
      Keywords: v.sections.map((s) => `${s.name}:${s.points}`).join(', '),
      Author: v.facilityName,
      Creator: 'Tsunagu fee calculation',
    },
    lang: 'ja-JP',
  });
  const width = pdf.page.width - 2 * MARGIN;
  const bottom = () => pdf.page.height - MARGIN;

  /** A label and a right-aligned value on one ruled row. */
  const row = (label: string, value: string, font = 'jp') => {
    const y = pdf.y;
    pdf.font(font).text(label, MARGIN + 4, y + 3, { width: width * 0.65 });
    pdf.text(value, MARGIN + width * 0.65, y + 3, { width: width * 0.35 - 4, align: 'right' });
    const h = Math.max(pdf.y - y, 18) + 2;
    pdf.rect(MARGIN, y, width, h).lineWidth(0.6).stroke();
    pdf.y = y + h;
  };

  pdf.font('jp-bold').fontSize(20).text('領 収 証', MARGIN, MARGIN, { width, align: 'center' });
  pdf.moveDown(0.4).font('jp').fontSize(10);
  pdf.text(`発行日 ${v.issuedOnText}（${v.issuedOn}）${v.receiptNumber ? `　領収書番号 ${v.receiptNumber}` : ''}`, { width, align: 'right' });
  pdf.font('jp-bold').fontSize(14).text(`${v.patientName} 様`, MARGIN, pdf.y, { width });
  pdf
    .font('jp')
    .fontSize(10)
    .text(`患者番号 ${v.patientId ?? ''}　診療日 ${v.visitDateText}（${v.visitDate}）　負担割合 ${v.ratioText}`, { width });
  pdf.moveDown(0.5);

  // 部ごとの点数: six columns per band, as the 様式's grid.
  const col = width / 6;
  for (let i = 0; i < v.sections.length; i += 6) {
    const y = pdf.y;
    v.sections.slice(i, i + 6).forEach((s, j) => {
      const x = MARGIN + j * col;
      pdf.rect(x, y, col, 16).fillAndStroke('#eeeeee', '#000000').fillColor('black');
      pdf.fontSize(8).text(s.name, x + 2, y + 4, { width: col - 4, align: 'center', lineBreak: false });
      pdf
        .rect(x, y + 16, col, 18)
        .lineWidth(0.6)
        .stroke();
      pdf.fontSize(10).text(`${grouped(s.points)}点`, x + 2, y + 20, { width: col - 6, align: 'right', lineBreak: false });
    });
    pdf.y = y + 36;
  }
  pdf.moveDown(0.5).fontSize(10.5);
  row('保険 合計点数', `${grouped(v.totalPoints)}点`);
  row('総医療費（1点10円）', yen(v.totalYen));
  row('保険者負担', yen(v.insurerYen));
  row(`一部負担金（保険・負担割合 ${v.ratioText}）`, yen(v.insuranceCopayYen));
  for (const s of v.shares) row(`${s.kind === 'public' ? '公費負担' : '地方単独事業'}：${s.name}${s.number ? `（${s.number}）` : ''}`, yen(s.yen));
  row('ご負担額', yen(v.patientYen));
  pdf.fontSize(13);
  row('領収額', yen(v.receivedYen), 'jp-bold');
  pdf.moveDown(0.8).font('jp').fontSize(10).text(`${v.facilityName}（医療機関コード ${v.facilityCode}）`, MARGIN, pdf.y, { width });
  const contact = [v.facilityAddress, v.facilityPhone ? `電話 ${v.facilityPhone}` : ''].filter(Boolean).join('　');
  if (contact) pdf.text(contact, { width });
  pdf.moveDown(0.4).fontSize(8).fillColor('#333').text('上記の金額を領収しました。', { width });
  pdf.text(v.masterNote, { width }).fillColor('black');

  // 明細書
  pdf.addPage();
  pdf.font('jp-bold').fontSize(16).text('診療明細書（入院外）', MARGIN, MARGIN, { width });
  pdf.font('jp').fontSize(10).text(`${v.patientName} 様　診療日 ${v.visitDateText}　負担割合 ${v.ratioText}`, { width });
  pdf.moveDown(0.5);
  const cols = [
    { title: '部', w: 0.16, align: 'left' as const },
    { title: '項目名', w: 0.5, align: 'left' as const },
    { title: '点数', w: 0.12, align: 'right' as const },
    { title: '回数', w: 0.08, align: 'right' as const },
    { title: '合計点', w: 0.14, align: 'right' as const },
  ];
  const line = (cells: string[], font = 'jp') => {
    const heights = cells.map((c, i) =>
      pdf
        .font(font)
        .fontSize(9.5)
        .heightOfString(c, { width: cols[i].w * width - 6 }),
    );
    const h = Math.max(...heights) + 6;
    if (pdf.y + h > bottom()) pdf.addPage().y = MARGIN;
    const y = pdf.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      pdf.text(c, x + 3, y + 3, { width: cols[i].w * width - 6, align: cols[i].align });
      x += cols[i].w * width;
    });
    pdf
      .moveTo(MARGIN, y + h)
      .lineTo(MARGIN + width, y + h)
      .lineWidth(0.4)
      .stroke();
    pdf.y = y + h;
  };
  line(
    cols.map((c) => c.title),
    'jp-bold',
  );
  for (const r of v.rows) line([r.section, `${r.name}（${r.code}）`, grouped(r.points), String(r.count), grouped(r.total)]);
  line(['合計', '', '', '', `${grouped(v.totalPoints)}点`], 'jp-bold');
  pdf.moveDown(0.8).font('jp').fontSize(8).fillColor('#333');
  pdf.text(STATEMENT_NOTICE, MARGIN, pdf.y, { width });
  pdf.text(v.masterNote, { width }).fillColor('black');
  pdf.end();
  return done;
}
