// What the endpoints and EndpointSlice controllers share: which pods back a Service, which
// Services a pod event concerns, and each service port resolved against one pod (a named
// targetPort is looked up in that pod's containers, so pods may expose it on different numbers).
import type { KubeObject } from '../../api/resource.js';
import type { SharedInformer } from '../../client/informer/shared-informer.js';
import { NAMESPACE_INDEX, objectKey } from '../../client/informer/store.js';
import { matches, selectorFromSet } from '../../machinery/labels/selector.js';
import type { PodLike } from './pods.js';

export interface ServicePortLike {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export interface ServiceLike extends KubeObject {
  spec?: {
    selector?: Record<string, string>;
    ports?: ServicePortLike[];
    clusterIP?: string;
    type?: string;
    publishNotReadyAddresses?: boolean;
  };
}

/** Only Services with a selector (and not ExternalName) get endpoints from the controllers. */
export function managesEndpoints(svc: ServiceLike): boolean {
  const sel = svc.spec?.selector;
  return !!sel && Object.keys(sel).length > 0 && svc.spec?.type !== 'ExternalName';
}

export function selectedPods(svc: ServiceLike, pods: SharedInformer<PodLike>): PodLike[] {
  const sel = selectorFromSet(svc.spec!.selector!);
  return pods.indexer.select(sel, svc.metadata.namespace);
}

/** Keys of the Services in the pod's namespace whose selector matches either label set. */
export function servicesForPod(services: SharedInformer<ServiceLike>, pod: KubeObject, old?: KubeObject): string[] {
  const ns = pod.metadata.namespace;
  if (!ns) return [];
  const out: string[] = [];
  for (const svc of services.indexer.byIndex(NAMESPACE_INDEX, ns)) {
    if (!managesEndpoints(svc)) continue;
    const sel = selectorFromSet(svc.spec!.selector!);
    if (matches(sel, pod.metadata.labels) || (old && matches(sel, old.metadata.labels))) out.push(objectKey(svc));
  }
  return out;
}

/** The pod's IP for endpoints ("" when it has none yet). */
export function podIP(pod: PodLike): string {
  return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || '';
}

/**
 * Kubernetes' ShouldPodBeInEndpoints: a pod with no IP or that has terminated for good is left out;
 * a terminating one only when includeTerminating.
 */
export function shouldPodBeInEndpoints(pod: PodLike, includeTerminating: boolean): boolean {
  if (!podIP(pod)) return false;
  const phase = pod.status?.phase;
  const restart = pod.spec?.restartPolicy ?? 'Always';
  if (phase === 'Failed' && restart !== 'Always') return false;
  if (phase === 'Succeeded' && restart !== 'Always') return false;
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** Kubernetes' FindPort: the container port a service port's targetPort names in this pod. */
export function resolveTargetPort(pod: PodLike, sp: ServicePortLike): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  const proto = sp.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === proto) return p.containerPort;
  }
  return undefined;
}

/** The reference endpoints carry to their pod. */
export function podRef(pod: PodLike): { kind: string; namespace: string; name: string; uid: string } {
  return { kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! };
}

export function isHeadless(svc: ServiceLike): boolean {
  return svc.spec?.clusterIP === 'None';
}
