/**
 * Narrative XHTML checks (txt-1 / txt-2, `htmlChecks()`): the div must be well-formed XHTML in the
 * XHTML namespace, contain some text or an image, and use no active content (script, forms,
 * event handlers, javascript: links), per https://hl7.org/fhir/R4/narrative.html.
 */

const FORBIDDEN_ELEMENTS = new Set([
  'script',
  'form',
  'input',
  'button',
  'iframe',
  'object',
  'embed',
  'applet',
  'base',
  'link',
  'meta',
  'style',
  'frame',
  'frameset',
  'textarea',
  'select',
]);
const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'col', 'area', 'wbr']);

/** Returns the first problem found, or undefined when the div is acceptable. */
export function xhtmlProblem(div: string): string | undefined {
  const trimmed = div.trim();
  if (!/^<div[\s>]/.test(trimmed)) return 'the narrative must be a <div> element';
  const open = /^<div\b([^>]*)>/.exec(trimmed);
  if (!open || !/xmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml["']/.test(open[1])) {
    return 'the <div> must declare xmlns="http://www.w3.org/1999/xhtml"';
  }
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][A-Za-z0-9:-]*)([^>]*?)(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[!?][^>]*>/g;
  let m: RegExpExecArray | null;
  let hasContent = false;
  let last = 0;
  while ((m = tag.exec(trimmed))) {
    if (trimmed.slice(last, m.index).trim()) hasContent = true;
    last = tag.lastIndex;
    if (!m[2]) {
      if (m[0].startsWith('<!DOCTYPE') || m[0].startsWith('<?')) return 'processing instructions and DOCTYPE are not allowed';
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2].toLowerCase().replace(/^[a-z]+:/, '');
    const attrs = m[3] ?? '';
    if (FORBIDDEN_ELEMENTS.has(name)) return `the element <${name}> is not allowed in narrative`;
    if (!closing) {
      if (/\son[a-z]+\s*=/i.test(attrs)) return `event handler attributes are not allowed (<${name}>)`;
      if (/javascript:/i.test(attrs)) return 'javascript: URLs are not allowed';
      if (name === 'img') hasContent = true;
      if (m[4] === '/' || VOID_ELEMENTS.has(name)) continue;
      stack.push(name);
    } else {
      const top = stack.pop();
      if (top !== name) return `mismatched closing tag </${name}>`;
    }
  }
  if (trimmed.slice(last).trim()) hasContent = true;
  if (stack.length) return `unclosed element <${stack[stack.length - 1]}>`;
  if (!hasContent) return 'the narrative has no text or image';
  return undefined;
}
