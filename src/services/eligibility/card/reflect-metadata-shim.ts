/**
 * Minimal Reflect metadata functions for @peculiar/x509, whose dependency injection (tsyringe) refuses to
 * load without them. Only the five functions tsyringe calls are provided, and only when absent, so a
 * real `reflect-metadata` import (preferable, once it is a dependency) takes precedence.
 */
type Key = string | symbol | undefined;
const store = new WeakMap<object, Map<Key, Map<unknown, unknown>>>();

function table(target: object, prop: Key, create: boolean): Map<unknown, unknown> | undefined {
  let byProp = store.get(target);
  if (!byProp) {
    if (!create) return undefined;
    byProp = new Map();
    store.set(target, byProp);
  }
  let map = byProp.get(prop);
  if (!map && create) {
    map = new Map();
    byProp.set(prop, map);
  }
  return map;
}

interface MetadataReflect {
  getMetadata?: unknown;
  defineMetadata: (key: unknown, value: unknown, target: object, prop?: Key) => void;
  getOwnMetadata: (key: unknown, target: object, prop?: Key) => unknown;
  hasMetadata: (key: unknown, target: object, prop?: Key) => boolean;
  metadata: (key: unknown, value: unknown) => (target: object, prop?: Key) => void;
}

const R = Reflect as unknown as MetadataReflect & { getMetadata: (key: unknown, target: object, prop?: Key) => unknown };
if (typeof R.getMetadata !== 'function') {
  R.defineMetadata = (key, value, target, prop) => void table(target, prop, true)!.set(key, value);
  R.getOwnMetadata = (key, target, prop) => table(target, prop, false)?.get(key);
  R.getMetadata = (key, target, prop) => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) {
      const m = table(o, prop, false);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  };
  R.hasMetadata = (key, target, prop) => R.getMetadata(key, target, prop) !== undefined;
  R.metadata = (key, value) => (target, prop) => R.defineMetadata(key, value, target, prop);
}

export {};
