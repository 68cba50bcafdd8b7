// Translation between etcd's wire shapes (int64 as strings, keys as bytes, typed grpc errors) and
// the Store's (numbers, strings, StoreError).
import type { IKeyValue } from 'etcd3';
import { StoreError, type KeyValue } from '../types.js';
import type { KeyCodec } from './keys.js';

/** What the store knows about leases: the TTL each was granted for (for KeyValue.ttlSeconds). */
export type LeaseTtlLookup = (leaseId: string) => number | undefined;

export function toKeyValue(kv: IKeyValue, keys: KeyCodec, leaseTtl: LeaseTtlLookup): KeyValue {
  const out: KeyValue = {
    key: keys.decode(kv.key),
    value: kv.value ?? Buffer.alloc(0),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
  };
  if (kv.lease && kv.lease !== '0') {
    const ttl = leaseTtl(kv.lease);
    if (ttl !== undefined) out.ttlSeconds = ttl;
  }
  return out;
}

/** Maps any error from the etcd client to a StoreError. Unknown failures are reported as
 *  'Unavailable': the caller can retry them; the original message is kept. */
export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as Error;
  const msg = String(e?.message ?? err);
  if (msg.includes('required revision has been compacted')) {
    return new StoreError('Compacted', `${what}: the requested revision has been compacted`);
  }
  if (msg.includes('required revision is a future revision')) {
    return new StoreError('FutureRevision', `${what}: the requested revision is newer than the store's`);
  }
  if (msg.includes('request is too large') || e?.name === 'GRPCResourceExhastedError') {
    return new StoreError('TooLarge', `${what}: ${msg}`);
  }
  if (e?.name === 'ClientClosedError') return new StoreError('Closed', `${what}: the store is closed`);
  return new StoreError('Unavailable', `${what}: etcd is not reachable or did not answer in time (${msg})`);
}

/** etcd's int64 fields arrive as decimal strings. */
export function rev(s: string | number | undefined | null): number {
  return s === undefined || s === null ? 0 : Number(s);
}
