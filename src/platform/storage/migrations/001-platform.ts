/**
 * Platform schema: versioned FHIR resources, search index tables, audit chain, clients.
 * Every table holding a person's data carries `patient_key` (the Patient id, '' when the row
 * belongs to no person) — the distribution column on a distributed PostgreSQL (docs/scaling.md).
 */
export const platformSchema = `
CREATE TABLE resources (
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  patient_key text NOT NULL DEFAULT '',
  content text,
  PRIMARY KEY (resource_type, id)
);
CREATE INDEX resources_type_updated ON resources (resource_type, last_updated);
CREATE INDEX resources_patient ON resources (patient_key) WHERE patient_key <> '';

-- Superseded versions only (the current one lives in resources): a create writes its JSON once.
CREATE TABLE resource_versions (
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  patient_key text NOT NULL DEFAULT '',
  content text,
  PRIMARY KEY (resource_type, id, version_id)
);
CREATE INDEX resource_versions_type_updated ON resource_versions (resource_type, last_updated);

CREATE TABLE sp_token (
  resource_type text NOT NULL, resource_id text NOT NULL, patient_key text NOT NULL,
  param text NOT NULL, system text, code text
);
CREATE INDEX sp_token_code ON sp_token (resource_type, param, code, system);
CREATE INDEX sp_token_owner ON sp_token (resource_type, resource_id);

CREATE TABLE sp_string (
  resource_type text NOT NULL, resource_id text NOT NULL, patient_key text NOT NULL,
  param text NOT NULL, norm text NOT NULL,
  exact text -- the text as written, when it differs from norm
);
CREATE INDEX sp_string_norm ON sp_string (resource_type, param, norm text_pattern_ops);
CREATE INDEX sp_string_owner ON sp_string (resource_type, resource_id);

CREATE TABLE sp_date (
  resource_type text NOT NULL, resource_id text NOT NULL, patient_key text NOT NULL,
  param text NOT NULL, low timestamptz NOT NULL, high timestamptz NOT NULL
);
CREATE INDEX sp_date_low ON sp_date (resource_type, param, low);
CREATE INDEX sp_date_high ON sp_date (resource_type, param, high);
CREATE INDEX sp_date_owner ON sp_date (resource_type, resource_id);

CREATE TABLE sp_reference (
  resource_type text NOT NULL, resource_id text NOT NULL, patient_key text NOT NULL,
  param text NOT NULL, target_type text, target_id text,
  target_url text -- only for references that are not Type/id (absolute URLs, canonicals)
);
CREATE INDEX sp_reference_target ON sp_reference (resource_type, param, target_id);
CREATE INDEX sp_reference_reverse ON sp_reference (target_type, target_id);
CREATE INDEX sp_reference_owner ON sp_reference (resource_type, resource_id);

CREATE TABLE sp_number (
  resource_type text NOT NULL, resource_id text NOT NULL, patient_key text NOT NULL,
  param text NOT NULL, value numeric NOT NULL
);
CREATE INDEX sp_number_value ON sp_number (resource_type, param, value);
CREATE INDEX sp_number_owner ON sp_number (resource_type, resource_id);

CREATE TABLE sp_quantity (
  resource_type text NOT NULL, resource_id text NOT NULL, patient_key text NOT NULL,
  param text NOT NULL, value numeric NOT NULL, system text, code text, unit text
);
CREATE INDEX sp_quantity_value ON sp_quantity (resource_type, param, value);
CREATE INDEX sp_quantity_owner ON sp_quantity (resource_type, resource_id);

CREATE TABLE sp_uri (
  resource_type text NOT NULL, resource_id text NOT NULL, patient_key text NOT NULL,
  param text NOT NULL, uri text NOT NULL
);
CREATE INDEX sp_uri_value ON sp_uri (resource_type, param, uri);
CREATE INDEX sp_uri_owner ON sp_uri (resource_type, resource_id);

-- Tamper-evident audit log (真正性): each chain is an HMAC-SHA256 hash chain; see src/platform/audit.
CREATE TABLE audit_chains (
  chain integer PRIMARY KEY,
  seq bigint NOT NULL,
  head bytea NOT NULL
);
CREATE TABLE audit_events (
  chain integer NOT NULL,
  seq bigint NOT NULL,
  hash bytea NOT NULL,
  recorded timestamptz NOT NULL,
  patient_key text NOT NULL,
  client_id text,
  facility_code text,
  action text NOT NULL,
  outcome text NOT NULL,
  purpose text,
  entities text[] NOT NULL,
  -- The rest of the event as a small JSON object; the FHIR AuditEvent (id "<chain>-<seq>") is rendered from the row.
  detail text NOT NULL,
  PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_events_patient ON audit_events (patient_key, recorded);
CREATE INDEX audit_events_client ON audit_events (client_id, recorded);
-- recorded grows with insertion order: a BRIN index costs almost nothing to maintain.
CREATE INDEX audit_events_recorded ON audit_events USING brin (recorded);

-- Raises an error from plain SQL (used as a guard inside data-modifying statements).
CREATE FUNCTION tsunagu_fail(message text) RETURNS integer LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''%'', message; END';

-- System-to-system clients (SMART backend services) and people-facing accounts share this table.
CREATE TABLE clients (
  client_id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  facility_code text,
  organization_id text,
  patient_id text,
  scopes text[] NOT NULL,
  jwks text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE client_assertion_jti (
  client_id text NOT NULL,
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE TABLE platform_keys (
  kid text PRIMARY KEY,
  private_jwk text NOT NULL,
  public_jwk text NOT NULL,
  created timestamptz NOT NULL DEFAULT now(),
  active boolean NOT NULL DEFAULT true
);
`;
