/** The screen shown, kept in the address (`#reception`), so back / forward and reloads keep it. */
import { useEffect, useState } from 'react';

const idOf = (hash: string) => {
  try {
    return decodeURIComponent(hash.slice(1));
  } catch {
    return '';
  }
};

export function useHashRoute(ids: string[], fallback: string): string {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const id = idOf(hash);
  return ids.includes(id) ? id : fallback;
}
