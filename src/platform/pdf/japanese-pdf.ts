/**
 * A Japanese PDF document (pdfkit): Noto Sans JP registered as `jp` and `jp-bold` (read once; pdfkit embeds only the
 * glyphs used), and the bytes collected as the document is written — for every printable document the services make
 * (the portal's my-data PDF, the fee calculation's receipt).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
let faces: { regular: Buffer; bold: Buffer } | undefined;

function japaneseFonts(): { regular: Buffer; bold: Buffer } {
  faces ??= {
    regular: readFileSync(require.resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf')),
    bold: readFileSync(require.resolve('@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf')),
  };
  return faces;
}

/** A new document with the Japanese faces; `done` resolves with the bytes once `pdf.end()` was called. */
export function japanesePdf(options: PDFKit.PDFDocumentOptions): { pdf: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const { regular, bold } = japaneseFonts();
  const pdf = new PDFDocument(options);
  pdf.registerFont('jp', regular);
  pdf.registerFont('jp-bold', bold);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  return { pdf, done };
}
