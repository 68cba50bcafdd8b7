// The desired subsets of a Service's Endpoints: each backing pod's address (ready or not ready)
// with the service ports resolved for that pod, packed so that addresses exposing the same port
// set share one subset (Kubernetes' RepackSubsets), in a stable order so equal inputs give equal
// JSON and an unchanged service writes nothing.
import type { PodLike } from '../base/pods.js';
import { isPodReady } from '../base/pods.js';
import { isHeadless, podIP, podRef, resolveTargetPort, shouldPodBeInEndpoints, type ServiceLike } from '../base/services.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace: string; name: string; uid: string };
}
export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** Kubernetes' maxCapacity: an Endpoints object holds at most this many addresses. */
export const MAX_ENDPOINT_ADDRESSES = 1000;

export interface DesiredEndpoints {
  subsets: EndpointSubset[];
  truncated: boolean;
}

export function desiredSubsets(svc: ServiceLike, pods: PodLike[]): DesiredEndpoints {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const ports = svc.spec?.ports ?? [];
  // address key -> address, readiness and the ports it serves
  const byAddr = new Map<string, { addr: EndpointAddress; ready: boolean; ports: Map<string, EndpointPort> }>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr: EndpointAddress = { ip: podIP(pod) };
    if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace) addr.hostname = pod.spec.hostname;
    if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
    addr.targetRef = podRef(pod);
    const ready = publishNotReady || isPodReady(pod);
    const entry = { addr, ready, ports: new Map<string, EndpointPort>() };
    if (ports.length === 0) {
      // Only a headless service may have no ports: its addresses are published port-less.
      if (!isHeadless(svc)) continue;
    } else {
      for (const sp of ports) {
        const n = resolveTargetPort(pod, sp);
        if (n === undefined) continue; // this pod does not expose the named port
        const ep: EndpointPort = { port: n, protocol: sp.protocol ?? 'TCP' };
        if (sp.name) ep.name = sp.name;
        if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
        entry.ports.set(portKey(ep), ep);
      }
      if (entry.ports.size === 0) continue;
    }
    byAddr.set(`${addr.ip}/${pod.metadata.uid}`, entry);
  }
  // Group addresses by the exact port set they expose.
  const groups = new Map<string, EndpointSubset>();
  let total = 0;
  let truncated = false;
  const entries = [...byAddr.values()].sort((a, b) => Number(b.ready) - Number(a.ready) || cmp(a.addr.ip, b.addr.ip) || cmp(a.addr.targetRef?.name ?? '', b.addr.targetRef?.name ?? ''));
  for (const e of entries) {
    if (total >= MAX_ENDPOINT_ADDRESSES) { truncated = true; break; }
    total++;
    const ps = [...e.ports.values()].sort((a, b) => cmp(portKey(a), portKey(b)));
    const key = ps.map(portKey).join(',');
    let s = groups.get(key);
    if (!s) {
      s = {};
      if (ps.length) s.ports = ps;
      groups.set(key, s);
    }
    if (e.ready) (s.addresses ??= []).push(e.addr);
    else (s.notReadyAddresses ??= []).push(e.addr);
  }
  const subsets = [...groups.entries()].sort(([a], [b]) => cmp(a, b)).map(([, s]) => {
    s.addresses?.sort((x, y) => cmp(x.ip, y.ip) || cmp(x.targetRef?.name ?? '', y.targetRef?.name ?? ''));
    s.notReadyAddresses?.sort((x, y) => cmp(x.ip, y.ip) || cmp(x.targetRef?.name ?? '', y.targetRef?.name ?? ''));
    // Field order as the API server returns it, so a re-read compares equal.
    const out: EndpointSubset = {};
    if (s.addresses) out.addresses = s.addresses;
    if (s.notReadyAddresses) out.notReadyAddresses = s.notReadyAddresses;
    if (s.ports) out.ports = s.ports;
    return out;
  });
  return { subsets, truncated };
}

function portKey(p: EndpointPort): string {
  return `${p.name ?? ''}:${p.port}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
