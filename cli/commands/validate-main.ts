/** Standalone entry for manual runs: `npx tsx cli/commands/validate-main.ts --ig <pkg> file.json`. */
import { validateCommand } from './validate.ts';

validateCommand(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  },
);
