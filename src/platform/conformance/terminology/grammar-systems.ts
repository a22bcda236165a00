/**
 * Code systems defined by a grammar rather than a list (the HL7 validator checks these
 * internally too): MIME types (BCP 13), language tags (BCP 47), UCUM units, ISO 4217 currencies.
 */
import fhirpath from 'fhirpath';

interface UcumUtils {
  validateUnitString(unit: string): { status: string };
}

const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"]*"|[^;\s"]+))*$/;
const BCP47 =
  /^(([A-Za-z]{2,3}(-[A-Za-z]{3}){0,3})|[A-Za-z]{4,8})(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(-[0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+)*(-x(-[A-Za-z0-9]{1,8})+)?$|^x(-[A-Za-z0-9]{1,8})+$/;
const ISO4217 = /^[A-Z]{3}$/;

const ucumCache = new Map<string, boolean>();

function validUcum(code: string): boolean {
  let ok = ucumCache.get(code);
  if (ok === undefined) {
    try {
      ok = (fhirpath as unknown as { ucumUtils: UcumUtils }).ucumUtils.validateUnitString(code).status === 'valid';
    } catch {
      ok = false;
    }
    if (ucumCache.size < 10_000) ucumCache.set(code, ok);
  }
  return ok;
}

const GRAMMARS: Record<string, (code: string) => boolean> = {
  'urn:ietf:bcp:13': (c) => MIME.test(c),
  'urn:ietf:bcp:47': (c) => BCP47.test(c),
  'http://unitsofmeasure.org': validUcum,
  'urn:iso:std:iso:4217': (c) => ISO4217.test(c),
};

/** Checks a code of a grammar-based system; undefined when the system is not one of them. */
export function checkGrammarCode(system: string, code: string): boolean | undefined {
  const check = GRAMMARS[system];
  return check ? check(code) : undefined;
}

export function isGrammarSystem(system: string): boolean {
  return system in GRAMMARS;
}
