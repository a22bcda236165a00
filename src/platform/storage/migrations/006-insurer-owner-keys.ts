/** Registrants that are insurers are named by the 8-digit 保険者番号 (a 6-digit 国保 number padded with 00), as grants are. */
export const insurerOwnerKeys = `
UPDATE resources SET owner = 'insurer:00' || substr(owner, 9) WHERE owner ~ '^insurer:[0-9]{6}$';
UPDATE resource_versions SET owner = 'insurer:00' || substr(owner, 9) WHERE owner ~ '^insurer:[0-9]{6}$';
`;
