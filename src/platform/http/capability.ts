/**
 * The CapabilityStatement at /fhir/metadata, generated from what the server actually does: every resource
 * type with the interactions the routes implement and the search parameters the index really holds.
 */
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { r4ResourceTypes } from '../fhir/base-definitions.ts';
import type { SearchRegistry } from '../search/registry.ts';
import type { CapabilityOperation } from '../router/operations/operation-registry.ts';

export interface CapabilityOptions {
  version: string;
  /** Where the token endpoint is, for the SMART security extension. */
  tokenUrl?: string;
  /** The operations of the registry (services, the conformance engine). */
  operations?: CapabilityOperation[];
  /** Profiles of the loaded IG packages. */
  supportedProfiles?: Record<string, string[]>;
  /** Resource types handled by special routes (e.g. AuditEvent) with their own description. */
  special?: Record<string, CapabilityStatementRestResource>;
}

const INTERACTIONS = ['read', 'vread', 'update', 'delete', 'history-instance', 'history-type', 'create', 'search-type'] as const;

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
    return {
      type,
      ...(opts.supportedProfiles?.[type] ? { supportedProfile: opts.supportedProfiles[type] } : {}),
      interaction: INTERACTIONS.map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalUpdate: true,
      conditionalDelete: 'single',
      referencePolicy: ['literal', 'local'],
      searchInclude: refParams.map((p) => `${type}:${p.code}`),
      searchRevInclude: revIncludes.get(type) ?? [],
      searchParam: [
        { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
        { name: '_lastUpdated', type: 'date', definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated' },
        ...params.map((p) => ({ name: p.code, type: p.type, definition: p.url })),
      ],
      operation: (opts.operations ?? [])
        .filter((o) => o.resourceTypes?.includes(type) || o.resourceTypes?.includes('Resource'))
        .map((o) => ({ name: o.name, definition: o.definition, documentation: o.documentation })),
    } as CapabilityStatementRestResource;
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    name: 'Tsunagu',
    title: 'Tsunagu 全国医療情報プラットフォーム FHIR API',
    publisher: 'Tsunagu project',
    software: { name: 'Tsunagu', version: opts.version },
    implementation: { description: 'Tsunagu FHIR R4 server' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Search modifiers: :missing, :not (token), :exact, :contains (string), :below, :above (uri), :[type] (reference). ' +
          'Chained parameters up to 2 levels; _include and _revinclude (no :iterate); _sort; _count (max 1000); _offset paging; _total; _summary=count. ' +
          'Composite parameters, _has, _text, _content, _filter and _elements are not supported. Unknown parameters are rejected unless Prefer: handling=lenient.',
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          ...(opts.tokenUrl
            ? { extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'token', valueUri: opts.tokenUrl }] }] }
            : {}),
        },
        resource: resources,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
        operation: (opts.operations ?? [])
          .filter((o) => o.system)
          .map((o) => ({ name: o.name, definition: o.definition, documentation: o.documentation })),
      },
    ],
  };
}
