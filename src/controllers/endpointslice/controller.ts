// The EndpointSlice controller: for each Service with a selector, EndpointSlices (at most 100
// endpoints each) labelled kubernetes.io/service-name and managed-by endpointslice-controller.k8s.io,
// owned by the Service, holding its pods with ready/serving/terminating conditions. A Service with
// no endpoints keeps one empty placeholder slice, as in Kubernetes. Slices go with their Service.
import type { KubeObject } from '../../api/resource.js';
import { deepEqual } from '../../client/patch.js';
import { isNotFound } from '../../client/rest.js';
import { labelIndex, objectKey, splitKey } from '../../client/informer/store.js';
import { DeletedFinalStateUnknown } from '../../client/informer/relist.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { ENDPOINTSLICES, PODS, SERVICES } from '../base/resources.js';
import type { PodLike } from '../base/pods.js';
import { isHeadless, managesEndpoints, selectedPods, servicesForPod, type ServiceLike } from '../base/services.js';
import { chunk, desiredGroups, MAX_ENDPOINTS_PER_SLICE, portsKey, type SliceEndpoint, type SlicePort } from './desired.js';
import { SliceTracker } from './tracker.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
const HEADLESS_LABEL = 'service.kubernetes.io/headless';
const BY_SERVICE = 'endpointslice-service';

export interface EndpointSliceLike extends KubeObject {
  addressType: string;
  endpoints: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

function unwrap<T extends KubeObject>(o: T | DeletedFinalStateUnknown<T>): T | undefined {
  return o instanceof DeletedFinalStateUnknown ? o.obj : o;
}

function ownedBy(slice: KubeObject): boolean {
  return slice.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME;
}

export function createEndpointSliceController(ctx: ControllerContext): Controller {
  const name = 'endpointslice';
  const queue = newQueue(ctx, name);
  const maxPerSlice = Number(ctx.options.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE);
  const services = ctx.informers.informerFor<ServiceLike>(SERVICES);
  const pods = ctx.informers.informerFor<PodLike>(PODS);
  const slices = ctx.informers.informerFor<EndpointSliceLike>(ENDPOINTSLICES, { indexers: { [BY_SERVICE]: labelIndex(SERVICE_NAME_LABEL) } });
  const tracker = new SliceTracker();
  const enqueue = (k: string) => queue.add(k);
  const sliceOwner = (s: KubeObject) => {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (svc && ownedBy(s)) enqueue(`${s.metadata.namespace}/${svc}`);
  };

  services.addEventHandler({
    onAdd: (s) => enqueue(objectKey(s)),
    onUpdate: (_o, s) => enqueue(objectKey(s)),
    onDelete: (s) => { const o = unwrap(s); if (o) enqueue(objectKey(o)); },
  });
  pods.addEventHandler({
    onAdd: (p) => servicesForPod(services, p).forEach(enqueue),
    onUpdate: (old, p) => servicesForPod(services, p, old).forEach(enqueue),
    onDelete: (p) => { const o = unwrap(p); if (o) servicesForPod(services, o).forEach(enqueue); },
  });
  slices.addEventHandler({
    onAdd: sliceOwner,
    onUpdate: (_o, s) => sliceOwner(s),
    onDelete: (s) => { const o = unwrap(s); if (o) sliceOwner(o); },
  });

  async function del(svcKey: string, s: KubeObject): Promise<void> {
    try {
      await ctx.client.delete(ENDPOINTSLICES, s.metadata.name!, { namespace: s.metadata.namespace, preconditions: { uid: s.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    tracker.deleted(svcKey, s.metadata.name!);
  }

  async function sync(key: string): Promise<void | number> {
    const { namespace, name: svcName } = splitKey(key);
    const existing = slices.indexer.byIndex(BY_SERVICE, svcName).filter((s) => s.metadata.namespace === namespace && ownedBy(s));
    const cached = new Map(existing.map((s) => [s.metadata.name!, s as KubeObject]));
    // Our last writes are not in the cache yet: acting now could duplicate a slice.
    if (tracker.stale(key, cached)) return 100;
    const svc = services.indexer.getByKey(key);
    if (!svc || !managesEndpoints(svc) || svc.metadata.deletionTimestamp) {
      for (const s of existing) await del(key, s);
      if (!svc) tracker.forget(key);
      return;
    }
    let groups = desiredGroups(svc, selectedPods(svc, pods));
    if (!groups.length) {
      // Kubernetes keeps one empty slice so consumers can tell "no endpoints" from "not processed".
      groups = [{ addressType: 'IPv4', ports: [], key: portsKey('IPv4', []), endpoints: [] }];
    }
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: svcName, [MANAGED_BY_LABEL]: CONTROLLER_NAME };
    if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
    else delete labels[HEADLESS_LABEL];
    const ownerReferences = [{ apiVersion: 'v1', kind: 'Service', name: svcName, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }];

    // Existing slices by group, oldest name first so the same slice keeps the same endpoints.
    const pool = new Map<string, EndpointSliceLike[]>();
    for (const s of [...existing].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))) {
      const k = portsKey(s.addressType, s.ports ?? []);
      if (!pool.has(k)) pool.set(k, []);
      pool.get(k)!.push(s);
    }
    for (const g of groups) {
      const parts = g.endpoints.length ? chunk(g.endpoints, maxPerSlice) : [[]];
      const reuse = pool.get(g.key) ?? [];
      for (const eps of parts) {
        const cur = reuse.shift();
        const body: EndpointSliceLike = {
          apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
          metadata: cur ? { ...cur.metadata, labels, ownerReferences } : { generateName: `${svcName}-`, namespace, labels, ownerReferences },
          addressType: g.addressType,
          endpoints: eps,
          ports: g.ports,
        };
        if (cur) {
          const same = deepEqual(cur.endpoints ?? [], eps) && deepEqual(cur.ports ?? [], g.ports) && deepEqual(cur.metadata.labels ?? {}, labels)
            && deepEqual(cur.metadata.ownerReferences ?? [], ownerReferences);
          if (same) continue;
          tracker.wrote(key, await ctx.client.update(ENDPOINTSLICES, body, { namespace }));
        } else {
          tracker.wrote(key, await ctx.client.create(ENDPOINTSLICES, body, { namespace }));
        }
      }
      pool.set(g.key, reuse);
    }
    for (const left of pool.values()) for (const s of left) await del(key, s);
  }

  return queueController({ name, ctx, queue, informers: () => [services, pods, slices], sync });
}
