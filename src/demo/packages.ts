/**
 * The FHIR IG packages the demo's data are validated against — JP Core, JP-CLINS (6 information, letters),
 * eCheckupReport (健診結果報告書), ePrescriptionData (処方箋). The repository does not ship them (they are the
 * working group's data): when TSUNAGU_IG names none, the demo looks for them in the shared reference folder
 * ($TSUNAGU_SHARED_DIR/fhir/packages, ../shared/fhir/packages beside the checkout, /work/shared/fhir/packages).
 * Without them the demo still creates facilities, staff, patients, cards and consents, and says what it left out.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_PACKAGES = {
  core: 'jp-core.r4-1.1.2-url.tgz',
  clins: 'jp-eCSCLINS.r4-1.5.2-snap.tgz',
  checkup: 'jp-eCheckupReport.r4.tgz',
  prescription: 'jp-ePrescriptionData.r4.tgz',
} as const;

/** The profiles each part of the demo needs loaded. */
export const DEMO_PROFILES = {
  clins: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS',
  referral: 'http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral',
  checkup: 'http://jpfhir.jp/fhir/eCheckup/StructureDefinition/JP_Bundle_eCheckupGeneral',
  prescription: 'http://jpfhir.jp/fhir/ePrescription/StructureDefinition/JP_Bundle_ePrescriptionData',
} as const;

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The four packages from the first folder that holds them all, or [] when none does. */
export function findDemoPackages(env: NodeJS.ProcessEnv = process.env): string[] {
  const folders = [env.TSUNAGU_SHARED_DIR, join(repoRoot, '..', 'shared'), '/work/shared']
    .filter((d): d is string => Boolean(d))
    .map((d) => join(d, 'fhir', 'packages'));
  const files = Object.values(DEMO_PACKAGES);
  const found = folders.find((f) => files.every((p) => existsSync(join(f, p))));
  return found ? files.map((p) => join(found, p)) : [];
}
