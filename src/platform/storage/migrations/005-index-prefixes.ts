/**
 * Index entries of text columns hold the first INDEXED_CHARS (200) characters (search-sql.ts compares them, then the
 * whole value): a btree row is limited to about 2.7 kB, and a long name, identifier, description or URI must be
 * stored and found, not refused with a server error.
 */
export const indexPrefixes = `
DROP INDEX sp_token_code;
CREATE INDEX sp_token_code ON sp_token (resource_type, param, left(code, 200), left(system, 200));
DROP INDEX sp_string_norm;
CREATE INDEX sp_string_norm ON sp_string (resource_type, param, left(norm, 200) text_pattern_ops);
DROP INDEX sp_uri_value;
CREATE INDEX sp_uri_value ON sp_uri (resource_type, param, left(uri, 200));
`;
