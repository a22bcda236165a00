/**
 * Native implementations of the base invariants that sit on (almost) every element or resource.
 * Evaluating them through FHIRPath would dominate validation time (ele-1 alone runs on every
 * element), so they are implemented here, keyed by their exact R4 expression: a profile that
 * redefines a key with another expression still goes through FHIRPath.
 */
import { createHash } from 'node:crypto';
import { htmlChecks1, htmlChecks2 } from './xhtml.ts';
import { base64DecodedLength, compareQuantity } from './primitives.ts';

/** true = holds, false = violated, a string = could not be evaluated (reported as a warning). */
type Native = (value: unknown) => boolean | string;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Record<string, unknown>, k: string) => o[k] !== undefined && !(Array.isArray(o[k]) && (o[k] as unknown[]).length === 0);

/** ele-1: a value, or children other than id. */
const ele1: Native = (v) => {
  if (!isObj(v)) return v !== undefined && v !== null;
  for (const k in v) if (k !== 'id' && has(v, k)) return true;
  return false;
};

/** ext-1: an extension has either nested extensions or a value, not both. */
const ext1: Native = (v) => {
  if (!isObj(v)) return true;
  const hasExt = has(v, 'extension');
  let hasValue = false;
  for (const k in v) if (k.startsWith('value') && k.length > 5 && v[k] !== undefined) hasValue = true;
  return hasExt !== hasValue;
};

const containedOf = (v: unknown): Record<string, unknown>[] => (isObj(v) && Array.isArray(v.contained) ? (v.contained as unknown[]).filter(isObj) : []);

const dom2: Native = (v) => containedOf(v).every((c) => !has(c, 'contained'));

const dom4: Native = (v) => containedOf(v).every((c) => !isObj(c.meta) || (c.meta.versionId === undefined && c.meta.lastUpdated === undefined));

const dom5: Native = (v) => containedOf(v).every((c) => !isObj(c.meta) || !has(c.meta, 'security'));

const dom6: Native = (v) => isObj(v) && isObj(v.text) && v.text.div !== undefined;

/** Every string in a tree that starts with '#': local references (and canonical/uri pointers). */
function localPointers(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') {
    if (v.startsWith('#')) out.add(v);
  } else if (Array.isArray(v)) {
    for (const x of v) localPointers(x, out);
  } else if (isObj(v)) {
    for (const k in v) localPointers(v[k], out);
  }
}

/** dom-3: every contained resource is referenced from the container, or references it ('#'). */
const dom3: Native = (v) => {
  const contained = containedOf(v);
  if (!contained.length) return true;
  const pointers = new Set<string>();
  localPointers(v, pointers);
  return contained.every((c) => {
    if (typeof c.id === 'string' && pointers.has(`#${c.id}`)) return true;
    const inner = new Set<string>();
    localPointers(c, inner);
    return inner.has('#');
  });
};

/** txt-1 (`htmlChecks()`): well-formed, allowed element / attribute names only. */
const htmlChecks: Native = (v) => typeof v !== 'string' || htmlChecks1(v);

/** txt-2 (`htmlChecks2()`, as the validator rewrites R4's txt-2): some content. */
const htmlContent: Native = (v) => typeof v !== 'string' || htmlChecks2(v);

const NATIVE: Record<string, Native> = {
  'hasValue() or (children().count() > id.count())': ele1,
  'hasValue() or (children().count() > id.count()) or $this is Parameters': (v) => ele1(v) || (isObj(v) && v.resourceType === 'Parameters'),
  'extension.exists() != value.exists()': ext1,
  'contained.contained.empty()': dom2,
  'contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()': dom4,
  'contained.meta.security.empty()': dom5,
  'text.`div`.exists()': dom6,
  "contained.where(((id.exists() and ('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url)))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(uri) = '#').exists()).not()).trace('unmatched', id).empty()":
    dom3,
  "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()":
    dom3,
  'htmlChecks()': htmlChecks,
  'htmlChecks2()': htmlContent,
};

/** Rules compiled from a profile (minValue / maxValue Quantity), keyed by their synthetic expression. */
const COMPILED = new Map<string, Native>();

/** The native implementation of an invariant expression, if there is one. */
export function nativeInvariant(expression: string): Native | undefined {
  return NATIVE[expression] ?? (COMPILED.size ? COMPILED.get(expression) : undefined);
}

/** Synthetic expression of the Attachment size rule (registered on the Attachment type's root). */
export const ATTACHMENT_SIZE_EXPRESSION = '%%attachment-size';

/**
 * Attachment.size, when given with data, is the number of bytes `data` decodes to (the HL7
 * validator: "Stated Attachment Size does not match actual attachment size").
 */
COMPILED.set(ATTACHMENT_SIZE_EXPRESSION, (v) => {
  if (!isObj(v) || typeof v.data !== 'string' || typeof v.size !== 'number') return true;
  const n = base64DecodedLength(v.data);
  return n === undefined || n === v.size;
});

/** Synthetic expression of the Attachment hash rule. */
export const ATTACHMENT_HASH_EXPRESSION = '%%attachment-hash';

/**
 * Attachment.hash, when given with data, is the base64 SHA-1 of the decoded data (the HL7
 * validator: "The hash of the data did not match the data").
 */
COMPILED.set(ATTACHMENT_HASH_EXPRESSION, (v) => {
  if (!isObj(v) || typeof v.data !== 'string' || typeof v.hash !== 'string') return true;
  if (base64DecodedLength(v.data) === undefined) return true; // not base64: reported by the type check
  const digest = createHash('sha1')
    .update(Buffer.from(v.data.replace(/\s+/g, ''), 'base64'))
    .digest('base64');
  return digest === v.hash.replace(/\s+/g, '');
});

/** Expression prefix of the rules below (never valid FHIRPath, so never sent to an engine). */
export const QUANTITY_BOUND_PREFIX = '%%quantity-bound ';

/**
 * ElementDefinition.minValueQuantity / maxValueQuantity on a Quantity-typed element (Quantity,
 * Duration, Age…), as the HL7 validator's quantity check applies it: a value below / above the
 * bound with the same system and code, or UCUM-convertible units, is an error; values it cannot
 * compare (no value / code, units of other systems or not convertible) are not findings.
 * Returns the synthetic expression the rule is registered under.
 */
export function quantityBoundExpression(kind: 'min' | 'max', bound: unknown): string {
  const expression = `${QUANTITY_BOUND_PREFIX}${kind} ${JSON.stringify(bound)}`;
  if (!COMPILED.has(expression)) {
    COMPILED.set(expression, (v) => {
      const c = compareQuantity(v, bound);
      if (c === undefined) return true;
      return kind === 'min' ? c >= 0 : c <= 0;
    });
  }
  return expression;
}
