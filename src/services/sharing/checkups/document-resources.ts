/**
 * The resources of a document Bundle the service keeps in the store (a check-up report's Composition and results, a
 * patient summary's Composition, diagnoses and care plan) — shared by both. Each is about the document's person; the
 * entries not kept (Patient, Practitioner, Organization, Encounter …: the person is the registry's, the others would
 * be records of no person, readable by everyone) are named by logical references (type, identifier, display).
 *
 * A new version of a document keeps its Composition id (a new version in the store, history kept); the other
 * resources of the earlier version are deleted and the new ones created.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { CONSENT_CATEGORY_SYSTEM } from '../../../platform/consent/categories.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import type { WriteSession } from '../../../platform/store/repository.ts';
import { insuredKeyOf, isInsuredPersonSystem } from '../../eligibility/index.ts';
import { SHARING_LABEL_SYSTEM } from '../model/fhir-codes.ts';
import type { SharingRuntime } from '../model/runtime.ts';
import { documentPerson, type DocumentPerson, type Entry } from '../registration/document-checks.ts';

type Json = Record<string, unknown>;
interface Coding {
  system: string;
  code: string;
  display?: string;
}

const issue = (ja: string, en: string, path: string): Issue => ({ severity: 'error', code: 'business-rule', ja, en, expression: [path] });

/** The document's person, or its problem as an issue (so the refusal still names every other problem). */
export async function personOrIssue(rt: SharingRuntime, entries: Entry[], issues: Issue[]): Promise<DocumentPerson | undefined> {
  try {
    return await documentPerson(rt.platform, entries);
  } catch (e) {
    if (!(e instanceof FhirError) || e.status !== 422) throw e;
    for (const i of e.outcome.issue ?? [])
      issues.push({ severity: 'error', code: i.code, ja: i.details?.text ?? '', en: i.diagnostics ?? '', expression: i.expression });
    return undefined;
  }
}

/** Is `subject` the document's person (its Patient entry, the stored Patient, or the same insured-person identifier)? */
export function subjectIssues(entries: Entry[], person: DocumentPerson, issues: Issue[]): void {
  for (const e of entries) {
    const subject = e.resource.subject as { reference?: string; identifier?: { system?: string; value?: string } } | undefined;
    const at = `Bundle.entry[${e.index}].resource.subject`;
    if (subject === undefined) continue; // set to the person when stored
    if (subject.reference !== undefined) {
      if (subject.reference === person.fullUrl || subject.reference === `Patient/${person.patientId}`) continue;
      issues.push(
        issue(
          `subject は Bundle の Patient を参照してください（${subject.reference}）`,
          `subject must refer to the Bundle's Patient (got ${subject.reference})`,
          at,
        ),
      );
      continue;
    }
    const id = subject.identifier;
    if (id && isInsuredPersonSystem(id.system) && typeof id.value === 'string' && insuredKeyOf(id.value) === person.insuredKey) continue;
    issues.push(issue('subject が Bundle の Patient と一致しません', "subject does not name the Bundle's Patient", at));
  }
}

/** A logical reference to an entry that is not kept: its type, first identifier and a name to show. */
function logicalReference(r: Json, original: Json): Json {
  const ids = r.identifier;
  const identifier = Array.isArray(ids) ? ids[0] : ids && typeof ids === 'object' ? ids : undefined;
  const names = r.name as { text?: string; family?: string; given?: string[] }[] | string | undefined;
  const name =
    typeof names === 'string'
      ? names
      : Array.isArray(names)
        ? (names[0]?.text ?? [names[0]?.family, ...(names[0]?.given ?? [])].filter(Boolean).join(' '))
        : undefined;
  const period = (r.period as { start?: string } | undefined)?.start;
  const display = (original.display as string | undefined) ?? (name || (period ? `${r.resourceType} ${period}` : undefined));
  const out: Json = { type: r.resourceType };
  if (identifier) out.identifier = identifier;
  if (display) out.display = display;
  return out;
}

/** A copy of `value` with references to kept entries pointing at their stored ids and the others made logical. */
function resolveReferences(value: unknown, targets: Map<string, string>, others: Map<string, Json>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, targets, others));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Json;
  if (typeof obj.reference === 'string') {
    const target = targets.get(obj.reference);
    if (target) return { ...obj, reference: target };
    const other = others.get(obj.reference);
    if (other) return logicalReference(other, obj);
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) out[k] = resolveReferences(v, targets, others);
  return out;
}

export interface DocumentWrite {
  /** Entries to keep, the Composition first. */
  kept: Entry[];
  /** All the document's entries (those not kept become logical references). */
  entries: Entry[];
  person: DocumentPerson;
  /** The Composition's id: an earlier version's, or none for a new document. */
  compositionId?: string;
  /** The earlier version's other resources (`Type/id`), deleted. */
  previous: string[];
  /** meta.security (access labels) and meta.tag the service puts on every kept resource. */
  security: Coding[];
  tag: Coding;
}

/** The stored body: the service's labels and tag (a sender's access labels are not kept), references resolved. */
function storedBody(e: Entry, id: string, w: DocumentWrite, targets: Map<string, string>, others: Map<string, Json>): Json {
  const body = resolveReferences(e.resource, targets, others) as Json;
  const meta = { ...((body.meta as Json | undefined) ?? {}) };
  const security = ((meta.security as Coding[] | undefined) ?? []).filter((s) => s?.system !== CONSENT_CATEGORY_SYSTEM && s?.system !== SHARING_LABEL_SYSTEM);
  meta.security = [...security, ...w.security];
  meta.tag = [...((meta.tag as Coding[] | undefined) ?? []).filter((t) => !(t?.system === w.tag.system && t?.code === w.tag.code)), w.tag];
  const out: Json = { ...body, id, meta };
  if (out.subject === undefined) out.subject = { reference: `Patient/${w.person.patientId}` };
  return out;
}

/** Writes the kept resources in `session` (trusted: checked by the operation); returns their references, Composition first. */
export async function writeDocumentResources(rt: SharingRuntime, session: WriteSession, ctx: RequestContext, w: DocumentWrite): Promise<string[]> {
  const { repo } = rt.platform;
  for (const ref of w.previous) {
    const [type, id] = ref.split('/');
    const live = await rt.platform.system.current(session.tx, type, [id]);
    if (live.get(id) && !live.get(id)?.deleted) await repo.delete(ctx, type, id, { session });
  }
  const ids = w.kept.map((_e, n) => (n === 0 && w.compositionId ? w.compositionId : newId()));
  const targets = new Map<string, string>([[w.person.fullUrl, `Patient/${w.person.patientId}`]]);
  for (const [n, e] of w.kept.entries()) if (e.fullUrl) targets.set(e.fullUrl, `${e.resource.resourceType}/${ids[n]}`);
  const keptUrls = new Set(w.kept.map((e) => e.fullUrl));
  const others = new Map(w.entries.filter((e) => e.fullUrl && !keptUrls.has(e.fullUrl) && e.fullUrl !== w.person.fullUrl).map((e) => [e.fullUrl, e.resource]));
  const refs: string[] = [];
  for (const [n, e] of w.kept.entries()) {
    const type = e.resource.resourceType as string;
    const body = storedBody(e, ids[n], w, targets, others);
    const written =
      n === 0 && w.compositionId
        ? await repo.update(ctx, type, ids[n], body, { session, validated: {} })
        : await repo.create(ctx, body, { session, id: ids[n], validated: {} });
    if (written.stored.patientKey !== w.person.patientId) throw new Error(`sharing: ${type}/${ids[n]} resolved to another person`);
    refs.push(`${type}/${ids[n]}`);
  }
  return refs;
}
