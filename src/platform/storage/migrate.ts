/** Forward-only schema migrations, applied at start under an advisory lock (safe with several nodes). */
import type { Database } from './database.ts';
import { platformSchema } from './migrations/001-platform.ts';
import { statisticsTargets } from './migrations/002-statistics-targets.ts';
import { resourceOwner } from './migrations/003-resource-owner.ts';
import { accessGrants } from './migrations/004-access-grants.ts';
import { indexPrefixes } from './migrations/005-index-prefixes.ts';
import { insurerOwnerKeys } from './migrations/006-insurer-owner-keys.ts';
import { foreignReferences } from './migrations/007-foreign-references.ts';
import { consents } from './migrations/010-consents.ts';
import { subscriptions } from './migrations/011-subscriptions.ts';
import { staffAccounts } from './migrations/012-staff-accounts.ts';
import { appLaunch } from './migrations/013-app-launch.ts';
import { patientProxies } from './migrations/014-patient-proxies.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const platformMigrations: Migration[] = [
  { version: 1, name: 'platform', sql: platformSchema },
  { version: 2, name: 'statistics-targets', sql: statisticsTargets },
  { version: 3, name: 'resource-owner', sql: resourceOwner },
  { version: 4, name: 'access-grants', sql: accessGrants },
  { version: 5, name: 'index-prefixes', sql: indexPrefixes },
  { version: 6, name: 'insurer-owner-keys', sql: insurerOwnerKeys },
  { version: 7, name: 'foreign-references', sql: foreignReferences },
  { version: 10, name: 'consents', sql: consents },
  { version: 11, name: 'subscriptions', sql: subscriptions },
  { version: 12, name: 'staff-accounts', sql: staffAccounts },
  { version: 13, name: 'app-launch', sql: appLaunch },
  { version: 14, name: 'patient-proxies', sql: patientProxies },
];
const registered: Migration[] = [...platformMigrations];

/** Services add their own tables here (versions are global and must be unique). */
export function registerMigrations(migrations: Migration[]): void {
  for (const m of migrations) {
    const existing = registered.find((r) => r.version === m.version);
    if (existing && existing.name !== m.name) throw new Error(`migration version ${m.version} used twice`);
    if (!existing) registered.push(m);
  }
  registered.sort((a, b) => a.version - b.version);
}

const LOCK_KEY = 7_357_001;

export async function migrate(db: Database): Promise<number[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied: number[] = [];
  for (const m of registered) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (seen.rowCount > 0) return false;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** Splits a schema script on top-level semicolons (our migrations hold no procedural bodies). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
