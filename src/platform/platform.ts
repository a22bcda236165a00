/**
 * The platform assembled: database (migrated), audit chains and writer, token keys, search registry, access
 * policy and the resource repository. Services receive this object and build on it.
 */
import { AccessGrants } from './access/grants.ts';
import { AccessPolicy } from './access/policy.ts';
import { CONSENT_CATEGORY_SYSTEM } from './consent/categories.ts';
import { Consents } from './consent/consents.ts';
import { AuditAnchorWriter } from './audit/audit-anchor-writer.ts';
import { AuditChains } from './audit/audit-chain.ts';
import { loadOrCreateAuditKey, type AuditKey } from './audit/audit-key.ts';
import { GroupAuditWriter } from './audit/audit-writer.ts';
import { AccessTokens } from './auth/access-tokens.ts';
import { ClientStates } from './auth/client-states.ts';
import { loadOrCreatePlatformKey, type PlatformKey } from './auth/platform-keys.ts';
import type { PlatformConfig } from './config.ts';
import { r4SearchRegistry, type SearchRegistry } from './search/registry.ts';
import type { Database } from './storage/database.ts';
import { migrate, registerMigrations, type Migration } from './storage/migrate.ts';
import { openDatabase } from './storage/open.ts';
import { Repository, type ResourceValidator } from './store/repository.ts';
import { SystemRepository } from './store/system-repository.ts';
import { StatisticsKeeper } from './storage/statistics-keeper.ts';
import { loadConformance, type Conformance } from './conformance/index.ts';
import { Subscriptions, subscriptionSettings } from './subscriptions/index.ts';
import { Facilities } from './auth/facilities.ts';
import { SignInMethods } from './auth/app-launch/patient-sign-in.ts';
import { StaffAccounts } from './auth/staff/index.ts';
import { PatientProxies } from './auth/proxies/patient-proxies.ts';

export interface PlatformParts {
  config: PlatformConfig;
  db: Database;
  auditKey: AuditKey;
  chains: AuditChains;
  readAudit: GroupAuditWriter;
  /** Signed checkpoints of the audit chain heads, appended to a file outside the database (close() writes the last). */
  anchors: AuditAnchorWriter;
  platformKey: PlatformKey;
  tokens: AccessTokens;
  registry: SearchRegistry;
  policy: AccessPolicy;
  /** Bases for reading other registrants' data (consent, membership, emergency): services write, the platform decides. */
  grants: AccessGrants;
  repo: Repository;
  /** The store as services use it for their own operations (no access check, no audit: they do both). */
  system: SystemRepository;
  /** Consent: decisions, reader consents, revocation, holds, emergency access (the bases of grants). */
  consent: Consents;
  /** Re-analyzes fast-growing tables (a service may register its own table groups). */
  statistics: StatisticsKeeper;
  /** The validation engine every write path uses (base R4 plus the configured IG packages). */
  conformance: Conformance;
  /** Topic-based notifications: services register topics and publish events; the server delivers them. */
  subscriptions: Subscriptions;
  /** The facility directory (施設名簿): facilities, pharmacies, insurers and check-up providers by code and name. */
  facilities: Facilities;
  /** Staff accounts of facilities and pharmacies (who signs in to the apps, in which role). */
  staff: StaffAccounts;
  /** 代理人: who may use a patient app for another person (a parent for a child). */
  proxies: PatientProxies;
  /** Sign-in methods services provide to the authorization server (the patient's card). */
  signIn: SignInMethods;
}

export interface OpenPlatformOptions {
  migrations?: Migration[];
  /** Replaces the conformance engine on write paths (tests of the store alone). */
  validate?: ResourceValidator;
  /** Use an already open database (tests share one). */
  db?: Database;
}

export async function openPlatform(config: PlatformConfig, opts: OpenPlatformOptions = {}): Promise<PlatformParts> {
  const db =
    opts.db ??
    (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize, embeddedFsync: config.embeddedFsync }));
  if (opts.migrations) registerMigrations(opts.migrations);
  await migrate(db);
  const auditKey = loadOrCreateAuditKey(config.auditKeyFile);
  const chains = new AuditChains(auditKey, config.auditChains);
  await chains.ensureChains(db);
  const readAudit = new GroupAuditWriter(db, chains);
  const anchors = new AuditAnchorWriter(db, auditKey, config.auditAnchorFile);
  const platformKey = await loadOrCreatePlatformKey(db);
  const tokens = new AccessTokens(platformKey, config.tokenLifetime);
  // Tokens of a disabled or deleted client stop working within the client-state cache time.
  tokens.useClientStates(new ClientStates(db));
  const registry = r4SearchRegistry();
  const grants = new AccessGrants();
  const policy = new AccessPolicy(grants, db);
  const conformance = await loadConformance({
    packages: config.igPackages,
    terminology: config.terminologyFiles,
    registrationRules: config.registrationRules,
    unknownExtensions: config.unknownExtensions,
  });
  const validate = opts.validate ?? ((resource: Record<string, unknown>) => conformance.validate(resource));
  const statistics = new StatisticsKeeper(db);
  const repo = new Repository({ db, registry, chains, readAudit, policy, validate, statistics });
  const system = new SystemRepository(db, policy);
  const consent = new Consents(repo, grants, db);
  // The consent categories are labels grants open; Consent records change only through the consent capability.
  grants.controlLabelSystem(CONSENT_CATEGORY_SYSTEM);
  policy.addWriteRule(consent.writeGuard());
  const subscriptions = new Subscriptions({ db, repo, registry, policy, readAudit, key: platformKey, settings: subscriptionSettings(process.env) });
  anchors.start(config.auditAnchorInterval); // last, so a failed open leaves no timer behind
  return {
    config,
    db,
    auditKey,
    chains,
    readAudit,
    anchors,
    platformKey,
    tokens,
    registry,
    policy,
    grants,
    repo,
    system,
    consent,
    conformance,
    statistics,
    subscriptions,
    facilities: new Facilities(db),
    staff: new StaffAccounts(db),
    proxies: new PatientProxies(db),
    signIn: new SignInMethods(),
  };
}

/**
 * Shuts the platform down in order: notification delivery stops, queued writes and audit events land, the last
 * audit checkpoint is written (or, with `anchor: false`, none), background statistics stop, and the database closes
 * (unless the caller owns it).
 */
export async function closePlatform(p: PlatformParts, opts: { closeDb?: boolean; anchor?: boolean } = {}): Promise<void> {
  await p.subscriptions.close();
  await p.repo.drain();
  await p.readAudit.drain();
  if (opts.anchor === false) await p.anchors.stop();
  else await p.anchors.close();
  await p.statistics.close();
  if (opts.closeDb !== false) await p.db.close();
}
