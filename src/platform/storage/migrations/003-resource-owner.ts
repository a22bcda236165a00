/**
 * Who registered each resource (登録者): `<kind>:<医療機関コード / 保険者番号 / …>` of the organisation whose client
 * created it, or `client:<id>` / `patient:<id>`; '' for rows written before this column existed (treated as
 * registered by someone else). Access to a person's data registered by another organisation needs a basis granted
 * by a service rule (consent, membership …) — see src/platform/access/policy.ts.
 */
export const resourceOwner = `
ALTER TABLE resources ADD COLUMN owner text NOT NULL DEFAULT '';
ALTER TABLE resource_versions ADD COLUMN owner text NOT NULL DEFAULT '';
`;
