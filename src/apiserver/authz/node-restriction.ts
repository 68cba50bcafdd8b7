// NodeRestriction admission (Kubernetes' plugin/pkg/admission/noderestriction): RBAC lets every
// kubelet write nodes and pods; this narrows it to its own. A node may create, change or delete only
// its own Node (and never set labels under node-restriction.kubernetes.io/), create only mirror pods
// bound to itself, update the status of and delete only pods bound to itself, and create only its
// own Lease.
import type { KubeObject } from '../../api/resource.js';
import { ApiError } from '../../machinery/errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../auth/types.js';
import { nodeName } from './node.js';

export const RESTRICTED_LABEL_PREFIX = 'node-restriction.kubernetes.io/';
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

function forbidden(a: AdmissionAttributes, why: string): ApiError {
  const def = a.resource.def;
  const qualified = def.group ? `${def.plural}.${def.group}` : def.plural;
  const name = a.name || a.obj?.metadata.name || '';
  return new ApiError(403, 'Forbidden', `${qualified} "${name}" is forbidden: ${why}`, { name, group: def.group || undefined, kind: def.plural });
}

function restrictedLabels(labels: Record<string, string> | undefined): string[] {
  return Object.keys(labels ?? {}).filter((k) => k.startsWith(RESTRICTED_LABEL_PREFIX)).sort();
}

const nodeOf = (o: KubeObject | undefined) => (o?.spec as { nodeName?: string } | undefined)?.nodeName ?? '';

function admitPod(node: string, a: AdmissionAttributes): void {
  switch (a.subresource) {
    case '':
      if (a.operation === 'CREATE') {
        const annotations = a.obj?.metadata.annotations ?? {};
        if (!(MIRROR_POD_ANNOTATION in annotations)) throw forbidden(a, `pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${node}" can only create mirror pods`);
        if (nodeOf(a.obj) !== node) throw forbidden(a, `node "${node}" can only create pods with spec.nodeName set to itself`);
        return;
      }
      if (a.operation === 'DELETE') {
        if (nodeOf(a.old) !== node) throw forbidden(a, `node "${node}" can only delete pods with spec.nodeName set to itself`);
        return;
      }
      throw forbidden(a, `unexpected operation ${JSON.stringify(a.operation)}, node "${node}" can only create and delete mirror pods`);
    case 'status':
      if (a.operation !== 'UPDATE') throw forbidden(a, `unexpected operation ${JSON.stringify(a.operation)}`);
      if (nodeOf(a.old) !== node) throw forbidden(a, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
      return;
    case 'eviction':
      if (nodeOf(a.old) !== node) throw forbidden(a, `node "${node}" can only evict pods with spec.nodeName set to itself`);
      return;
    default:
      throw forbidden(a, `unexpected subresource ${JSON.stringify(a.subresource)}`);
  }
}

function admitNode(node: string, a: AdmissionAttributes): void {
  const requested = a.name || a.obj?.metadata.name || '';
  if (requested !== node) throw forbidden(a, `node "${node}" is not allowed to modify node "${requested}"`);
  if (a.operation === 'CREATE') {
    const bad = restrictedLabels(a.obj?.metadata.labels);
    if (bad.length) throw forbidden(a, `node "${node}" is not allowed to set the following labels: ${bad.join(', ')}`);
  }
  if (a.operation === 'UPDATE') {
    const cur = a.obj?.metadata.labels ?? {};
    const old = a.old?.metadata.labels ?? {};
    const changed = [...new Set([...restrictedLabels(cur), ...restrictedLabels(old)])].filter((k) => cur[k] !== old[k]).sort();
    if (changed.length) throw forbidden(a, `node "${node}" is not allowed to modify labels: ${changed.join(', ')}`);
  }
}

export function nodeRestrictionAdmission(): AdmissionPlugin {
  return {
    name: 'NodeRestriction',
    validate(a: AdmissionAttributes): void {
      const node = nodeName(a.user);
      if (node === null) return;
      const def = a.resource.def;
      if (def.group === '' && def.plural === 'pods') return admitPod(node, a);
      if (def.group === '' && def.plural === 'nodes') return admitNode(node, a);
      if (def.group === 'coordination.k8s.io' && def.plural === 'leases' && a.operation === 'CREATE') {
        // The node authorizer checks the name on every other verb; on create only the body has it.
        if ((a.obj?.metadata.name ?? a.name) !== node) throw forbidden(a, `node "${node}" can only create its own lease`);
      }
    },
  };
}
