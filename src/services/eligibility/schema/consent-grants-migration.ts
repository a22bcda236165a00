/**
 * Schema version 110: reader consents become access grants (src/platform/access/grants.ts). Permitting consents
 * recorded before get their grant (valid until they expired or were revoked); the per-type index of labelled
 * data the old consent rule kept (elig_labelled_data) is no longer used — every stored version carries its labels.
 */
import type { Migration } from '../../../platform/storage/migrate.ts';
import { CONSENT_CATEGORY_SYSTEM } from '../model/fhir-codes.ts';

const sql = `
INSERT INTO access_grants (source, grantee, patient_key, label, valid_from, valid_to, data_from, data_to, basis)
SELECT 'eligibility:consent:' || consent_id,
       CASE WHEN substr(facility_code, 3, 1) = '4' THEN 'pharmacy:' ELSE 'facility:' END || facility_code,
       patient_key, '${CONSENT_CATEGORY_SYSTEM}|' || category, valid_from,
       CASE WHEN revoked_at IS NOT NULL AND revoked_at < valid_to THEN revoked_at ELSE valid_to END,
       NULL, NULL, 'Consent/' || consent_id
  FROM elig_consents WHERE decision = 'permit';
DROP TABLE elig_labelled_data;
`;

export const consentGrantsMigration: Migration = { version: 110, name: 'eligibility-consent-grants', sql };

/**
 * Schema version 111: consents move to the platform's shared consent capability (table `consents`, migration 10):
 * the reader consents recorded here become its rows (grantee = the facility's or pharmacy's ownerKey), their grants
 * take its source names.
 */
const moveSql = `
INSERT INTO consents (consent_id, patient_key, grantee, category, decision, valid_from, valid_to, recorded, revoked_at, kind, context)
SELECT consent_id, patient_key, CASE WHEN substr(facility_code, 3, 1) = '4' THEN 'pharmacy:' ELSE 'facility:' END || facility_code,
       category, decision, valid_from, valid_to, recorded, revoked_at, 'reader', visit_id
  FROM elig_consents;
UPDATE access_grants SET source = 'consent:' || substr(source, 21) WHERE source LIKE 'eligibility:consent:%';
DROP TABLE elig_consents;
`;

export const consentsMoveMigration: Migration = { version: 111, name: 'eligibility-consents-to-platform', sql: moveSql };
