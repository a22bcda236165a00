/**
 * Columns no query filters on are left out of planner statistics: ANALYZE of `resources` spent most of its time
 * sorting sampled JSON documents (177 ms → see docs/scaling.md), and it runs often while tables grow.
 */
export const statisticsTargets = `
ALTER TABLE resources ALTER COLUMN content SET STATISTICS 0;
ALTER TABLE resource_versions ALTER COLUMN content SET STATISTICS 0;
ALTER TABLE audit_events ALTER COLUMN detail SET STATISTICS 0;
`;
