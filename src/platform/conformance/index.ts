/**
 * FHIR conformance engine (P2): load IG packages, validate resources and Bundles.
 *
 *   const conformance = await loadConformance({ packages: ['jp-core.r4-1.1.2.tgz', 'jp-eCSCLINS.r4.tgz'] });
 *   const oo = conformance.validate(resource);            // OperationOutcome, never throws
 *   hasErrors(oo)                                         // from src/platform/fhir/outcome.ts
 */
export { loadConformance, loadConformanceSync, type LoadOptions } from './load.ts';
export { Conformance, type LoadedPackageInfo, type LoadTimings, type ValidateOptions } from './conformance.ts';
export { PackageReadError } from './packages/package-reader.ts';
export { VALIDATE_SPEC, validateHandler } from './validate-operation.ts';
