/** A resource version as stored, with its JSON kept as text (served to clients without re-serialising). */
export interface StoredResource {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: Date;
  deleted: boolean;
  patientKey: string;
  /** Who registered the resource (see ownerKey); '' when unknown. */
  owner: string;
  /** meta.security as sorted `system|code` strings (what access grants open). */
  labels: string[];
  /** The clinical date of the data (low end of the type's clinical date parameter), when it has one. */
  dataDate: Date | null;
  /** JSON text; null for a deletion marker. */
  content: string | null;
}

export interface StoredRow {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: Date;
  deleted: boolean;
  patient_key: string;
  owner: string;
  labels: string[] | null;
  data_date: Date | null;
  content: string | null;
}

export const STORED_COLUMNS = 'resource_type, id, version_id, last_updated, deleted, patient_key, owner, labels, data_date, content';

/** Every version, current and superseded, as one relation (for vread and history). */
export const ALL_VERSIONS = `(SELECT ${STORED_COLUMNS} FROM resources UNION ALL SELECT ${STORED_COLUMNS} FROM resource_versions)`;

export function fromRow(r: StoredRow): StoredResource {
  return {
    resourceType: r.resource_type,
    id: r.id,
    versionId: Number(r.version_id),
    lastUpdated: new Date(r.last_updated),
    deleted: r.deleted,
    patientKey: r.patient_key,
    owner: r.owner,
    labels: r.labels ?? [],
    dataDate: r.data_date ? new Date(r.data_date) : null,
    content: r.content,
  };
}

export const etagOf = (s: { versionId: number }) => `W/"${s.versionId}"`;
export const relativeRef = (s: { resourceType: string; id: string }) => `${s.resourceType}/${s.id}`;
