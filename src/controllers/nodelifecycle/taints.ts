// Which taints the node lifecycle controller keeps on a node, read from its conditions, and when
// a pod tolerates a taint (Kubernetes' Toleration.ToleratesTaint).
export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}
export interface NodeLike {
  metadata: { name?: string; creationTimestamp?: string; uid?: string; [k: string]: unknown };
  spec?: { taints?: Taint[]; unschedulable?: boolean; podCIDR?: string; podCIDRs?: string[] };
  status?: { conditions?: NodeCondition[] };
  [k: string]: unknown;
}
export interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** Every taint key/effect this controller owns: others on the node are never touched. */
const MANAGED = new Set([
  `${TAINT_NOT_READY}:NoExecute`, `${TAINT_UNREACHABLE}:NoExecute`,
  `${TAINT_NOT_READY}:NoSchedule`, `${TAINT_UNREACHABLE}:NoSchedule`, `${TAINT_UNSCHEDULABLE}:NoSchedule`,
  `${TAINT_MEMORY_PRESSURE}:NoSchedule`, `${TAINT_DISK_PRESSURE}:NoSchedule`, `${TAINT_PID_PRESSURE}:NoSchedule`,
  `${TAINT_NETWORK_UNAVAILABLE}:NoSchedule`,
]);

export function condition(node: NodeLike, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** The managed taints the node should carry now (Kubernetes' NoSchedule and NoExecute tainting passes). */
export function wantedTaints(node: NodeLike): { key: string; effect: string }[] {
  const out: { key: string; effect: string }[] = [];
  const ready = condition(node, 'Ready')?.status;
  if (ready === 'False') out.push({ key: TAINT_NOT_READY, effect: 'NoExecute' }, { key: TAINT_NOT_READY, effect: 'NoSchedule' });
  else if (ready === 'Unknown') out.push({ key: TAINT_UNREACHABLE, effect: 'NoExecute' }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' });
  const pressure: [string, string][] = [['MemoryPressure', TAINT_MEMORY_PRESSURE], ['DiskPressure', TAINT_DISK_PRESSURE], ['PIDPressure', TAINT_PID_PRESSURE], ['NetworkUnavailable', TAINT_NETWORK_UNAVAILABLE]];
  for (const [type, key] of pressure) if (condition(node, type)?.status === 'True') out.push({ key, effect: 'NoSchedule' });
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

/**
 * The node's taints with the managed ones brought in line: foreign taints kept as they are, a
 * managed taint that should stay keeps its timeAdded, new NoExecute taints get timeAdded = now.
 * Returns undefined when nothing changes.
 */
export function reconcileTaints(node: NodeLike, nowIso: string): Taint[] | undefined {
  const cur = node.spec?.taints ?? [];
  const want = wantedTaints(node);
  const wantSet = new Set(want.map((t) => `${t.key}:${t.effect}`));
  const next: Taint[] = cur.filter((t) => !MANAGED.has(`${t.key}:${t.effect}`) || wantSet.has(`${t.key}:${t.effect}`));
  for (const w of want) {
    if (next.some((t) => t.key === w.key && t.effect === w.effect)) continue;
    const t: Taint = { key: w.key, effect: w.effect };
    if (w.effect === 'NoExecute') t.timeAdded = nowIso;
    next.push(t);
  }
  const changed = next.length !== cur.length || next.some((t, i) => cur[i] !== t);
  return changed ? next : undefined;
}

export { toleratesTaint } from '../../api/core/v1/node-selection.js';
