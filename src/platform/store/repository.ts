/**
 * The FHIR resource store: create, read, vread, update, delete, history. Every version is kept; the search index
 * is rewritten in the same statement as the data; every access to a person's data is checked by the access
 * policy and leaves an audit event (writes: in the same transaction; reads: committed before data is returned).
 */
import { actorOf } from '../audit/audit-actor.ts';
import { newId } from '../fhir/ids.ts';
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { AuditChains } from '../audit/audit-chain.ts';
import { toAuditRow, type AuditAction, type AuditRecord, type AuditRow } from '../audit/audit-record.ts';
import type { GroupAuditWriter } from '../audit/audit-writer.ts';
import { ownerKey, type RequestContext } from '../auth/principal.ts';
import type { AccessPolicy } from '../access/policy.ts';
import { FhirError, conflict, forbidden, gone, notFound, preconditionFailed } from '../fhir/errors.ts';
import { clinicalDateOf, securityLabelsOf } from './access-facts.ts';
import { hasErrors } from '../fhir/outcome.ts';
import { assertResourceType, checkResourceShape } from '../fhir/resource-shape.ts';
import { isValidId } from '../fhir/references.ts';
import type { Database, Queryable } from '../storage/database.ts';
import { PgCode, pgErrorCode } from '../storage/database.ts';
import { buildIndexRows } from '../search/index-rows.ts';
import { patientKeyOf, type SubjectIdentifier } from '../search/patient-key.ts';
import type { SearchRegistry } from '../search/registry.ts';
import {
  INDEX_TABLES,
  buildCreateStatement,
  buildWriteManyStatement,
  buildWriteStatement,
  type CreateItem,
  type ManyWriteItem,
  type VersionRow,
} from './write-statement.ts';
import { GroupCommitter } from '../storage/group-committer.ts';
import { GroupLoader } from '../storage/group-loader.ts';
import type { StatisticsKeeper } from '../storage/statistics-keeper.ts';
import { searchIds } from './search-executor.ts';
import { STORED_COLUMNS, fromRow, relativeRef, type StoredResource, type StoredRow } from './stored-resource.ts';

/** Structural / profile validation of a resource about to be written (the conformance engine). */
export type ResourceValidator = (resource: Record<string, unknown>) => OperationOutcome;

export interface RepositoryDeps {
  db: Database;
  registry: SearchRegistry;
  chains: AuditChains;
  readAudit: GroupAuditWriter;
  policy: AccessPolicy;
  validate?: ResourceValidator;
  /** Matches collected before sorting a filtered search (default 1,000); tests lower it. */
  searchMaterializeCap?: number;
  /** Told how many resources were written, so search statistics follow fast growth. */
  statistics?: StatisticsKeeper;
}

/** Writes inside a transaction Bundle: statements run on `tx`; audit rows are appended just before commit. */
export interface WriteSession {
  tx: Queryable;
  audits: AuditRow[];
  /**
   * Refusals met inside the transaction, recorded by whoever runs it once it has ended (an embedded database has
   * one connection: the audit write would wait for the transaction). Without it they are recorded unawaited.
   */
  denials?: AuditRecord[];
  /**
   * Writes a service makes itself, after its own checks (its operations' records — consents, registry entries):
   * the access policy is not asked again. Never set for writes a client sends (REST, Bundles).
   */
  trusted?: boolean;
}

/**
 * Resolves a person named by identifier (a JP-CLINS `subject.identifier`, a contained Patient) to the Patient id
 * of a registered person, or undefined when none or several match. Runs on `q` (inside a write's transaction).
 */
export type SubjectResolver = (q: Queryable, identifiers: SubjectIdentifier[]) => Promise<string | undefined>;

/** Resources only the platform writes: the audit log is served from its own tables, never from the store. */
const PLATFORM_ONLY_TYPES = new Set(['AuditEvent']);

/** The outcome of validating a resource through `prepare` earlier (a Bundle, before its transaction): reused, not redone. */
export interface Validated {
  outcome?: OperationOutcome;
}

export interface WriteResult {
  stored: StoredResource;
  /** 201 created, 200 updated or found (conditional create). */
  status: 200 | 201;
  /** Warnings from validation, returned to the client. */
  outcome?: OperationOutcome;
}

/** Creates per statement in a transaction Bundle (createMany). */
const CREATE_CHUNK = 100;

/** The store's tables, analyzed together as they grow. */
const STATISTICS_GROUP = 'fhir-store';

const AUDIT_ACTION: Record<'create' | 'update' | 'delete', AuditAction> = { create: 'C', update: 'U', delete: 'D' };

export class Repository {
  /** Plain creates from concurrent requests are written together (one statement, one commit). */
  private readonly creates: GroupCommitter<CreateItem>;
  /** Concurrent reads by id share one SELECT. */
  private readonly current: GroupLoader<StoredResource>;
  private readonly resolvers: SubjectResolver[] = [];

  constructor(readonly deps: RepositoryDeps) {
    deps.statistics?.register(STATISTICS_GROUP, ['resources', ...INDEX_TABLES]);
    this.creates = new GroupCommitter(
      async (items) => {
        const stmt = buildCreateStatement(items, deps.chains);
        await deps.db.query(stmt.sql, stmt.params, { name: stmt.name });
        deps.statistics?.note(STATISTICS_GROUP, items.length);
      },
      { parallel: 4, maxBatch: 16 },
    );
    this.current = new GroupLoader(async (keys) => {
      const pairs = keys.map((k) => k.split('/'));
      const res = await deps.db.query<StoredRow>(
        `SELECT ${STORED_COLUMNS} FROM resources WHERE (resource_type, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        { name: 'read_current_batch' },
      );
      return new Map(res.rows.map((row) => [`${row.resource_type}/${row.id}`, fromRow(row)]));
    });
  }

  /** Waits for queued writes and background refusal records (shutdown). */
  async drain(): Promise<void> {
    await this.creates.drain();
    while (this.background.size) await Promise.allSettled([...this.background]);
  }

  /** Work that does not hold up the answer (refusal records of searches), awaited at shutdown. */
  private readonly background = new Set<Promise<unknown>>();
  runInBackground(work: () => Promise<unknown>): void {
    const promise = work().catch(() => undefined);
    this.background.add(promise);
    void promise.finally(() => this.background.delete(promise));
  }

  /** A service that can tell who a person named by identifier is (the eligibility registry). */
  addSubjectResolver(resolver: SubjectResolver): void {
    this.resolvers.push(resolver);
  }

  get db(): Database {
    return this.deps.db;
  }

  // ---------- audit helpers ----------

  auditRecord(
    ctx: RequestContext,
    action: AuditAction,
    subtype: string,
    outcome: AuditRecord['outcome'],
    patientKey: string,
    entities: string[],
    extra: Partial<AuditRecord> = {},
  ): AuditRecord {
    return {
      actor: actorOf(ctx),
      action,
      subtype,
      outcome,
      patientKey,
      entities,
      purpose: ctx.purpose,
      ...extra,
    };
  }

  /** Records a refused attempt and returns the 403 to throw. */
  async deny(ctx: RequestContext, interaction: string, patientKey: string, entity: string, ja: string, en: string): Promise<FhirError> {
    await this.deps.readAudit.write([this.denialRecord(ctx, interaction, patientKey, entity, en)]);
    return forbidden(ja, en);
  }

  /**
   * Records a refused read and returns the 404 to throw: a resource the caller may not see answers exactly as one
   * that does not exist (the refusal is in the person's access log, which the caller cannot read).
   */
  async hide(ctx: RequestContext, interaction: string, patientKey: string, entity: string, en: string): Promise<FhirError> {
    await this.deps.readAudit.write([this.denialRecord(ctx, interaction, patientKey, entity, en)]);
    return notFound(entity);
  }

  private denialRecord(ctx: RequestContext, interaction: string, patientKey: string, entity: string, en: string): AuditRecord {
    const action: AuditAction = interaction === 'create' ? 'C' : interaction === 'update' ? 'U' : interaction === 'delete' ? 'D' : 'R';
    return this.auditRecord(ctx, action, interaction, '4', patientKey, entity ? [entity] : [], { outcomeDesc: en });
  }

  /**
   * A refusal inside a transaction: kept in `denials` for the caller to record after the transaction ends (or, in
   * a session without a list, recorded unawaited), and the 403 to throw.
   */
  private denyInTransaction(
    denials: AuditRecord[] | undefined,
    ctx: RequestContext,
    interaction: string,
    patientKey: string,
    entity: string,
    ja: string,
    en: string,
  ): FhirError {
    const record = this.denialRecord(ctx, interaction, patientKey, entity, en);
    if (denials) denials.push(record);
    else void this.deps.readAudit.write([record]).catch(() => undefined);
    return forbidden(ja, en);
  }

  /**
   * THE transaction helper: `run` writes through `session` (pass it to create / update / delete / writeMany, or
   * add audit records with `session.audits.push`); its audit events are appended just before commit, refusals met
   * inside are recorded after a rollback. `trusted`: the writes of a service's own operation, after its own checks.
   */
  async transaction<T>(run: (session: WriteSession) => Promise<T>, opts: { trusted?: boolean } = {}): Promise<T> {
    return this.writeTransaction(async (tx, denials) => {
      const session: WriteSession = { tx, audits: [], denials, trusted: opts.trusted };
      const result = await run(session);
      await this.deps.chains.appendBatch(tx, session.audits);
      return result;
    });
  }

  /** A write transaction whose refusals (collected in `denials`) are recorded once it has rolled back. */
  async writeTransaction<T>(run: (tx: Queryable, denials: AuditRecord[]) => Promise<T>): Promise<T> {
    const denials: AuditRecord[] = [];
    try {
      return await this.db.transaction((tx) => run(tx, denials));
    } catch (err) {
      if (denials.length) await this.deps.readAudit.write(denials);
      throw err;
    }
  }

  /** Asks the access policy about a write; refusals are recorded (inside a transaction: after it ends). */
  private async authorizeWrite(
    ctx: RequestContext,
    interaction: 'create' | 'update' | 'delete',
    resourceType: string,
    patientKey: string,
    entity: string,
    resource: Record<string, unknown> | (() => Record<string, unknown>) | undefined,
    current: StoredResource | undefined,
    session: { denials?: AuditRecord[]; trusted?: boolean } | undefined,
  ): Promise<string | undefined> {
    if (PLATFORM_ONLY_TYPES.has(resourceType))
      throw FhirError.of(405, 'not-supported', `${resourceType} はプラットフォームだけが記録します`, `${resourceType} is written by the platform only`);
    if (session?.trusted) return undefined;
    const d = await this.deps.policy.check({
      ctx,
      interaction,
      resourceType,
      patientKey,
      resource,
      owner: current?.owner,
      stored: current?.content ? lazyResource(current) : undefined,
    });
    if (d.allow) return d.basis;
    if (session) throw this.denyInTransaction(session.denials, ctx, interaction, patientKey, entity, d.ja, d.en);
    throw await this.deny(ctx, interaction, patientKey, entity, d.ja, d.en);
  }

  /** A read of a stored row (scopes checked before): its basis, or the 404 to throw (recorded). */
  private async authorizeRead(
    ctx: RequestContext,
    interaction: 'read' | 'vread' | 'history',
    row: StoredResource,
    entity: string,
  ): Promise<string | undefined> {
    const d = await this.mayRead(ctx, row, interaction === 'vread' ? 'read' : interaction);
    if (d.allow) return d.basis;
    throw await this.hide(ctx, interaction, row.patientKey, entity, d.en);
  }

  /** Is this row one the caller may see, scopes aside (the row-by-row form of the policy's SQL visibility)? */
  async mayRead(ctx: RequestContext, row: StoredResource, interaction: 'read' | 'search' | 'history' = 'read') {
    return this.deps.policy.canSee({
      ctx,
      interaction,
      resourceType: row.resourceType,
      patientKey: row.patientKey,
      resource: row.content ? lazyResource(row) : undefined,
      owner: row.owner,
      labels: row.labels,
      dataDate: row.dataDate,
    });
  }

  // ---------- reads ----------

  /** Current version without access checks or audit (internal use by services that check and audit themselves). */
  async loadCurrent(q: Queryable, resourceType: string, id: string, lock = false): Promise<StoredResource | undefined> {
    const res = await q.query<StoredRow>(
      `SELECT ${STORED_COLUMNS} FROM resources WHERE resource_type = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [resourceType, id],
      { name: lock ? 'read_current_lock' : 'read_current' },
    );
    return res.rows[0] ? fromRow(res.rows[0]) : undefined;
  }

  async read(ctx: RequestContext, resourceType: string, id: string): Promise<StoredResource> {
    assertResourceType(resourceType);
    const scope = this.deps.policy.scopeDecision(ctx, resourceType, 'read');
    if (!scope.allow) throw forbidden(scope.ja, scope.en);
    if (!isValidId(id)) throw notFound(`${resourceType}/${id}`);
    const stored = await this.current.load(`${resourceType}/${id}`);
    if (!stored) throw notFound(`${resourceType}/${id}`);
    const entity = relativeRef(stored);
    const basis = await this.authorizeRead(ctx, 'read', stored, entity);
    if (stored.deleted) throw gone(entity);
    if (stored.patientKey) await this.deps.readAudit.write([this.auditRecord(ctx, 'R', 'read', '0', stored.patientKey, [entity], { basis })]);
    return stored;
  }

  async vread(ctx: RequestContext, resourceType: string, id: string, versionId: string): Promise<StoredResource> {
    assertResourceType(resourceType);
    const scope = this.deps.policy.scopeDecision(ctx, resourceType, 'vread');
    if (!scope.allow) throw forbidden(scope.ja, scope.en);
    if (!isValidId(id) || !/^\d{1,9}$/.test(versionId)) throw notFound(`${resourceType}/${id}/_history/${versionId}`);
    const res = await this.db.query<StoredRow>(
      `SELECT ${STORED_COLUMNS} FROM resources WHERE resource_type = $1 AND id = $2 AND version_id = $3
       UNION ALL SELECT ${STORED_COLUMNS} FROM resource_versions WHERE resource_type = $1 AND id = $2 AND version_id = $3`,
      [resourceType, id, Number(versionId)],
      { name: 'vread' },
    );
    if (!res.rows[0]) throw notFound(`${resourceType}/${id}/_history/${versionId}`);
    const stored = fromRow(res.rows[0]);
    const entity = `${resourceType}/${id}/_history/${versionId}`;
    const basis = await this.authorizeRead(ctx, 'vread', stored, entity);
    if (stored.deleted) throw gone(entity);
    if (stored.patientKey) await this.deps.readAudit.write([this.auditRecord(ctx, 'R', 'vread', '0', stored.patientKey, [entity], { basis })]);
    return stored;
  }

  // ---------- writes ----------

  /** Validates, assigns id and meta, and computes index rows and patient key. Throws 400/422 on bad input. */
  prepare(body: unknown, opts: { type?: string; id: string; versionId: number; now: string; validated?: Validated }) {
    const input = checkResourceShape(body, opts.type);
    const { resourceType, id: _ignoredId, meta, ...rest } = input;
    void _ignoredId;
    const cleanMeta: Record<string, unknown> = { ...(meta ?? {}) };
    delete cleanMeta.versionId;
    delete cleanMeta.lastUpdated;
    const resource: Record<string, unknown> = {
      resourceType,
      id: opts.id,
      meta: { versionId: String(opts.versionId), lastUpdated: opts.now, ...cleanMeta },
      ...rest,
    };
    let outcome: OperationOutcome | undefined = opts.validated?.outcome;
    if (this.deps.validate && !opts.validated) {
      outcome = this.deps.validate(resource);
      if (hasErrors(outcome)) throw new FhirError(422, outcome);
    }
    const index = buildIndexRows(resource, this.deps.registry);
    const subject = patientKeyOf(resource, this.deps.registry);
    return {
      resource,
      index,
      patientKey: subject.key,
      /** Identifiers of a person to resolve (resolveSubject) before the patient key is final. */
      subjectIdentifiers: subject.identifiers,
      labels: securityLabelsOf(resource),
      dataDate: clinicalDateOf(index),
      content: JSON.stringify(resource),
      outcome,
    };
  }

  /** A person named by identifier becomes the registered person they are, when exactly one is (prepared in place). */
  async resolveSubject(q: Queryable, prepared: { patientKey: string; subjectIdentifiers?: SubjectIdentifier[] }): Promise<void> {
    if (!prepared.subjectIdentifiers?.length) return;
    for (const resolve of this.resolvers) {
      const id = await resolve(q, prepared.subjectIdentifiers);
      if (id) {
        prepared.patientKey = id;
        return;
      }
    }
  }

  private writeAudit(ctx: RequestContext, kind: 'create' | 'update' | 'delete', row: VersionRow, basis: string | undefined): AuditRow {
    return toAuditRow(
      this.auditRecord(ctx, AUDIT_ACTION[kind], kind, '0', row.patientKey, [`${row.resourceType}/${row.id}/_history/${row.versionId}`], { basis }),
    );
  }

  /** Runs the write statement, inline-audited, or queued in the session's audit list. */
  private async execWrite(
    q: Queryable,
    session: WriteSession | undefined,
    ctx: RequestContext,
    kind: 'create' | 'update' | 'delete',
    row: VersionRow,
    index: ReturnType<typeof buildIndexRows> | null,
    isNew: boolean,
    basis: string | undefined,
  ): Promise<void> {
    const auditRow = this.writeAudit(ctx, kind, row, basis);
    if (session) session.audits.push(auditRow);
    const stmt = buildWriteStatement(
      row,
      index,
      { mode: isNew && kind === 'create' ? 'insert' : 'upsert', replaceIndex: !isNew },
      session ? undefined : { chains: this.deps.chains, row: auditRow },
    );
    try {
      await q.query(stmt.sql, stmt.params, { name: stmt.name });
      this.deps.statistics?.note(STATISTICS_GROUP);
    } catch (err) {
      if (pgErrorCode(err) === PgCode.uniqueViolation)
        throw conflict(`${row.resourceType}/${row.id} は既に存在します`, `${row.resourceType}/${row.id} already exists`);
      throw err;
    }
  }

  /** A first version ready to write: validated and indexed, its person resolved, the write authorized. */
  private async firstVersion(ctx: RequestContext, body: unknown, opts: { type?: string; session?: WriteSession; id?: string; validated?: Validated }) {
    const now = new Date().toISOString();
    const prepared = this.prepare(body, { type: opts.type, id: opts.id ?? newId(), versionId: 1, now, validated: opts.validated });
    const type = prepared.resource.resourceType as string;
    const entity = `${type}/${prepared.resource.id}`;
    await this.resolveSubject(opts.session?.tx ?? this.db, prepared);
    const basis = await this.authorizeWrite(ctx, 'create', type, prepared.patientKey, entity, prepared.resource, undefined, opts.session);
    const row: VersionRow = {
      resourceType: type,
      id: prepared.resource.id as string,
      versionId: 1,
      lastUpdated: now,
      deleted: false,
      patientKey: prepared.patientKey,
      owner: ownerKey(ctx.principal),
      labels: prepared.labels,
      dataDate: prepared.dataDate,
      content: prepared.content,
    };
    return { row, prepared, basis, type };
  }

  /**
   * Plain creates inside a transaction Bundle's session, in two steps so many share a statement: `readyCreate`
   * checks one exactly as `create` would, `writeCreates` writes the ready ones CREATE_CHUNK to a statement (one round
   * trip each instead of one per resource: the embedded engine's only connection is held that much shorter).
   */
  async readyCreate(
    ctx: RequestContext,
    body: unknown,
    opts: { type: string; id: string; validated?: Validated; session: WriteSession },
  ): Promise<{ item: CreateItem; result: WriteResult }> {
    const { row, prepared, basis } = await this.firstVersion(ctx, body, opts);
    return {
      item: { row, index: prepared.index, audit: this.writeAudit(ctx, 'create', row, basis) },
      result: { stored: storedOf(row), status: 201, outcome: prepared.outcome },
    };
  }

  async writeCreates(session: WriteSession, items: CreateItem[]): Promise<void> {
    for (let i = 0; i < items.length; i += CREATE_CHUNK) {
      const stmt = buildCreateStatement(items.slice(i, i + CREATE_CHUNK), this.deps.chains);
      try {
        await session.tx.query(stmt.sql, stmt.params, { name: stmt.name });
      } catch (err) {
        if (pgErrorCode(err) === PgCode.uniqueViolation)
          throw conflict('作成するリソースの id が既に存在します', 'the id of a resource to create already exists');
        throw err;
      }
    }
    this.deps.statistics?.note(STATISTICS_GROUP, items.length);
  }

  async create(
    ctx: RequestContext,
    body: unknown,
    opts: { type?: string; session?: WriteSession; ifNoneExist?: string; id?: string; validated?: Validated } = {},
  ): Promise<WriteResult> {
    const { row, prepared, basis, type } = await this.firstVersion(ctx, body, opts);
    const stored = storedOf(row);
    if (opts.ifNoneExist !== undefined) {
      // A conditional create is a search: it needs the search scope, and it looks only among the caller's records.
      const scope = this.deps.policy.scopeDecision(ctx, type, 'search');
      if (!scope.allow) throw forbidden(scope.ja, scope.en);
      const run = async (q: Queryable, session: WriteSession | undefined): Promise<WriteResult & { found?: AuditRecord }> => {
        const existing = await this.conditionalMatches(ctx, q, type, opts.ifNoneExist!);
        if (existing.length > 1)
          throw preconditionFailed(`条件 (${opts.ifNoneExist}) に一致するリソースが複数あります`, `If-None-Exist matched ${existing.length} resources`);
        if (existing.length === 1) {
          // The existing resource is returned: a read of it, recorded with the session or after the transaction.
          const match = existing[0];
          if (!match.patientKey) return { stored: match, status: 200 };
          const found = this.auditRecord(ctx, 'R', 'read', '0', match.patientKey, [relativeRef(match)], { query: `${type}?${opts.ifNoneExist}` });
          if (session) session.audits.push(toAuditRow(found));
          return { stored: match, status: 200, found: session ? undefined : found };
        }
        await this.execWrite(q, session, ctx, 'create', row, prepared.index, true, basis);
        return { stored, status: 201, outcome: prepared.outcome };
      };
      if (opts.session) return run(opts.session.tx, opts.session);
      const { found, ...result } = await this.db.transaction((tx) => run(tx, undefined));
      if (found) await this.deps.readAudit.write([found]);
      return result;
    }
    if (opts.session) {
      await this.execWrite(opts.session.tx, opts.session, ctx, 'create', row, prepared.index, true, basis);
    } else {
      try {
        await this.creates.submit([{ row, index: prepared.index, audit: this.writeAudit(ctx, 'create', row, basis) }]);
      } catch (err) {
        if (pgErrorCode(err) === PgCode.uniqueViolation)
          throw conflict(`${row.resourceType}/${row.id} は既に存在します`, `${row.resourceType}/${row.id} already exists`);
        throw err;
      }
    }
    return { stored, status: 201, outcome: prepared.outcome };
  }

  /**
   * Resources matching a conditional-create query among the caller's own records (searchIds), serialised against
   * concurrent identical conditions with an advisory lock held until the transaction ends.
   */
  private async conditionalMatches(ctx: RequestContext, q: Queryable, type: string, query: string): Promise<StoredResource[]> {
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${type}?${query}`]);
    return searchIds(this, ctx, q, type, new URLSearchParams(query));
  }

  async update(
    ctx: RequestContext,
    type: string,
    id: string,
    body: unknown,
    opts: { ifMatch?: string; session?: WriteSession; validated?: Validated } = {},
  ): Promise<WriteResult> {
    assertResourceType(type);
    const input = checkResourceShape(body, type);
    if (input.id === undefined) throw FhirError.of(400, 'required', '本文に id がありません', 'the resource in the body has no id', [`${type}.id`]);
    if (input.id !== id)
      throw FhirError.of(400, 'invalid', `本文の id (${input.id}) が URL の id (${id}) と一致しません`, `body id ${input.id} does not match URL id ${id}`, [
        `${type}.id`,
      ]);
    const expected = opts.ifMatch !== undefined ? parseIfMatch(opts.ifMatch) : undefined;
    const run = async (q: Queryable, session: WriteSession | undefined, denials: AuditRecord[] | undefined): Promise<WriteResult> => {
      const inTransaction = { denials, trusted: session?.trusted };
      const current = await this.loadCurrent(q, type, id, true);
      if (expected !== undefined && (!current || current.versionId !== expected))
        throw preconditionFailed(
          `版が一致しません (指定 ${expected}, 現在 ${current?.versionId ?? 'なし'})`,
          `version conflict: If-Match ${expected}, current ${current?.versionId ?? 'none'}`,
        );
      const versionId = (current?.versionId ?? 0) + 1;
      const now = new Date().toISOString();
      const prepared = this.prepare(input, { type, id, versionId, now, validated: opts.validated });
      await this.resolveSubject(q, prepared);
      const entity = `${type}/${id}`;
      if (current && !current.deleted && current.patientKey !== prepared.patientKey) {
        // Moving data from one person to another is checked against both.
        await this.authorizeWrite(ctx, 'update', type, current.patientKey, entity, lazyResource(current), current, inTransaction);
      }
      // The organisation that registered a resource stays its owner through later versions (a deleted one too: only
      // its registrant may bring it back).
      const basis = await this.authorizeWrite(ctx, current ? 'update' : 'create', type, prepared.patientKey, entity, prepared.resource, current, inTransaction);
      const row: VersionRow = {
        resourceType: type,
        id,
        versionId,
        lastUpdated: now,
        deleted: false,
        patientKey: prepared.patientKey,
        owner: current?.owner ?? ownerKey(ctx.principal),
        labels: prepared.labels,
        dataDate: prepared.dataDate,
        content: prepared.content,
      };
      await this.execWrite(q, session, ctx, current ? 'update' : 'create', row, prepared.index, !current, basis);
      return { stored: storedOf(row), status: current ? 200 : 201, outcome: prepared.outcome };
    };
    if (opts.session) return run(opts.session.tx, opts.session, opts.session.denials);
    return this.writeTransaction((tx, denials) => run(tx, undefined, denials));
  }

  /**
   * Several creates and updates in one statement inside the caller's transaction (a service's bulk registration,
   * after its own access checks): `items` come from `prepare` with their audit records; the caller holds row locks
   * on the resources it updates and names each (type, id) once. New resources are registered by the caller.
   */
  async writeMany(
    ctx: RequestContext,
    tx: Queryable,
    items: (Omit<ManyWriteItem, 'audit' | 'labels' | 'dataDate'> & Partial<Pick<ManyWriteItem, 'labels' | 'dataDate'>> & { audit: AuditRecord })[],
  ): Promise<void> {
    if (items.length === 0) return;
    const stmt = buildWriteManyStatement(
      items.map((i) => ({
        ...i,
        labels: i.labels ?? securityLabelsOf(JSON.parse(i.content) as Record<string, unknown>),
        dataDate: i.dataDate !== undefined ? i.dataDate : clinicalDateOf(i.index),
        audit: toAuditRow(i.audit),
      })),
      ownerKey(ctx.principal),
      this.deps.chains,
    );
    await tx.query(stmt.sql, stmt.params);
    this.deps.statistics?.note(STATISTICS_GROUP, items.length);
  }

  /** Deletes the current version. Returns undefined when the resource was already deleted. */
  async delete(ctx: RequestContext, type: string, id: string, opts: { session?: WriteSession } = {}): Promise<StoredResource | undefined> {
    assertResourceType(type);
    if (!isValidId(id)) throw notFound(`${type}/${id}`);
    const run = async (q: Queryable, session: WriteSession | undefined, denials: AuditRecord[] | undefined) => {
      const current = await this.loadCurrent(q, type, id, true);
      if (!current) throw notFound(`${type}/${id}`);
      if (PLATFORM_ONLY_TYPES.has(type)) await this.authorizeWrite(ctx, 'delete', type, '', `${type}/${id}`, undefined, current, session);
      // Another organisation's resource answers as an absent one (refusal recorded), deleted or not.
      if (!session?.trusted && !(await this.mayRead(ctx, current)).allow) {
        const refusal = this.denialRecord(ctx, 'delete', current.patientKey, `${type}/${id}`, FOREIGN_DELETE);
        if (denials) denials.push(refusal);
        else await this.deps.readAudit.write([refusal]);
        throw notFound(`${type}/${id}`);
      }
      if (current.deleted) return undefined;
      const basis = await this.authorizeWrite(ctx, 'delete', type, current.patientKey, `${type}/${id}`, lazyResource(current), current, {
        denials,
        trusted: session?.trusted,
      });
      const now = new Date().toISOString();
      const row: VersionRow = {
        resourceType: type,
        id,
        versionId: current.versionId + 1,
        lastUpdated: now,
        deleted: true,
        patientKey: current.patientKey,
        owner: current.owner,
        labels: current.labels,
        dataDate: current.dataDate?.toISOString() ?? null,
        content: null,
      };
      await this.execWrite(q, session, ctx, 'delete', row, null, false, basis);
      return storedOf(row);
    };
    if (opts.session) return run(opts.session.tx, opts.session, opts.session.denials);
    return this.writeTransaction((tx, denials) => run(tx, undefined, denials));
  }
}

const FOREIGN_DELETE = 'the resource is not visible to the caller (another registrant, no basis)';

/** A written version as the store returns it. */
function storedOf(row: VersionRow): StoredResource {
  return { ...row, lastUpdated: new Date(row.lastUpdated), dataDate: row.dataDate ? new Date(row.dataDate) : null };
}

/** The stored JSON, parsed only if an access rule looks at it. */
function lazyResource(stored: StoredResource): () => Record<string, unknown> {
  let parsed: Record<string, unknown> | undefined;
  return () => (parsed ??= JSON.parse(stored.content!) as Record<string, unknown>);
}

/** `W/"3"` or `"3"` → 3. */
export function parseIfMatch(header: string): number {
  const m = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
  if (!m) throw FhirError.of(400, 'invalid', `If-Match (${header}) の形式が正しくありません`, `If-Match must look like W/"<versionId>", got ${header}`);
  return Number(m[1]);
}
