/** What the sharing service's jobs share: the platform, the service's clock and its code checks. */
import type { ServicePlatform } from '../../../platform/service.ts';
import type { Clock } from './clock.ts';
import type { ItemKind } from './kinds.ts';

type Json = Record<string, unknown>;

/** A problem with a code, at a path relative to the resource (`code.coding[0].code`). */
export interface CodeProblem {
  path: string;
  ja: string;
  en: string;
}

/** The code checks registration runs (src/services/sharing/codes): the kind of an item, and its codes. */
export interface CodeChecker {
  classify(resource: Json): { kind: ItemKind; testKey?: string } | { error: CodeProblem };
  check(kind: ItemKind, resource: Json, at: Date): CodeProblem[];
}

export interface SharingRuntime {
  platform: ServicePlatform;
  clock: Clock;
  codes: CodeChecker;
}
