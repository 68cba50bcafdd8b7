// How API objects sit in the store: JSON without metadata.resourceVersion (the store's
// modRevision is the resourceVersion; keeping it in the value would make every value stale).
import type { KeyValue } from '../../storage/types.js';
import type { KubeObject } from '../../api/resource.js';

export function encodeObject(obj: KubeObject): Buffer {
  const meta = obj.metadata;
  if (meta.resourceVersion === undefined) return Buffer.from(JSON.stringify(obj));
  const { resourceVersion: _rv, ...rest } = meta;
  return Buffer.from(JSON.stringify({ ...obj, metadata: rest }));
}

/** The stored object with resourceVersion = the key's modRevision. */
export function decodeKv(kv: KeyValue, revision = kv.modRevision): KubeObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as KubeObject;
  if (!obj.metadata) obj.metadata = {};
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

/** Deep copy of a JSON value (objects served from caches must never be mutated in place). */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
