// Cluster DNS answers (the Kubernetes DNS specification, as CoreDNS's kubernetes plugin serves it),
// computed from Services and EndpointSlices. Pure: the server passes a view of its informer caches.
import type { Service } from '../api/core/v1/services.js';
import type { EndpointSlice } from '../api/discovery/v1/endpointslices.js';
import { RCODE, TYPE, type ResourceRecord } from './wire.js';

export interface ClusterView {
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, service: string): EndpointSlice[];
  namespaceExists?(namespace: string): boolean;
}

/** null: not ours, forward it upstream. */
export type Answer = { rcode: number; answers: ResourceRecord[] } | null;

export const TTL = 5; // CoreDNS's default for cluster records

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

interface ReadyEndpoint { ip: string; hostname?: string }

function readyEndpoints(slices: EndpointSlice[], publishNotReady: boolean): ReadyEndpoint[] {
  const out = new Map<string, ReadyEndpoint>();
  for (const s of slices) {
    if (s.addressType !== 'IPv4') continue;
    for (const e of s.endpoints ?? []) {
      if (!publishNotReady && e.conditions?.ready === false) continue;
      for (const ip of e.addresses ?? []) if (!out.has(ip)) out.set(ip, { ip, hostname: e.hostname });
    }
  }
  return [...out.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

function endpointLabel(e: ReadyEndpoint): string {
  return e.hostname ?? e.ip.replace(/\./g, '-');
}

/**
 * Answers `name` (lower-case, no trailing dot) of type `qtype` inside `domain`
 * (e.g. cluster.local), or null when the name lies outside the cluster domain.
 */
export function resolve(view: ClusterView, domain: string, name: string, qtype: number): Answer {
  name = name.toLowerCase().replace(/\.$/, '');
  const suffix = `.${domain}`;
  if (name !== domain && !name.endsWith(suffix)) return null;
  const labels = name === domain ? [] : name.slice(0, -suffix.length).split('.');
  const nx = { rcode: RCODE.NXDOMAIN, answers: [] };
  const nodata = { rcode: RCODE.NOERROR, answers: [] };
  const kind = labels.at(-1);
  if (kind === 'pod' && labels.length === 3) {
    // <a-b-c-d>.<ns>.pod.<domain>: the address spelled in the name (CoreDNS "pods insecure").
    const ip = labels[0]!.replace(/-/g, '.');
    if (!IPV4.test(ip)) return nx;
    return qtype === TYPE.A || qtype === TYPE.ANY ? { rcode: RCODE.NOERROR, answers: [{ name, ttl: TTL, type: TYPE.A, address: ip }] } : nodata;
  }
  if (kind !== 'svc') return labels.length <= 1 ? nodata : nx;
  const rest = labels.slice(0, -1); // [..., svc, ns]
  if (rest.length < 2) return rest.length === 1 && view.namespaceExists?.(rest[0]!) !== false ? nodata : nx;
  const ns = rest.at(-1)!;
  // _port._proto.svc.ns  |  hostname.svc.ns  |  svc.ns
  let portName: string | undefined;
  let proto: string | undefined;
  let host: string | undefined;
  let svcName: string;
  if (rest.length === 4 && rest[0]!.startsWith('_') && rest[1]!.startsWith('_')) {
    portName = rest[0]!.slice(1); proto = rest[1]!.slice(1).toUpperCase(); svcName = rest[2]!;
  } else if (rest.length === 3) {
    host = rest[0]!; svcName = rest[1]!;
  } else if (rest.length === 2) {
    svcName = rest[0]!;
  } else return nx;
  const svc = view.service(ns, svcName);
  if (!svc) return nx;
  const spec = svc.spec ?? {};
  const svcFqdn = `${svcName}.${ns}.svc.${domain}`;
  if (spec.type === 'ExternalName') {
    if (host || portName) return nx;
    return qtype === TYPE.CNAME || qtype === TYPE.A || qtype === TYPE.AAAA || qtype === TYPE.ANY
      ? { rcode: RCODE.NOERROR, answers: [{ name, ttl: TTL, type: TYPE.CNAME, target: (spec.externalName ?? '').replace(/\.$/, '') }] } : nodata;
  }
  const headless = spec.clusterIP === 'None';
  const eps = headless || host ? readyEndpoints(view.slices(ns, svcName), spec.publishNotReadyAddresses === true) : [];
  if (host) {
    if (!headless) return nx;
    const e = eps.filter((x) => endpointLabel(x) === host);
    if (!e.length) return nx;
    return qtype === TYPE.A || qtype === TYPE.ANY ? { rcode: RCODE.NOERROR, answers: e.map((x) => ({ name, ttl: TTL, type: TYPE.A, address: x.ip })) } : nodata;
  }
  if (portName !== undefined) {
    const port = (spec.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === proto);
    if (!port) return nx;
    if (qtype !== TYPE.SRV && qtype !== TYPE.ANY) return nodata;
    if (!headless) return { rcode: RCODE.NOERROR, answers: [{ name, ttl: TTL, type: TYPE.SRV, priority: 0, weight: 100, port: port.port, target: svcFqdn }] };
    // Headless: one SRV per ready endpoint, with the endpoint's own port.
    const slicePort = (s: EndpointSlice) => s.ports?.find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === proto)?.port;
    const sp = view.slices(ns, svcName).map(slicePort).find((p) => p !== undefined) ?? port.port;
    const w = eps.length ? Math.floor(100 / eps.length) : 100;
    return { rcode: RCODE.NOERROR, answers: eps.map((e) => ({ name, ttl: TTL, type: TYPE.SRV, priority: 0, weight: w, port: sp, target: `${endpointLabel(e)}.${svcFqdn}` })) };
  }
  if (qtype !== TYPE.A && qtype !== TYPE.ANY) return nodata;
  if (!headless) return IPV4.test(spec.clusterIP ?? '') ? { rcode: RCODE.NOERROR, answers: [{ name, ttl: TTL, type: TYPE.A, address: spec.clusterIP! }] } : nodata;
  return { rcode: RCODE.NOERROR, answers: eps.map((e) => ({ name, ttl: TTL, type: TYPE.A, address: e.ip })) };
}
