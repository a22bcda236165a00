/** Shared CLI plumbing: option parsing with --help, and opening the platform on the local data directory. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { configFromEnv } from '../src/platform/config.ts';
import { openPlatform, type PlatformParts } from '../src/platform/platform.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export const commonOptions = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies Options;

export function parse<O extends Options>(argv: string[], options: O, usage: string, allowPositionals = false) {
  const parsed = parseArgs({ args: argv, options: { ...commonOptions, ...options }, allowPositionals, strict: true });
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    return undefined;
  }
  return parsed;
}

/**
 * A command with sub-commands (`tsunagu staff add …`): the sub-command and its parsed arguments, or the exit code
 * when there is nothing to run — the usage printed for none (2) or --help (0); a bad argument explained (2).
 */
export function subcommand<O extends Options>(argv: string[], options: O, usage: string) {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(usage);
    return sub ? 0 : 2;
  }
  try {
    const args = parse(rest, options, usage, true);
    return args ? { sub, args } : 0;
  } catch (e) {
    console.error(`引数が正しくありません / ${(e as Error).message}\n${usage}`);
    return 2;
  }
}

/** The platform on the data directory (or DATABASE_URL) the server would use. */
export async function openLocalPlatform(dataDir?: string): Promise<PlatformParts> {
  return openPlatform(configFromEnv(process.env, dataDir ? { dataDir } : {}));
}
