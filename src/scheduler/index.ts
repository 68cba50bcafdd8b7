// startScheduler: the whole kube-scheduler in-process. Informers over pods and nodes (and the
// workloads the default spread uses) feed the cache and queue; one loop schedules; bindings run
// concurrently. With leaderElect, only the holder of Lease kube-system/kube-scheduler schedules.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { EventRecorder } from '../client/events.js';
import { SharedInformerFactory } from '../client/informer/factory.js';
import { LeaderElector } from '../client/leaderelection.js';
import { resourceRef, type RestClient } from '../client/rest.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { SchedulerCache } from './cache/cache.js';
import { Snapshot } from './cache/snapshot.js';
import { InformerClusterLister } from './cluster-lister.js';
import { addEventHandlers } from './event-handlers.js';
import { loadConfig, type SchedulerConfig } from './framework/config.js';
import { parseDuration } from '../cmd/duration.js';
import { Framework, WaitingPods } from './framework/framework.js';
import type { ClusterEvent, PluginFactory } from './framework/types.js';
import { createMetrics, type SchedulerMetrics } from './metrics.js';
import { inTreeRegistry } from './plugins/registry.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { Scheduler } from './schedule-one.js';
import { podKey, type Node, type Pod } from './types.js';

export type { SchedulerConfig } from './framework/config.js';
export type { SchedulerMetrics } from './metrics.js';
export { inTreeRegistry } from './plugins/registry.js';

export const PODS = resourceRef('', 'v1', 'pods', true);
export const NODES = resourceRef('', 'v1', 'nodes', false);
const SERVICES = resourceRef('', 'v1', 'services', true);
const RCS = resourceRef('', 'v1', 'replicationcontrollers', true);
const RSS = resourceRef('apps', 'v1', 'replicasets', true);
const PDBS = resourceRef('policy', 'v1', 'poddisruptionbudgets', true);

export type Logger = (msg: string, fields?: Record<string, unknown>) => void;

export interface StartSchedulerOptions {
  client: RestClient;
  /** A configuration object or the path of a KubeSchedulerConfiguration YAML file. */
  config?: SchedulerConfig | string;
  clock?: Clock;
  random?: () => number;
  leaderElect?: boolean;
  identity?: string;
  log?: Logger;
  signal?: AbortSignal;
  /** Extra out-of-tree plugins by name. */
  registry?: Map<string, PluginFactory>;
  /**
   * Called when leadership is lost without stop() (another instance took the Lease). This instance
   * stops scheduling for good; kube-scheduler exits here, and `k8ts scheduler` does the same.
   */
  onLeadershipLost?: () => void;
  /** Deadline for the first list of pods and nodes (default 60 s). */
  syncTimeoutMs?: number;
}

export interface RunningScheduler {
  stop(): Promise<void>;
  metrics: SchedulerMetrics;
  /** True while this instance schedules (always, without leader election). */
  isLeader(): boolean;
  /** Binding cycles running now (the bench reports how many overlap). */
  inFlightBindings(): number;
  /** For tests and the bench: the cache and queue. */
  cache: SchedulerCache;
  queue: SchedulingQueue;
}

export async function startScheduler(opts: StartSchedulerOptions): Promise<RunningScheduler> {
  const clock = opts.clock ?? realClock;
  const log: Logger = opts.log ?? (() => undefined);
  const config = loadConfig(opts.config);
  const client = opts.client;
  const registry = new Map([...inTreeRegistry(), ...(opts.registry ?? [])]);

  const factory = new SharedInformerFactory(client, { clock, log });
  const pods = factory.informerFor<Pod>(PODS);
  const nodes = factory.informerFor<Node>(NODES);
  const lister = new InformerClusterLister({
    services: factory.informerFor(SERVICES).indexer as never,
    rcs: factory.informerFor(RCS).indexer as never,
    rss: factory.informerFor(RSS).indexer as never,
    pdbs: factory.informerFor(PDBS).indexer as never,
  });

  const cache = new SchedulerCache({ clock, log });
  const snapshot = new Snapshot(cache);
  const waiting = new WaitingPods();
  const recorders = new Map<string, EventRecorder>();
  let queue: SchedulingQueue | undefined;
  const profiles = new Map<string, Framework>();
  for (const p of config.profiles!) {
    const recorder = new EventRecorder({ client, component: p.schedulerName!, clock, log, maxQueued: 10_000 });
    recorders.set(p.schedulerName!, recorder);
    profiles.set(p.schedulerName!, new Framework({
      profile: p, registry, snapshot, client, clock, recorder, lister, log,
      percentageOfNodesToScore: config.percentageOfNodesToScore,
      nominatedPodsForNode: (n) => queue?.nominatedPodsForNode(n) ?? [],
    }));
  }
  const first = [...profiles.values()][0]!;
  const pluginEvents = new Map<string, ClusterEvent[]>();
  for (const f of profiles.values()) for (const [k, v] of f.pluginEvents()) pluginEvents.set(k, v);
  queue = new SchedulingQueue({
    clock, less: (a, b) => first.queueSort.less(a, b), pluginEvents,
    initialBackoffMs: (config.podInitialBackoffSeconds ?? 1) * 1000,
    maxBackoffMs: (config.podMaxBackoffSeconds ?? 10) * 1000,
  });
  const q = queue;
  const metrics = createMetrics(() => q.lengths());
  const scheduler = new Scheduler({
    cache, snapshot, queue, profiles, recorders, waiting, clock, random: opts.random ?? Math.random, metrics, log,
    currentPod: (key) => pods.indexer.getByKey(key),
  });

  const stop = new AbortController();
  opts.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  let leading = !opts.leaderElect;
  const tasks: Promise<unknown>[] = [];

  // One leadership term: informers, queue, loop. Ends when `signal` aborts.
  const lead = async (signal: AbortSignal) => {
    const handlers = addEventHandlers({ pods, nodes, cache, queue: q, waiting, profiles: new Set(profiles.keys()) });
    factory.start();
    const synced = await factory.waitForCacheSync(opts.syncTimeoutMs ?? 60_000);
    if (!synced) log('informers did not sync in time; scheduling anyway');
    q.run();
    const expiry = setInterval(() => {
      for (const key of cache.cleanupExpired()) {
        const p = pods.indexer.getByKey(key);
        if (p && !p.spec.nodeName) q.add(p);
      }
    }, 1000);
    expiry.unref();
    const loop = scheduler.run();
    log('scheduler started', { profiles: [...profiles.keys()] });
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    clearInterval(expiry);
    q.close();
    waiting.rejectAll('scheduler stopping');
    await loop;
    await Promise.allSettled([...scheduler.inFlightBindings]);
    handlers.remove();
  };

  let elector: LeaderElector | undefined;
  if (opts.leaderElect) {
    const identity = opts.identity ?? `${hostname()}_${randomBytes(8).toString('hex')}`;
    const le = config.leaderElection ?? {};
    elector = new LeaderElector({
      client, namespace: le.resourceNamespace ?? 'kube-system', name: le.resourceName ?? 'kube-scheduler', identity, clock, log,
      leaseDurationMs: le.leaseDuration ? parseDuration(le.leaseDuration) : undefined,
      renewDeadlineMs: le.renewDeadline ? parseDuration(le.renewDeadline) : undefined,
      retryPeriodMs: le.retryPeriod ? parseDuration(le.retryPeriod) : undefined,
      callbacks: {
        onStartedLeading: (signal) => { leading = true; tasks.push(lead(signal)); },
        onStoppedLeading: () => { leading = false; },
      },
    });
    tasks.push(elector.run(stop.signal).then(() => {
      // Lost the lease without being asked to stop: a scheduler that is not leading must not schedule.
      if (!stop.signal.aborted) {
        log('leader election lost');
        opts.onLeadershipLost?.();
      }
    }));
  } else {
    tasks.push(lead(stop.signal));
  }

  return {
    metrics, cache, queue,
    isLeader: () => leading,
    inFlightBindings: () => scheduler.inFlightBindings.size,
    async stop() {
      stop.abort();
      await Promise.allSettled(tasks);
      // Leadership terms push their task while running; wait for any added late.
      await Promise.allSettled(tasks);
      await factory.stop();
      await Promise.all([...recorders.values()].map((r) => r.shutdown()));
    },
  };
}

export { podKey };
