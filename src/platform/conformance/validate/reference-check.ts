/**
 * Reference checks (参照の検証): format, `#id` to a contained resource, resolution inside the
 * enclosing Bundle by fullUrl, Reference.type against the target, the target's type against the
 * element's targetProfile types and, when those profiles are loaded, the target's conformance.
 * Findings about the target resource are marked remote: they do not make the referring resource
 * fail a slice or profile test.
 */
import type { ElementNode } from '../model/element-node.ts';
import type { Definitions } from '../definitions.ts';
import type { IssueCollector } from '../issues.ts';
import { msg } from '../messages.ts';
import { referenceKind, resolveContained, resolveInBundle, type BundleIndex, type Json } from './references.ts';

export interface ReferenceContext {
  /** %resource: the resource holding the element. */
  resource: Json;
  /** %rootResource: the container of a contained resource, else the resource itself. */
  rootResource: Json;
  bundle?: BundleIndex;
  /** fullUrl of the Bundle entry holding the resource. */
  fullUrl?: string;
}

export interface ReferenceHost {
  defs: Definitions;
  issues: IssueCollector;
  conformsTo(value: unknown, profile: string, loc?: string, from?: string): boolean;
}

export function checkReference(host: ReferenceHost, ref: Json, node: ElementNode, loc: string, ctx: ReferenceContext): void {
  const r = ref.reference;
  if (typeof r !== 'string') return;
  const kind = referenceKind(r);
  const refLoc = `${loc}.reference`;
  if (kind === 'invalid') {
    host.issues.error('value', msg.referenceFormat(r), refLoc);
    return;
  }
  let target: Json | undefined;
  if (kind === 'contained') {
    target = resolveContained(ctx.rootResource, r);
    if (!target) {
      host.issues.error('not-found', msg.containedUnresolved(r), refLoc);
      return;
    }
  } else if (ctx.bundle) {
    target = resolveInBundle(ctx.bundle, r, ctx.fullUrl);
    if (!target) {
      if (kind === 'uuid' || kind === 'oid') host.issues.add('error', 'not-found', msg.referenceUnresolved(r), refLoc, { remote: true });
      else if (kind === 'relative' && (ctx.bundle.type === 'document' || ctx.bundle.type === 'message')) {
        host.issues.warning('not-found', msg.referenceUnresolved(r), refLoc);
      }
      return;
    }
  }
  if (!target) return;
  const trt = String(target.resourceType ?? '');
  if (typeof ref.type === 'string' && ref.type !== trt) host.issues.error('value', msg.referenceTypeMismatch(r, ref.type, trt), refLoc);
  const targetProfiles = node.typeRef('Reference')?.targetProfiles ?? [];
  if (!targetProfiles.length) return;
  const from = node.owner.source;
  const allowed = targetProfiles.map((p) => host.defs.profile(p, from)?.type ?? p.split('|')[0].split('/').pop() ?? '');
  if (allowed.includes('Resource') || allowed.includes('DomainResource')) return;
  if (!allowed.includes(trt)) {
    host.issues.error('structure', msg.referenceWrongType(r, trt, [...new Set(allowed)]), refLoc);
    return;
  }
  const constraining = targetProfiles.filter((p) => {
    const prof = host.defs.profile(p, from);
    return prof && prof.type === trt && prof.derivation === 'constraint';
  });
  if (
    !constraining.length ||
    targetProfiles.some((p) => host.defs.profile(p, from)?.type === trt && host.defs.profile(p, from)?.derivation === 'specialization')
  )
    return;
  if (!constraining.some((p) => host.conformsTo(target, p, undefined, from))) {
    host.issues.add('error', 'structure', msg.referenceTargetProfile(r, constraining), refLoc, { remote: true });
  }
}
