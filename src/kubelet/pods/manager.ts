// The pods of this node: an informer on spec.nodeName=<node> (plus static pods), a worker per pod,
// and the PLEG: a relist of the runtime every second whose changes (a container exited, a sandbox
// died) wake the pod's worker. A periodic resync refreshes volumes and status of every pod.
import type { Pod } from '../../api/core/v1/pod.js';
import { SharedInformerFactory, DeletedFinalStateUnknown, type RestClient } from '../../client/index.js';
import type { Clock } from '../../machinery/clock.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { PODS, type KubeletLog } from '../types.js';
import { MANAGED_BY, MANAGED_BY_VALUE, POD_UID } from './labels.js';
import type { PodSyncer } from './syncer.js';
import { PodWorkers } from './workers.js';

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export interface PodManagerOptions {
  client: RestClient;
  nodeName: string;
  runtime: ContainerRuntime;
  syncer: PodSyncer;
  clock: Clock;
  log: KubeletLog;
  /** Runtime relist period (default 1 s). */
  plegPeriodMs?: number;
  /** Every pod is synced at least this often (default 10 s). */
  resyncPeriodMs?: number;
  /** Leftovers of gone pods are looked for this often (default 30 s). */
  housekeepingPeriodMs?: number;
}

export class PodManager {
  readonly workers: PodWorkers;
  private readonly factory: SharedInformerFactory;
  /** Pods from the API server, by uid. */
  private apiPods = new Map<string, Pod>();
  /** Static pods from files, by uid. */
  private staticPods = new Map<string, Pod>();
  /** The last version seen of every pod this kubelet ran, for teardown after it vanished. */
  private known = new Map<string, Pod>();
  private terminated = new Set<string>();
  private fingerprints = new Map<string, string>();
  private timers: { cancel(): void }[] = [];
  private stopped = false;
  private relisting: Promise<void> | null = null;

  constructor(private readonly o: PodManagerOptions) {
    this.workers = new PodWorkers((uid) => this.sync(uid), o.clock, o.log);
    this.factory = new SharedInformerFactory(o.client, { clock: o.clock, log: o.log });
  }

  /** Starts the informer; resolves once it has synced (or after timeoutMs). */
  async start(timeoutMs = 30_000): Promise<boolean> {
    const inf = this.factory.informerFor<Pod>(PODS, { fieldSelector: `spec.nodeName=${this.o.nodeName}` });
    inf.addEventHandler({
      onAdd: (p) => this.upsert(p),
      onUpdate: (_o, p) => this.upsert(p),
      onDelete: (p) => {
        const pod = p instanceof DeletedFinalStateUnknown ? p.obj : p;
        const uid = pod.metadata.uid ?? '';
        this.apiPods.delete(uid);
        this.workers.trigger(uid);
      },
    });
    this.factory.start();
    return this.factory.waitForCacheSync(timeoutMs);
  }

  /** Begins the runtime relist and the periodic resync (after adoption has run). */
  startLoops(housekeeping?: () => Promise<void>): void {
    const pleg = this.o.plegPeriodMs ?? 1000;
    const resync = this.o.resyncPeriodMs ?? 10_000;
    const loop = (ms: number, fn: () => Promise<void> | void) => {
      const tick = () => {
        if (this.stopped) return;
        Promise.resolve(fn()).catch((err) => this.o.log('loop failed', { err: (err as Error).message })).finally(() => {
          if (!this.stopped) this.timers.push(this.o.clock.setTimeout(tick, ms));
        });
      };
      this.timers.push(this.o.clock.setTimeout(tick, ms));
    };
    loop(pleg, () => this.relist());
    loop(resync, () => { for (const uid of this.desiredUids()) this.workers.trigger(uid); });
    if (housekeeping) loop(this.o.housekeepingPeriodMs ?? 30_000, housekeeping);
  }

  private isMirror(p: Pod): boolean {
    return !!p.metadata.annotations?.[MIRROR_ANNOTATION];
  }

  private upsert(p: Pod): void {
    // Mirror pods only reflect static pods; the file is what runs.
    if (this.isMirror(p)) return;
    const uid = p.metadata.uid ?? '';
    this.apiPods.set(uid, p);
    this.workers.trigger(uid);
  }

  setStaticPods(pods: Pod[]): void {
    const next = new Map(pods.map((p) => [p.metadata.uid ?? '', p]));
    const changed = new Set<string>();
    for (const uid of this.staticPods.keys()) if (!next.has(uid)) changed.add(uid);
    for (const [uid, p] of next) if (JSON.stringify(this.staticPods.get(uid)) !== JSON.stringify(p)) changed.add(uid);
    this.staticPods = next;
    for (const uid of changed) this.workers.trigger(uid);
  }

  /** The pod the kubelet should run for uid (API or static), if any. */
  pod(uid: string): Pod | undefined {
    return this.apiPods.get(uid) ?? this.staticPods.get(uid);
  }

  desiredUids(): string[] {
    return [...new Set([...this.apiPods.keys(), ...this.staticPods.keys()])];
  }

  private async sync(uid: string): Promise<void> {
    if (this.stopped) return;
    const pod = this.pod(uid);
    if (!pod) {
      const last = this.known.get(uid);
      this.known.delete(uid);
      this.terminated.delete(uid);
      if (last) await this.o.syncer.terminate(last, false);
      else await this.o.syncer.cleanup(uid);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      if (this.terminated.has(uid)) return;
      this.known.set(uid, pod);
      await this.o.syncer.terminate(pod, true);
      this.terminated.add(uid);
      return;
    }
    this.known.set(uid, pod);
    await this.o.syncer.sync(pod);
  }

  /** The PLEG: wakes the pods whose containers or sandboxes changed state since the last relist. */
  async relist(): Promise<void> {
    if (this.relisting) return this.relisting;
    this.relisting = (async () => {
      const sel = { labelSelector: { [MANAGED_BY]: MANAGED_BY_VALUE } };
      const [sbs, cs] = await Promise.all([this.o.runtime.listPodSandbox(sel), this.o.runtime.listContainers(sel)]);
      const fp = new Map<string, string[]>();
      for (const s of sbs) {
        const uid = s.labels[POD_UID];
        if (uid) (fp.get(uid) ?? fp.set(uid, []).get(uid)!).push(`s:${s.id}:${s.state}`);
      }
      for (const c of cs) {
        const uid = c.labels[POD_UID];
        if (uid) (fp.get(uid) ?? fp.set(uid, []).get(uid)!).push(`c:${c.id}:${c.state}`);
      }
      const next = new Map([...fp].map(([uid, parts]) => [uid, parts.sort().join(',')]));
      for (const [uid, f] of next) if (this.fingerprints.get(uid) !== f) this.workers.trigger(uid);
      for (const uid of this.fingerprints.keys()) if (!next.has(uid) && this.pod(uid)) this.workers.trigger(uid);
      this.fingerprints = next;
    })().finally(() => { this.relisting = null; });
    return this.relisting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    await this.relisting?.catch(() => undefined);
    await this.workers.stop();
    await this.factory.stop();
  }
}
