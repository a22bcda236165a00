/**
 * Access grants (閲覧の根拠): the one place that says who may read a person's data registered by someone else.
 * A service writes a grant when something gives a basis — the patient's consent at the reader, an insurer's
 * membership period, later an emergency declaration — and ends it when the basis ends (revocation, loss of
 * membership). The platform decides every read from these rows, in SQL for searches, counts, chains and history
 * (so withheld rows never reach a result, a total or a paging link) and row by row for direct reads.
 *
 * A grant opens one security label (meta.security `system|code`, e.g. the consent category 薬剤情報) of one person
 * to one organisation (`grantee`, the ownerKey form `facility:<医療機関コード>`, `insurer:<保険者番号>` …) while
 * `valid_from <= now < valid_to`, optionally only for data whose clinical date lies in [data_from, data_to). A row
 * of another registrant is readable when it carries at least one controlled label (a label of a system a service
 * registered) and every controlled label it carries is opened by a current grant. Unlabelled data of other
 * registrants is never shared.
 */
import type { Queryable } from '../storage/database.ts';
import type { StatementParams } from '../storage/sql-params.ts';

export interface Label {
  system: string;
  code: string;
}

export interface GrantInput {
  /** ownerKey of the organisation the grant is for. */
  grantee: string;
  patientKey: string;
  label: Label;
  /** Default: now. */
  validFrom?: Date;
  /** null / absent: until ended. */
  validTo?: Date | null;
  /** Only data whose clinical date is on or after this instant (null: any). */
  dataFrom?: Date | null;
  /** Only data whose clinical date is before this instant (null: any). */
  dataTo?: Date | null;
  /** What gives the basis, recorded with every read it allows (`Consent/…`, `Coverage/…`). */
  basis: string;
}

export interface GrantDecision {
  allow: boolean;
  /** The bases of the grants used (space-separated), when allowed. */
  basis?: string;
}

/** A stored row's label set, as kept in the `labels` column. */
export const labelKey = (l: Label) => `${l.system}|${l.code}`;

export class AccessGrants {
  /** Label systems whose labels restrict access (registered by services, e.g. the consent categories). */
  private readonly systems = new Set<string>();

  controlLabelSystem(system: string): void {
    this.systems.add(system);
  }

  get controlledSystems(): string[] {
    return [...this.systems];
  }

  /** Is this label one that grants open? */
  isControlled(label: string): boolean {
    for (const s of this.systems) if (label.startsWith(`${s}|`)) return true;
    return false;
  }

  /**
   * Replaces every grant of `source` (a key the service chooses, e.g. `eligibility:consent:<id>`) with `grants`,
   * inside the caller's transaction.
   */
  put(q: Queryable, source: string, grants: GrantInput[]): Promise<void> {
    return this.putMany(q, [{ source, grants }]);
  }

  /** `put` for many sources in one statement (a service writing hundreds of bases per transaction). */
  async putMany(q: Queryable, sets: { source: string; grants: GrantInput[] }[]): Promise<void> {
    if (sets.length === 0) return;
    const now = new Date();
    const rows = sets.flatMap((s) => s.grants.map((g) => ({ source: s.source, g })));
    const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
    await q.query(
      `WITH gone AS (DELETE FROM access_grants WHERE source = ANY($1::text[]))
       INSERT INTO access_grants (source, grantee, patient_key, label, valid_from, valid_to, data_from, data_to, basis)
       SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[])`,
      [
        sets.map((s) => s.source),
        col((r) => r.source),
        col((r) => r.g.grantee),
        col((r) => r.g.patientKey),
        col((r) => labelKey(r.g.label)),
        col((r) => (r.g.validFrom ?? now).toISOString()),
        col((r) => r.g.validTo?.toISOString() ?? null),
        col((r) => r.g.dataFrom?.toISOString() ?? null),
        col((r) => r.g.dataTo?.toISOString() ?? null),
        col((r) => r.g.basis),
      ],
    );
  }

  /** Ends the grants of `source` at `at` (those already ended earlier keep their end). */
  async end(q: Queryable, source: string, at = new Date()): Promise<void> {
    await q.query('UPDATE access_grants SET valid_to = $2 WHERE source = $1 AND (valid_to IS NULL OR valid_to > $2)', [source, at.toISOString()]);
  }

  /**
   * May `grantee` read a row of `patientKey` carrying `labels` (labelKey strings) with clinical date `dataDate`,
   * at `at`? Row-by-row form of `sqlCondition`.
   */
  async decide(q: Queryable, grantee: string, patientKey: string, labels: string[], dataDate: Date | null, at = new Date()): Promise<GrantDecision> {
    const controlled = labels.filter((l) => this.isControlled(l));
    if (controlled.length === 0 || !patientKey) return { allow: false };
    const res = await q.query<{ label: string; basis: string }>(
      `SELECT label, basis FROM access_grants
        WHERE grantee = $1 AND patient_key = $2 AND label = ANY($3::text[])
          AND valid_from <= $4 AND (valid_to IS NULL OR valid_to > $4)
          AND (data_from IS NULL OR $5::timestamptz >= data_from) AND (data_to IS NULL OR $5::timestamptz < data_to)`,
      [grantee, patientKey, controlled, at.toISOString(), dataDate?.toISOString() ?? null],
      { name: 'access_grants_decide' },
    );
    const opened = new Set(res.rows.map((r) => r.label));
    if (!controlled.every((l) => opened.has(l))) return { allow: false };
    return { allow: true, basis: [...new Set(res.rows.map((r) => r.basis))].join(' ') };
  }

  /**
   * SQL condition (for rows aliased `r` with columns patient_key, labels, data_date): the row is opened to
   * `grantee` by current grants. `at` is a placeholder holding the decision time.
   */
  sqlCondition(p: StatementParams, grantee: string, at: string, r = 'r'): string {
    if (this.systems.size === 0) return 'FALSE';
    const systems = p.add(
      this.controlledSystems.map((s) => `${s}|`),
      'text[]',
    );
    const g = p.add(grantee);
    const controlledLabel = (l: string) => `EXISTS (SELECT 1 FROM unnest(${systems}) s WHERE starts_with(${l}, s))`;
    const opened = (l: string) =>
      `EXISTS (SELECT 1 FROM access_grants g WHERE g.grantee = ${g} AND g.patient_key = ${r}.patient_key AND g.label = ${l}` +
      ` AND g.valid_from <= ${at} AND (g.valid_to IS NULL OR g.valid_to > ${at})` +
      ` AND (g.data_from IS NULL OR ${r}.data_date >= g.data_from) AND (g.data_to IS NULL OR ${r}.data_date < g.data_to))`;
    return (
      `(${r}.patient_key <> '' AND EXISTS (SELECT 1 FROM unnest(${r}.labels) l(v) WHERE ${controlledLabel('l.v')})` +
      ` AND NOT EXISTS (SELECT 1 FROM unnest(${r}.labels) l(v) WHERE ${controlledLabel('l.v')} AND NOT ${opened('l.v')}))`
    );
  }
}
