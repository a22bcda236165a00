/**
 * The fullUrls of a transaction's conditional creates (POST with If-None-Exist): until such an entry has run, its
 * fullUrl stands for the id assigned to it; afterwards, for the resource it created or the existing one it found.
 * Entries wait for the conditional creates they refer to (transaction-order.ts), so they get the final reference.
 */
import { badRequest } from '../fhir/errors.ts';
import type { FhirResponse } from '../router/fhir-request.ts';
import { referencesIn, replaceReferences } from './conditional-references.ts';

/**
 * An entry written before the conditional create it refers to (only in a cycle of such references) keeps the
 * assigned id: if the conditional create then finds an existing resource, that reference would point at nothing —
 * refused (400), and the transaction rolls back.
 */
export class LateReferences {
  private readonly current: Map<string, string>;
  private readonly settled = new Set<string>();
  private readonly usedEarly = new Set<string>();

  constructor(late: Map<string, string>) {
    this.current = new Map(late);
  }

  /** Rewrites the resource's references to conditional creates; returns those not yet settled (assigned ids). */
  apply(resource: Record<string, unknown>): string[] {
    if (this.current.size === 0) return [];
    const early = referencesIn(resource).flatMap((r) => (this.current.has(r.reference) && !this.settled.has(r.reference) ? [r.reference] : []));
    replaceReferences(resource, this.current);
    return early;
  }

  /** A resource holding these unsettled references was (or will be) stored. */
  written(early: string[]): void {
    for (const fullUrl of early) this.usedEarly.add(fullUrl);
  }

  settle(fullUrl: string, res: FhirResponse): void {
    const m = /([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})\/_history\/[^/]+$/.exec(res.headers?.location ?? '');
    const target = m?.[1] ?? this.current.get(fullUrl)!;
    if (target !== this.current.get(fullUrl) && this.usedEarly.has(fullUrl))
      throw badRequest(
        `fullUrl ${fullUrl} の条件付き作成は既存のリソースに一致しましたが、それを参照するエントリが先に書き込まれています (条件付き作成どうしの循環参照)`,
        `the conditional create of fullUrl ${fullUrl} found an existing resource, but an entry referring to it was written before it (conditional creates referring to each other in a cycle)`,
      );
    this.current.set(fullUrl, target);
    this.settled.add(fullUrl);
  }
}
