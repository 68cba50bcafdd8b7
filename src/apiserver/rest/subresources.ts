// Subresources with their own shapes: scale (autoscaling/v1 Scale over the owner's replicas) and
// pods/binding (the scheduler's one-time assignment of a pod to a node).
import type { KubeObject, ScaleDef } from '../../api/resource.js';
import { ApiError, errors } from '../../machinery/errors.js';
import { invalidError, fieldErrors } from '../../machinery/field-errors.js';
import { isStoreError } from '../../storage/types.js';
import type { RequestContext } from '../context.js';
import { decodeKv, encodeObject } from '../storage/codec.js';
import { objectJson } from '../watchcache/cache.js';
import { objectKey } from '../storage/keys.js';
import { rfc3339 } from './strategy.js';

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    if (typeof cur[part] !== 'object' || cur[part] === null) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

export function toScale(obj: KubeObject, scale: ScaleDef): object {
  const m = obj.metadata;
  const meta: Record<string, unknown> = { name: m.name };
  if (m.namespace) meta.namespace = m.namespace;
  meta.uid = m.uid;
  meta.resourceVersion = m.resourceVersion;
  meta.creationTimestamp = m.creationTimestamp;
  let selector = '';
  try { selector = scale.selector(obj); } catch { selector = ''; }
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, scale.statusReplicas) ?? 0) };
  if (selector) status.selector = selector;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: meta,
    spec: { replicas: Number(getPath(obj, scale.specReplicas) ?? 0) },
    status,
  };
}

/** Checks a Scale from a request and returns its desired replicas. */
export function scaleReplicas(name: string, body: unknown): { replicas: number; resourceVersion?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw errors.badRequest('the body of the request must be a Scale object');
  const b = body as { kind?: unknown; apiVersion?: unknown; metadata?: { resourceVersion?: unknown; name?: unknown }; spec?: { replicas?: unknown } };
  if (b.kind !== undefined && b.kind !== 'Scale') throw errors.badRequest(`the kind in the data (${String(b.kind)}) does not match the expected kind (Scale)`);
  if (b.metadata?.name !== undefined && b.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${String(b.metadata.name)}) does not match the name on the URL (${name})`);
  }
  const replicas = b.spec?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw errors.badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
  }
  if (replicas < 0) throw invalidError('Scale', name, [fieldErrors.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')], 'autoscaling');
  const rv = b.metadata?.resourceVersion;
  return { replicas, resourceVersion: typeof rv === 'string' && rv !== '' ? rv : undefined };
}

interface BindingBody {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  target?: { kind?: string; name?: string; apiVersion?: string };
}

/** Assigns a pod to a node once (Kubernetes' pods/binding). */
export async function bindPod(rc: RequestContext, podName: string, body: unknown, dryRun: boolean): Promise<void> {
  const { r, ctx } = rc;
  if (typeof body !== 'object' || body === null) throw errors.badRequest('the body of the request must be a Binding object');
  const b = body as BindingBody;
  if (b.metadata?.name && b.metadata.name !== podName) {
    throw errors.badRequest(`the name of the object (${b.metadata.name}) does not match the name on the URL (${podName})`);
  }
  const node = b.target?.name;
  if (!node) throw invalidError('Binding', podName, [fieldErrors.required('target.name', '')]);
  if (b.target?.kind && b.target.kind !== 'Node') throw invalidError('Binding', podName, [fieldErrors.notSupported('target.kind', b.target.kind, ['Node'])]);
  const key = objectKey(r.def, rc.namespace, podName);
  for (let attempt = 0; attempt < 16; attempt++) {
    // The first try starts from the watch cache's copy (the scheduler learnt of the pod through it,
    // so it is rarely stale), sparing a store read: the compare-and-swap below refuses a stale copy
    // and the retry reads the store. Refusals are only ever decided on what the store holds.
    const cached = attempt === 0 && !dryRun && r.def.plural === 'pods' ? r.cache.get(key) : undefined;
    let modRevision: number;
    let pod: KubeObject;
    if (cached) {
      // Parsed from the cache's JSON: a fresh object this handler may change (the cached one is shared).
      pod = JSON.parse(objectJson(cached)) as KubeObject;
      modRevision = cached.rv;
    } else {
      const got = await ctx.store.get(key);
      if (!got.kv) throw errors.notFound('pods', podName);
      // decodeKv parses the stored bytes: a fresh object this handler may change, no copy needed.
      pod = decodeKv(got.kv);
      modRevision = got.kv.modRevision;
    }
    const spec = ((pod.spec as Record<string, unknown>) ??= {});
    if (pod.metadata.deletionTimestamp) {
      if (cached) continue;
      throw errors.conflict('pods/binding', podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
    }
    if (spec.nodeName) {
      if (cached) continue;
      throw errors.conflict('pods/binding', podName, `pod ${podName} is already assigned to node "${String(spec.nodeName)}"`);
    }
    spec.nodeName = node;
    if (b.metadata?.annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...b.metadata.annotations };
    const status = ((pod.status as Record<string, unknown>) ??= {});
    const conds = ((status.conditions as Record<string, unknown>[] | undefined) ?? []).filter((c) => c.type !== 'PodScheduled');
    conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(ctx.clock.now()) });
    status.conditions = conds;
    if (dryRun) return;
    delete pod.metadata.resourceVersion;
    try {
      await ctx.store.update(key, encodeObject(pod), modRevision);
      return;
    } catch (err) {
      if (isStoreError(err, 'Conflict') || (cached && isStoreError(err, 'NotFound'))) continue;
      if (err instanceof ApiError) throw err;
      throw err;
    }
  }
  throw errors.conflict('pods/binding', podName, 'the object has been modified; please apply your changes to the latest version and try again');
}
