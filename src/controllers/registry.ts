// The controllers the manager knows, by the names Kubernetes' --controllers flag uses. Each entry
// loads its module on demand, so a process running two controllers never loads the others' code.
import type { ControllerFactory } from './context.js';

export type ControllerLoader = () => Promise<ControllerFactory>;

export const CONTROLLERS: Record<string, ControllerLoader> = {
  replicationcontroller: async () => (await import('./replication/index.js')).createReplicationControllerController,
  replicaset: async () => (await import('./replication/index.js')).createReplicaSetController,
  deployment: async () => (await import('./deployment/index.js')).createDeploymentController,
  daemonset: async () => (await import('./daemonset/index.js')).createDaemonSetController,
  endpoint: async () => (await import('./endpoints/index.js')).createEndpointsController,
  endpointslice: async () => (await import('./endpointslice/index.js')).createEndpointSliceController,
  nodelifecycle: async () => (await import('./nodelifecycle/index.js')).createNodeLifecycleController,
  nodeipam: async () => (await import('./nodeipam/index.js')).createNodeIpamController,
  namespace: async () => (await import('./namespace/index.js')).createNamespaceController,
  garbagecollector: async () => (await import('./garbagecollector/index.js')).createGarbageCollector,
  serviceaccount: async () => (await import('./serviceaccount/index.js')).createServiceAccountController,
  podgc: async () => (await import('./podgc/index.js')).createPodGCController,
  resourcequota: async () => (await import('./resourcequota/index.js')).createResourceQuotaController,
  'clusterrole-aggregation': async () => (await import('./clusterroleaggregation/index.js')).createClusterRoleAggregationController,
  csrapproving: async () => (await import('./certificates/index.js')).createCsrApprovingController,
  csrsigning: async () => (await import('./certificates/index.js')).createCsrSigningController,
  'root-ca-cert-publisher': async () => (await import('./rootcacertpublisher/index.js')).createRootCACertPublisher,
  disruption: async () => (await import('./disruption/index.js')).createDisruptionController,
};

/** Kubernetes' names with the "-controller" suffix (kube-controller-manager 1.30+) mean the same. */
const ALIASES: Record<string, string> = {
  'replicationcontroller-controller': 'replicationcontroller', 'replicaset-controller': 'replicaset',
  'deployment-controller': 'deployment', 'daemonset-controller': 'daemonset', 'endpoints-controller': 'endpoint',
  'endpointslice-controller': 'endpointslice', 'node-lifecycle-controller': 'nodelifecycle', 'node-ipam-controller': 'nodeipam',
  'namespace-controller': 'namespace', 'garbage-collector-controller': 'garbagecollector',
  'serviceaccount-controller': 'serviceaccount', 'pod-garbage-collector-controller': 'podgc', 'resourcequota-controller': 'resourcequota',
  'clusterrole-aggregation-controller': 'clusterrole-aggregation',
  'root-ca-certificate-publisher-controller': 'root-ca-cert-publisher',
  'disruption-controller': 'disruption',
  'certificatesigningrequest-approving-controller': 'csrapproving', 'certificatesigningrequest-signing-controller': 'csrsigning',
};

/**
 * The enabled controller names for a --controllers list: "*" is every controller, "name" enables
 * one, "-name" disables one ("*,-podgc"). An empty list means "*". Unknown names are an error.
 */
export function enabledControllers(spec: string[] = ['*']): string[] {
  const items = spec.map((s) => s.trim()).filter(Boolean);
  const list = items.length ? items : ['*'];
  const canon = (n: string) => {
    const c = ALIASES[n] ?? n;
    if (!Object.hasOwn(CONTROLLERS, c)) throw new Error(`"${n}" is not in the list of known controllers (${Object.keys(CONTROLLERS).join(', ')})`);
    return c;
  };
  const all = list.includes('*');
  const on = new Set<string>(all ? Object.keys(CONTROLLERS) : []);
  for (const item of list) {
    if (item === '*') continue;
    if (item.startsWith('-')) on.delete(canon(item.slice(1)));
    else on.add(canon(item));
  }
  return Object.keys(CONTROLLERS).filter((n) => on.has(n));
}
