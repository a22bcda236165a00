/** Runs a `tsunagu` command in this process and captures what it printed (console and, optionally, stdout writes). */
import { vi } from 'vitest';

export async function runCli(
  fn: (argv: string[]) => Promise<number>,
  argv: string[],
  opts: { stdout?: boolean } = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += `${a.join(' ')}\n`));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += `${a.join(' ')}\n`));
  const write = opts.stdout
    ? vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
      })
    : undefined;
  try {
    return { code: await fn(argv), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write?.mockRestore();
  }
}
