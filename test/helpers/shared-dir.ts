/**
 * Where the shared reference material is (IG packages and official examples — data the repository must not
 * contain): $TSUNAGU_SHARED_DIR, else `../shared` next to the checkout, else /work/shared.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const candidates = [process.env.TSUNAGU_SHARED_DIR, join(repoRoot, '..', 'shared'), '/work/shared'].filter((d): d is string => Boolean(d));

export function sharedDir(): string {
  const found = candidates.find((d) => existsSync(join(d, 'fhir', 'packages')));
  if (!found)
    throw new Error(
      `The shared FHIR packages and examples were not found (looked in ${candidates.join(', ')}). ` +
        'Set TSUNAGU_SHARED_DIR to the folder holding fhir/packages and fhir/examples.',
    );
  return found;
}

/** `<shared>/fhir/` with a trailing slash. */
export const sharedFhirDir = () => `${join(sharedDir(), 'fhir')}/`;
