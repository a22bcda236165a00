/**
 * The certificate → person link (マイナ保険証の利用登録): a 利用者証明用電子証明書 (by issuing CA and serial) is linked
 * to one registered person. The My Number is never used — the platform only knows the certificate. A renewal
 * (証明書の更新) moves the link to the new certificate (the person keeps one identity); the old row is kept,
 * marked superseded, for the audit trail.
 */
import { X509Certificate } from 'node:crypto';
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import { FhirError, badRequest, conflict, notFound } from '../../../platform/fhir/errors.ts';
import type { ServicePlatform } from '../../../platform/service.ts';
import type { WriteSession } from '../../../platform/store/repository.ts';
import type { Queryable } from '../../../platform/storage/database.ts';
import { fingerprintOf, fromPem, normalizeSerial } from './card/algorithms.ts';
import type { TrustStore } from './card/trust-store.ts';
import { x509 } from './card/x509.ts';

export interface CertificateInfo {
  serial: string;
  fingerprint: string;
  cardId: string;
  issuerFingerprint: string;
  notAfter: Date;
}

/** Reads a certificate (PEM or base64 DER) and finds its issuer among the trusted CAs. */
export function describeUserCertificate(certificate: string, trust: TrustStore): CertificateInfo {
  let der: Buffer;
  let cert: X509Certificate;
  try {
    der = certificate.includes('-----BEGIN') ? fromPem(certificate, 'CERTIFICATE')[0] : Buffer.from(certificate.replace(/\s+/g, ''), 'base64');
    cert = new X509Certificate(der);
  } catch {
    throw badRequest('電子証明書を読み取れません（PEM または base64 の DER）', 'the certificate cannot be read (PEM or base64 DER expected)', ['certificate']);
  }
  const issuer = [...trust.anchors(), ...trust.intermediates()].find((ca) => {
    try {
      return cert.checkIssued(ca.certificate) && cert.verify(ca.publicKey);
    } catch {
      return false;
    }
  });
  if (!issuer)
    throw FhirError.of(422, 'security', '信頼する認証局が発行した証明書ではありません', 'the certificate was not issued by a trusted CA', ['certificate']);
  const info = new x509.X509Certificate(der);
  return {
    serial: normalizeSerial(cert.serialNumber),
    fingerprint: fingerprintOf(der),
    cardId: info.subjectName.getField('CN')[0] ?? '',
    issuerFingerprint: issuer.fingerprint,
    notAfter: info.notAfter,
  };
}

function auditLink(platform: ServicePlatform, session: WriteSession, ctx: RequestContext, patientId: string, what: string): void {
  session.audits.push(toAuditRow(platform.repo.auditRecord(ctx, 'C', 'link-card', '0', patientId, [`Patient/${patientId}`], { outcomeDesc: what })));
}

/**
 * Links a certificate to a registered person (idempotent for the same person; 409 for another). An insurer may
 * not add a second certificate to a person who still has a valid one (not superseded, unexpired, not revoked per
 * `isRevoked`): a wrong link would let another card identify as the member, so a replacement card goes through
 * revocation of the old certificate (or renewal, which moves the link) first. Operators may.
 */
export async function linkCertificate(
  platform: ServicePlatform,
  ctx: RequestContext,
  cert: CertificateInfo,
  patientId: string,
  isRevoked: (issuerFingerprint: string, serial: string) => boolean = () => false,
): Promise<'linked' | 'already-linked'> {
  return platform.repo.transaction(async (session) => {
    const tx = session.tx;
    const person = await tx.query('SELECT 1 FROM elig_records WHERE patient_key = $1 LIMIT 1', [patientId]);
    if (person.rowCount === 0) throw notFound(`Patient/${patientId}（資格情報が登録された方）`);
    const existing = await tx.query<{ patient_key: string }>('SELECT patient_key FROM elig_cards WHERE issuer_fingerprint = $1 AND serial = $2 FOR UPDATE', [
      cert.issuerFingerprint,
      cert.serial,
    ]);
    if (existing.rows[0]) {
      if (existing.rows[0].patient_key !== patientId)
        throw conflict('この電子証明書は別の方に紐付けられています', 'the certificate is already linked to another person');
      return 'already-linked';
    }
    if (ctx.principal.kind !== 'operator') {
      const current = await tx.query<{ issuer_fingerprint: string; serial: string }>(
        `SELECT issuer_fingerprint, serial FROM elig_cards
          WHERE patient_key = $1 AND superseded_by IS NULL AND unlinked_at IS NULL AND (not_after IS NULL OR not_after > now()) FOR UPDATE`,
        [patientId],
      );
      if (current.rows.some((r) => !isRevoked(r.issuer_fingerprint, r.serial)))
        throw conflict(
          'この方には有効な電子証明書が既に紐付いています。再発行の場合は旧証明書の失効後に、更新の場合は更新手続きで紐付けてください',
          'the person already has a valid linked certificate: link a re-issued card after the old certificate is revoked, or renew it',
        );
    }
    await tx.query(`INSERT INTO elig_cards (issuer_fingerprint, serial, fingerprint, card_id, patient_key, not_after) VALUES ($1, $2, $3, $4, $5, $6)`, [
      cert.issuerFingerprint,
      cert.serial,
      cert.fingerprint,
      cert.cardId,
      patientId,
      cert.notAfter.toISOString(),
    ]);
    auditLink(platform, session, ctx, patientId, `certificate ${cert.serial} linked`);
    return 'linked';
  });
}

/** After a renewal: the new certificate takes over the old one's person; the old link is marked superseded. */
export async function relinkRenewed(
  platform: ServicePlatform,
  ctx: RequestContext,
  issuerFingerprint: string,
  previousSerial: string,
  next: CertificateInfo,
): Promise<string> {
  return platform.repo.transaction(async (session) => {
    const tx = session.tx;
    const old = await tx.query<{ patient_key: string }>('SELECT patient_key FROM elig_cards WHERE issuer_fingerprint = $1 AND serial = $2 FOR UPDATE', [
      issuerFingerprint,
      normalizeSerial(previousSerial),
    ]);
    const patientId = old.rows[0]?.patient_key;
    if (!patientId) throw notFound(`certificate ${previousSerial}`);
    await tx.query('UPDATE elig_cards SET superseded_by = $3 WHERE issuer_fingerprint = $1 AND serial = $2', [
      issuerFingerprint,
      normalizeSerial(previousSerial),
      next.serial,
    ]);
    await tx.query(
      `INSERT INTO elig_cards (issuer_fingerprint, serial, fingerprint, card_id, patient_key, not_after) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (issuer_fingerprint, serial) DO NOTHING`,
      [next.issuerFingerprint, next.serial, next.fingerprint, next.cardId, patientId, next.notAfter.toISOString()],
    );
    auditLink(platform, session, ctx, patientId, `certificate ${previousSerial} renewed as ${next.serial}`);
    return patientId;
  });
}

/** The person registered under an insured-person identifier (`保険者番号:記号:番号:枝番`), checked against a birth date. */
export async function personByInsuredKey(db: Queryable, insuredKey: string, birthDate?: string): Promise<string | undefined> {
  const res = await db.query<{ patient_key: string; birth_date: string }>('SELECT DISTINCT patient_key, birth_date FROM elig_records WHERE insured_key = $1', [
    insuredKey,
  ]);
  const rows = birthDate ? res.rows.filter((r) => r.birth_date === birthDate) : res.rows;
  const persons = [...new Set(rows.map((r) => r.patient_key))];
  return persons.length === 1 ? persons[0] : undefined;
}

export interface CertificateHolder {
  patientId: string;
  /** The link was moved to a renewed certificate, or ended. */
  superseded: boolean;
  unlinked: boolean;
  /** The person's Patient (JSON), when stored. */
  patientJson: string | null;
}

/** The person a certificate (by SHA-256 fingerprint of its DER) is linked to, current or not; undefined when none. */
export async function certificateHolder(platform: ServicePlatform, fingerprint: string): Promise<CertificateHolder | undefined> {
  const res = await platform.db.query<{ patient_key: string; superseded_by: string | null; unlinked_at: Date | null; patient: string | null }>(
    `SELECT c.patient_key, c.superseded_by, c.unlinked_at, ${platform.system.contentSql('Patient', 'c.patient_key')} AS patient
       FROM elig_cards c WHERE c.fingerprint = $1`,
    [fingerprint],
  );
  const r = res.rows[0];
  return r && { patientId: r.patient_key, superseded: r.superseded_by !== null, unlinked: r.unlinked_at !== null, patientJson: r.patient };
}
