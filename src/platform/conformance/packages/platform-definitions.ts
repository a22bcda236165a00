/**
 * The extensions Tsunagu itself writes, defined so that its own output validates with unknown extensions as errors
 * (the reference validator's verdict): Tsunagu's extensions (published under TSUNAGU_CANONICAL) on JP_Coverage, Consent
 * and the summary Bundle, and the FHIR R4 Subscriptions Backport IG (STU 1.1) extensions the server reads and writes,
 * whose package is not loaded. Loaded after base R4 with every conformance engine, as package `tsunagu.platform`.
 * Each definition is a differential on Extension (the loader generates its snapshot).
 */
import { TSUNAGU_CANONICAL } from '../../fhir/canonical.ts';

export const PLATFORM_PACKAGE_ID = 'tsunagu.platform';

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';

interface ExtensionSpec {
  url: string;
  name: string;
  title: string;
  /** Element contexts (FHIRPath of the element the extension sits on). */
  context: string[];
  /** A simple extension's value type. */
  value?: string;
  /** A complex extension's parts: url (the part's name), value type, cardinality. */
  parts?: { url: string; value: string; min: number }[];
}

const SPECS: ExtensionSpec[] = [
  {
    url: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-loss-date`,
    name: 'EligibilityLossDate',
    title: '資格喪失年月日 (the first day not covered)',
    context: ['Coverage'],
    value: 'date',
  },
  {
    url: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-limit-category`,
    name: 'EligibilityLimitCategory',
    title: '限度額適用区分',
    context: ['Coverage'],
    value: 'Coding',
  },
  {
    url: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-elderly-recipient`,
    name: 'EligibilityElderlyRecipient',
    title: '高齢受給者証 (copay ratio and validity)',
    context: ['Coverage'],
    parts: [
      { url: 'copayRatio', value: 'integer', min: 1 },
      { url: 'period', value: 'Period', min: 0 },
    ],
  },
  {
    url: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-specific-disease`,
    name: 'EligibilitySpecificDisease',
    title: '特定疾病療養受療証 (disease, monthly limit, validity)',
    context: ['Coverage'],
    parts: [
      { url: 'disease', value: 'Coding', min: 1 },
      { url: 'monthlyLimit', value: 'Money', min: 1 },
      { url: 'period', value: 'Period', min: 0 },
    ],
  },
  {
    url: `${TSUNAGU_CANONICAL}/StructureDefinition/eligibility-public-expense`,
    name: 'EligibilityPublicExpense',
    title: '公費 (payer number, recipient number, validity)',
    context: ['Coverage'],
    parts: [
      { url: 'payer', value: 'Identifier', min: 1 },
      { url: 'recipient', value: 'Identifier', min: 0 },
      { url: 'period', value: 'Period', min: 0 },
    ],
  },
  {
    url: `${TSUNAGU_CANONICAL}/StructureDefinition/reception-visit`,
    name: 'ReceptionVisit',
    title: 'The reader visit a consent was given at',
    context: ['Consent'],
    value: 'Identifier',
  },
  {
    url: `${TSUNAGU_CANONICAL}/StructureDefinition/patient-summary-part`,
    name: 'PatientSummaryPart',
    title: 'What a summary Bundle entry is',
    context: ['Bundle.entry'],
    value: 'code',
  },
  {
    url: `${BACKPORT}/backport-filter-criteria`,
    name: 'BackportFilterCriteria',
    title: 'Backport filter criteria',
    context: ['Subscription.criteria'],
    value: 'string',
  },
  {
    url: `${BACKPORT}/backport-heartbeat-period`,
    name: 'BackportHeartbeatPeriod',
    title: 'Backport heartbeat period',
    context: ['Subscription.channel'],
    value: 'unsignedInt',
  },
  { url: `${BACKPORT}/backport-timeout`, name: 'BackportTimeout', title: 'Backport timeout', context: ['Subscription.channel'], value: 'unsignedInt' },
  { url: `${BACKPORT}/backport-max-count`, name: 'BackportMaxCount', title: 'Backport max count', context: ['Subscription.channel'], value: 'positiveInt' },
  {
    url: `${BACKPORT}/backport-payload-content`,
    name: 'BackportPayloadContent',
    title: 'Backport payload content',
    context: ['Subscription.channel.payload'],
    value: 'code',
  },
  {
    url: `${BACKPORT}/capabilitystatement-subscriptiontopic-canonical`,
    name: 'CapabilityStatementSubscriptionTopicCanonical',
    title: 'A topic a server supports',
    context: ['CapabilityStatement.rest', 'CapabilityStatement.rest.resource'],
    value: 'canonical',
  },
];

function definition(s: ExtensionSpec): Record<string, unknown> {
  const id = s.url.slice(s.url.lastIndexOf('/') + 1);
  const element: Record<string, unknown>[] = [{ id: 'Extension', path: 'Extension', short: s.title, definition: s.title }];
  if (s.parts) {
    element.push({
      id: 'Extension.extension',
      path: 'Extension.extension',
      slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'closed' },
      min: s.parts.filter((p) => p.min > 0).length,
    });
    for (const p of s.parts) {
      const slice = `Extension.extension:${p.url}`;
      element.push(
        { id: slice, path: 'Extension.extension', sliceName: p.url, min: p.min, max: '1' },
        { id: `${slice}.url`, path: 'Extension.extension.url', fixedUri: p.url },
        { id: `${slice}.value[x]`, path: 'Extension.extension.value[x]', min: 1, type: [{ code: p.value }] },
      );
    }
    element.push({ id: 'Extension.url', path: 'Extension.url', fixedUri: s.url }, { id: 'Extension.value[x]', path: 'Extension.value[x]', max: '0' });
  } else {
    element.push({ id: 'Extension.extension', path: 'Extension.extension', max: '0' }, { id: 'Extension.url', path: 'Extension.url', fixedUri: s.url });
    element.push({ id: 'Extension.value[x]', path: 'Extension.value[x]', min: 1, type: [{ code: s.value }] });
  }
  return {
    resourceType: 'StructureDefinition',
    id,
    url: s.url,
    name: s.name,
    title: s.title,
    status: 'active',
    fhirVersion: '4.0.1',
    kind: 'complex-type',
    abstract: false,
    context: s.context.map((expression) => ({ type: 'element', expression })),
    type: 'Extension',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
    derivation: 'constraint',
    differential: { element },
  };
}

/** The StructureDefinitions (built once). */
let built: Record<string, unknown>[] | undefined;
export function platformDefinitions(): Record<string, unknown>[] {
  built ??= SPECS.map(definition);
  return built;
}
