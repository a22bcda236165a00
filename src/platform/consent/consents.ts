/**
 * Consent as a shared capability (同意管理): every service that shows a person's data to an organisation asks here,
 * and every way a basis arises or ends goes through here — consent at the reader (eligibility), revocation (the
 * patient, the facility), holds (閲覧保留, the patient in the portal), emergency access (S8).
 *
 *   decide(…)      may this organisation view this category of the person's data now? (the precise reason if not)
 *   record(…)      a choice (permit / deny) for a category at an organisation: a JP_Consent resource, a row, and — for
 *                  a permit — an access grant of the category's label for the consent's validity; an earlier active
 *                  choice of the same category there is replaced (set inactive, its grant ended)
 *   list(…)        the person's consents and group holds as they stand (the portal)
 *   revoke(…)      withdraws a consent at once (the patient, the organisation it names, an operator)
 *   hold / release the patient suspends viewing of a category (for one organisation or all): the grants of the
 *                  consents given before the hold end; only a consent given after the hold (fresh consent at the
 *                  reader, MISSION.md S3 閲覧保留) opens it again; on release the still-valid permits open again
 *   emergency(…)   a time-limited access without consent, for the emergency workflow only (its own Consent, grants
 *                  with an emergency basis; holds do not stop it — the patient is notified by that workflow)
 *
 * The platform decides reads from the grants (src/platform/access/grants.ts); `decide` gives services the reason of
 * a refusal. Consent resources carry CONSENT_MANAGED_TAG and change only through this module (writeGuard).
 */
import type { AccessGrants } from '../access/grants.ts';
import { resourceOf, type WriteRule } from '../access/policy.ts';
import { toAuditRow } from '../audit/audit-record.ts';
import { ownerKey, type RequestContext } from '../auth/principal.ts';
import { forbidden, notFound } from '../fhir/errors.ts';
import { newId } from '../fhir/ids.ts';
import type { Queryable } from '../storage/database.ts';
import type { Repository, WriteSession } from '../store/repository.ts';
import { CONSENT_CATEGORIES, CONSENT_MANAGED_TAG, securityLabel, type ConsentCategory } from './categories.ts';
import { consentResource, type ConsentPolicy } from './consent-resource.ts';
import { listConsents, listHolds, type ListedConsent, type ListedHold } from './consent-list.ts';

export type ConsentAnswer =
  | { allow: true; consentId: string; validTo: Date /** when the consent was given */; givenAt: Date }
  | { allow: false; code: 'no-consent' | 'declined' | 'expired' | 'revoked' | 'held'; consentId?: string; ja: string; en: string };

/** The organisation a consent is for. */
export interface ConsentRecipient {
  kind: 'facility' | 'pharmacy';
  /** 医療機関コード. */
  code: string;
  name: string;
}

export interface ConsentChoice {
  patientId: string;
  recipient: ConsentRecipient;
  category: ConsentCategory;
  decision: 'permit' | 'deny';
  validFrom: Date;
  validTo: Date;
  policy: Exclude<ConsentPolicy, 'emergency'>;
  visitId?: string;
}

export interface RecordedConsent {
  consentId: string;
  category: ConsentCategory;
  decision: 'permit' | 'deny';
  validFrom: Date;
  validTo: Date;
  /** The Consent resource as stored (JSON text). */
  content: string;
}

/** The grant source of a consent (its grant ends when the consent does). */
export const consentGrantSource = (consentId: string) => `consent:${consentId}`;
const granteeOf = (r: ConsentRecipient) => `${r.kind}:${r.code}`;

interface ConsentRow {
  consent_id: string;
  recorded: Date;
  decision: string;
  valid_from: Date;
  valid_to: Date;
  revoked_at: Date | null;
}

const isManagedConsent = (r: Record<string, unknown> | undefined) =>
  ((r?.meta as { tag?: { system?: string; code?: string }[] } | undefined)?.tag ?? []).some(
    (t) => t.system === CONSENT_MANAGED_TAG.system && t.code === CONSENT_MANAGED_TAG.code,
  );

export class Consents {
  constructor(
    private readonly repo: Repository,
    private readonly grants: AccessGrants,
    private readonly db: Queryable,
  ) {}

  /** Clients never create, change or delete the Consent resources this module keeps (judged on new and stored). */
  writeGuard(): WriteRule {
    return (req) => {
      if (req.resourceType !== 'Consent') return undefined;
      if (!isManagedConsent(resourceOf(req)) && !isManagedConsent(req.stored?.())) return undefined;
      return { allow: false, ja: '同意の記録は同意の操作でのみ変更できます', en: 'consent records are changed only through the consent operations' };
    };
  }

  /**
   * May `grantee` (ownerKey form, e.g. `facility:1312345679`) view `category` data of `patientId` at `at`? A hold
   * refuses; otherwise the latest choice of that category there decides: it must permit, cover `at`, not be revoked.
   */
  async decide(q: { patientId: string; grantee: string; category: ConsentCategory; at?: Date }, db: Queryable = this.db): Promise<ConsentAnswer> {
    const at = q.at ?? new Date();
    const label = CONSENT_CATEGORIES[q.category];
    const heldSince = await this.heldSince(db, q.patientId, q.category, q.grantee, at);
    const res = await db.query<ConsentRow>(
      `SELECT consent_id, recorded, decision, valid_from, valid_to, revoked_at FROM consents
        WHERE patient_key = $1 AND grantee = $2 AND category = $3 AND kind = 'reader' AND recorded <= $4
        ORDER BY recorded DESC LIMIT 1`,
      [q.patientId, q.grantee, q.category, at.toISOString()],
      { name: 'consent_decide' },
    );
    const row = res.rows[0];
    if (heldSince && (!row || new Date(row.recorded) <= heldSince))
      return {
        allow: false,
        code: 'held',
        ja: `本人が${label.ja}の閲覧を保留しています。閲覧には保留の後にあらためて同意が必要です`,
        en: `the patient has put viewing of ${label.en} on hold; viewing needs consent given after the hold`,
      };
    if (!row)
      return {
        allow: false,
        code: 'no-consent',
        ja: `${label.ja}の閲覧について、この医療機関での本人の同意がありません`,
        en: `the patient has not consented to this facility viewing ${label.en}`,
      };
    if (row.revoked_at && new Date(row.revoked_at) <= at)
      return {
        allow: false,
        code: 'revoked',
        consentId: row.consent_id,
        ja: `${label.ja}の閲覧同意は取り消されています`,
        en: `consent to view ${label.en} was revoked`,
      };
    if (row.decision !== 'permit')
      return {
        allow: false,
        code: 'declined',
        consentId: row.consent_id,
        ja: `本人が${label.ja}の閲覧に同意しませんでした`,
        en: `the patient declined viewing of ${label.en}`,
      };
    if (at < new Date(row.valid_from) || at >= new Date(row.valid_to))
      return {
        allow: false,
        code: 'expired',
        consentId: row.consent_id,
        ja: `${label.ja}の閲覧同意の有効期間が過ぎています。もう一度カードリーダーで同意を取得してください`,
        en: `the consent to view ${label.en} has expired; ask the patient again at the reader`,
      };
    return { allow: true, consentId: row.consent_id, validTo: new Date(row.valid_to), givenAt: new Date(row.recorded) };
  }

  /** The person's consents (newest first) and group holds in force (consent-list.ts); the caller checked who asks. */
  async list(patientId: string, at = new Date(), db: Queryable = this.db): Promise<{ consents: ListedConsent[]; holds: ListedHold[] }> {
    return { consents: await listConsents(db, patientId, at), holds: await listHolds(db, patientId, at) };
  }

  /** Records a choice inside a trusted session (the caller checked who is choosing and where). */
  async record(session: WriteSession, ctx: RequestContext, c: ConsentChoice): Promise<RecordedConsent> {
    if (!session.trusted) throw new Error('Consents.record needs a trusted session (Repository.transaction(…, { trusted: true }))');
    const grantee = granteeOf(c.recipient);
    const previous = await session.tx.query<{ consent_id: string }>(
      `SELECT consent_id FROM consents WHERE patient_key = $1 AND grantee = $2 AND category = $3 AND kind = 'reader' AND revoked_at IS NULL AND valid_to > $4`,
      [c.patientId, grantee, c.category, c.validFrom.toISOString()],
    );
    for (const row of previous.rows) await this.end(session, ctx, row.consent_id, c.validFrom);
    const id = newId();
    const body = consentResource({
      id,
      patientId: c.patientId,
      facilityCode: c.recipient.code,
      facilityName: c.recipient.name,
      category: c.category,
      decision: c.decision,
      validFrom: c.validFrom,
      validTo: c.validTo,
      visitId: c.visitId,
      policy: c.policy,
    });
    const written = await this.repo.create(ctx, body, { session, id });
    await session.tx.query(
      `INSERT INTO consents (consent_id, patient_key, grantee, category, decision, valid_from, valid_to, recorded, kind, context)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'reader', $9)`,
      [id, c.patientId, grantee, c.category, c.decision, c.validFrom.toISOString(), c.validTo.toISOString(), c.validFrom.toISOString(), c.visitId ?? null],
    );
    // A consent given after a hold opens again (the hold stops only the consents given before it).
    if (c.decision === 'permit' && !(await this.heldAfter(session.tx, c.patientId, c.category, grantee, c.validFrom)))
      await this.openGrant(session.tx, id, grantee, c.patientId, c.category, c.validFrom, c.validTo);
    return { consentId: id, category: c.category, decision: c.decision, validFrom: c.validFrom, validTo: c.validTo, content: written.stored.content! };
  }

  /** Withdraws a consent at once: the patient (their own), the organisation it names, or an operator. */
  async revoke(ctx: RequestContext, consentId: string, now = new Date()): Promise<string> {
    const row = (await this.db.query<{ patient_key: string; grantee: string }>('SELECT patient_key, grantee FROM consents WHERE consent_id = $1', [consentId]))
      .rows[0];
    if (!row) throw notFound(`Consent/${consentId}`);
    const p = ctx.principal;
    const allowed = (p.kind === 'patient' && p.patientId === row.patient_key) || ownerKey(p) === row.grantee || p.kind === 'operator';
    if (!allowed)
      throw await this.repo.deny(
        ctx,
        'update',
        row.patient_key,
        `Consent/${consentId}`,
        'この同意を取り消す権限がありません',
        'not allowed to revoke this consent',
      );
    return this.repo.transaction(
      async (session) => {
        await this.end(session, ctx, consentId, now);
        return (await this.repo.loadCurrent(session.tx, 'Consent', consentId))?.content ?? '';
      },
      { trusted: true },
    );
  }

  /**
   * 閲覧保留: the patient suspends viewing of `category` — at one organisation (`grantee`) or everywhere (absent).
   * Open grants of that category end at once; none opens while the hold lasts. Returns the hold's id.
   */
  async hold(ctx: RequestContext, h: { patientId: string; category: ConsentCategory; grantee?: string }, now = new Date()): Promise<string> {
    this.assertPersonOrOperator(ctx, h.patientId);
    const id = newId();
    await this.repo.transaction(async (session) => {
      await session.tx.query('INSERT INTO consent_holds (hold_id, patient_key, category, grantee, held_at) VALUES ($1, $2, $3, $4, $5)', [
        id,
        h.patientId,
        h.category,
        h.grantee ?? null,
        now.toISOString(),
      ]);
      const open = await session.tx.query<{ consent_id: string }>(
        `SELECT consent_id FROM consents WHERE patient_key = $1 AND category = $2 AND ($3::text IS NULL OR grantee = $3) AND kind = 'reader' AND decision = 'permit' AND revoked_at IS NULL AND valid_to > $4`,
        [h.patientId, h.category, h.grantee ?? null, now.toISOString()],
      );
      for (const r of open.rows) await this.grants.end(session.tx, consentGrantSource(r.consent_id), now);
      session.audits.push(this.auditOf(ctx, 'consent-hold', h.patientId, `hold ${id}: ${h.category} ${h.grantee ?? 'everywhere'}`));
    });
    return id;
  }

  /** Ends a hold; the consents it suspended that are still valid open again. */
  async release(ctx: RequestContext, holdId: string, now = new Date()): Promise<void> {
    const row = (
      await this.db.query<{ patient_key: string; category: ConsentCategory; grantee: string | null }>(
        'SELECT patient_key, category, grantee FROM consent_holds WHERE hold_id = $1 AND released_at IS NULL',
        [holdId],
      )
    ).rows[0];
    if (!row) throw notFound(`hold ${holdId}`);
    this.assertPersonOrOperator(ctx, row.patient_key);
    await this.repo.transaction(async (session) => {
      await session.tx.query('UPDATE consent_holds SET released_at = $2 WHERE hold_id = $1', [holdId, now.toISOString()]);
      const valid = await session.tx.query<{ consent_id: string; grantee: string; valid_to: Date; recorded: Date }>(
        `SELECT consent_id, grantee, valid_to, recorded FROM consents WHERE patient_key = $1 AND category = $2 AND ($3::text IS NULL OR grantee = $3) AND kind = 'reader' AND decision = 'permit' AND revoked_at IS NULL AND valid_to > $4`,
        [row.patient_key, row.category, row.grantee, now.toISOString()],
      );
      for (const c of valid.rows)
        if (!(await this.heldAfter(session.tx, row.patient_key, row.category, c.grantee, new Date(c.recorded), now)))
          await this.openGrant(session.tx, c.consent_id, c.grantee, row.patient_key, row.category, now, new Date(c.valid_to));
      session.audits.push(this.auditOf(ctx, 'consent-release', row.patient_key, `hold ${holdId} released`));
    });
  }

  /**
   * Emergency access (救急時): for the emergency workflow only, after its own checks (a 医師 of the facility, a
   * declared reason); `categories` open to the facility until `until`, each with its own Consent (policy emergency).
   */
  async emergency(
    session: WriteSession,
    ctx: RequestContext,
    e: { patientId: string; recipient: ConsentRecipient; categories: ConsentCategory[]; from: Date; until: Date; reason: string },
  ): Promise<RecordedConsent[]> {
    if (!session.trusted) throw new Error('Consents.emergency needs a trusted session');
    const grantee = granteeOf(e.recipient);
    const out: RecordedConsent[] = [];
    for (const category of e.categories) {
      const id = newId();
      const written = await this.repo.create(
        ctx,
        consentResource({
          id,
          patientId: e.patientId,
          facilityCode: e.recipient.code,
          facilityName: e.recipient.name,
          category,
          decision: 'permit',
          validFrom: e.from,
          validTo: e.until,
          policy: 'emergency',
        }),
        { session, id },
      );
      await session.tx.query(
        `INSERT INTO consents (consent_id, patient_key, grantee, category, decision, valid_from, valid_to, recorded, kind, context)
         VALUES ($1, $2, $3, $4, 'permit', $5, $6, $5, 'emergency', $7)`,
        [id, e.patientId, grantee, category, e.from.toISOString(), e.until.toISOString(), e.reason],
      );
      await this.openGrant(session.tx, id, grantee, e.patientId, category, e.from, e.until, `Consent/${id} emergency`);
      out.push({ consentId: id, category, decision: 'permit', validFrom: e.from, validTo: e.until, content: written.stored.content! });
    }
    return out;
  }

  private async openGrant(
    q: Queryable,
    consentId: string,
    grantee: string,
    patientKey: string,
    category: ConsentCategory,
    from: Date,
    to: Date,
    basis = `Consent/${consentId}`,
  ): Promise<void> {
    await this.grants.put(q, consentGrantSource(consentId), [{ grantee, patientKey, label: securityLabel(category), validFrom: from, validTo: to, basis }]);
  }

  /** Ends a consent: its resource inactive, its row revoked, its grant ended. */
  private async end(session: WriteSession, ctx: RequestContext, consentId: string, at: Date): Promise<void> {
    const current = await this.repo.loadCurrent(session.tx, 'Consent', consentId, true);
    if (current?.content && !current.deleted) {
      const body = JSON.parse(current.content) as Record<string, unknown>;
      if (body.status !== 'inactive') await this.repo.update(ctx, 'Consent', consentId, { ...body, status: 'inactive' }, { session });
    }
    await session.tx.query('UPDATE consents SET revoked_at = COALESCE(revoked_at, $2) WHERE consent_id = $1', [consentId, at.toISOString()]);
    await this.grants.end(session.tx, consentGrantSource(consentId), at);
  }

  /** The start of the latest hold of this category for `grantee` in force at `at` (undefined: not held). */
  private async heldSince(q: Queryable, patientKey: string, category: ConsentCategory, grantee: string, at: Date): Promise<Date | undefined> {
    const res = await q.query<{ held_at: Date | null }>(
      `SELECT max(held_at) AS held_at FROM consent_holds WHERE patient_key = $1 AND category = $2 AND (grantee IS NULL OR grantee = $3) AND held_at <= $4 AND (released_at IS NULL OR released_at > $4)`,
      [patientKey, category, grantee, at.toISOString()],
      { name: 'consent_held_since' },
    );
    const v = res.rows[0]?.held_at;
    return v ? new Date(v) : undefined;
  }

  /** Is a consent given at `givenAt` stopped by a hold in force at `at` (one placed at or after it)? */
  private async heldAfter(q: Queryable, patientKey: string, category: ConsentCategory, grantee: string, givenAt: Date, at = givenAt): Promise<boolean> {
    const since = await this.heldSince(q, patientKey, category, grantee, at);
    return since !== undefined && since >= givenAt;
  }

  private assertPersonOrOperator(ctx: RequestContext, patientId: string): void {
    const p = ctx.principal;
    if (!((p.kind === 'patient' && p.patientId === patientId) || p.kind === 'operator'))
      throw forbidden('閲覧の保留は本人が行います', 'only the person (or an operator) puts viewing on hold');
  }

  private auditOf(ctx: RequestContext, subtype: string, patientKey: string, what: string) {
    return toAuditRow(this.repo.auditRecord(ctx, 'U', subtype, '0', patientKey, [`Patient/${patientKey}`], { outcomeDesc: what }));
  }
}
