/** FHIR R4 data type names and the small conversions the validator needs. */

export const PRIMITIVE_TYPES = new Set([
  'base64Binary',
  'boolean',
  'canonical',
  'code',
  'date',
  'dateTime',
  'decimal',
  'id',
  'instant',
  'integer',
  'markdown',
  'oid',
  'positiveInt',
  'string',
  'time',
  'unsignedInt',
  'uri',
  'url',
  'uuid',
  'xhtml',
]);

export function isPrimitiveType(code: string): boolean {
  return PRIMITIVE_TYPES.has(code);
}

/** FHIRPath system types used in R4 snapshots for `id`, `url` and primitive `value` elements. */
const SYSTEM_TYPES: Record<string, string> = {
  'http://hl7.org/fhirpath/System.String': 'string',
  'http://hl7.org/fhirpath/System.Boolean': 'boolean',
  'http://hl7.org/fhirpath/System.Integer': 'integer',
  'http://hl7.org/fhirpath/System.Decimal': 'decimal',
  'http://hl7.org/fhirpath/System.Date': 'date',
  'http://hl7.org/fhirpath/System.DateTime': 'dateTime',
  'http://hl7.org/fhirpath/System.Time': 'time',
};

/** The FHIR type a type code stands for (`System.String` → `string`, honouring the fhir-type extension). */
export function fhirTypeOf(code: string, fhirTypeExtension?: string): string {
  if (fhirTypeExtension) return fhirTypeExtension;
  return SYSTEM_TYPES[code] ?? code;
}

/** `dateTime` → `DateTime`: the suffix a choice element takes in JSON (`valueDateTime`). */
export function choiceSuffix(type: string): string {
  return type.charAt(0).toUpperCase() + type.slice(1);
}

/** Types whose content is a resource (an element typed `Resource` or a concrete resource name). */
export function isResourceTypeCode(code: string, resourceTypes: ReadonlySet<string>): boolean {
  return code === 'Resource' || code === 'DomainResource' || resourceTypes.has(code);
}

/** Parses an ElementDefinition max (`*` → Infinity). */
export function parseMax(max: string | undefined, fallback = Infinity): number {
  if (max === undefined) return fallback;
  if (max === '*') return Infinity;
  const n = Number(max);
  return Number.isFinite(n) ? n : fallback;
}
