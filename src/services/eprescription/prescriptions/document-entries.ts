/** Reading a prescription document Bundle: its entries by type and reference (fullUrl, or `Type/id` as the examples do). */
import type { DocumentEntry } from '../../../platform/conformance/documents.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';

export type Json = Record<string, unknown>;
export type Entry = DocumentEntry;

export const issue = (ja: string, en: string, path: string, code: Issue['code'] = 'business-rule'): Issue => ({
  severity: 'error',
  code,
  ja,
  en,
  expression: [path],
});

export const entriesOf = (entries: Entry[], type: string) => entries.filter((e) => e.resource.resourceType === type);

/** The entry a reference names in the Bundle: by fullUrl, or by `Type/id` of a resource with that id. */
export function resolve(entries: Entry[], ref: unknown): Entry | undefined {
  const r = (ref as { reference?: unknown } | undefined)?.reference;
  if (typeof r !== 'string') return undefined;
  const byUrl = entries.find((e) => e.fullUrl === r);
  if (byUrl) return byUrl;
  const [type, id] = r.split('/');
  return entries.find((e) => e.resource.resourceType === type && e.resource.id === id);
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.normalize('NFKC').trim() : undefined);

export function extensionString(resource: Json, url: string): string | undefined {
  const ext = ((resource.extension as Json[] | undefined) ?? []).find((e) => e?.url === url);
  return str(ext?.valueString);
}

export function identifierValue(resource: Json | undefined, systems: readonly string[]): string | undefined {
  const ids = (resource?.identifier as { system?: string; value?: string }[] | undefined) ?? [];
  return str(ids.find((i) => i && typeof i.system === 'string' && systems.includes(i.system))?.value);
}

export const codings = (cc: unknown): { system?: string; code?: string; display?: string }[] =>
  Array.isArray((cc as { coding?: unknown } | undefined)?.coding)
    ? ((cc as { coding: { system?: string; code?: string; display?: string }[] }).coding ?? [])
    : [];

/** YYYY-MM-DD of a date or dateTime (its own calendar date, as written). */
export const dateOf = (v: unknown): string | undefined => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : undefined);
