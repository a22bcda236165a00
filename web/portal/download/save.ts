/**
 * Saving an answer as a file: fetched with the sign-in's token (never a bare link, which would carry none), turned
 * into a blob and handed to an `<a download>`; the file name is the server's (Content-Disposition) when it gives one.
 */
import { request } from '../../shared/api.ts';

export function fileNameOf(disposition: string | null, fallback: string): string {
  const star = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star);
    } catch {
      // fall through
    }
  }
  return disposition?.match(/filename="?([^";]+)"?/i)?.[1] ?? fallback;
}

export async function download(path: string, accept: string, fallback: string): Promise<{ name: string; size: number }> {
  const res = await request(path, { headers: { accept } });
  const blob = await res.blob();
  const name = fileNameOf(res.headers.get('content-disposition'), fallback);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { name, size: blob.size };
}
