/**
 * 領収証・明細書 and 請求ファイル in the browser: a document the service answered (base64) saved as a file, and the
 * HTML receipt opened in a printable window.
 *
 * The app's CSP refuses inline styles, and a window the app opens (about:blank, blob:) inherits it: the receipt's
 * `<style>` and `style="…"` would be refused and the page would print unstyled. So the receipt is rebuilt in the new
 * window through the DOM: its stylesheet as a constructed CSSStyleSheet and its style attributes through CSSOM,
 * neither of which the CSP governs. The service escapes every text of the receipt (output/receipt/escape.ts), so
 * `<style>` and ` style="` occur in its markup only as markup.
 */
import type { Document as Attachment } from './api.ts';

export function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const s = atob(base64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** Offers `doc` as a download named `fileName`. */
export function download(doc: Attachment, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytesOf(doc.data)], { type: doc.contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const STYLE_ATTR = 'data-receipt-style';

/** The receipt's markup split into its stylesheet and a body whose style attributes are renamed (parsed inertly). */
function inertReceipt(html: string): { css: string; title: string; body: DocumentFragment } {
  const css: string[] = [];
  const markup = html
    .replace(/<style>([\s\S]*?)<\/style>/g, (_, text: string) => {
      css.push(text);
      return '';
    })
    .replace(/ style="/g, ` ${STYLE_ATTR}="`);
  const parsed = new DOMParser().parseFromString(markup, 'text/html');
  const fragment = parsed.createDocumentFragment();
  fragment.append(...parsed.body.childNodes);
  return { css: css.join('\n'), title: parsed.title, body: fragment };
}

/**
 * Opens the HTML receipt in a new window and its print dialog. False when the browser refused the window (a popup
 * blocker): the screen then says so and offers the PDF.
 */
export function openPrintable(doc: Attachment): boolean {
  const html = new TextDecoder('utf-8').decode(bytesOf(doc.data));
  const w = window.open('', '_blank');
  if (!w) return false;
  const { css, title, body } = inertReceipt(html);
  // a stylesheet is adopted only by the document of its own window
  const sheet = new (w as Window & typeof globalThis).CSSStyleSheet();
  sheet.replaceSync(css);
  w.document.adoptedStyleSheets = [sheet];
  w.document.title = title || doc.title;
  w.document.documentElement.lang = 'ja';
  w.document.body.replaceChildren(w.document.importNode(body, true));
  for (const el of w.document.querySelectorAll<HTMLElement>(`[${STYLE_ATTR}]`)) {
    el.style.cssText = el.getAttribute(STYLE_ATTR) ?? '';
    el.removeAttribute(STYLE_ATTR);
  }
  w.focus();
  w.print();
  return true;
}
