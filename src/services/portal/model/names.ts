/** Facility names by code from the facility directory (施設名簿), looked up once per request. */
import type { PortalRuntime } from './runtime.ts';

export type NameOf = (code: string | undefined) => Promise<string | undefined>;

export function directoryNames(rt: PortalRuntime): NameOf {
  const seen = new Map<string, Promise<string | undefined>>();
  return (code) => {
    if (!code) return Promise.resolve(undefined);
    let name = seen.get(code);
    if (!name) {
      name = rt.platform.facilities.get(code).then((f) => f?.name);
      seen.set(code, name);
    }
    return name;
  };
}
