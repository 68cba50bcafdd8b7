// What every controller is handed by the controller manager: one API client, one shared informer
// factory (so all controllers in the process share one list+watch per resource), a clock tests can
// drive, and an event recorder. Controllers never touch the store: only the API server.
import type { RestClient } from '../client/rest.js';
import type { SharedInformerFactory } from '../client/informer/factory.js';
import type { EventRecorder } from '../client/events.js';
import type { Clock } from '../machinery/clock.js';

export interface ControllerContext {
  client: RestClient;
  informers: SharedInformerFactory;
  clock: Clock;
  /** An event recorder reporting as this component (e.g. "replication-controller"). */
  recorder(component: string): EventRecorder;
  /** Structured log line. */
  log(msg: string, fields?: Record<string, unknown>): void;
  /** Per-controller settings from flags/config (durations in ms, CIDRs, worker counts). */
  options: ControllerOptions;
}

export interface ControllerOptions {
  /** Worker goroutines per controller (Kubernetes' --concurrent-*-syncs; default 5). */
  workers?: number;
  /** Cluster CIDR that node IPAM carves per-node podCIDRs from (default 10.244.0.0/16). */
  clusterCIDR?: string;
  /** Per-node mask size for node IPAM (default 24). */
  nodeCIDRMaskSize?: number;
  /** Node lifecycle: how long without a Lease renewal / status update before Unknown (default 50 s). */
  nodeMonitorGracePeriodMs?: number;
  /** Node lifecycle: how often node health is checked (default 5 s). */
  nodeMonitorPeriodMs?: number;
  /** Pod GC: terminated pods kept before the oldest are deleted (default 12,500). */
  terminatedPodGCThreshold?: number;
  /** Pod GC: how often it runs (default 20 s). */
  podGCPeriodMs?: number;
  /** Pod GC: how long a node must be missing before its pods are deleted (default 40 s). */
  podGCQuarantineMs?: number;
  /** EndpointSlice: endpoints per slice (Kubernetes' --max-endpoints-per-slice, default 100). */
  maxEndpointsPerSlice?: number;
  /** Garbage collector workers (Kubernetes' --concurrent-gc-syncs; default 20). */
  gcWorkers?: number;
  /** ServiceAccounts every namespace gets (default ["default"]). */
  serviceAccounts?: string[];
  [extra: string]: unknown;
}

/**
 * A controller. Its factory asks ctx.informers for what it watches and registers handlers (which only
 * enqueue keys); the manager then starts the informers and calls run(), which waits for the caches
 * to sync, runs workers calling sync(key), and resolves once the signal has aborted and workers stopped.
 */
export interface Controller {
  readonly name: string;
  run(signal: AbortSignal): Promise<void>;
}

export type ControllerFactory = (ctx: ControllerContext) => Controller;
