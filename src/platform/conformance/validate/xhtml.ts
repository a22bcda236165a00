/**
 * Narrative XHTML checks (txt-1 / txt-2, `htmlChecks()`, and the xhtml type): the div must be
 * well-formed XHTML in the XHTML namespace, use only the allowed elements and attributes (the HL7
 * validator's allow-list of the R4 narrative subset: no active content, forms, frames, deprecated
 * elements or event handlers), have no javascript: links, and contain some text or an image, per
 * https://hl7.org/fhir/R4/narrative.html. One scan per div gives every finding.
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

/**
 * Elements and attributes narrative may use: the HL7 validator's allow-list (its FHIRPath
 * `htmlChecks` and its XHTML type check), i.e. the XHTML subset of R4 narrative.html (no head /
 * body, deprecated elements, scripts, forms, frames, objects, event attributes).
 */
const ALLOWED_ELEMENTS = new Set(
  'p br div h1 h2 h3 h4 h5 h6 a span b em i strong small big tt dfn q var abbr acronym cite blockquote hr address bdo kbd sub sup ul ol li dl dt dd pre table caption colgroup col thead tr tfoot tbody th td code samp img map area'.split(
    ' ',
  ),
);
const ALLOWED_ATTRIBUTES = new Set(
  'title style class id lang xml:lang dir accesskey tabindex span width align valign char charoff abbr axis headers scope rowspan colspan'.split(' '),
);
const ALLOWED_ELEMENT_ATTRIBUTES = new Set(
  'a.href a.name img.src img.border div.xmlns blockquote.cite q.cite a.charset a.type a.hreflang a.rel a.rev a.shape a.coords img.alt img.longdesc img.height img.width img.usemap img.ismap map.name area.shape area.coords area.href area.nohref area.alt table.summary table.width table.border table.frame table.rules table.cellspacing table.cellpadding pre.space td.nowrap'.split(
    ' ',
  ),
);

export interface XhtmlFindings {
  /** Not a well-formed `<div>` (unbalanced tags, DOCTYPE, processing instruction, no div root). */
  structure?: string;
  /** An element or attribute outside the allow-list. */
  names?: string;
  /** The div does not declare the XHTML namespace. */
  namespace?: string;
  /** A `javascript:` URL. */
  activeUrl?: string;
  /** Some text or an image. */
  hasContent: boolean;
}

let lastDiv: string | undefined;
let lastFindings: XhtmlFindings | undefined;

/** Scans a narrative div once (the last result is kept: several checks look at the same div). */
export function xhtmlFindings(div: string): XhtmlFindings {
  if (div === lastDiv && lastFindings) return lastFindings;
  const f = scan(div);
  lastDiv = div;
  lastFindings = f;
  return f;
}

function scan(div: string): XhtmlFindings {
  const out: XhtmlFindings = { hasContent: false };
  const trimmed = div.trim();
  if (!/^<div[\s>/]/.test(trimmed)) {
    out.structure = 'the narrative must be a <div> element';
    return out;
  }
  const open = /^<div\b([^>]*)>/.exec(trimmed);
  if (!open || !/xmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml["']/.test(open[1])) {
    out.namespace = 'the <div> must declare xmlns="http://www.w3.org/1999/xhtml"';
  }
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][A-Za-z0-9:-]*)([^>]*?)(\/?)>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[!?][^>]*>/g;
  const attr = /([A-Za-z_:][A-Za-z0-9_:.-]*)\s*(?:=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?/g;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = tag.exec(trimmed))) {
    if (trimmed.slice(last, m.index).trim()) out.hasContent = true;
    last = tag.lastIndex;
    if (!m[2]) {
      if (m[0].startsWith('<!DOCTYPE') || m[0].startsWith('<?')) out.structure ??= 'processing instructions and DOCTYPE are not allowed';
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2].toLowerCase().replace(/^[a-z]+:/, '');
    const attrs = m[3] ?? '';
    if (!closing) {
      if (!ALLOWED_ELEMENTS.has(name)) {
        out.names ??= FORBIDDEN_ELEMENTS.has(name) ? `the element <${name}> is not allowed in narrative` : `illegal element name in the XHTML (<${name}>)`;
      }
      attr.lastIndex = 0;
      let a: RegExpExecArray | null;
      while ((a = attr.exec(attrs))) {
        const an = a[1].toLowerCase();
        if (an.startsWith('xmlns') || ALLOWED_ATTRIBUTES.has(an) || ALLOWED_ELEMENT_ATTRIBUTES.has(`${name}.${an}`)) continue;
        out.names ??= /^on[a-z]+$/.test(an)
          ? `event handler attributes are not allowed (<${name}>)`
          : `illegal attribute name in the XHTML ('${an}' on <${name}>)`;
      }
      if (/javascript:/i.test(attrs)) out.activeUrl ??= 'javascript: URLs are not allowed';
      if (name === 'img') out.hasContent = true;
      if (m[4] === '/' || VOID_ELEMENTS.has(name)) continue;
      stack.push(name);
    } else {
      const top = stack.pop();
      if (top !== name) out.structure ??= `mismatched closing tag </${name}>`;
    }
  }
  if (trimmed.slice(last).trim()) out.hasContent = true;
  if (stack.length) out.structure ??= `unclosed element <${stack[stack.length - 1]}>`;
  return out;
}

/** Returns the first problem found, or undefined when the div is acceptable (every check, content included). */
export function xhtmlProblem(div: string): string | undefined {
  const f = xhtmlFindings(div);
  return f.structure ?? f.namespace ?? f.names ?? f.activeUrl ?? (f.hasContent ? undefined : 'the narrative has no text or image');
}

/** The xhtml type itself (namespace, div root, well-formed, allowed names, no javascript: URLs) — not the content rule. */
export function xhtmlTypeProblem(div: string): string | undefined {
  const f = xhtmlFindings(div);
  return f.structure ?? f.namespace ?? f.names ?? f.activeUrl;
}

/** The validator's `htmlChecks()` (txt-1): well-formed and only allowed element / attribute names. */
export function htmlChecks1(div: string): boolean {
  const f = xhtmlFindings(div);
  return !f.structure && !f.names;
}

/** The validator's `htmlChecks2()` (txt-2): some non-whitespace content. */
export function htmlChecks2(div: string): boolean {
  return xhtmlFindings(div).hasContent;
}
