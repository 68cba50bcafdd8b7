// Reading and writing the allocated fields of a Service (JSON form), shared by the hooks and the
// rebuild at start.
import type { KubeObject } from '../../api/resource.js';

export interface ServicePort {
  name?: string;
  protocol?: string;
  port?: number;
  nodePort?: number;
  [k: string]: unknown;
}

export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  ports?: ServicePort[];
  selector?: Record<string, string>;
  healthCheckNodePort?: number;
  externalTrafficPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
  [k: string]: unknown;
}

export function specOf(svc: KubeObject): ServiceSpec {
  if (typeof svc.spec !== 'object' || svc.spec === null) svc.spec = {};
  return svc.spec as ServiceSpec;
}

export const typeOf = (spec: ServiceSpec) => spec.type ?? 'ClusterIP';

export function clusterIPsOf(spec: ServiceSpec): string[] {
  if (spec.clusterIPs?.length) return spec.clusterIPs;
  return spec.clusterIP ? [spec.clusterIP] : [];
}

export function isHeadless(spec: ServiceSpec): boolean {
  return clusterIPsOf(spec)[0] === 'None';
}

/** Addresses a Service holds in the allocator: none for ExternalName and headless Services. */
export function allocatedIPsOf(spec: ServiceSpec): string[] {
  if (typeOf(spec) === 'ExternalName' || isHeadless(spec)) return [];
  return clusterIPsOf(spec).filter((ip) => ip && ip !== 'None');
}

export const needsNodePorts = (spec: ServiceSpec) => typeOf(spec) === 'NodePort' || typeOf(spec) === 'LoadBalancer';

/** Whether ports without a nodePort get one (LoadBalancers may opt out). */
export const allocatesNodePorts = (spec: ServiceSpec) => typeOf(spec) === 'NodePort' || (typeOf(spec) === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

export const needsHealthCheck = (spec: ServiceSpec) => typeOf(spec) === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';

/** Every node port a Service holds (one per distinct number) plus its health check port. */
export function nodePortsOf(spec: ServiceSpec): number[] {
  const out = new Set<number>();
  for (const p of spec.ports ?? []) if (p.nodePort) out.add(p.nodePort);
  if (spec.healthCheckNodePort) out.add(spec.healthCheckNodePort);
  return [...out];
}
