/**
 * 医療機関名: the 6 information, letters and prescriptions name facilities by 医療機関コード only; the facility directory
 * (`GET /directory/facilities?q=<code>`, src/platform/http/directory-routes.ts) gives its name. Looked up once per code
 * per page load; a code the directory does not know stays a code (医療機関コード 1310200124).
 */
import { useEffect, useState } from 'react';
import { json } from '../shared/api.ts';

interface DirectoryAnswer {
  facilities?: { code?: string; name?: string }[];
}

const known = new Map<string, Promise<string | undefined>>();

/** The directory's name for a 医療機関コード / 薬局コード / 健診機関番号, undefined when it has none. */
export function facilityName(code: string): Promise<string | undefined> {
  if (!/^\d{10}$/.test(code)) return Promise.resolve(undefined);
  let p = known.get(code);
  if (!p) {
    p = json<DirectoryAnswer>(`/directory/facilities?q=${code}&kind=facility,pharmacy,checkup&limit=5`).then(
      (a) => a?.facilities?.find((f) => f.code === code)?.name,
      () => {
        known.delete(code);
        return undefined;
      },
    );
    known.set(code, p);
  }
  return p;
}

/** The names of these codes, filled in as the directory answers. */
export function useFacilityNames(codes: string[]): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const key = [...new Set(codes)].sort().join(',');
  useEffect(() => {
    let live = true;
    const list = key ? key.split(',') : [];
    void Promise.all(list.map(async (c) => [c, await facilityName(c)] as const)).then((pairs) => {
      if (!live) return;
      const next = new Map<string, string>();
      for (const [c, n] of pairs) if (n) next.set(c, n);
      setNames(next);
    });
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}
