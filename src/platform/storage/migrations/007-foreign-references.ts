/**
 * References to other servers (`http://example.org/fhir/Patient/23`) were indexed with the type and id they name, so
 * `patient=23` found another server's Patient 23 as if it were ours. Now an absolute URL keeps its type and its URL
 * but no id (search/index-tables/reference.ts): the rows written the old way are exactly those with both a
 * target_id and a target_url (target_url was only ever set beside an id for an absolute `…/Type/id`), and the URL
 * they hold is the reference as written, so the rows are corrected in place — no resource needs re-indexing.
 * Searches by such a URL compare target_url, through an index of its first 200 characters (as migration 005).
 */
export const foreignReferences = `
UPDATE sp_reference SET target_id = NULL WHERE target_id IS NOT NULL AND target_url IS NOT NULL AND target_url LIKE '%://%';
CREATE INDEX sp_reference_url ON sp_reference (resource_type, param, left(target_url, 200)) WHERE target_url IS NOT NULL;
`;
