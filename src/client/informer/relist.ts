// What a relist means for handlers. After a 410 or a lost connection the reflector lists again;
// comparing that list with the cache yields exactly the changes the handlers missed: new objects
// are adds, objects whose resourceVersion moved are updates, cached objects the list no longer
// holds are deletes (their final state is unknown: we only have what we saw last).
import type { KubeObject } from '../../api/resource.js';
import { objectKey } from './store.js';

/** A delete noticed by relisting: `obj` is the last state the cache saw, possibly stale. */
export class DeletedFinalStateUnknown<T = KubeObject> {
  constructor(readonly key: string, readonly obj: T) {}
}

export interface RelistDiff<T> {
  added: T[];
  updated: { old: T; cur: T }[];
  deleted: DeletedFinalStateUnknown<T>[];
}

export function relistDiff<T extends KubeObject>(cached: ReadonlyMap<string, T> | Iterable<[string, T]>, listed: T[]): RelistDiff<T> {
  const before = cached instanceof Map ? (cached as ReadonlyMap<string, T>) : new Map(cached as Iterable<[string, T]>);
  const seen = new Set<string>();
  const out: RelistDiff<T> = { added: [], updated: [], deleted: [] };
  for (const cur of listed) {
    const key = objectKey(cur);
    seen.add(key);
    const old = before.get(key);
    if (!old) out.added.push(cur);
    // An object deleted and re-created under the same name while we were away is a new object.
    else if (old.metadata.uid && cur.metadata.uid && old.metadata.uid !== cur.metadata.uid) {
      out.deleted.push(new DeletedFinalStateUnknown(key, old));
      out.added.push(cur);
    } else if (old.metadata.resourceVersion !== cur.metadata.resourceVersion) out.updated.push({ old, cur });
  }
  for (const [key, old] of before) if (!seen.has(key)) out.deleted.push(new DeletedFinalStateUnknown(key, old));
  return out;
}
