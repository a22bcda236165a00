/**
 * 処方内容（控え）: the printable sheet the patient is given for an electronic prescription — the 引換番号 as large text
 * and as a QR code (the QR holds the 処方箋ID and the 引換番号; a pharmacy's reader still needs the insured number and
 * birth date), the issuing facility, the dates, the refill uses, and the drugs with their master names. HTML for the
 * browser's print; the QR is an inline SVG made by the `qrcode` library.
 */
import QRCode from 'qrcode';
import type { DrugMaster } from '../master/index.ts';
import type { LineRow, PrescriptionRow } from './prescription-row.ts';
import { shownName } from './prescription-view.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What the QR code carries: `TSUNAGU-RX1:<処方箋ID>:<引換番号>`. */
export const qrPayload = (p: PrescriptionRow) => `TSUNAGU-RX1:${p.prescription_id}:${p.exchange_number}`;

export async function copyHtml(p: PrescriptionRow, lines: LineRow[], master: DrugMaster): Promise<string> {
  const svg = await QRCode.toString(qrPayload(p), { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 180 });
  const prescriber = (JSON.parse(p.prescriber) as { name?: string }).name ?? '';
  const rows = lines
    .map(
      (l) =>
        `<tr><td>${l.line_no}</td><td>${esc(shownName(master, l, p.issued_on))}${l.free_text ? `<br><small>（処方医の記載: ${esc(l.free_text)}）</small>` : ''}</td><td>${l.quantity}${esc(l.unit)}</td><td>${l.days ?? ''}${l.days ? '日分' : ''}</td><td>${l.substitution === '0' ? '' : '変更不可'}</td></tr>`,
    )
    .join('');
  const refill = p.uses_allowed > 1 ? `<p>リフィル処方箋（${p.uses_allowed}回まで使用可）</p>` : '';
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>処方内容（控え）</title>
<style>body{font-family:sans-serif;font-size:16pt;margin:2em}h1{font-size:20pt}.number{font-size:40pt;letter-spacing:.2em;font-weight:bold}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #444;padding:.3em;text-align:left}.note{font-size:12pt}</style></head>
<body><h1>処方内容（控え）</h1>
<p>これは処方箋ではありません。電子処方箋の内容の控えです。薬局で引換番号と保険証（資格確認書）またはマイナ保険証を提示してください。</p>
<p>引換番号</p><p class="number">${esc(p.exchange_number)}</p>
<div role="img" aria-label="引換番号 ${esc(p.exchange_number)} の QR コード">${svg}</div>
<p>交付日 ${esc(p.issued_on)}　使用期限 ${esc(p.valid_until)}</p>${refill}
<p>医療機関コード ${esc(p.issuer)}　処方医 ${esc(prescriber)}</p>
<table><thead><tr><th>No</th><th>薬剤</th><th>数量</th><th>日数</th><th>後発品</th></tr></thead><tbody>${rows}</tbody></table>
<p class="note">処方箋ID ${esc(p.prescription_id)}</p>
</body></html>`;
}
