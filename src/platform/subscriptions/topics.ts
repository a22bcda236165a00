/**
 * Subscription topics (通知トピック): what a service announces it will notify about, e.g. "a referral letter was
 * addressed to you". A client subscribes by the topic's canonical URL (Subscription.criteria); in R4 the topics are
 * listed in the CapabilityStatement (extension capabilitystatement-subscriptiontopic-canonical on the Subscription
 * entry), as the Backport IG says for R4 servers, which have no SubscriptionTopic resource.
 */
import type { Extension } from '@medplum/fhirtypes';
import { BACKPORT } from './backport.ts';

/** A search parameter a subscriber may filter the topic's events by (`_criteria` extension: `Type?param=value`). */
export interface TopicFilter {
  /** Resource type of the focus the filter applies to (one of the topic's resourceTypes). */
  resourceType: string;
  /** Search parameter code of that type (e.g. `recipient`). */
  parameter: string;
  description: string;
}

export interface SubscriptionTopic {
  /** Canonical URL, e.g. `https://tsunagu.example.jp/fhir/SubscriptionTopic/referral-received`. */
  url: string;
  /** Japanese title (紹介状の受信). */
  title: string;
  description: string;
  /** Types an event's focus may have. */
  resourceTypes: string[];
  /** Filters a subscriber may use; none: the topic cannot be filtered. */
  filters?: TopicFilter[];
}

export class TopicRegistry {
  private readonly topics = new Map<string, SubscriptionTopic>();
  /** Grows with every registration (the CapabilityStatement is rebuilt when it changed). */
  version = 0;

  register(topic: SubscriptionTopic): void {
    if (!/^(https?|urn):/.test(topic.url)) throw new Error(`subscription topic url must be absolute: ${topic.url}`);
    if (this.topics.has(topic.url)) throw new Error(`subscription topic ${topic.url} registered twice`);
    if (topic.resourceTypes.length === 0) throw new Error(`subscription topic ${topic.url} names no resource type`);
    for (const f of topic.filters ?? [])
      if (!topic.resourceTypes.includes(f.resourceType))
        throw new Error(`filter ${f.parameter} of ${topic.url} is on ${f.resourceType}, not a type of the topic`);
    this.topics.set(topic.url, topic);
    this.version++;
  }

  get(url: string): SubscriptionTopic | undefined {
    return this.topics.get(url);
  }

  list(): SubscriptionTopic[] {
    return [...this.topics.values()];
  }

  /** The CapabilityStatement extensions of the Subscription entry: one canonical per topic. */
  capabilityExtensions(): Extension[] {
    return this.list().map((t) => ({ url: BACKPORT.topicCanonical, valueCanonical: t.url }));
  }

  /** A line per topic for the Subscription entry's documentation (titles and filters are not in the canonicals). */
  documentation(): string {
    const lines = this.list().map((t) => {
      const filters = t.filters?.length ? ` Filters: ${t.filters.map((f) => `${f.resourceType}?${f.parameter}=`).join(', ')}.` : '';
      return `${t.url} — ${t.title}: ${t.description} (${t.resourceTypes.join(', ')}).${filters}`;
    });
    return `Topic-based subscriptions (R4 Subscriptions Backport IG): rest-hook and websocket channels, payload empty or id-only. Topics: ${lines.length ? lines.join(' ') : 'none registered'}`;
  }
}
