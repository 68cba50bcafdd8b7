// The endpoints a Service's EndpointSlices should hold, grouped as slices are: one group per
// address type and exact port set, each sorted and cut into slices of at most maxPerSlice.
// Unlike Endpoints, terminating pods stay listed, with conditions saying what they are.
import type { PodLike } from '../base/pods.js';
import { isPodReady } from '../base/pods.js';
import { isHeadless, podIP, podRef, resolveTargetPort, shouldPodBeInEndpoints, type ServiceLike } from '../base/services.js';

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef: { kind: string; namespace: string; name: string; uid: string };
}
export interface SlicePort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}
export interface SliceGroup {
  addressType: 'IPv4' | 'IPv6';
  ports: SlicePort[];
  /** addressType + port set: slices of one group are interchangeable. */
  key: string;
  endpoints: SliceEndpoint[];
}

/** Kubernetes' default --max-endpoints-per-slice. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export function portsKey(addressType: string, ports: SlicePort[] | undefined): string {
  return addressType + '|' + (ports ?? []).map((p) => `${p.name ?? ''}:${p.port}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`).sort().join(',');
}

export function desiredGroups(svc: ServiceLike, pods: PodLike[]): SliceGroup[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const svcPorts = svc.spec?.ports ?? [];
  const groups = new Map<string, SliceGroup>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIP(pod);
    const addressType = ip.includes(':') ? 'IPv6' : 'IPv4';
    const ports: SlicePort[] = [];
    for (const sp of svcPorts) {
      const n = resolveTargetPort(pod, sp);
      if (n === undefined) continue;
      const p: SlicePort = { port: n, protocol: sp.protocol ?? 'TCP' };
      if (sp.name !== undefined) p.name = sp.name;
      if (sp.appProtocol) p.appProtocol = sp.appProtocol;
      ports.push(p);
    }
    if (svcPorts.length && !ports.length) continue;
    if (!svcPorts.length && !isHeadless(svc)) continue;
    ports.sort((a, b) => cmp(a.name ?? '', b.name ?? '') || a.port - b.port);
    const serving = publishNotReady || isPodReady(pod);
    const terminating = !!pod.metadata.deletionTimestamp;
    const ep: SliceEndpoint = {
      addresses: [ip],
      conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
      targetRef: podRef(pod),
    };
    if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name) ep.hostname = pod.spec.hostname;
    if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
    const key = portsKey(addressType, ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addressType, ports, key, endpoints: [] }));
    g.endpoints.push(ep);
  }
  for (const g of groups.values()) g.endpoints.sort((a, b) => cmp(a.addresses[0]!, b.addresses[0]!) || cmp(a.targetRef.name, b.targetRef.name));
  return [...groups.values()].sort((a, b) => cmp(a.key, b.key));
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
