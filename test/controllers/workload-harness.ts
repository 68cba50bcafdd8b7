// A workload-controller test bench: a real API server and SQLite store (test/client/cluster.ts),
// a ControllerContext wired like the controller manager wires it, the controllers under test
// running, and a tiny stand-in kubelet that reports pods Running and Ready through pods/status
// (what a kubelet does; no scheduler or kubelet runs here). stop() undoes everything.
import type { KubeObject } from '../../src/api/resource.js';
import type { Pod } from '../../src/api/core/v1/pod.js';
import type { Controller, ControllerContext, ControllerFactory, ControllerOptions } from '../../src/controllers/context.js';
import { SharedInformerFactory } from '../../src/client/informer/index.js';
import { EventRecorder, EVENTS, type CoreEvent } from '../../src/client/events.js';
import { isConflict, isNotFound, type RestClient } from '../../src/client/rest.js';
import { realClock, type Clock } from '../../src/machinery/clock.js';
import { PODS } from '../../src/controllers/workload/resources.js';
import { startCluster, eventually, type TestCluster } from '../client/cluster.js';

export { eventually };

export interface WorkloadBench {
  cluster: TestCluster;
  client: RestClient;
  ctx: ControllerContext;
  logs: string[];
  /** Starts the controllers made by these factories (and the informers they asked for). */
  start(...factories: ControllerFactory[]): Controller[];
  stop(): Promise<void>;
}

export async function startWorkloadBench(opts: { clock?: Clock; options?: ControllerOptions } = {}): Promise<WorkloadBench> {
  const cluster = await startCluster();
  const client = cluster.client();
  const clock = opts.clock ?? realClock;
  const logs: string[] = [];
  const log = (msg: string, fields?: Record<string, unknown>) => { logs.push(JSON.stringify({ msg, ...fields })); };
  // Informers keep real time for their reconnect backoff; the controllers get the injected clock.
  const informers = new SharedInformerFactory(client, { log, reflector: { backoffInitialMs: 20, backoffMaxMs: 200 } });
  const recorders: EventRecorder[] = [];
  const ctx: ControllerContext = {
    client, informers, clock, log, options: { workers: 5, ...opts.options },
    recorder(component) {
      const r = new EventRecorder({ client, component, clock, log });
      recorders.push(r);
      return r;
    },
  };
  const abort = new AbortController();
  const runs: Promise<void>[] = [];
  return {
    cluster, client, ctx, logs,
    start(...factories) {
      const cs = factories.map((f) => f(ctx));
      informers.start();
      for (const c of cs) runs.push(c.run(abort.signal));
      return cs;
    },
    async stop() {
      abort.abort();
      await Promise.allSettled(runs);
      await informers.stop();
      await Promise.allSettled(recorders.map((r) => r.shutdown()));
      await cluster.close();
    },
  };
}

export const ns = 'default';

export async function listPods(client: RestClient, labelSelector: string, namespace = ns): Promise<Pod[]> {
  return (await client.list<Pod>(PODS, { namespace, labelSelector })).items;
}

/** Active pods (not finished, not being deleted) matching the selector. */
export async function activePods(client: RestClient, labelSelector: string, namespace = ns): Promise<Pod[]> {
  return (await listPods(client, labelSelector, namespace)).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

/** What a kubelet reports once a pod's containers run and pass readiness: phase Running, Ready True. */
export async function markPodReady(client: RestClient, pod: Pod, at = new Date()): Promise<void> {
  const t = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const cur = attempt === 0 ? pod : await client.get<Pod>(PODS, pod.metadata.name!, { namespace: pod.metadata.namespace });
      if (cur.metadata.deletionTimestamp) return;
      await client.updateStatus(PODS, {
        ...cur,
        status: {
          ...cur.status, phase: 'Running', startTime: cur.status?.startTime ?? t,
          conditions: [
            { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
            { type: 'Initialized', status: 'True', lastTransitionTime: t },
            { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
            { type: 'Ready', status: 'True', lastTransitionTime: t },
          ],
        },
      } as Pod);
      return;
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
    }
  }
}

/**
 * The stand-in kubelet: every so often marks not-yet-ready pods matching the selector ready.
 * Returns a stop function that waits for the loop to end.
 */
export function playKubelet(client: RestClient, labelSelector: string, opts: { namespace?: string; intervalMs?: number } = {}): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const pods = await listPods(client, labelSelector, opts.namespace ?? ns);
        for (const p of pods) {
          if (stopped) break;
          if (p.metadata.deletionTimestamp || p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
          await markPodReady(client, p);
        }
      } catch {
        // The server may be going away at the end of a test; the next round tries again.
      }
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
    }
  })();
  return async () => { stopped = true; await loop; };
}

export async function eventsFor(client: RestClient, obj: KubeObject): Promise<CoreEvent[]> {
  const all = (await client.list<CoreEvent>(EVENTS, { namespace: obj.metadata.namespace ?? 'default' })).items;
  return all.filter((e) => e.involvedObject.uid === obj.metadata.uid);
}
