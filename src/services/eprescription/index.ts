/**
 * The e-prescription management service (電子処方箋管理サービス, MISSION.md S2) — being built (issue 12). This file
 * will be its only entry point, as for the other services; the service module (operations, lifecycle, pharmacy
 * flow) is not registered yet. What stands so far, each folder with its tests and its README:
 *   master/     the drug master (医薬品マスター: receipt code, YJ, 一般名処方コード, HOT; names and validity by date;
 *               dummy / unknown / expired codes refused; the official files' importers; a sample master)
 *   checks/     duplicate and contraindication checks (重複投薬・併用禁忌) over 100 days, the interaction data and its CSV
 *   signature/  prescriber signatures in the HPKI style (qualification in the certificate, CRL, a detached JWS over
 *               the canonical Bundle), a test CA and the seam to real HPKI or remote signing
 * See docs/eprescription.md.
 */
export { DrugMaster, loadDrugMaster, drugMasterMigration, type DrugEntry, type DrugProblem } from './master/index.ts';
export { checkMedications, redactAlert, InteractionRuleSet, interactionsMigration, type CheckAlert } from './checks/index.ts';
export { signPrescriptionBundle, verifyPrescriptionSignature, createHpkiAuthority, type VerifiedSigner } from './signature/index.ts';
