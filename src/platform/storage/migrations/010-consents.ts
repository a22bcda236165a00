/**
 * Consents as a shared capability (src/platform/consent): every choice a patient made for a category at an
 * organisation (reader consent) or an emergency access, and the patient's holds (閲覧保留). The Consent resources
 * are the record; these rows are what decisions read. `grantee` is the organisation's ownerKey
 * (`facility:<医療機関コード>`, `pharmacy:<医療機関コード>`).
 */
export const consents = `
CREATE TABLE consents (
  consent_id text PRIMARY KEY,
  patient_key text NOT NULL,
  grantee text NOT NULL,
  category text NOT NULL,
  decision text NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz NOT NULL,
  recorded timestamptz NOT NULL,
  revoked_at timestamptz,
  kind text NOT NULL,
  context text
);
CREATE INDEX consents_lookup ON consents (patient_key, grantee, category, recorded DESC);

CREATE TABLE consent_holds (
  hold_id text PRIMARY KEY,
  patient_key text NOT NULL,
  category text NOT NULL,
  grantee text,
  held_at timestamptz NOT NULL,
  released_at timestamptz
);
CREATE INDEX consent_holds_patient ON consent_holds (patient_key, category);
`;
