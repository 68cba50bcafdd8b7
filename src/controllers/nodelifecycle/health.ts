// When did we last hear from each node? Kubernetes' nodeHealthMap: a probe is a change of the
// Ready condition's heartbeat in the node status or of the renewTime of the node's Lease, timed by
// this controller's clock when it sees the change (never by the kubelet's clock).
import { condition, type NodeCondition, type NodeLike } from './taints.js';

export const NODE_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

interface Health {
  probeMs: number;
  heartbeat?: string;
  leaseRenew?: string;
}

export class NodeHealthTracker {
  private nodes = new Map<string, Health>();

  /** Records what is seen now; returns the time of the last probe. */
  observe(name: string, node: NodeLike, leaseRenewTime: string | undefined, nowMs: number): number {
    const heartbeat = condition(node, 'Ready')?.lastHeartbeatTime;
    const h = this.nodes.get(name);
    if (!h) {
      this.nodes.set(name, { probeMs: nowMs, heartbeat, leaseRenew: leaseRenewTime });
      return nowMs;
    }
    if (heartbeat !== h.heartbeat || (leaseRenewTime !== undefined && leaseRenewTime !== h.leaseRenew)) h.probeMs = nowMs;
    h.heartbeat = heartbeat;
    h.leaseRenew = leaseRenewTime;
    return h.probeMs;
  }

  forget(name: string): void {
    this.nodes.delete(name);
  }
}

/**
 * The conditions of a node not heard from within the grace period: Ready and the pressure
 * conditions turn Unknown (NodeStatusUnknown), missing ones are added (NodeStatusNeverUpdated).
 * Returns undefined when they already say so.
 */
export function unknownConditions(node: NodeLike, nowIso: string): NodeCondition[] | undefined {
  const conds = [...(node.status?.conditions ?? [])].map((c) => ({ ...c }));
  let changed = false;
  for (const type of NODE_CONDITIONS) {
    const c = conds.find((x) => x.type === type);
    if (!c) {
      conds.push({ type, status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: nowIso, reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = nowIso;
      changed = true;
    }
  }
  return changed ? conds : undefined;
}
