/**
 * 医療機関名 for the portal: the directory (`GET /directory/facilities?q=<code>&kind=facility,pharmacy`, the kinds a
 * patient may search) names a 医療機関コード / 薬局コード; looked up once per code per page load. A code the directory
 * does not know stays a code. (The clinic's facility-names.ts asks for check-up providers too, which a patient may not.)
 */
import { useEffect, useState } from 'react';
import { json } from '../shared/api.ts';

const known = new Map<string, Promise<string | undefined>>();

export function facilityName(code: string): Promise<string | undefined> {
  if (!/^\d{10}$/.test(code)) return Promise.resolve(undefined);
  let p = known.get(code);
  if (!p) {
    p = json<{ facilities?: { code?: string; name?: string }[] }>(`/directory/facilities?q=${code}&kind=facility,pharmacy&limit=5`).then(
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
