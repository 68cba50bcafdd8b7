// Key rotation's last step: rewrite every stored value that was not written with the current write
// key, so the old key can be dropped. A compare-and-swap rewrite of the same plaintext: a value
// another writer changed meanwhile was written with the new key anyway.
import { isStoreError, type Store } from '../../storage/types.js';
import type { EncryptingStore } from './store.js';

export interface ReencryptResult {
  /** Values rewritten with the current write key. */
  rewritten: number;
  /** Values already current. */
  current: number;
}

/**
 * Rewrites stale values under the encrypted prefixes (or only those of the named resources:
 * "secrets", "configmaps", "deployments.apps"). Accepts the encrypting store or anything holding it.
 */
export async function reencryptAll(target: EncryptingStore | { store: Store }, resources?: string[]): Promise<ReencryptResult> {
  const store = ('encryptedPrefixes' in target ? target : target.store) as EncryptingStore;
  if (!('encryptedPrefixes' in store)) throw new Error('reencryptAll needs the API server\'s encrypting store (encryption is not configured)');
  const wanted = (p: string) => !resources?.length || resources.some((r) => {
    const dot = r.indexOf('.');
    const plural = dot < 0 ? r : r.slice(0, dot);
    const group = dot < 0 ? 'core' : r.slice(dot + 1);
    return p === `/registry/${group}/${plural}/`;
  });
  const out: ReencryptResult = { rewritten: 0, current: 0 };
  for (const prefix of store.encryptedPrefixes.filter(wanted)) {
    let startAfter: string | undefined;
    for (;;) {
      const page = await store.list(prefix, { limit: 500, startAfter });
      for (let kv of page.kvs) {
        for (let attempt = 0; ; attempt++) {
          if (!store.isStale(kv)) { out.current++; break; }
          try {
            await store.update(kv.key, kv.value, kv.modRevision, kv.ttlSeconds ? { ttlSeconds: kv.ttlSeconds } : undefined);
            out.rewritten++;
            break;
          } catch (err) {
            if (isStoreError(err, 'NotFound')) break;
            if (!isStoreError(err, 'Conflict') || attempt > 8) throw err;
            const again = await store.get(kv.key);
            if (!again.kv) break;
            kv = again.kv;
          }
        }
      }
      if (!page.more || !page.kvs.length) break;
      startAfter = page.kvs[page.kvs.length - 1].key;
    }
  }
  return out;
}
