// The garbage collector. It watches every resource discovery reports as listable, watchable and
// deletable (events excepted, as in Kubernetes), indexing each cache by uid and by owner uid: those
// two indexes are its ownership graph. Keys are "<group>/<version>/<resource>|<namespace>/<name>".
//   - an object with owners: its owners are looked up (cache first, then a live GET, so a watch that
//     is merely behind never gets a dependent deleted) and decide() says keep, trim or delete;
//   - an owner deleted with propagationPolicy=Orphan (finalizer "orphan"): its dependents lose the
//     reference to it, then the finalizer goes;
//   - an owner deleted in the foreground (finalizer "foregroundDeletion"): its dependents are
//     deleted; once none with blockOwnerDeletion is left, the finalizer goes and so does the owner.
// Background deletion needs nothing more: the owner is gone at once and its dependents, now
// dangling, are deleted when their sync finds that out.
import type { KubeObject } from '../../api/resource.js';
import { isNotFound, type ResourceRef } from '../../client/rest.js';
import { objectKey, splitKey, type IndexFunc } from '../../client/informer/store.js';
import type { SharedInformer } from '../../client/informer/shared-informer.js';
import { DeletedFinalStateUnknown } from '../../client/informer/relist.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { sleep } from '../../client/backoff.js';
import { realClock } from '../../machinery/clock.js';
import { discoverResources, type DiscoveredResource } from '../base/discovery.js';
import { decide, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type OwnerRefLike, type OwnerState } from './decide.js';

const BY_UID = 'gc-uid';
const BY_OWNER = 'gc-owner-uid';
const byUid: IndexFunc<KubeObject> = (o) => (o.metadata.uid ? [o.metadata.uid] : []);
const byOwner: IndexFunc<KubeObject> = (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid);

/** Kubernetes' DefaultIgnoredResources: events are never owners worth tracking. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

interface Monitor {
  id: string;
  res: DiscoveredResource;
  informer: SharedInformer<KubeObject>;
}

function unwrap(o: KubeObject | DeletedFinalStateUnknown<KubeObject>): KubeObject | undefined {
  return o instanceof DeletedFinalStateUnknown ? o.obj : o;
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

export function createGarbageCollector(ctx: ControllerContext): Controller {
  const name = 'garbagecollector';
  const queue = newQueue(ctx, name);
  const monitors = new Map<string, Monitor>();
  /** "<group>|<Kind>" -> monitor */
  const byKind = new Map<string, Monitor>();
  const recorder = ctx.recorder('garbage-collector-controller');

  const itemKey = (m: Monitor, o: KubeObject) => `${m.id}|${objectKey(o)}`;
  const enqueue = (m: Monitor, o: KubeObject) => queue.add(itemKey(m, o));

  /** Every cached object whose ownerReferences name this uid (with the monitor caching it). */
  function dependentsOf(uid: string): { m: Monitor; o: KubeObject }[] {
    const out: { m: Monitor; o: KubeObject }[] = [];
    for (const m of monitors.values()) for (const o of m.informer.indexer.byIndex(BY_OWNER, uid)) out.push({ m, o });
    return out;
  }

  function enqueueOwners(o: KubeObject): void {
    for (const ref of o.metadata.ownerReferences ?? []) {
      const m = byKind.get(`${groupOf(ref.apiVersion)}|${ref.kind}`);
      for (const owner of m?.informer.indexer.byIndex(BY_UID, ref.uid) ?? []) enqueue(m!, owner);
    }
  }

  function watch(m: Monitor): void {
    const changed = (o: KubeObject) => {
      if (o.metadata.ownerReferences?.length) enqueue(m, o);
      const fins = o.metadata.finalizers ?? [];
      if (o.metadata.deletionTimestamp && (fins.includes(FINALIZER_ORPHAN) || fins.includes(FINALIZER_FOREGROUND))) {
        enqueue(m, o);
        if (fins.includes(FINALIZER_FOREGROUND)) for (const d of dependentsOf(o.metadata.uid!)) enqueue(d.m, d.o);
      }
    };
    m.informer.addEventHandler({
      onAdd: changed,
      onUpdate: (old, o) => {
        changed(o);
        // An owner waiting in the foreground learns that a dependent moved on.
        if (old.metadata.ownerReferences?.length) enqueueOwners(old);
        if (o.metadata.ownerReferences?.length) enqueueOwners(o);
      },
      onDelete: (d) => {
        const o = unwrap(d);
        if (!o) return;
        if (o.metadata.uid) for (const dep of dependentsOf(o.metadata.uid)) enqueue(dep.m, dep.o);
        enqueueOwners(o);
      },
    });
  }

  async function startMonitors(signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        const { resources, failed } = await discoverResources(ctx.client, signal);
        for (const [gv, err] of failed) ctx.log('garbage collector: discovery failed for a group version', { groupVersion: gv, err });
        for (const res of resources) {
          const id = `${res.group}/${res.version}/${res.plural}`;
          if (IGNORED.has(`${res.group}/${res.plural}`) || monitors.has(id)) continue;
          if (!['list', 'watch', 'delete'].every((v) => res.verbs.includes(v))) continue;
          const informer = ctx.informers.informerFor<KubeObject>(res, { indexers: { [BY_UID]: byUid, [BY_OWNER]: byOwner } });
          const m: Monitor = { id, res, informer };
          monitors.set(id, m);
          byKind.set(`${res.group}|${res.kind}`, m);
          watch(m);
        }
        ctx.informers.start();
        return;
      } catch (err) {
        if (signal.aborted) return;
        ctx.log('garbage collector: discovery failed; retrying', { err: (err as Error).message });
        await sleep(realClock, 1000, signal);
      }
    }
  }

  /** Where an owner stands, from the cache or, when the cache does not have it, from the API. */
  async function ownerState(ref: OwnerRefLike, namespace: string | undefined): Promise<OwnerState> {
    const m = byKind.get(`${groupOf(ref.apiVersion)}|${ref.kind}`);
    if (!m) throw new Error(`garbage collector: no resource serves ${ref.apiVersion} ${ref.kind}`);
    const stateOf = (o: KubeObject): OwnerState => {
      if (o.metadata.uid !== ref.uid) return 'dangling';
      if (m.res.namespaced && o.metadata.namespace !== namespace) return 'dangling';
      return o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FINALIZER_FOREGROUND) ? 'waiting' : 'solid';
    };
    const cached = m.informer.indexer.byIndex(BY_UID, ref.uid)[0];
    if (cached) return stateOf(cached);
    if (m.res.namespaced && !namespace) return 'dangling'; // a cluster-scoped object cannot have a namespaced owner
    try {
      return stateOf(await ctx.client.get<KubeObject>(m.res, ref.name, { namespace: m.res.namespaced ? namespace : undefined }));
    } catch (err) {
      if (isNotFound(err)) return 'dangling';
      throw err;
    }
  }

  async function patchMeta(res: ResourceRef, o: KubeObject, meta: Record<string, unknown>): Promise<void> {
    // resourceVersion makes the patch a compare-and-swap: a stale cache gets 409 and a retry.
    await ctx.client.patch(res, o.metadata.name!, 'merge', { metadata: { uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, ...meta } }, { namespace: o.metadata.namespace });
  }

  async function removeFinalizer(m: Monitor, o: KubeObject, finalizer: string): Promise<void> {
    const rest = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await patchMeta(m.res, o, { finalizers: rest.length ? rest : null });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async function orphanDependents(m: Monitor, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid!;
    for (const { m: dm, o } of dependentsOf(uid)) {
      const refs = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      try {
        await patchMeta(dm.res, o, { ownerReferences: refs.length ? refs : null });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    ctx.log('orphaned dependents; removing the orphan finalizer', { kind: m.res.kind, namespace: owner.metadata.namespace, name: owner.metadata.name });
    await removeFinalizer(m, owner, FINALIZER_ORPHAN);
  }

  async function foregroundOwner(m: Monitor, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid!;
    const deps = dependentsOf(uid);
    const blocking = deps.filter(({ o }) => o.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion));
    if (blocking.length) {
      // Their own syncs delete them; their deletion events bring the owner back here.
      for (const d of deps) if (!d.o.metadata.deletionTimestamp) enqueue(d.m, d.o);
      return;
    }
    ctx.log('no dependent blocks the owner any longer; removing foregroundDeletion', { kind: m.res.kind, namespace: owner.metadata.namespace, name: owner.metadata.name });
    await removeFinalizer(m, owner, FINALIZER_FOREGROUND);
  }

  async function sync(item: string): Promise<void> {
    const bar = item.indexOf('|');
    const m = monitors.get(item.slice(0, bar));
    if (!m) return;
    const key = item.slice(bar + 1);
    const o = m.informer.indexer.getByKey(key);
    if (!o) return;
    const fins = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp) {
      if (fins.includes(FINALIZER_ORPHAN)) await orphanDependents(m, o);
      else if (fins.includes(FINALIZER_FOREGROUND)) await foregroundOwner(m, o);
      return;
    }
    const refs = (o.metadata.ownerReferences ?? []) as OwnerRefLike[];
    if (!refs.length) return;
    const owners = [];
    for (const ref of refs) owners.push({ ref, state: await ownerState(ref, o.metadata.namespace) });
    const action = decide(owners, dependentsOf(o.metadata.uid!).length > 0, fins);
    const { namespace, name: objName } = splitKey(key);
    if (action.action === 'removeOwnerRefs') {
      const keep = refs.filter((r) => !action.uids.includes(r.uid));
      ctx.log('removing references to deleted owners', { kind: m.res.kind, namespace, name: objName, owners: action.uids });
      try { await patchMeta(m.res, o, { ownerReferences: keep }); } catch (err) { if (!isNotFound(err)) throw err; }
    } else if (action.action === 'delete') {
      ctx.log('deleting object: its owners are gone', { kind: m.res.kind, namespace, name: objName, propagationPolicy: action.propagationPolicy });
      try {
        await ctx.client.delete(m.res, objName, { namespace, propagationPolicy: action.propagationPolicy, preconditions: { uid: o.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) {
          recorder.event(o, 'Warning', 'FailedDelete', `garbage collector could not delete ${m.res.kind} ${key}: ${(err as Error).message}`);
          throw err;
        }
      }
    }
  }

  return queueController({
    name, ctx, queue, sync,
    workers: Number(ctx.options.gcWorkers ?? ctx.options.workers ?? 20),
    beforeSync: startMonitors,
    informers: () => [...monitors.values()].map((m) => m.informer),
  });
}
