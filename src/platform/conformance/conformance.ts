/**
 * The conformance engine (適合性検証エンジン): base R4 plus the operator's IG packages, and
 * validation of resources and Bundles against them. Load once at startup; validate() is
 * synchronous and safe to call on every write.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { ChildResolver } from './model/child-index.ts';
import type { Definitions, LoadProblem } from './definitions.ts';
import { msg } from './messages.ts';
import { IssueCollector } from './issues.ts';
import { ValidationRun } from './validate/run.ts';
import { BASE_PACKAGE_ID } from './packages/base-r4.ts';

export interface LoadedPackageInfo {
  id: string;
  name: string;
  version: string;
  canonical?: string;
  source: string;
  structureDefinitions: number;
  valueSets: number;
  codeSystems: number;
}

export interface LoadTimings {
  baseMs: number;
  packagesMs: number;
  totalMs: number;
}

export interface ValidateOptions {
  /** Profiles (canonical URLs, optionally `|version`) to validate against in addition to meta.profile. */
  profiles?: string[];
}

export class Conformance {
  private readonly children: ChildResolver;

  constructor(
    readonly definitions: Definitions,
    readonly packages: LoadedPackageInfo[],
    readonly timings: LoadTimings,
  ) {
    this.children = new ChildResolver(definitions);
  }

  /** Validates a resource (or Bundle); never throws for bad input. */
  validate(resource: unknown, opts: ValidateOptions = {}): OperationOutcome {
    return this.run(resource, opts).toOutcome();
  }

  /** Like validate(), returning the collector (issue list and error count). */
  run(resource: unknown, opts: ValidateOptions = {}): IssueCollector {
    const run = new ValidationRun(this.definitions, this.children);
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
      const issues = new IssueCollector();
      issues.error('structure', msg.notAnObject(), '');
      return issues;
    }
    try {
      run.validate(resource, opts.profiles ?? []);
    } catch (e) {
      // A defect in the engine must not take the write path down: report it as a processing error.
      run.issues.add(
        'fatal',
        'exception',
        { ja: `検証中に内部エラーが発生しました: ${(e as Error).message}`, en: `Internal error during validation: ${(e as Error).message}` },
        '',
      );
    }
    return run.issues;
  }

  /** True when a StructureDefinition with this canonical URL (and version, if given) is loaded. */
  hasProfile(url: string): boolean {
    return this.definitions.structures.resolve(url) !== undefined;
  }

  /** Canonical URLs of the loaded constraint profiles on resources (for the CapabilityStatement). */
  profileUrls(type?: string): string[] {
    const out: string[] = [];
    for (const e of this.definitions.structures.latest()) {
      const sd = e.resource;
      if (sd.kind === 'resource' && sd.derivation === 'constraint' && e.source !== BASE_PACKAGE_ID && (!type || sd.type === type)) {
        out.push(e.url);
      }
    }
    return out.sort();
  }

  /** Problems met while loading (unplaced differential elements, missing dependencies…). */
  get loadProblems(): LoadProblem[] {
    return this.definitions.problems;
  }

  /** Resource types of FHIR R4 (what a resourceType may be). */
  get resourceTypes(): ReadonlySet<string> {
    return this.definitions.resourceTypes;
  }
}
