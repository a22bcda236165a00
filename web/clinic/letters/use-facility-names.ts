/** Names of facilities by 医療機関コード from the directory (the letter operations answer codes only). */
import { useEffect, useState } from 'react';
import { facilityName } from './api.ts';

export function useFacilityNames(codes: string[]): Record<string, string | undefined> {
  const [names, setNames] = useState<Record<string, string | undefined>>({});
  const key = [...new Set(codes)].sort().join(',');
  useEffect(() => {
    let live = true;
    const list = key ? key.split(',') : [];
    void Promise.all(list.map(async (c) => [c, await facilityName(c)] as const)).then((pairs) => {
      if (live) setNames(Object.fromEntries(pairs));
    });
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}
