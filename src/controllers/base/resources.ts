// The resources the cluster-wide controllers read and write, as the REST client names them.
import { resourceRef } from '../../client/rest.js';

export const PODS = resourceRef('', 'v1', 'pods');
export const NODES = resourceRef('', 'v1', 'nodes', false);
export const NAMESPACES = resourceRef('', 'v1', 'namespaces', false);
export const SERVICES = resourceRef('', 'v1', 'services');
export const ENDPOINTS = resourceRef('', 'v1', 'endpoints');
export const SERVICEACCOUNTS = resourceRef('', 'v1', 'serviceaccounts');
export const ENDPOINTSLICES = resourceRef('discovery.k8s.io', 'v1', 'endpointslices');
export const NODE_LEASES = resourceRef('coordination.k8s.io', 'v1', 'leases');

/** Where kubelets renew their heartbeat Leases (one per node, named after it). */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
