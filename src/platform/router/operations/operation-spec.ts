import type { StaffAction } from '../../auth/staff/staff-roles.ts';
import { isKnownResourceType } from '../../fhir/resource-shape.ts';

/**
 * An operation described once (OperationSpec): its OperationDefinition resource, the routes it is reachable on,
 * the checks of its input and of the output its handler writes, and its CapabilityStatement entry all come from
 * this one description, so they cannot disagree (http://hl7.org/fhir/R4/operationdefinition.html).
 */

export interface OperationParameter {
  name: string;
  use: 'in' | 'out';
  min: number;
  /** A number or `*`. */
  max: string;
  /** A FHIR data type or resource type; absent for a parameter made of parts. */
  type?: string;
  documentation: string;
  /** The Japanese name, for messages (「チャレンジ（challenge）がありません」). */
  label?: string;
  part?: Omit<OperationParameter, 'use'>[];
}

export interface OperationSpec {
  /** The OperationDefinition's id (usually the code). */
  id: string;
  /** The name without `$`. */
  code: string;
  /** Canonical URL of the definition (a published one, e.g. HL7's `Resource-validate`, or Tsunagu's). */
  url: string;
  title: string;
  description: string;
  /** Invoked on the base (`[base]/$code`). */
  system: boolean;
  /** Resource types it is defined on (type and instance levels). */
  resource?: string[];
  /** Invoked on a type (`[base]/[type]/$code`). */
  type?: boolean;
  /** Invoked on an instance (`[base]/[type]/[id]/$code`). */
  instance: boolean;
  /** false: may be invoked with GET (inputs from the query) as well as POST. */
  affectsState: boolean;
  parameters: OperationParameter[];
  /** Anyone may invoke it, without a token (e.g. the challenge of a public kiosk); default false. */
  public?: boolean;
  /** What a signed-in staff member's role must allow to invoke it (staff-roles.ts); system clients are not limited. */
  staffAction?: StaffAction;
}

/** The OperationDefinition resource of a spec. */
export function operationDefinition(s: OperationSpec): Record<string, unknown> {
  return {
    resourceType: 'OperationDefinition',
    id: s.id,
    url: s.url,
    name: s.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    title: s.title,
    status: 'active',
    kind: 'operation',
    description: s.description,
    affectsState: s.affectsState,
    code: s.code,
    ...(s.resource ? { resource: s.resource } : {}),
    system: s.system,
    type: s.type ?? false,
    instance: s.instance,
    parameter: s.parameters.map(parameterJson),
  };
}

function parameterJson(p: Omit<OperationParameter, 'use'> & { use?: string }): Record<string, unknown> {
  return {
    name: p.name,
    ...(p.use ? { use: p.use } : {}),
    min: p.min,
    max: p.max,
    ...(p.type ? { type: p.type } : {}),
    documentation: p.documentation,
    ...(p.part ? { part: p.part.map((x) => parameterJson({ ...x, use: p.use })) } : {}),
  };
}

/** FHIR data types whose JSON value is a string (valueString, valueCode, valueDate …). */
const STRING_TYPES = new Set([
  'string',
  'code',
  'id',
  'uri',
  'url',
  'canonical',
  'oid',
  'uuid',
  'markdown',
  'base64Binary',
  'date',
  'dateTime',
  'instant',
  'time',
]);

const isResourceType = (type: string) => type === 'Resource' || type === 'DomainResource' || isKnownResourceType(type);

/**
 * Is `key` (the member of a Parameters entry holding its value) right for a parameter of `type`? Resource types
 * use `resource`, parameters of parts `part`; a string-valued type accepts any string-valued key (valueString for a
 * code is what simple clients send).
 */
export function valueKeyFits(type: string | undefined, key: string): boolean {
  if (type === undefined) return key === 'part';
  if (isResourceType(type)) return key === 'resource';
  const exact = `value${type[0].toUpperCase()}${type.slice(1)}`;
  if (key === exact) return true;
  return STRING_TYPES.has(type) && key.length > 5 && key.startsWith('value') && STRING_TYPES.has(key[5].toLowerCase() + key.slice(6));
}
