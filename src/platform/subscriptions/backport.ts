/**
 * Canonical URLs of the FHIR R4 Subscriptions Backport IG (http://hl7.org/fhir/uv/subscriptions-backport/, STU 1.1)
 * that Tsunagu reads and writes: the extensions a client puts on a Subscription, the profiles of what the server
 * sends, the operations, and the CapabilityStatement extension that lists the topics.
 */
const IG = 'http://hl7.org/fhir/uv/subscriptions-backport';

export const BACKPORT = {
  /** Subscription profile (criteria = topic canonical). */
  subscriptionProfile: `${IG}/StructureDefinition/backport-subscription`,
  /** The notification Bundle (type history) and its first entry, the status Parameters. */
  notificationProfile: `${IG}/StructureDefinition/backport-subscription-notification-r4`,
  statusProfile: `${IG}/StructureDefinition/backport-subscription-status-r4`,
  /** On Subscription.criteria (`_criteria.extension`): `Type?param=value`. */
  filterCriteria: `${IG}/StructureDefinition/backport-filter-criteria`,
  /** On Subscription.channel. */
  heartbeatPeriod: `${IG}/StructureDefinition/backport-heartbeat-period`,
  timeout: `${IG}/StructureDefinition/backport-timeout`,
  maxCount: `${IG}/StructureDefinition/backport-max-count`,
  /** On Subscription.channel.payload (`_payload.extension`): empty | id-only | full-resource. */
  payloadContent: `${IG}/StructureDefinition/backport-payload-content`,
  /** On CapabilityStatement.rest.resource (Subscription): one per topic canonical (the R4 way of listing topics). */
  topicCanonical: `${IG}/StructureDefinition/capabilitystatement-subscriptiontopic-canonical`,
  serverCapability: `${IG}/CapabilityStatement/backport-subscription-server-r4`,
  statusOperation: `${IG}/OperationDefinition/backport-subscription-status`,
  eventsOperation: `${IG}/OperationDefinition/backport-subscription-events`,
  wsTokenOperation: `${IG}/OperationDefinition/backport-subscription-get-ws-binding-token`,
} as const;

/** Subscription.status (R4 subscription-status). */
export type SubscriptionStatus = 'requested' | 'active' | 'error' | 'off';

/** Notification types (backport-notification-type). */
export type NotificationType = 'handshake' | 'heartbeat' | 'event-notification' | 'query-status' | 'query-event';

/** How much of the focus a notification carries. full-resource is refused (no read check at send time). */
export type PayloadContent = 'empty' | 'id-only';

export type ChannelType = 'rest-hook' | 'websocket';
