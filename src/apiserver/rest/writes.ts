// Create, update and delete with Kubernetes semantics over the Store: generateName, system
// metadata, defaults and validation, optimistic concurrency (resourceVersion), the status
// subresource split, finalizers, graceful pod deletion, dry runs and per-resource hooks.
import type { KubeObject } from '../../api/resource.js';
import { ApiError, errors } from '../../machinery/errors.js';
import { invalidError, type FieldError } from '../../machinery/field-errors.js';
import { isStoreError, type KeyValue } from '../../storage/types.js';
import type { RequestContext, ServedResource } from '../context.js';
import { decodeKv, encodeObject, encodeObjectWithJson, rememberWrittenJson, clone } from '../storage/codec.js';
import { objectKey } from '../storage/keys.js';
import { checkNamespaceForCreate } from './namespace-lifecycle.js';
import { trackManagedFields } from './managed-fields.js';
import { runAdmission } from '../auth/admission.js';
import { isStaleRead } from '../encryption/store.js';
import {
  generateNameSuffix, prepareMetaForCreate, validateMeta, validateMetaUpdate, keepSystemMeta, keepStatus, statusOnly,
  bumpGeneration, shouldDeleteDuringUpdate, rfc3339, keepNamespaceFinalizers,
} from './strategy.js';

type Obj = KubeObject;

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  operation?: 'Update' | 'Apply';
}

/** Events expire an hour after their last write (kube-apiserver's --event-ttl). */
const EVENT_TTL_SECONDS = 3600;
const MAX_RETRIES = 16;

function ttlFor(r: ServedResource): number | undefined {
  return r.def.plural === 'events' && (r.def.group === '' || r.def.group === 'events.k8s.io') ? EVENT_TTL_SECONDS : undefined;
}

/** Kinds where Kubernetes lets PUT create a missing object (AllowCreateOnUpdate). */
const CREATE_ON_UPDATE = new Set(['endpoints', 'events', 'events.events.k8s.io', 'leases.coordination.k8s.io', 'limitranges']);
export function allowsCreateOnUpdate(r: ServedResource): boolean {
  return CREATE_ON_UPDATE.has(r.qualified);
}

/** Kinds whose PUT must carry a resourceVersion (AllowUnconditionalUpdate false). */
const CONDITIONAL_ONLY = new Set(['leases.coordination.k8s.io']);
export function allowsUnconditionalUpdate(r: ServedResource): boolean {
  return !CONDITIONAL_ONLY.has(r.qualified);
}

function check(r: ServedResource, obj: Obj, errs: FieldError[]): void {
  if (errs.length) throw invalidError(r.def.kind, obj.metadata.name ?? '', errs, r.def.group);
}

function asKubeError(r: ServedResource, name: string, err: unknown): never {
  if (isStoreError(err, 'Exists')) throw errors.alreadyExists(r.def.plural, name, r.def.group);
  if (isStoreError(err, 'NotFound')) throw errors.notFound(r.def.plural, name, r.def.group);
  throw err;
}

/** Sets the namespace from the URL; a different one in the body is a 400. */
export function settleNamespace(rc: RequestContext, obj: Obj): void {
  const m = obj.metadata;
  if (!rc.r.def.namespaced) {
    delete m.namespace;
    return;
  }
  if (m.namespace && rc.namespace && m.namespace !== rc.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  m.namespace = rc.namespace;
}

export async function createObject(rc: RequestContext, obj: Obj, o: WriteOptions): Promise<Obj> {
  const { r, ctx } = rc;
  const def = r.def;
  settleNamespace(rc, obj);
  const m = obj.metadata;
  if (m.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
  const generated = !m.name && !!m.generateName;
  if (generated) m.name = m.generateName + generateNameSuffix(ctx.random);
  prepareMetaForCreate(def, obj, ctx.clock.now());
  def.defaults?.(obj);
  def.prepareForCreate?.(obj);
  check(r, obj, [...validateMeta(def, obj), ...(def.validate?.(obj) ?? [])]);
  if (def.namespaced) await checkNamespaceForCreate(ctx, r, m.namespace!, m.name!);
  if (o.operation !== 'Apply') obj = trackManagedFields({ def, obj, old: null, manager: o.fieldManager, apiVersion: r.apiVersion, now: ctx.clock.now() });
  await runAdmission(rc, 'CREATE', obj.metadata.name!, obj, undefined, o.dryRun);
  const m2 = obj.metadata;
  await r.hooks?.beforeCreate?.(obj, { dryRun: o.dryRun });
  try {
    if (o.dryRun) {
      const key = objectKey(def, m2.namespace, m2.name!);
      const existing = await ctx.store.get(key);
      if (existing.kv) throw errors.alreadyExists(def.plural, m2.name!, def.group);
      await r.hooks?.rollback?.(obj, null);
      return obj;
    }
    for (let attempt = 0; ; attempt++) {
      const key = objectKey(def, m2.namespace, m2.name!);
      try {
        const enc = encodeObjectWithJson(obj);
        const kv = await ctx.store.create(key, enc.value, { ttlSeconds: ttlFor(r) });
        obj.metadata.resourceVersion = String(kv.modRevision);
        rememberWrittenJson(obj, enc.json(obj.metadata.resourceVersion));
        return obj;
      } catch (err) {
        // A generated name that collides is retried with a fresh suffix, as Kubernetes does.
        if (generated && isStoreError(err, 'Exists') && attempt < 8) {
          m2.name = m2.generateName + generateNameSuffix(ctx.random);
          continue;
        }
        asKubeError(r, m2.name!, err);
      }
    }
  } catch (err) {
    if (!o.dryRun) await r.hooks?.rollback?.(obj, null);
    throw err;
  }
}

export interface UpdateSpec {
  name: string;
  /** The desired object, from the stored one (a copy the function may change). */
  mutate(cur: Obj): Promise<Obj> | Obj;
  /** 'status' writes only status; others write everything but status (when status is a subresource). */
  subresource?: string;
  /** When the object is missing: the object to create instead (PUT on some kinds, apply), or undefined for 404. */
  createIfMissing?: () => Promise<Obj | undefined>;
}

export interface UpdateResult {
  obj: Obj;
  created: boolean;
}

/**
 * Read-modify-write with compare-and-swap, retried while other writers race (Kubernetes'
 * GuaranteedUpdate). A resourceVersion in the desired object is a precondition: a mismatch is 409.
 */
export async function updateObject(rc: RequestContext, spec: UpdateSpec, o: WriteOptions): Promise<UpdateResult> {
  const { r, ctx } = rc;
  const def = r.def;
  const key = objectKey(def, rc.namespace, spec.name);
  for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
    const got = await ctx.store.get(key);
    if (!got.kv) {
      const created = spec.createIfMissing ? await spec.createIfMissing() : undefined;
      if (!created) throw errors.notFound(def.plural, spec.name, def.group);
      try {
        return { obj: await createObject(rc, created, o), created: true };
      } catch (err) {
        if (err instanceof ApiError && err.reason === 'AlreadyExists' && attempt + 1 < MAX_RETRIES) continue;
        throw err;
      }
    }
    const cur = decodeKv(got.kv);
    const desired = await spec.mutate(clone(cur));
    if (!desired.metadata) desired.metadata = {};
    const wantRv = desired.metadata.resourceVersion;
    if (wantRv !== undefined && wantRv !== '' && wantRv !== cur.metadata.resourceVersion) {
      throw errors.conflict(def.plural, spec.name, 'the object has been modified; please apply your changes to the latest version and try again', def.group);
    }
    if (!desired.metadata.name) {
      // A body (or a patch result) without a name is refused, not silently given the stored one.
      throw errors.badRequest(`the name of the object (${spec.name} based on URL) was undeterminable: name must be provided`);
    }
    if (desired.metadata.name !== spec.name) {
      throw errors.badRequest(`the name of the object (${desired.metadata.name}) does not match the name on the URL (${spec.name})`);
    }
    if (def.namespaced && desired.metadata.namespace && desired.metadata.namespace !== rc.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    let obj: Obj;
    if (spec.subresource === 'status') {
      obj = statusOnly(def, desired, cur);
    } else {
      obj = desired;
      keepStatus(def, obj, cur);
    }
    keepSystemMeta(obj, cur);
    keepNamespaceFinalizers(def, obj, cur, spec.subresource);
    obj.apiVersion = r.apiVersion;
    obj.kind = def.kind;
    def.defaults?.(obj);
    if (spec.subresource !== 'status') def.prepareForUpdate?.(obj, cur);
    bumpGeneration(obj, cur);
    obj.metadata.resourceVersion = cur.metadata.resourceVersion;
    const errs = [...validateMetaUpdate(obj, cur), ...(def.validateUpdate?.(obj, cur) ?? def.validate?.(obj) ?? [])];
    check(r, obj, errs);
    if (o.operation !== 'Apply') obj = trackManagedFields({ def, obj, old: cur, manager: o.fieldManager, apiVersion: r.apiVersion, subresource: spec.subresource, now: ctx.clock.now() });
    await runAdmission(rc, 'UPDATE', spec.name, obj, cur, o.dryRun);
    delete obj.metadata.resourceVersion;
    const curBytes = got.kv.value;
    const unchangedIgnoringManaged = sameIgnoringManagedTimes(obj, cur);
    // An unchanged object is still rewritten when its stored form is stale (encrypted with an old key, or not yet encrypted).
    if (unchangedIgnoringManaged && !isStaleRead(ctx.store, got.kv)) {
      // Nothing changed: Kubernetes skips the write and answers with the stored object.
      return { obj: cur, created: false };
    }
    await r.hooks?.beforeUpdate?.(obj, cur, { dryRun: o.dryRun });
    if (o.dryRun) {
      await r.hooks?.rollback?.(obj, cur);
      obj.metadata.resourceVersion = cur.metadata.resourceVersion;
      return { obj, created: false };
    }
    try {
      if (shouldDeleteDuringUpdate(def, obj)) {
        const kv = await ctx.store.delete(key, got.kv.modRevision);
        void kv;
        obj.metadata.resourceVersion = String(await ctx.store.currentRevision());
        await r.hooks?.afterDelete?.(obj);
        return { obj, created: false };
      }
      const enc = encodeObjectWithJson(obj);
      const kv = await ctx.store.update(key, enc.value, got.kv.modRevision, { ttlSeconds: ttlFor(r) });
      void curBytes;
      obj.metadata.resourceVersion = String(kv.modRevision);
      rememberWrittenJson(obj, enc.json(obj.metadata.resourceVersion));
      return { obj, created: false };
    } catch (err) {
      await r.hooks?.rollback?.(obj, cur);
      if (isStoreError(err, 'Conflict') || isStoreError(err, 'NotFound')) continue; // raced: read again
      throw err;
    }
  }
  throw errors.conflict(def.plural, spec.name, 'the object has been modified; please apply your changes to the latest version and try again', def.group);
}

function sameIgnoringManagedTimes(a: Obj, b: Obj): boolean {
  const strip = (o: Obj) => {
    const { resourceVersion: _rv, managedFields, ...meta } = o.metadata;
    const mf = Array.isArray(managedFields) ? managedFields.map((e) => ({ ...(e as object), time: undefined })) : managedFields;
    return JSON.stringify({ ...o, metadata: { ...meta, managedFields: mf } });
  };
  return strip(a) === strip(b);
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

export interface DeleteResult {
  obj: Obj;
  /** True when the object is gone from the store now; false when deletion is pending. */
  deleted: boolean;
}

function isPod(r: ServedResource): boolean {
  return r.def.group === '' && r.def.plural === 'pods';
}
function isNamespace(r: ServedResource): boolean {
  return r.def.group === '' && r.def.plural === 'namespaces';
}

/** The grace period a pod deletion gets (Kubernetes' pod CheckGracefulDelete). */
function podGrace(pod: Obj, requested: number | undefined): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  let grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
  if (grace < 0) grace = 1;
  // Nothing runs an unbound or finished pod: it can go at once.
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
  return grace;
}

function gcFinalizers(finalizers: string[] | undefined, o: DeleteOptions): string[] {
  let policy = o.propagationPolicy;
  if (!policy && o.orphanDependents !== undefined) policy = o.orphanDependents ? 'Orphan' : 'Background';
  const out = [...(finalizers ?? [])];
  const drop = (f: string) => { const i = out.indexOf(f); if (i >= 0) out.splice(i, 1); };
  if (policy === 'Orphan') { drop('foregroundDeletion'); if (!out.includes('orphan')) out.push('orphan'); }
  else if (policy === 'Foreground') { drop('orphan'); if (!out.includes('foregroundDeletion')) out.push('foregroundDeletion'); }
  else if (policy === 'Background') drop('orphan');
  return out;
}

export function validateDeleteOptions(o: DeleteOptions): void {
  if (o.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(o.propagationPolicy)) {
    throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${o.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", nil`);
  }
  if (o.propagationPolicy !== undefined && o.orphanDependents !== undefined) {
    throw new ApiError(422, 'Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + o.propagationPolicy + '": orphanDependents and deletionPropagation cannot be both set');
  }
}

export async function deleteObject(rc: RequestContext, name: string, o: DeleteOptions): Promise<DeleteResult> {
  const { r, ctx } = rc;
  const def = r.def;
  const key = objectKey(def, rc.namespace, name);
  for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
    const got = await ctx.store.get(key);
    if (!got.kv) throw errors.notFound(def.plural, name, def.group);
    const cur = decodeKv(got.kv);
    const pre = o.preconditions;
    if (pre?.uid && pre.uid !== cur.metadata.uid) {
      throw errors.conflict(def.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`, def.group);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
      throw errors.conflict(def.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`, def.group);
    }
    if (attempt === 0) await runAdmission(rc, 'DELETE', name, undefined, cur, o.dryRun);
    const now = ctx.clock.now();
    const obj = clone(cur);
    const m = obj.metadata;
    m.finalizers = gcFinalizers(m.finalizers, o);
    if (!m.finalizers.length) delete m.finalizers;
    let grace = isPod(r) ? podGrace(cur, o.gracePeriodSeconds) : 0;
    let pending = (m.finalizers?.length ?? 0) > 0;
    if (isPod(r) && grace > 0) pending = true;
    if (isNamespace(r)) {
      const specFins = ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers) ?? [];
      if (specFins.length) pending = true;
    }
    if (pending) {
      if (m.deletionTimestamp) {
        // Already being deleted: a shorter grace period may bring the deadline forward.
        const curGrace = m.deletionGracePeriodSeconds ?? 0;
        if (isPod(r) && grace < curGrace) {
          m.deletionGracePeriodSeconds = grace;
          m.deletionTimestamp = rfc3339(now + grace * 1000);
        } else {
          grace = curGrace;
        }
      } else {
        m.deletionTimestamp = rfc3339(now + grace * 1000);
        m.deletionGracePeriodSeconds = grace;
      }
      if (isNamespace(r)) obj.status = { ...((obj.status as object) ?? {}), phase: 'Terminating' };
      // A pod whose grace has run out and that has no finalizers goes now.
      if (!(isPod(r) && grace === 0 && !(m.finalizers?.length))) {
        if (JSON.stringify(obj) === JSON.stringify(cur)) return { obj: cur, deleted: false };
        if (o.dryRun) return { obj, deleted: false };
        delete m.resourceVersion;
        try {
          const kv = await ctx.store.update(key, encodeObject(obj), got.kv.modRevision);
          m.resourceVersion = String(kv.modRevision);
          return { obj, deleted: false };
        } catch (err) {
          if (isStoreError(err, 'Conflict') || isStoreError(err, 'NotFound')) continue;
          throw err;
        }
      }
    }
    if (o.dryRun) return { obj: cur, deleted: true };
    let kv: KeyValue;
    try {
      kv = await ctx.store.delete(key, got.kv.modRevision);
    } catch (err) {
      if (isStoreError(err, 'Conflict')) continue;
      if (isStoreError(err, 'NotFound')) throw errors.notFound(def.plural, name, def.group);
      throw err;
    }
    void kv;
    cur.metadata.resourceVersion = String(await ctx.store.currentRevision());
    try {
      await r.hooks?.afterDelete?.(cur);
    } catch (err) {
      ctx.log('afterDelete hook failed', { resource: r.qualified, namespace: rc.namespace, name, err: String(err) });
    }
    return { obj: cur, deleted: true };
  }
  throw errors.conflict(def.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', def.group);
}
