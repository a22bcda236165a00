/**
 * Topic-based subscriptions (src/platform/subscriptions, the FHIR R4 Subscriptions Backport IG). The Subscription
 * resources are the record clients read; `subscriptions` is what publishing and delivery read: one row per
 * Subscription, written in the same transaction as the resource. `subscription_events` holds every event of a
 * subscription, numbered from 1 (events-since-subscription-start), written in the publishing service's transaction.
 *
 * `owner` is the registrant's ownerKey (`facility:<医療機関コード>`, `patient:<id>` …); `generation` grows with each
 * client write, so a delivery that started before a change does not overwrite it; `delivered_through` is the last
 * event number a rest-hook endpoint acknowledged; `lease_until` keeps two nodes from delivering to one endpoint at once.
 */
export const subscriptions = `
CREATE TABLE subscriptions (
  id text PRIMARY KEY,
  owner text NOT NULL,
  topic text NOT NULL,
  filters text[] NOT NULL DEFAULT '{}',
  channel text NOT NULL,
  endpoint text,
  headers text[] NOT NULL DEFAULT '{}',
  content text NOT NULL,
  heartbeat_seconds integer,
  timeout_seconds integer NOT NULL,
  max_count integer NOT NULL,
  ends timestamptz,
  status text NOT NULL,
  base_url text NOT NULL,
  actor jsonb NOT NULL,
  generation integer NOT NULL DEFAULT 1,
  events_count bigint NOT NULL DEFAULT 0,
  delivered_through bigint NOT NULL DEFAULT 0,
  failures integer NOT NULL DEFAULT 0,
  next_attempt timestamptz NOT NULL DEFAULT now(),
  last_sent timestamptz,
  lease_until timestamptz,
  last_error text
);
CREATE INDEX subscriptions_topic ON subscriptions (topic, owner) WHERE status <> 'off';
CREATE INDEX subscriptions_due ON subscriptions (next_attempt) WHERE channel = 'rest-hook' AND status IN ('requested', 'active');

CREATE TABLE subscription_events (
  subscription_id text NOT NULL,
  number bigint NOT NULL,
  topic text NOT NULL,
  focus text NOT NULL,
  patient_key text NOT NULL,
  recorded timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription_id, number)
);
CREATE INDEX subscription_events_recorded ON subscription_events (recorded);
`;
