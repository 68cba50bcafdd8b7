// Service defaults and strategy (SetDefaults_Service, pkg/registry/core/service/strategy.go and the
// registry's patchAllocatedValues): what the server does to a Service before validating a write.
import type { Service, ServiceSpec, ServiceStatus } from './services.js';
import { isIPv6String } from './net.js';

// --- shared predicates (pkg/api/service and the service registry) ---

export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

function spec(s: Service): ServiceSpec {
  return (s.spec ??= {});
}

export function isHeadlessService(s: Service): boolean {
  const ips = s.spec?.clusterIPs ?? [];
  return ips.length === 1 && ips[0] === 'None';
}
/** Types that get a cluster IP (all but ExternalName). */
export function needsClusterIP(s: Service): boolean {
  return (s.spec?.type ?? 'ClusterIP') !== 'ExternalName';
}
export function needsNodePort(s: Service): boolean {
  const t = s.spec?.type;
  return t === 'NodePort' || (t === 'LoadBalancer' && s.spec?.allocateLoadBalancerNodePorts !== false);
}
/** NeedsHealthCheck: LoadBalancer with externalTrafficPolicy Local. */
export function needsHealthCheckNodePort(s: Service): boolean {
  return s.spec?.type === 'LoadBalancer' && s.spec?.externalTrafficPolicy === 'Local';
}
/** ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs. */
export function externallyAccessible(s: Service): boolean {
  const t = s.spec?.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (s.spec?.externalIPs?.length ?? 0) > 0);
}

// --- defaults (SetDefaults_Service, plus the single-stack family choice the allocator makes) ---

export function defaultService(s: Service): void {
  const sp = spec(s);
  if (!sp.sessionAffinity) sp.sessionAffinity = 'None';
  if (sp.sessionAffinity === 'None') delete sp.sessionAffinityConfig;
  if (sp.sessionAffinity === 'ClientIP' && sp.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    sp.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
  }
  if (!sp.type) sp.type = 'ClusterIP';
  for (const p of sp.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(s) && !sp.externalTrafficPolicy) sp.externalTrafficPolicy = 'Cluster';
  if (sp.internalTrafficPolicy === undefined && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(sp.type)) {
    sp.internalTrafficPolicy = 'Cluster';
  }
  if (sp.type === 'LoadBalancer') {
    if (sp.allocateLoadBalancerNodePorts === undefined) sp.allocateLoadBalancerNodePorts = true;
    for (const ing of (s.status as ServiceStatus | undefined)?.loadBalancer?.ingress ?? []) {
      if (ing.ip && ing.ipMode === undefined) ing.ipMode = 'VIP';
    }
  }
  // Kubernetes' allocator fills these on create; k8ts runs single-stack, so the family follows the
  // requested cluster IP (IPv4 unless an IPv6 address was asked for).
  if (sp.type !== 'ExternalName') {
    if (!sp.ipFamilyPolicy) sp.ipFamilyPolicy = 'SingleStack';
    if (!sp.ipFamilies?.length && sp.ipFamilyPolicy === 'SingleStack') {
      const first = sp.clusterIPs?.[0] ?? sp.clusterIP;
      sp.ipFamilies = [first && first !== 'None' && isIPv6String(first) ? 'IPv6' : 'IPv4'];
    }
  }
}

// --- strategy ---

function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** NormalizeClusterIPs: keep clusterIP and clusterIPs[0] in step for clients that set only one. */
export function normalizeClusterIPs(old: Service | null, s: Service): void {
  const sp = spec(s);
  if (!old) {
    if (sp.clusterIP && !sp.clusterIPs?.length) sp.clusterIPs = [sp.clusterIP];
    return;
  }
  const os = old.spec ?? {};
  if ((os.clusterIPs?.length ?? 0) > 0 && !sp.clusterIPs?.length && (os.clusterIP ?? '') === (sp.clusterIP ?? '')) {
    sp.clusterIPs = [...os.clusterIPs!];
  }
  if ((os.clusterIP ?? '') !== (sp.clusterIP ?? '')) {
    if (os.clusterIP && !sp.clusterIP && sameStrings(os.clusterIPs, sp.clusterIPs)) delete sp.clusterIPs;
    if (sp.clusterIP && sameStrings(os.clusterIPs, sp.clusterIPs)) sp.clusterIPs = [sp.clusterIP];
  }
}

/** patchAllocatedValues: an update that omits allocated values (kubectl replace/apply) keeps them. */
export function patchAllocatedValues(s: Service, old: Service): void {
  const sp = spec(s);
  const os = old.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(s)) {
    if (!sp.clusterIP && os.clusterIP) sp.clusterIP = os.clusterIP;
    if (!sp.clusterIPs?.length && os.clusterIPs?.length) sp.clusterIPs = [...os.clusterIPs];
  }
  if (needsNodePort(old) && needsNodePort(s)) {
    const used = new Set((sp.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n !== 0));
    const oldUsed = new Set((os.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n !== 0 && used.has(n)));
    const byName = new Map((os.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0] as const));
    for (const p of sp.ports ?? []) {
      if (p.nodePort) continue;
      const prev = byName.get(p.name ?? '') ?? 0;
      if (prev && !oldUsed.has(prev)) p.nodePort = prev;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(s) && !sp.healthCheckNodePort && os.healthCheckNodePort) {
    sp.healthCheckNodePort = os.healthCheckNodePort;
  }
}

/** dropTypeDependentFields: switching type wipes what the old type had allocated, unless the user changed it. */
export function dropTypeDependentFields(s: Service, old: Service): void {
  const sp = spec(s);
  const os = old.spec ?? {};
  const leavingIPs = !needsClusterIP(s) && needsClusterIP(old);
  if (leavingIPs && (sp.clusterIP ?? '') === (os.clusterIP ?? '') && sameStrings(sp.clusterIPs, os.clusterIPs)) {
    delete sp.clusterIP;
    delete sp.clusterIPs;
  }
  if (leavingIPs && sameStrings(sp.ipFamilies, os.ipFamilies)) delete sp.ipFamilies;
  if (leavingIPs && sp.ipFamilyPolicy === os.ipFamilyPolicy) delete sp.ipFamilyPolicy;
  const sameNodePorts = sameStrings((sp.ports ?? []).map((p) => String(p.nodePort ?? 0)), (os.ports ?? []).map((p) => String(p.nodePort ?? 0)));
  if (!needsNodePort(s) && needsNodePort(old) && sameNodePorts) {
    for (const p of sp.ports ?? []) delete p.nodePort;
  }
  if (!needsHealthCheckNodePort(s) && needsHealthCheckNodePort(old) && (sp.healthCheckNodePort ?? 0) === (os.healthCheckNodePort ?? 0)) {
    delete sp.healthCheckNodePort;
  }
  if (os.type === 'LoadBalancer' && sp.type !== 'LoadBalancer') {
    if (sp.allocateLoadBalancerNodePorts !== undefined && sp.allocateLoadBalancerNodePorts === os.allocateLoadBalancerNodePorts) {
      delete sp.allocateLoadBalancerNodePorts;
    }
    if (sp.loadBalancerClass !== undefined && sp.loadBalancerClass === os.loadBalancerClass) delete sp.loadBalancerClass;
  }
  if (!externallyAccessible(s) && externallyAccessible(old) && sp.externalTrafficPolicy === os.externalTrafficPolicy) {
    delete sp.externalTrafficPolicy;
  }
  if (sp.type !== 'LoadBalancer') {
    const st = (s.status ??= {}) as ServiceStatus;
    st.loadBalancer = {};
  }
}

export function prepareServiceForCreate(s: Service): void {
  s.status = { loadBalancer: {} };
  normalizeClusterIPs(null, s);
}

export function prepareServiceForUpdate(s: Service, old: Service): void {
  s.status = old.status;
  patchAllocatedValues(s, old);
  normalizeClusterIPs(old, s);
  dropTypeDependentFields(s, old);
}

