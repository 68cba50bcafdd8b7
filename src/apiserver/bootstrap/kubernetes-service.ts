// The `kubernetes` Service in `default`, through which pods reach the API server (10.96.0.1:443
// by default), and its Endpoints and EndpointSlice naming the API server's own address. Written
// at start and again whenever the address may have changed; the REST core decides how a write
// happens (create, or update when it exists) through the injected function.
import { networkInterfaces } from 'node:os';
import type { KubeObject } from '../../api/resource.js';

export interface KubernetesServiceOptions {
  /** The Service's ClusterIP: the first address of the service CIDR (IpAllocator.firstAddress()). */
  clusterIP: string;
  /** The API server's port, the Service's targetPort and the endpoints' port. */
  apiPort: number;
  /** The address pods reach the API server at; default: this host's first non-loopback IPv4. */
  apiAddress?: string;
  /** Also write the discovery.k8s.io/v1 EndpointSlice (what kube-proxy-style consumers read). */
  endpointSlice?: boolean;
}

const LABELS = { component: 'apiserver', provider: 'kubernetes' };

/** This host's first non-internal IPv4 address, or 127.0.0.1 when it has none. */
export function hostAddress(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function kubernetesServiceObjects(opts: KubernetesServiceOptions): KubeObject[] {
  const address = opts.apiAddress ?? hostAddress();
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { ...LABELS } },
    spec: {
      type: 'ClusterIP',
      clusterIP: opts.clusterIP,
      clusterIPs: [opts.clusterIP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.apiPort }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    },
  };
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    // Kubernetes keeps the endpoint slice mirroring controller off this one: the API server writes its own slice.
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port: opts.apiPort, protocol: 'TCP' }] }],
  };
  const objects = [service, endpoints];
  if (opts.endpointSlice) {
    objects.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'apiserver.k8ts.io' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports: [{ name: 'https', port: opts.apiPort, protocol: 'TCP' }],
    });
  }
  return objects;
}

/**
 * Writes the Service, then its Endpoints (and EndpointSlice), in that order: the Service's
 * ClusterIP must be claimed before anything can point at it. `write` creates or updates.
 */
export async function ensureKubernetesService(opts: KubernetesServiceOptions, write: (obj: KubeObject) => Promise<void>): Promise<void> {
  for (const obj of kubernetesServiceObjects(opts)) await write(obj);
}
