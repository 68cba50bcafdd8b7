// What the admission plugins share: Kubernetes' Forbidden text and fresh reads of the objects a
// decision depends on. Reads go to the store, not the watch cache: a LimitRange or quota written a
// moment ago must already apply (the cache may lag by an event).
import type { KubeObject } from '../../api/resource.js';
import { ApiError } from '../../machinery/errors.js';
import type { KeyValue } from '../../storage/types.js';
import type { ServerContext } from '../context.js';
import type { AdmissionAttributes } from '../auth/types.js';
import { decodeKv } from '../storage/codec.js';
import { namespacePrefix, objectKey } from '../storage/keys.js';

/** admission.NewForbidden: `pods "x" is forbidden: why` (no name: `pods is forbidden: why`). */
export function forbidden(a: AdmissionAttributes, why: string): ApiError {
  const def = a.resource.def;
  const qualified = def.group ? `${def.plural}.${def.group}` : def.plural;
  const name = a.name || a.obj?.metadata?.name || '';
  const msg = name ? `${qualified} "${name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  return new ApiError(403, 'Forbidden', msg, { name: name || undefined, group: def.group || undefined, kind: def.plural });
}

/** utilerrors.NewAggregate's text: one error alone, several as "[a, b]". */
export function aggregate(msgs: string[]): string {
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
}

export interface StoredObject { kv: KeyValue; obj: KubeObject }

/** Every stored object of one core-or-group resource in a namespace. */
export async function listInNamespace(ctx: ServerContext, group: string, plural: string, namespace: string): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  const prefix = namespacePrefix({ group, plural }, namespace);
  let startAfter: string | undefined;
  let revision: number | undefined;
  for (;;) {
    const page = await ctx.store.list(prefix, { limit: 500, startAfter, revision });
    revision = page.revision;
    for (const kv of page.kvs) out.push({ kv, obj: decodeKv(kv) });
    if (!page.more || !page.kvs.length) return out;
    startAfter = page.kvs[page.kvs.length - 1].key;
  }
}

export async function getNamespace(ctx: ServerContext, name: string): Promise<KubeObject | undefined> {
  const got = await ctx.store.get(objectKey({ group: '', plural: 'namespaces', namespaced: false }, undefined, name));
  return got.kv ? decodeKv(got.kv) : undefined;
}

/** A pod object of a pods create/update (no subresource), else undefined. */
export function podOf(a: AdmissionAttributes): KubeObject | undefined {
  const def = a.resource.def;
  if (def.group !== '' || def.plural !== 'pods' || a.subresource !== '' || !a.obj) return undefined;
  return a.obj;
}
