// The node's side of the kubelet: registers the Node, renews its Lease in kube-node-lease every
// 10 s (the heartbeat the node lifecycle controller watches), and recomputes node status every
// 10 s, writing it when it changed or when the last report is 5 minutes old (Kubernetes'
// nodeStatusUpdateFrequency / nodeStatusReportFrequency).
import type { Node, NodeStatus } from '../../api/core/v1/nodes.js';
import { createMergePatch, deepEqual, isAlreadyExists, isNotFound, isConflict, LEASES, microTime, type Lease, type RestClient } from '../../client/index.js';
import type { Clock } from '../../machinery/clock.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { NODES, type KubeletLog, type MachineInfo } from '../types.js';
import { rfc3339 } from '../status/time.js';
import { initialNode, nodeStatus, pressureOf, type NodeFacts, type ReadyState } from './node-status.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
const REPORT_EVERY_MS = 5 * 60_000;

export interface NodeAgentOptions {
  client: RestClient;
  nodeName: string;
  nodeIP: string;
  runtime: ContainerRuntime;
  machine: MachineInfo;
  clock: Clock;
  log: KubeletLog;
  podCIDR?: string;
  /** Port of the kubelet's logs/exec server, published in status.daemonEndpoints. */
  kubeletPort?: number;
  statusPeriodMs?: number;
  leasePeriodMs?: number;
}

export class NodeAgent {
  private node: Node | null = null;
  private lastReported: NodeStatus | null = null;
  private lastReportAt = 0;
  private runtimeVersion = '';
  private timers: { cancel(): void }[] = [];
  private stopped = false;
  private inFlight = new Set<Promise<unknown>>();

  constructor(private readonly o: NodeAgentOptions) {}

  /** The Node's podCIDR (ours, or as the API server has it). */
  podCIDR(): string | undefined {
    return (this.node?.spec as { podCIDR?: string } | undefined)?.podCIDR ?? this.o.podCIDR;
  }

  private facts(): NodeFacts {
    return { nodeName: this.o.nodeName, nodeIP: this.o.nodeIP, machine: this.o.machine, runtimeVersion: this.runtimeVersion, podCIDR: this.o.podCIDR, kubeletPort: this.o.kubeletPort };
  }

  async register(): Promise<Node> {
    const v = await this.o.runtime.version();
    this.runtimeVersion = `${v.runtimeName}://${v.runtimeVersion}`;
    try {
      this.node = await this.o.client.create<Node>(NODES, initialNode(this.facts()));
      this.o.log('node registered', { name: this.o.nodeName });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      this.node = await this.o.client.get<Node>(NODES, this.o.nodeName);
      if (this.o.podCIDR && !(this.node.spec as { podCIDR?: string } | undefined)?.podCIDR) {
        this.node = await this.o.client.patch<Node>(NODES, this.o.nodeName, 'merge', { spec: { podCIDR: this.o.podCIDR, podCIDRs: [this.o.podCIDR] } });
      }
    }
    await this.updateStatus(true);
    return this.node;
  }

  private async readiness(): Promise<ReadyState> {
    try {
      const s = await this.o.runtime.status();
      const bad = s.conditions.filter((c) => (c.type === 'RuntimeReady' || c.type === 'NetworkReady') && !c.status);
      if (!bad.length) return { ready: true };
      const net = bad.find((c) => c.type === 'NetworkReady');
      if (net) return { ready: false, message: `container runtime network not ready: NetworkReady=false reason:${net.reason} message:${net.message}` };
      return { ready: false, message: `container runtime status check may not have completed yet: RuntimeReady=false reason:${bad[0].reason} message:${bad[0].message}` };
    } catch (err) {
      return { ready: false, message: `container runtime is down: ${(err as Error).message}` };
    }
  }

  /** Recomputes the status; writes when changed, forced, or due for the periodic report. */
  async updateStatus(force = false): Promise<boolean> {
    const [ready, images] = await Promise.all([this.readiness(), this.o.runtime.listImages().catch(() => [])]);
    const now = this.o.clock.now();
    const old = (this.lastReported ?? this.node?.status) as NodeStatus | undefined;
    const status = nodeStatus(this.facts(), images, pressureOf(this.o.machine.sample()), ready, old, rfc3339(now));
    const strip = (s: NodeStatus | null | undefined) => s && { ...s, conditions: (s.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })) };
    const changed = !deepEqual(JSON.parse(JSON.stringify(strip(status))), JSON.parse(JSON.stringify(strip(this.lastReported) ?? null)));
    if (!force && !changed && now - this.lastReportAt < REPORT_EVERY_MS) return false;
    const base = (this.node?.status ?? {}) as object;
    this.node = await this.o.client.patch<Node>(NODES, this.o.nodeName, 'merge', { status: createMergePatch(base, status) }, { subresource: 'status' });
    this.lastReported = status;
    this.lastReportAt = now;
    return true;
  }

  /** Creates or renews the node's Lease. */
  async renewLease(): Promise<void> {
    const now = microTime(this.o.clock.now());
    const name = this.o.nodeName;
    try {
      const cur = await this.o.client.get<Lease>(LEASES, name, { namespace: NODE_LEASE_NAMESPACE });
      cur.spec = { ...(cur.spec ?? {}), holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now };
      await this.o.client.update<Lease>(LEASES, cur, { namespace: NODE_LEASE_NAMESPACE });
    } catch (err) {
      if (isConflict(err)) return; // someone else wrote it in between: the next renewal wins
      if (!isNotFound(err)) throw err;
      const owner = this.node?.metadata.uid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: this.node.metadata.uid }] : undefined;
      await this.o.client.create<Lease>(LEASES, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name, namespace: NODE_LEASE_NAMESPACE, ...(owner ? { ownerReferences: owner } : {}) },
        spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
      }, { namespace: NODE_LEASE_NAMESPACE });
    }
  }

  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>, what: string) => {
      const tick = () => {
        if (this.stopped) return;
        const p = fn().catch((err) => this.o.log(`${what} failed`, { node: this.o.nodeName, err: (err as Error).message }));
        this.inFlight.add(p);
        void p.finally(() => {
          this.inFlight.delete(p);
          if (!this.stopped) this.timers.push(this.o.clock.setTimeout(tick, ms));
        });
      };
      tick();
    };
    every(this.o.leasePeriodMs ?? 10_000, () => this.renewLease(), 'lease renewal');
    this.timers.push(this.o.clock.setTimeout(() => every(this.o.statusPeriodMs ?? 10_000, () => this.updateStatus(), 'node status update'), this.o.statusPeriodMs ?? 10_000));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    await Promise.all([...this.inFlight]);
  }
}
