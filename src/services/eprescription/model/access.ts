/**
 * Who may call the service's operations, and the record of every refusal (MISSION.md: every access is audited, every
 * deny path too). A refusal is written to the person's access log when the person is known (the patient sees that a
 * pharmacy tried a wrong birth date), otherwise under no person; the caller gets the error unchanged.
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { ownerKey } from '../../../platform/auth/principal.ts';
import { FhirError } from '../../../platform/fhir/errors.ts';
import type { EprescriptionRuntime } from './runtime.ts';

export type CallerKind = 'facility' | 'pharmacy';

export interface Caller {
  kind: CallerKind;
  /** 医療機関コード / 薬局コード. */
  code: string;
  ownerKey: string;
}

/** The caller as one of `kinds`, or 403 (recorded by `audited`). */
export function callerOf(ctx: RequestContext, kinds: readonly CallerKind[], what: { ja: string; en: string }): Caller {
  const p = ctx.principal;
  if ((p.kind === 'facility' || p.kind === 'pharmacy') && kinds.includes(p.kind) && p.facilityCode)
    return { kind: p.kind, code: p.facilityCode, ownerKey: ownerKey(p) };
  const who = kinds.map((k) => (k === 'facility' ? '医療機関' : '薬局')).join('・');
  throw FhirError.of(403, 'forbidden', `${what.ja}は${who}が行います`, `${what.en} is done by ${kinds.join(' or ')}`);
}

/** What a handler learnt before a refusal: whose data it was about, and which records. */
export interface AuditNote {
  patientKey?: string;
  entities: string[];
}

const ACTIONS = { C: 'C', U: 'U', D: 'D', R: 'R' } as const;

/**
 * Runs `fn`; a FhirError it throws (a refusal) is recorded with the note's person and entities, then rethrown.
 * Successful operations record their own audit event inside their transaction (or via readAudit for reads).
 */
export async function audited<T>(
  rt: EprescriptionRuntime,
  ctx: RequestContext,
  interaction: string,
  action: keyof typeof ACTIONS,
  fn: (note: AuditNote) => Promise<T>,
): Promise<T> {
  const note: AuditNote = { entities: [] };
  try {
    return await fn(note);
  } catch (e) {
    if (e instanceof FhirError && e.status < 500) {
      const reason = e.outcome.issue?.map((i) => i.diagnostics ?? i.details?.text ?? i.code).join('; ') ?? String(e.status);
      await rt.platform.readAudit.write([
        rt.platform.repo.auditRecord(ctx, ACTIONS[action], interaction, '4', note.patientKey ?? '', note.entities, {
          outcomeDesc: `${e.status}: ${reason}`.slice(0, 2000),
        }),
      ]);
    }
    throw e;
  }
}
