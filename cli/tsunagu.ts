#!/usr/bin/env -S npx tsx
/** `tsunagu` — the platform's command line: serve, migrate, clients and tokens, audit verification, validation. */
import { auditCommand } from './commands/audit.ts';
import { cardCommand } from './commands/card.ts';
import { eligibilityCommand } from './commands/eligibility.ts';
import { eprescriptionCommand } from './commands/eprescription.ts';
import { clientCommand } from './commands/client.ts';
import { migrateCommand } from './commands/migrate.ts';
import { serveCommand } from './commands/serve.ts';
import { staffCommand } from './commands/staff.ts';
import { tokenCommand } from './commands/token.ts';

const USAGE = `tsunagu <command> [options]

  serve                 start the API (PORT, TSUNAGU_DATA_DIR, DATABASE_URL, TSUNAGU_IG)
  migrate               apply database migrations
  facility              the facility directory: add, list, disable, enable (医療機関・薬局・保険者・健診機関)
  staff                 staff accounts of facilities and pharmacies (add, list, unlock, disable, password, TOTP)
  proxy                 代理人: who may use the patient portal for another person (add, list, end)
  health-card           救急用サマリー: verify a SMART Health Card (shc:/… text) offline against a saved JWKS
  client register       register a system client (facility, pharmacy, insurer, …)
  client assertion      sign a client assertion JWT (to call /auth/token by hand)
  client disable|enable|delete  stop, restore or end a client's access (its tokens stop within 5 s)
  token                 mint an access token for a registered client (local testing)
  audit verify          verify the audit hash chains (and their anchors)
  audit anchor          write a signed checkpoint of the audit chain heads (cron, before a backup)
  validate              validate FHIR JSON files against IG packages
  eligibility           insurer bulk load, test files, eligibility history, receipt/check-up import
  card                  virtual My Number cards: CA, issue, renew, revoke, reader simulation
  demo                  create the demo world (a fresh embedded data directory does it at start)
  eprescription         drug master and interaction imports, a test HPKI (prescriber credentials, CRLs), writing and signing prescriptions
  billing               fee calculation: calc case.json (points, window payment), receipt, the month's claim file, master import

Run 'tsunagu <command> --help' for the options of a command.`;

type Command = (argv: string[]) => Promise<number>;

async function validateCommand(argv: string[]): Promise<number> {
  const path = './commands/validate.ts'; // provided by the conformance engine
  const mod = (await import(path)) as { validateCommand: Command };
  return mod.validateCommand(argv);
}

const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  migrate: migrateCommand,
  client: clientCommand,
  token: tokenCommand,
  audit: auditCommand,
  validate: validateCommand,
  eligibility: eligibilityCommand,
  card: cardCommand,
  staff: staffCommand,
  facility: async (argv) => (await import('./commands/facility.ts')).facilityCommand(argv),
  proxy: async (argv) => (await import('./commands/proxy.ts')).proxyCommand(argv),
  eprescription: eprescriptionCommand,
  demo: async (argv) => (await import('./commands/demo.ts')).demoCommand(argv),
  'health-card': async (argv) => (await import('./commands/health-card.ts')).healthCardCommand(argv),
  billing: async (argv) => (await import('./commands/billing.ts')).billingCommand(argv),
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
}

main().then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
