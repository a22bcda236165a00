/**
 * Subscription resources are written only through the subscription routes (routes.ts), which check them and keep
 * their delivery row in the same transaction. The guard refuses every other write path (a plain create inside a
 * transaction Bundle is written without the router) and lets a patient write their own Subscriptions, which belong
 * to no person — the only records of no person a patient account may write.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WriteRule } from '../access/policy.ts';

const throughRoutes = new AsyncLocalStorage<boolean>();

/** Runs `write` as a write of the subscription routes. */
export function subscriptionWrite<T>(write: () => Promise<T>): Promise<T> {
  return throughRoutes.run(true, write);
}

export function subscriptionWriteRule(): WriteRule {
  return (req) => {
    if (req.resourceType !== 'Subscription') return undefined;
    if (!throughRoutes.getStore())
      return {
        allow: false,
        ja: 'Subscription は [base]/Subscription への POST・PUT・DELETE（batch の項目でも可）で登録・変更します。transaction Bundle 内の作成はできません',
        en: 'Subscriptions are written with POST, PUT or DELETE on [base]/Subscription (batch entries too), not as creates inside a transaction Bundle',
      };
    if (req.ctx.principal.kind === 'patient' && req.owned) return { allow: true };
    return undefined;
  };
}
