// Encryption at rest as a Store in front of the real one: values under the configured resources'
// prefixes are encrypted on the way in and decrypted on the way out, so the watch cache, the REST
// handlers and every client see plaintext and only the database holds ciphertext (kube-apiserver
// does this in its etcd storage layer with the same stored format).
import type { ResourceDef } from '../../api/resource.js';
import type { KeyValue, Store, WatchEvent, WatchHandlers } from '../../storage/types.js';
import { resourcePrefix } from '../storage/keys.js';
import type { EncryptionConfig } from './config.js';
import { transformersFor, type KeyTransformer } from './providers.js';

const ENCRYPTED_PREFIX = Buffer.from('k8s:enc:');

/** The transformers of one resource: [0] writes, all read. */
export interface ResourceTransformers {
  prefix: string;
  keys: KeyTransformer[];
}

export interface EncryptingStore extends Store {
  /** The store prefixes whose values are transformed (one per configured resource). */
  readonly encryptedPrefixes: string[];
  /** True when the value read was not written with the current write key (a rotation rewrites it). */
  isStale(kv: KeyValue): boolean;
  /** The store this one wraps (the bytes as stored). */
  readonly inner: Store;
}

/** Whether an EncryptionConfiguration resource name covers the resource (Kubernetes' wildcards included). */
export function resourceMatches(name: string, def: Pick<ResourceDef, 'group' | 'plural'>): boolean {
  if (name === '*.*') return true;
  const dot = name.indexOf('.');
  const plural = dot < 0 ? name : name.slice(0, dot);
  const group = dot < 0 ? '' : name.slice(dot + 1);
  if (group !== def.group) return false;
  return plural === '*' || plural === def.plural;
}

/** Each served resource's transformers: the first configuration entry that names it wins. */
export function planEncryption(config: EncryptionConfig, defs: Pick<ResourceDef, 'group' | 'plural'>[]): ResourceTransformers[] {
  const built = config.resources.map((r) => r.providers.flatMap(transformersFor));
  const out = new Map<string, ResourceTransformers>();
  for (const def of defs) {
    const prefix = resourcePrefix(def);
    if (out.has(prefix)) continue;
    const i = config.resources.findIndex((r) => r.resources.some((n) => resourceMatches(n, def)));
    if (i < 0) continue;
    // A resource that is only ever identity needs no wrapping.
    if (built[i].every((t) => t.prefix.length === 0)) continue;
    out.set(prefix, { prefix, keys: built[i] });
  }
  return [...out.values()];
}

export function encryptingStore(inner: Store, config: EncryptionConfig, defs: Pick<ResourceDef, 'group' | 'plural'>[]): EncryptingStore {
  const plan = planEncryption(config, defs);
  const stale = new WeakSet<KeyValue>();
  const planFor = (key: string) => plan.find((p) => key.startsWith(p.prefix));

  function write(key: string, value: Buffer): Buffer {
    const p = planFor(key);
    return p ? p.keys[0].encrypt(value, key) : value;
  }

  function read(kv: KeyValue): KeyValue {
    const p = planFor(kv.key);
    if (!p || kv.value.length === 0) return kv;
    const v = kv.value;
    let idx = p.keys.findIndex((t) => t.prefix.length > 0 && v.subarray(0, t.prefix.length).equals(t.prefix));
    if (idx < 0) {
      // Unprefixed data is readable only through an identity provider; data under an unknown key never is.
      if (v.subarray(0, ENCRYPTED_PREFIX.length).equals(ENCRYPTED_PREFIX)) throw new Error(`failed to decrypt ${kv.key}: no configured key matches the stored value's prefix`);
      idx = p.keys.findIndex((t) => t.prefix.length === 0);
      if (idx < 0) throw new Error(`failed to decrypt ${kv.key}: no matching prefix found (the value is not encrypted and identity is not a provider)`);
    }
    let plain: Buffer;
    try {
      plain = p.keys[idx].decrypt(v, kv.key);
    } catch (err) {
      throw new Error(`failed to decrypt ${kv.key}: ${(err as Error).message}`);
    }
    const out = { ...kv, value: plain };
    if (idx !== 0) stale.add(out);
    return out;
  }

  const readEvent = (e: WatchEvent): WatchEvent => ({ type: e.type, kv: read(e.kv), prevKv: e.prevKv ? read(e.prevKv) : null });

  return {
    inner,
    encryptedPrefixes: plan.map((p) => p.prefix),
    isStale: (kv) => stale.has(kv),
    async get(key, opts) {
      const r = await inner.get(key, opts);
      return r.kv ? { ...r, kv: read(r.kv) } : r;
    },
    async list(prefix, opts) {
      const r = await inner.list(prefix, opts);
      return { ...r, kvs: r.kvs.map(read) };
    },
    count: (prefix) => inner.count(prefix),
    async create(key, value, opts) {
      const kv = await inner.create(key, write(key, value), opts);
      return { ...kv, value };
    },
    async update(key, value, rev, opts) {
      const kv = await inner.update(key, write(key, value), rev, opts);
      return { ...kv, value };
    },
    async delete(key, rev) {
      return read(await inner.delete(key, rev));
    },
    watch(prefix, after, handlers: WatchHandlers) {
      return inner.watch(prefix, after, {
        onEvents: (events) => handlers.onEvents(events.map(readEvent)),
        onError: (err) => handlers.onError(err),
      });
    },
    compact: (rev) => inner.compact(rev),
    currentRevision: () => inner.currentRevision(),
    compactRevision: () => inner.compactRevision(),
    close: () => inner.close(),
  };
}

/**
 * Whether a value read through this store should be rewritten even when the object is unchanged
 * (Kubernetes' GuaranteedUpdate writes stale data back: that is what makes `kubectl replace` of
 * an unchanged Secret move it to the new key). False for any store that does not encrypt.
 */
export function isStaleRead(store: Store, kv: KeyValue): boolean {
  return 'isStale' in store && typeof (store as EncryptingStore).isStale === 'function' && (store as EncryptingStore).isStale(kv);
}
