// The pod side of every hollow kubelet at once: ONE informer over all bound pods (fieldSelector
// spec.nodeName!=) indexed by node name, one work queue, a few workers. A pod bound to one of our
// nodes goes Running with an IP from that node's range; a pod being deleted is confirmed gone
// (gracePeriodSeconds=0, as the kubelet does once its containers stopped); a failed pod stays failed.
// A node that is NotReady does nothing for its pods, as a dead kubelet would not.
import { SharedInformerFactory } from '../client/informer/factory.js';
import { fieldIndex } from '../client/informer/store.js';
import { DeletedFinalStateUnknown } from '../client/informer/relist.js';
import type { SharedInformer } from '../client/informer/shared-informer.js';
import { WorkQueue, runWorkers } from '../client/workqueue.js';
import { isNotFound, resourceRef, type RestClient } from '../client/rest.js';
import type { KubeObject } from '../api/resource.js';
import type { Clock } from '../machinery/clock.js';
import { PodIPPool } from './addresses.js';
import { failedStatus, runningStatus, type PodLike } from './pod-status.js';

export const PODS = resourceRef('', 'v1', 'pods', true);
const NODE_INDEX = 'nodeName';

type Pod = KubeObject & PodLike;

export interface RunnerNode {
  hostIP: string;
  pool: PodIPPool;
  ready: boolean;
}

export interface PodRunnerOptions {
  client: RestClient;
  clock: Clock;
  nodes: ReadonlyMap<string, RunnerNode>;
  workers: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const key = (ns: string | undefined, name: string | undefined) => `${ns ?? ''}/${name ?? ''}`;

export class PodRunner {
  private readonly factory: SharedInformerFactory;
  readonly informer: SharedInformer<Pod>;
  private readonly queue: WorkQueue<string>;
  private readonly failed = new Map<string, string>(); // pod key -> reason (only until the pod is gone)
  private workers: Promise<void> | null = null;

  constructor(private readonly opts: PodRunnerOptions) {
    this.factory = new SharedInformerFactory(opts.client, { clock: opts.clock, log: opts.log });
    this.informer = this.factory.informerFor<Pod>(PODS, { fieldSelector: 'spec.nodeName!=', indexers: { [NODE_INDEX]: fieldIndex<Pod>('spec.nodeName') } });
    this.queue = new WorkQueue<string>({ clock: opts.clock, name: 'hollow-pods' });
    this.informer.addEventHandler({
      onAdd: (p) => this.enqueue(p),
      onUpdate: (_o, p) => this.enqueue(p),
      onDelete: (p) => {
        const obj = p instanceof DeletedFinalStateUnknown ? p.obj : p;
        this.forget(obj);
      },
    });
  }

  private ours(p: Pod): RunnerNode | undefined {
    const n = p.spec?.nodeName;
    return n ? this.opts.nodes.get(n) : undefined;
  }

  private enqueue(p: Pod): void {
    if (this.ours(p)) this.queue.add(key(p.metadata.namespace, p.metadata.name));
  }

  private forget(p: Pod | undefined): void {
    if (!p?.metadata) return;
    const k = key(p.metadata.namespace, p.metadata.name);
    this.ours(p)?.pool.release(k);
    this.failed.delete(k);
  }

  async start(syncTimeoutMs = 60_000): Promise<void> {
    this.factory.start();
    this.workers = runWorkers(this.queue, this.opts.workers, (k) => this.sync(k), { log: this.opts.log });
    if (!(await this.factory.waitForCacheSync(syncTimeoutMs))) throw new Error('hollow nodes: the pod informer did not sync');
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.factory.stop();
    await this.workers;
  }

  /** Re-examine every pod of a node (it came back Ready). */
  resyncNode(nodeName: string): void {
    for (const p of this.informer.indexer.byIndex(NODE_INDEX, nodeName)) this.enqueue(p);
  }

  async fail(namespace: string, name: string, reason: string): Promise<void> {
    const k = key(namespace, name);
    const pod = this.informer.indexer.get(namespace, name) ?? (await this.opts.client.get<Pod>(PODS, name, { namespace }));
    if (!this.ours(pod)) throw new Error(`pod ${k} is not bound to a hollow node of this process`);
    this.failed.set(k, reason);
    await this.opts.client.patch(PODS, name, 'merge', { status: failedStatus(pod, reason, this.opts.clock.now()) }, { namespace, subresource: 'status' });
  }

  podIP(namespace: string, name: string): string | undefined {
    const pod = this.informer.indexer.get(namespace, name);
    return pod ? this.ours(pod)?.pool.get(key(namespace, name)) : undefined;
  }

  private async sync(k: string): Promise<void> {
    const slash = k.indexOf('/');
    const namespace = k.slice(0, slash);
    const name = k.slice(slash + 1);
    const pod = this.informer.indexer.get(namespace, name);
    if (!pod) return;
    const node = this.ours(pod);
    if (!node || !node.ready) return;
    if (pod.metadata.deletionTimestamp) {
      // The containers are "stopped": confirm the deletion, for this very pod only (uid precondition).
      try {
        await this.opts.client.delete(PODS, name, { namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      node.pool.release(k);
      this.failed.delete(k);
      return;
    }
    const phase = pod.status?.phase;
    if (this.failed.has(k) || phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') return;
    const ip = node.pool.allocate(k);
    await this.opts.client.patch(PODS, name, 'merge', { status: runningStatus(pod, node.hostIP, ip, this.opts.clock.now()) }, { namespace, subresource: 'status' });
    this.opts.log?.('pod running', { pod: k, node: pod.spec?.nodeName, podIP: ip });
  }
}
