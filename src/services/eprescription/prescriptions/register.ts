/**
 * `$register-prescription` (処方箋の登録): a facility registers a prescription its 医師 / 歯科医師 signed.
 *
 * In order — each step refuses with every issue it found, and nothing is stored:
 *  1. the caller is a facility; the body is a JP_Bundle_ePrescriptionData document, valid against the profile;
 *  2. the document: the issuing facility is the caller; the dates; refill and split; every drug code is a valid
 *     code of the drug master on the 交付日 and every display is the master's name for its code (drug-lines.ts);
 *  3. the person: the insurance Coverage and birth date name one registered person (prescription-person.ts);
 *  4. the 交付日 is not in the future and the 使用期限 has not passed;
 *  5. the signature: HPKI, qualification 医師 / 歯科医師, chain, validity, CRL, over the exact content (prescriber.ts);
 *     a signed-in staff member (the clinic app) must be the signer: their enrolled certificate (remote-signing/);
 *     an in-house prescription (院内処方, no 処方箋 is handed over) needs none and registers with its dispensing;
 *  6. the duplicate and contraindication check against the person's other prescriptions and dispensings of 100 days:
 *     an alert refuses unless the prescriber gives `overrideReason` (kept with the alerts);
 *  7. stored in one transaction: the prescription with a new 処方箋ID and 引換番号, its lines, (in-house) its
 *     dispensing; the audit event. A Bundle.identifier the facility registered before is refused (409).
 */
import type { RequestContext } from '../../../platform/auth/principal.ts';
import { toAuditRow } from '../../../platform/audit/audit-record.ts';
import { documentBundle, documentValidationErrors, refuseIfAny } from '../../../platform/conformance/documents.ts';
import { FhirError, conflict } from '../../../platform/fhir/errors.ts';
import { newId } from '../../../platform/fhir/ids.ts';
import type { Issue } from '../../../platform/fhir/outcome.ts';
import { japanDate } from '../../../platform/master-files/japan-date.ts';
import type { CheckAlert } from '../checks/index.ts';
import { type AuditNote, callerOf } from '../model/access.ts';
import { PROFILES, dispensingRef, prescriptionRef } from '../model/fhir-codes.ts';
import type { EprescriptionRuntime } from '../model/runtime.ts';
import { readDispensing, totalsOf, useFilled, type DispensedLine } from '../pharmacy/dispensed-lines.ts';
import { insertDispensing } from '../pharmacy/store-dispensing.ts';
import type { Json } from './document-entries.ts';
import { newExchangeNumber } from './exchange-number.ts';
import { alertIssues } from './alert-issues.ts';
import { assertSignerIsCaller } from '../remote-signing/signing-keys.ts';
import { authorPractitioner, type Prescriber, verifiedPrescriber } from './prescriber.ts';
import { type PrescribedLine, readPrescription } from './prescription-document.ts';
import { type PrescriptionPerson, prescriptionPerson } from './prescription-person.ts';
import type { LineRow, PrescriptionRow } from './prescription-row.ts';
import { type CheckRun, runChecks } from './run-checks.ts';

export interface RegisterRequest {
  bundle: unknown;
  overrideReason?: string;
  /** 院内処方: registered together with its dispensing (MedicationDispense list; absent: dispensed as prescribed). */
  inHouse?: { dispenses?: Json[] };
}

export interface Registered {
  prescriptionId: string;
  exchangeNumber: string;
  patientId: string;
  issuedOn: string;
  validUntil: string;
  usesAllowed: number;
  split: boolean;
  kind: 'outpatient' | 'in-house';
  check: CheckRun;
  dispensing?: { id: string; receipt: string };
}

const toLineRow = (l: PrescribedLine): LineRow => ({
  line_no: l.lineNo,
  code_system: l.system,
  code: l.code,
  name: l.name,
  ingredient_key: l.ingredientKey,
  class_key: l.classKey,
  generic_key: l.genericKey ?? null,
  quantity: l.quantity,
  unit: l.unit,
  days: l.days ?? null,
  substitution: l.substitution,
  free_text: l.textDiffers ?? null,
});

/** The lines as dispensed when an in-house prescription gives no MedicationDispense: exactly as prescribed. */
const asPrescribed = (lines: PrescribedLine[]): DispensedLine[] =>
  lines.map((l, i) => ({ ...l, lineNo: i + 1, prescriptionLine: l.lineNo, substituted: false }));

export async function registerPrescription(rt: EprescriptionRuntime, ctx: RequestContext, req: RegisterRequest, note: AuditNote): Promise<Registered> {
  const inHouse = req.inHouse !== undefined;
  const facility = callerOf(ctx, ['facility'], { ja: '処方箋の登録', en: 'registering a prescription' });
  const { bundle, entries } = documentBundle(req.bundle, PROFILES.prescription, 'JP_Bundle_ePrescriptionData', 'document');
  const validation = documentValidationErrors(rt.platform.conformance, bundle, PROFILES.prescription, 'jp-ePrescriptionData');
  const issues: Issue[] = [];
  const master = await rt.master();
  const doc = readPrescription(bundle, entries, master, issues);
  if (doc.issuer && doc.issuer !== facility.code)
    issues.push({
      severity: 'error',
      code: 'business-rule',
      ja: `処方箋の発行医療機関（${doc.issuer}）があなたの医療機関コード（${facility.code}）と一致しません。自院の処方箋だけを登録できます`,
      en: `the issuing facility (${doc.issuer}) is not yours (${facility.code}); a facility registers only its own prescriptions`,
      expression: ['Bundle.entry[0].resource.author'],
    });
  if (!doc.documentId)
    issues.push({
      severity: 'error',
      code: 'required',
      ja: 'Bundle.identifier.value がありません',
      en: 'Bundle.identifier.value is missing',
      expression: ['Bundle.identifier'],
    });
  if (inHouse && doc.usesAllowed > 1)
    issues.push({
      severity: 'error',
      code: 'business-rule',
      ja: '院内処方はリフィルにできません',
      en: 'an in-house prescription is not a refill prescription',
      expression: ['Bundle.entry'],
    });
  // The person first, so that a refusal of their prescription is in their access log.
  const found = await prescriptionPerson(rt.platform.db, entries).catch((e: unknown) => e);
  if (!(found instanceof Error)) note.patientKey = (found as PrescriptionPerson).patientId;
  refuseIfAny(issues, validation);
  if (found instanceof Error) throw found;
  const person = found as PrescriptionPerson;
  const now = rt.clock();
  const today = japanDate(now);
  if (doc.issuedOn! > today)
    refuseIfAny([
      {
        severity: 'error',
        code: 'business-rule',
        ja: `交付日（${doc.issuedOn}）が未来の日付です`,
        en: `the issue date ${doc.issuedOn} is in the future`,
        expression: ['Bundle.entry[0].resource.event'],
      },
    ]);
  if (!inHouse && doc.validUntil! < today)
    refuseIfAny([
      {
        severity: 'error',
        code: 'business-rule',
        ja: `処方箋の使用期限（${doc.validUntil}）を過ぎています`,
        en: `the prescription's validity ended on ${doc.validUntil}`,
        expression: ['Bundle.entry[0].resource.event'],
      },
    ]);
  const author = authorPractitioner(entries);
  const prescriber: Prescriber =
    inHouse && bundle.signature === undefined
      ? { name: author.name ?? '', role: 'doctor', registrationNumber: author.license, signed: false }
      : await verifiedPrescriber(rt, bundle, entries, now);
  // a signed-in 医師 registers only what they signed with their own enrolled certificate (remote-signing/)
  if (prescriber.signed) await assertSignerIsCaller(rt, ctx, prescriber.certificateFingerprint);

  const prescriptionId = newId();
  const check = await runChecks(rt, {
    patientId: person.patientId,
    facility: facility.code,
    ownerKey: facility.ownerKey,
    lines: doc.lines,
    date: doc.issuedOn,
    prescriptionId,
    source: 'prescription',
  });
  const reason = req.overrideReason?.trim();
  if (check.alerts.length > 0 && !reason)
    throw alertRefusal(
      check,
      doc.lines.map((l) => l.name),
    );

  const lines = doc.lines.map(toLineRow);
  let dispensed: DispensedLine[] | undefined;
  if (inHouse) {
    const given = req.inHouse?.dispenses ?? [];
    const found: Issue[] = [];
    dispensed = given.length ? readDispensing(rt.platform.conformance, master, lines, new Map(), given, now, found).lines : asPrescribed(doc.lines);
    refuseIfAny(found);
  }

  return rt.platform.repo.transaction(
    async (session) => {
      await session.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`eprescription:${facility.code}|${doc.documentId}`]);
      const before = await session.tx.query<{ prescription_id: string }>(
        'SELECT prescription_id FROM eprescription_prescriptions WHERE issuer = $1 AND document_id = $2',
        [facility.code, doc.documentId],
      );
      if (before.rows[0])
        throw conflict(
          `この処方箋（Bundle.identifier ${doc.documentId}）は登録済みです（処方箋ID ${before.rows[0].prescription_id}）`,
          `this prescription (Bundle.identifier ${doc.documentId}) was registered before (${before.rows[0].prescription_id})`,
        );
      // one registration of a person at a time: the new 引換番号 is unique among their open prescriptions
      await session.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`eprescription-person:${person.patientId}`]);
      const exchangeNumber = await newExchangeNumber(session.tx, person.patientId);
      const row: PrescriptionRow = {
        prescription_id: prescriptionId,
        patient_key: person.patientId,
        insured_key: person.insuredKey,
        birth_date: person.birthDate,
        exchange_number: exchangeNumber,
        issuer: facility.code,
        kind: inHouse ? 'in-house' : 'outpatient',
        document_id: doc.documentId,
        issued_on: doc.issuedOn!,
        valid_until: doc.validUntil!,
        uses_allowed: doc.usesAllowed,
        split: doc.split,
        state: inHouse ? 'completed' : 'registered',
        uses_done: inHouse ? 1 : 0,
        next_use_from: null,
        next_use_until: null,
        accepted_by: null,
        accepted_at: null,
        prescriber: JSON.stringify(prescriber),
        registered_at: now,
        cancelled_at: null,
        override_reason: check.alerts.length ? reason! : null,
        alerts: JSON.stringify(check.alerts),
      };
      await session.tx.query(
        `INSERT INTO eprescription_prescriptions (prescription_id, patient_key, insured_key, birth_date, exchange_number, issuer, kind, document_id, issued_on,
           valid_until, uses_allowed, split, state, uses_done, prescriber, registered_at, override_reason, alerts, bundle)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
        [
          row.prescription_id,
          row.patient_key,
          row.insured_key,
          row.birth_date,
          row.exchange_number,
          row.issuer,
          row.kind,
          row.document_id,
          row.issued_on,
          row.valid_until,
          row.uses_allowed,
          row.split,
          row.state,
          row.uses_done,
          row.prescriber,
          now.toISOString(),
          row.override_reason,
          row.alerts,
          JSON.stringify(bundle),
        ],
      );
      for (const l of doc.lines)
        await session.tx.query(
          `INSERT INTO eprescription_lines (prescription_id, line_no, patient_key, code_system, code, name, ingredient_key, class_key, generic_key, quantity, unit, days, substitution, free_text)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [
            prescriptionId,
            l.lineNo,
            person.patientId,
            l.system,
            l.code,
            l.name,
            l.ingredientKey,
            l.classKey,
            l.genericKey ?? null,
            l.quantity,
            l.unit,
            l.days ?? null,
            l.substitution,
            l.textDiffers ?? null,
          ],
        );
      let dispensing: Registered['dispensing'];
      const entities = [prescriptionRef(prescriptionId)];
      if (dispensed) {
        const id = newId();
        const result = req.inHouse?.dispenses ?? [];
        const receipt = await insertDispensing(
          session,
          rt.receipts,
          row,
          {
            id,
            pharmacy: facility.code,
            use: 1,
            completesUse: useFilled(lines, totalsOf(new Map(), dispensed)),
            dispensedOn: doc.issuedOn!,
            lines: dispensed,
            result,
            version: 1,
            state: 'registered',
          },
          now,
        );
        dispensing = { id, receipt };
        entities.push(dispensingRef(id));
      }
      session.audits.push(
        toAuditRow(
          rt.platform.repo.auditRecord(ctx, 'C', 'register-prescription', '0', person.patientId, entities, {
            outcomeDesc: `${row.kind} prescription, ${lines.length} line(s), ${check.alerts.length} alert(s)${row.override_reason ? ' registered with a reason' : ''}`,
          }),
        ),
      );
      return {
        prescriptionId,
        exchangeNumber,
        patientId: person.patientId,
        issuedOn: row.issued_on,
        validUntil: row.valid_until,
        usesAllowed: row.uses_allowed,
        split: row.split,
        kind: row.kind,
        check,
        dispensing,
      };
    },
    { trusted: true },
  );
}

/** 422 naming each alert (as the facility may see it) and how to go on. */
function alertRefusal(check: CheckRun, names: string[]): FhirError {
  return new FhirError(422, {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'business-rule',
        details: {
          coding: [{ system: 'urn:tsunagu:eprescription:refusal', code: 'check-alert' }],
          text: `重複投薬・併用禁忌の可能性があります（${check.alerts.length}件）。処方を見直すか、理由（overrideReason）を記載して登録してください`,
        },
        diagnostics: `${check.alerts.length} duplicate / contraindication alert(s): change the prescription or register with overrideReason`,
      },
      ...alertIssues(check.shown, names),
    ],
  });
}

export type { CheckAlert };
