/**
 * 領収証・明細書 as a self-contained printable page (A4, Japanese): the 領収証 after 様式第1号 of 「医療費の内容の分かる
 * 領収証の交付について」 (保険医療機関及び保険医療養担当規則 第5条の2), and the 明細書 of each billed line.
 */
import type { CalculationResult, VisitCase } from '../../model/types.ts';
import { escapeHtml as e } from './escape.ts';
import { grouped, type ReceiptOptions, receiptView, STATEMENT_NOTICE } from './view.ts';

const STYLE = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans JP", "Hiragino Sans", "Yu Gothic", sans-serif; font-size: 10.5pt; color: #000; margin: 0; }
main { max-width: 186mm; margin: 0 auto; }
h1 { font-size: 18pt; text-align: center; letter-spacing: 0.5em; margin: 0 0 4mm; }
h2 { font-size: 14pt; margin: 8mm 0 2mm; border-bottom: 1.5px solid #000; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; }
th, td { border: 1px solid #000; padding: 1.2mm 2mm; vertical-align: top; }
th { background: #eee; font-weight: 600; text-align: left; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.head td { border: none; padding: 0.5mm 0; }
.sections td { width: 16.66%; }
.total { font-size: 13pt; font-weight: 700; }
.small { font-size: 8pt; color: #333; }
.stamp { float: right; width: 22mm; height: 22mm; border: 1px solid #000; text-align: center; line-height: 22mm; color: #666; }
.statement { break-before: page; }
@media print { .statement { break-before: page; } a { color: inherit; text-decoration: none; } }
`;

const yen = (n: number) => `${grouped(n)}円`;

/** The receipt and statement of one visit as an HTML document (every text from the input is escaped). */
export function receiptHtml(visitCase: VisitCase, result: CalculationResult, options: ReceiptOptions = {}): string {
  const v = receiptView(visitCase, result, options);
  const sectionCells: string[] = [];
  for (let i = 0; i < v.sections.length; i += 6) {
    const part = v.sections.slice(i, i + 6);
    sectionCells.push(`<tr>${part.map((s) => `<th>${e(s.name)}</th>`).join('')}</tr>`);
    sectionCells.push(`<tr>${part.map((s) => `<td class="n">${e(grouped(s.points))}点</td>`).join('')}</tr>`);
  }
  const shareRows = v.shares
    .map(
      (s) =>
        `<tr><th>${e(s.kind === 'public' ? '公費負担' : '地方単独事業')}：${e(s.name)}${s.number ? `（${e(s.number)}）` : ''}</th><td class="n">${e(yen(s.yen))}</td></tr>`,
    )
    .join('');
  const lines = v.rows
    .map(
      (r) =>
        `<tr><td>${e(r.section)}</td><td>${e(r.code)}</td><td>${e(r.name)}</td><td class="n">${e(grouped(r.points))}</td><td class="n">${e(r.count)}</td><td class="n">${e(grouped(r.total))}</td></tr>`,
    )
    .join('');
  const facility = [v.facilityAddress, v.facilityPhone ? `電話 ${v.facilityPhone}` : undefined].filter(Boolean).map((x) => e(x as string));
  return `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>領収証・明細書 ${e(v.patientName)} ${e(v.visitDate)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<section class="receipt">
<h1>領収証</h1>
<table class="head">
<tr><td>患者番号 ${e(v.patientId ?? '')}</td><td style="text-align:right">発行日 ${e(v.issuedOnText)}（${e(v.issuedOn)}）${v.receiptNumber ? ` 領収書番号 ${e(v.receiptNumber)}` : ''}</td></tr>
<tr><td class="total">${e(v.patientName)} 様</td><td style="text-align:right">診療日 ${e(v.visitDateText)}（${e(v.visitDate)}）</td></tr>
</table>
<table>
<tr><th>費用区分</th><td>保険（負担割合 ${e(v.ratioText)}）</td></tr>
</table>
<table class="sections">
${sectionCells.join('\n')}
</table>
<table>
<tr><th>保険 合計点数</th><td class="n">${e(grouped(v.totalPoints))}点</td></tr>
<tr><th>総医療費（1点10円）</th><td class="n">${e(yen(v.totalYen))}</td></tr>
<tr><th>保険者負担</th><td class="n">${e(yen(v.insurerYen))}</td></tr>
<tr><th>一部負担金（保険・負担割合 ${e(v.ratioText)}）</th><td class="n">${e(yen(v.insuranceCopayYen))}</td></tr>
${shareRows}
<tr><th>ご負担額</th><td class="n">${e(yen(v.patientYen))}</td></tr>
<tr><th class="total">領収額</th><td class="n total">${e(yen(v.receivedYen))}</td></tr>
</table>
<div class="stamp">領収印</div>
<p>${e(v.facilityName)}（医療機関コード ${e(v.facilityCode)}）${facility.length ? `<br>${facility.join('　')}` : ''}</p>
<p class="small">上記の金額を領収しました。厚生労働省が定める診療報酬や薬価等には、医療機関が仕入れ時に負担する消費税が反映されています。</p>
<p class="small">${e(v.masterNote)}</p>
</section>
<section class="statement">
<h2>診療明細書（入院外）</h2>
<p>${e(v.patientName)} 様　診療日 ${e(v.visitDateText)}　負担割合 ${e(v.ratioText)}</p>
<table>
<thead><tr><th>部</th><th>コード</th><th>項目名</th><th class="n">点数</th><th class="n">回数</th><th class="n">合計点</th></tr></thead>
<tbody>${lines}</tbody>
<tfoot><tr><th colspan="5">合計</th><td class="n">${e(grouped(v.totalPoints))}点</td></tr></tfoot>
</table>
<p class="small">${e(STATEMENT_NOTICE)}</p>
<p class="small">${e(v.masterNote)}</p>
<p>${e(v.facilityName)}</p>
</section>
</main>
</body>
</html>
`;
}
