// The public shape of hollow nodes (kwok/kubemark style simulated nodes in one process).
import type { Clock } from '../machinery/clock.js';
import type { RestClient } from '../client/rest.js';

export interface HollowNodesOptions {
  client: RestClient;
  count: number;
  /** Node names are `${namePrefix}${i}` (default "hollow-node-"). */
  namePrefix?: string;
  /** Capacity of every node (defaults: cpu "8", memory "32Gi", pods 110, ephemeral-storage "100Gi"). */
  cpu?: string;
  memory?: string;
  pods?: number;
  ephemeralStorage?: string;
  /** Extra labels of node i (e.g. a zone); merged over the defaults. */
  labels?: (i: number) => Record<string, string>;
  /** Zones handed out round-robin as `topology.kubernetes.io/zone` (and the legacy region label). */
  zones?: string[];
  /** Lease renewal period (default 10 s, as the kubelet's nodeLeaseRenewInterval). */
  leaseRenewMs?: number;
  /** Lease duration written into each Lease (default 40 s, as the kubelet). */
  leaseDurationSeconds?: number;
  /** In-flight requests for registration and lease renewal (default 32). */
  concurrency?: number;
  /** Pod status workers (default 8). */
  podWorkers?: number;
  clock?: Clock;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export type NotReadyStatus = 'False' | 'Unknown';

export interface HollowNodes {
  readonly nodeNames: readonly string[];
  /** Completed lease renewals by node name (registration's lease write not counted). */
  readonly renewals: ReadonlyMap<string, number>;
  /** Ready: renew the lease and report Ready=True; not ready: stop renewing, report Ready=False
   *  (or Unknown), and leave pods alone, as a dead kubelet would. Resolves once the Node is written. */
  setNodeReady(name: string, ready: boolean, status?: NotReadyStatus): Promise<void>;
  /** Fail a pod bound to one of these nodes: phase Failed, its containers terminated with exit code 1. */
  failPod(namespace: string, name: string, reason?: string): Promise<void>;
  /** The pod IP handed out to a pod (by namespace/name), if any. */
  podIP(namespace: string, name: string): string | undefined;
  stop(): Promise<void>;
}
