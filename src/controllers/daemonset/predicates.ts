// Which nodes a DaemonSet's pod belongs on (Kubernetes' nodeShouldRunDaemonPod): the node's name
// and labels must satisfy the template's nodeName, nodeSelector and required node affinity, and
// its NoSchedule/NoExecute taints must be tolerated, counting the tolerations the controller adds
// to every daemon pod. A pod already running stays unless a NoExecute taint evicts it.
import type { Node } from '../../api/core/v1/nodes.js';
import type { PodSpec } from '../../api/core/v1/pod-spec.js';
import type { Taint, Toleration } from '../../api/core/v1/common.js';
import { findUntoleratedTaint, specMatchesNode, toleratesTaint } from '../../api/core/v1/node-selection.js';

export type { Node };

/** The tolerations Kubernetes adds to every daemon pod (AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec?.hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** The template's tolerations plus the daemon defaults it does not already have (same key and effect). */
export function withDaemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const out = [...(spec?.tolerations ?? [])];
  for (const t of daemonTolerations(spec)) {
    if (!out.some((x) => x.key === t.key && x.effect === t.effect && (x.operator ?? 'Equal') === t.operator)) out.push(t);
  }
  return out;
}

/** v1 Toleration.ToleratesTaint (kept under this name for the controller's callers). */
export const tolerates = toleratesTaint;

export interface NodeVerdict {
  /** A daemon pod should be created here if missing. */
  shouldRun: boolean;
  /** A daemon pod already here may stay. */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, spec: PodSpec | undefined): NodeVerdict {
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (spec?.nodeName && spec.nodeName !== node.metadata.name) return no;
  if (!specMatchesNode(spec, node)) return no;
  const taints = (node.spec?.taints ?? []) as Taint[];
  const tolerations = withDaemonTolerations(spec);
  if (findUntoleratedTaint(taints, tolerations, (e) => e === 'NoSchedule' || e === 'NoExecute')) {
    return { shouldRun: false, shouldContinueRunning: !findUntoleratedTaint(taints, tolerations, (e) => e === 'NoExecute') };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required node affinity becomes "metadata.name
 * In [node]" so the scheduler can place it only there (the controller already checked the
 * template's own terms against this node); preferred terms are kept.
 */
export function pinToNode(spec: PodSpec, nodeName: string): PodSpec {
  const affinity = { ...(spec.affinity ?? {}) };
  affinity.nodeAffinity = {
    ...(affinity.nodeAffinity ?? {}),
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] },
  };
  return { ...spec, affinity };
}

/** GetTargetNodeName: the node a daemon pod is bound to, or pinned to by its affinity. */
export function targetNodeName(spec: PodSpec | undefined): string | undefined {
  if (spec?.nodeName) return spec.nodeName;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length !== 1) return undefined;
  const fields = terms[0]!.matchFields ?? [];
  if (fields.length !== 1) return undefined;
  const f = fields[0]!;
  return f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1 ? f.values[0] : undefined;
}
