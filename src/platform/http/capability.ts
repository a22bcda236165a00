/**
 * The CapabilityStatement at /fhir/metadata, generated from what the server actually does: every R4 resource
 * type with the interactions the routes implement and the search parameters the index really holds. It must
 * validate as an R4 CapabilityStatement (test/platform/rest-features.test.ts): no empty lists, no non-R4 types.
 */
import type { CapabilityStatement, CapabilityStatementRestResource, Extension } from '@medplum/fhirtypes';
import { r4ResourceTypes } from '../fhir/base-definitions.ts';
import type { SearchRegistry } from '../search/registry.ts';
import type { CapabilityOperation } from '../router/operations/operation-registry.ts';

export interface CapabilityOptions {
  version: string;
  /** Where the token endpoint is (the SMART oauth-uris extension), from the published origin as discovery has it. */
  tokenUrl: string;
  /** The operations of the registry (services, the conformance engine). */
  operations?: CapabilityOperation[];
  /** Profiles of the loaded IG packages. */
  supportedProfiles?: Record<string, string[]>;
  /** Resource types handled by special routes (e.g. AuditEvent) with their own description. */
  special?: Record<string, CapabilityStatementRestResource>;
  /** CORS headers are sent (TSUNAGU_CORS_ORIGINS is not `none`). */
  cors?: boolean;
  /** Added to a generated resource entry (Subscription: the topics, the backport profile). */
  resourceExtras?: Record<string, { extension?: Extension[]; supportedProfile?: string[]; documentation?: string; withoutInteractions?: string[] }>;
  /** CapabilityStatements this server also conforms to (the Backport IG's server statement). */
  instantiates?: string[];
}

const INTERACTIONS = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'] as const;

/** A list member only when it has items (FHIR JSON has no empty arrays). */
const listed = <T>(name: string, items: T[]) => (items.length ? { [name]: items } : {});

const REST_DOCUMENTATION =
  'FHIR R4 JSON only (other formats and fhirVersion parameters: 406). ' +
  'Search modifiers: :missing, :not (token), :exact, :contains (string), :below, :above (uri), :[type] (reference). ' +
  'Chained parameters up to 2 levels; _include and _revinclude (no :iterate); _sort; _count (max 1000); _offset paging; _total; ' +
  '_summary (true, text, data, count, false) and _elements on search matches, read and vread (subsetted resources are tagged SUBSETTED). ' +
  'Compartment search in the Patient compartment: Patient/[id]/[type]; Patient/[id]/$everything. ' +
  'Patch: JSON Patch (application/json-patch+json) and FHIRPath Patch (Parameters), also conditional (PATCH [type]?criteria) and in batch / transaction entries (a Binary with the JSON Patch, or the Parameters). ' +
  'Conditional read: If-None-Match and If-Modified-Since. ' +
  'Composite parameters, _has, _text, _content and _filter are not supported. Unknown parameters are rejected unless Prefer: handling=lenient.';

export function buildCapabilityStatement(registry: SearchRegistry, opts: CapabilityOptions): CapabilityStatement {
  // _revinclude targets: for each type, the reference parameters of other types that may point to it.
  const revIncludes = new Map<string, string[]>();
  for (const source of r4ResourceTypes()) {
    for (const p of registry.forType(source).values()) {
      if (p.type !== 'reference') continue;
      for (const target of p.targets) revIncludes.set(target, [...(revIncludes.get(target) ?? []), `${source}:${p.code}`]);
    }
  }
  const resources: CapabilityStatementRestResource[] = [...r4ResourceTypes()].sort().map((type) => {
    if (opts.special?.[type]) return opts.special[type];
    const params = [...registry.forType(type).values()];
    const refParams = params.filter((p) => p.type === 'reference');
    const extra = opts.resourceExtras?.[type];
    const profiles = [...(opts.supportedProfiles?.[type] ?? []), ...(extra?.supportedProfile ?? [])];
    return {
      ...(extra?.extension?.length ? { extension: extra.extension } : {}),
      type,
      ...listed('supportedProfile', profiles),
      ...(extra?.documentation ? { documentation: extra.documentation } : {}),
      interaction: INTERACTIONS.filter((code) => !extra?.withoutInteractions?.includes(code)).map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalRead: 'full-support',
      conditionalUpdate: true,
      conditionalDelete: 'single',
      referencePolicy: ['literal', 'local'],
      ...listed(
        'searchInclude',
        refParams.map((p) => `${type}:${p.code}`),
      ),
      ...listed('searchRevInclude', revIncludes.get(type) ?? []),
      searchParam: [
        { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
        { name: '_lastUpdated', type: 'date', definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated' },
        ...params.map((p) => ({ name: p.code, type: p.type, definition: p.url })),
      ],
      ...listed(
        'operation',
        (opts.operations ?? [])
          .filter((o) => o.resourceTypes?.includes(type) || o.resourceTypes?.includes('Resource'))
          .map((o) => ({ name: o.name, definition: o.definition, documentation: o.documentation })),
      ),
    } as CapabilityStatementRestResource;
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    ...listed('instantiates', opts.instantiates ?? []),
    name: 'Tsunagu',
    title: 'Tsunagu 全国医療情報プラットフォーム FHIR API',
    publisher: 'Tsunagu project',
    software: { name: 'Tsunagu', version: opts.version },
    implementation: { description: 'Tsunagu FHIR R4 server' },
    fhirVersion: '4.0.1',
    // JSON only; as a media type (the required binding of format, though R4 also allows the bare `json`).
    format: ['application/fhir+json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation: REST_DOCUMENTATION,
        security: {
          cors: opts.cors ?? false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'token', valueUri: opts.tokenUrl }] }],
        },
        resource: resources,
        interaction: [
          { code: 'transaction' },
          { code: 'batch' },
          { code: 'history-system', documentation: 'For operators only (other callers get 403): the history of every resource on the platform.' },
        ],
        ...listed(
          'operation',
          (opts.operations ?? []).filter((o) => o.system).map((o) => ({ name: o.name, definition: o.definition, documentation: o.documentation })),
        ),
        compartment: ['http://hl7.org/fhir/CompartmentDefinition/patient'],
      },
    ],
  };
}
