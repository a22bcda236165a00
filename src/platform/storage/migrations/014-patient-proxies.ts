/**
 * 代理人 (a person who may use the portal for another: a parent for their child, a legal representative):
 *   patient_proxies  who (`proxy_id`, a Patient id) may act for whom (`patient_id`), on which basis, from when until
 *                    when; ended rows are kept (the record of who could act when)
 */
export const patientProxies = `
CREATE TABLE patient_proxies (
  id text PRIMARY KEY,
  proxy_id text NOT NULL,
  proxy_name text NOT NULL,
  patient_id text NOT NULL,
  patient_name text NOT NULL,
  relation text NOT NULL,
  valid_from date NOT NULL,
  valid_to date,
  registered_at timestamptz NOT NULL DEFAULT now(),
  registered_by text NOT NULL,
  ended_at timestamptz,
  CHECK (proxy_id <> patient_id)
);
CREATE INDEX patient_proxies_proxy ON patient_proxies (proxy_id);
CREATE INDEX patient_proxies_patient ON patient_proxies (patient_id);
`;
