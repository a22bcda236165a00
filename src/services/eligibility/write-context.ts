/**
 * The transaction a service operation is writing in, visible to the access rules that run inside repository
 * writes. Rules must not query the database on another connection while a transaction is open (the embedded
 * engine has one connection: that would wait forever); with this context they use the transaction itself.
 * It also marks writes the eligibility service makes itself (managed resources may only be written that way).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from '../../platform/storage/database.ts';

const current = new AsyncLocalStorage<Queryable>();

/** Runs `fn` as a service write inside transaction `tx`. */
export function inServiceWrite<T>(tx: Queryable, fn: () => Promise<T>): Promise<T> {
  return current.run(tx, fn);
}

/** The transaction of the service write in progress, if any. */
export function serviceWriteTx(): Queryable | undefined {
  return current.getStore();
}
