/**
 * Access by grant (docs/security.md): every version records its security labels (`labels`, `system|code` of
 * meta.security) and its clinical date (`data_date`, the low end of the type's clinical date search parameter), so
 * searches, counts and histories can decide in SQL which rows of other registrants a caller may see;
 * `access_grants` holds the bases services give (consent at the reader, insurer membership, emergency access).
 */
export const accessGrants = `
ALTER TABLE resources ADD COLUMN labels text[] NOT NULL DEFAULT '{}';
ALTER TABLE resources ADD COLUMN data_date timestamptz;
ALTER TABLE resource_versions ADD COLUMN labels text[] NOT NULL DEFAULT '{}';
ALTER TABLE resource_versions ADD COLUMN data_date timestamptz;
UPDATE resources SET labels = ARRAY(
  SELECT DISTINCT coalesce(s->>'system', '') || '|' || coalesce(s->>'code', '')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(content::jsonb->'meta'->'security') = 'array' THEN content::jsonb->'meta'->'security' ELSE '[]'::jsonb END) s ORDER BY 1)
 WHERE content IS NOT NULL AND content LIKE '%"security"%';
UPDATE resource_versions SET labels = ARRAY(
  SELECT DISTINCT coalesce(s->>'system', '') || '|' || coalesce(s->>'code', '')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(content::jsonb->'meta'->'security') = 'array' THEN content::jsonb->'meta'->'security' ELSE '[]'::jsonb END) s ORDER BY 1)
 WHERE content IS NOT NULL AND content LIKE '%"security"%';

CREATE TABLE access_grants (
  source text NOT NULL,
  grantee text NOT NULL,
  patient_key text NOT NULL,
  label text NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz,
  data_from timestamptz,
  data_to timestamptz,
  basis text NOT NULL
);
CREATE INDEX access_grants_lookup ON access_grants (grantee, patient_key, label);
CREATE INDEX access_grants_source ON access_grants (source);
`;
