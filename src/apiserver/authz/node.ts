// The Node authorizer (Kubernetes' plugin/pkg/auth/authorizer/node): a kubelet, user
// "system:node:<name>" in group "system:nodes", may read the Secrets, ConfigMaps, PVCs and
// ServiceAccount tokens only of pods bound to it, and only its own Lease. Everything else it asks
// is left to RBAC (the system:node role), whose writes NodeRestriction narrows to its own objects.
// Refusals are "no opinion" with a reason, exactly as upstream, so the union can still allow.
import type { Authorizer, Decision, RequestAttributes, UserInfo } from '../auth/types.js';
import { NodeGraph } from './node-graph.js';
import type { ContextAccess } from './cache-view.js';
import { rulesAllow } from './rules.js';
import { NODE_RULES } from './bootstrap/policy.js';

export const NODES_GROUP = 'system:nodes';
export const NODE_USER_PREFIX = 'system:node:';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The node a user is, or null for anyone else (Kubernetes' NodeIdentifier). */
export function nodeName(u: UserInfo): string | null {
  if (!u.groups.includes(NODES_GROUP) || !u.username.startsWith(NODE_USER_PREFIX)) return null;
  return u.username.slice(NODE_USER_PREFIX.length);
}

const READ = new Set(['get', 'list', 'watch']);
const LEASE_VERBS = new Set(['get', 'create', 'update', 'patch', 'delete']);

export interface NodeAuthorizer extends Authorizer {
  readonly graph: NodeGraph;
  authorize(a: RequestAttributes): Decision;
}

export function createNodeAuthorizer(access: ContextAccess): NodeAuthorizer {
  const graph = new NodeGraph(access);
  const noRelationship = (node: string): Decision => ({ allowed: false, reason: `no relationship found between node '${node}' and this object` });

  function readNamespaced(node: string, a: RequestAttributes): Decision {
    if (!READ.has(a.verb)) return { allowed: false, reason: 'can only read resources of this type' };
    if (a.subresource) return { allowed: false, reason: `cannot read subresource ${a.subresource}` };
    if (!a.name) return { allowed: false, reason: 'can only read individual resources of this type' };
    return graph.reaches(node, a.resource, a.namespace, a.name) ? { allowed: true, reason: '' } : noRelationship(node);
  }

  return {
    graph,
    authorize(a: RequestAttributes): Decision {
      const node = nodeName(a.user);
      if (node === null) return { allowed: false };
      if (!node) return { allowed: false, reason: 'unknown node' };
      if (!a.resourceRequest) return rulesAllow(a, NODE_RULES) ? { allowed: true } : { allowed: false };
      if (a.apiGroup === '') {
        switch (a.resource) {
          case 'secrets':
          case 'configmaps':
          case 'persistentvolumeclaims':
            return readNamespaced(node, a);
          case 'serviceaccounts':
            if (a.subresource !== 'token') return { allowed: false };
            if (a.verb !== 'create') return { allowed: false, reason: 'can only create tokens for individual service accounts' };
            return graph.reaches(node, 'serviceaccounts', a.namespace, a.name) ? { allowed: true } : noRelationship(node);
          default:
            break;
        }
      }
      if (a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') {
        if (!LEASE_VERBS.has(a.verb)) return { allowed: false, reason: 'can only get, create, update, patch, or delete a node lease' };
        if (a.namespace !== NODE_LEASE_NAMESPACE) return { allowed: false, reason: `can only access leases in the ${NODE_LEASE_NAMESPACE} namespace` };
        if (a.verb !== 'create' && a.name !== node) return { allowed: false, reason: 'can only access node lease with the same name as the requesting node' };
        return { allowed: true };
      }
      // The rest of what kubelets do (their Node and pods, events...): NodeRestriction narrows the writes.
      return rulesAllow(a, NODE_RULES) ? { allowed: true } : { allowed: false };
    },
  };
}
