// The endpoints controller: keeps one Endpoints object per Service with a selector, listing the
// addresses of the pods it selects (ready ones in `addresses`, others in `notReadyAddresses`),
// and deletes it when the Service goes. Pod, Service and Endpoints events only enqueue the
// Service key; sync compares the desired subsets with the cached Endpoints and writes the difference.
import type { KubeObject } from '../../api/resource.js';
import { deepEqual } from '../../client/patch.js';
import { isAlreadyExists, isNotFound } from '../../client/rest.js';
import { objectKey, splitKey } from '../../client/informer/store.js';
import { DeletedFinalStateUnknown } from '../../client/informer/relist.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { ENDPOINTS, PODS, SERVICES } from '../base/resources.js';
import type { PodLike } from '../base/pods.js';
import { isHeadless, managesEndpoints, selectedPods, servicesForPod, type ServiceLike } from '../base/services.js';
import { desiredSubsets, type EndpointSubset } from './subsets.js';

export interface EndpointsLike extends KubeObject {
  subsets?: EndpointSubset[];
}

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';

function unwrap<T extends KubeObject>(o: T | DeletedFinalStateUnknown<T>): T | undefined {
  return o instanceof DeletedFinalStateUnknown ? o.obj : o;
}

export function createEndpointsController(ctx: ControllerContext): Controller {
  const name = 'endpoint';
  const queue = newQueue(ctx, name);
  const services = ctx.informers.informerFor<ServiceLike>(SERVICES);
  const pods = ctx.informers.informerFor<PodLike>(PODS);
  const endpoints = ctx.informers.informerFor<EndpointsLike>(ENDPOINTS);
  const enqueue = (k: string) => queue.add(k);

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
  // Someone else changing or deleting our Endpoints: put them back.
  endpoints.addEventHandler({
    onUpdate: (_o, e) => enqueue(objectKey(e)),
    onDelete: (e) => { const o = unwrap(e); if (o) enqueue(objectKey(o)); },
  });

  async function sync(key: string): Promise<void> {
    const { namespace, name: svcName } = splitKey(key);
    const svc = services.indexer.getByKey(key);
    const current = endpoints.indexer.getByKey(key);
    if (!svc) {
      // The Service is gone: so go its Endpoints (only if they were ours to keep, i.e. it had a selector; we cannot tell now, as Kubernetes cannot).
      if (current) {
        try { await ctx.client.delete(ENDPOINTS, svcName, { namespace }); } catch (err) { if (!isNotFound(err)) throw err; }
      }
      return;
    }
    if (!managesEndpoints(svc)) return; // user-managed Endpoints of a selector-less Service
    const { subsets, truncated } = desiredSubsets(svc, selectedPods(svc, pods));
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
    else delete labels[HEADLESS_LABEL];
    const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
    if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];

    if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels)
      && deepEqual(current.metadata.annotations ?? {}, annotations)) return;
    const meta = { ...(current?.metadata ?? {}), name: svcName, namespace, labels, annotations };
    if (!Object.keys(annotations).length) delete (meta as { annotations?: unknown }).annotations;
    const desired: EndpointsLike = { apiVersion: 'v1', kind: 'Endpoints', metadata: meta, subsets };
    if (!current) {
      try {
        await ctx.client.create(ENDPOINTS, desired, { namespace });
      } catch (err) {
        // Already there but not yet in our cache: the watch event will bring us back.
        if (!isAlreadyExists(err)) throw err;
      }
      return;
    }
    await ctx.client.update(ENDPOINTS, desired, { namespace });
  }

  return queueController({ name, ctx, queue, informers: () => [services, pods, endpoints], sync });
}
