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
  /** What of each API pod a sync depends on (everything but its status), by uid. */
  private specPrints = new Map<string, string>();
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
        this.specPrints.delete(uid);
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
    // A change of status alone (most often the one this kubelet just wrote) asks nothing of the
    // node: the kubelet's pod config sends such pods no UPDATE either. Spec, labels, annotations
    // and the deletion timestamp do.
    const print = specPrint(p);
    if (this.specPrints.get(uid) === print) return;
    this.specPrints.set(uid, print);
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
    try {
      await this.o.syncer.sync(pod);
    } finally {
      // What the sync saw (and changed) is no news to the PLEG; anything after it still is.
      const seen = this.o.syncer.takeView(uid);
      // (A pod with nothing in the runtime yet is not the PLEG's to watch: its retry is requeued.)
      if (seen && (seen.sandboxes.length || seen.containers.length)) this.fingerprints.set(uid, runtimeFingerprint(seen.sandboxes, seen.containers));
    }
  }

  /** The PLEG: wakes the pods whose containers or sandboxes changed state since the last relist. */
  async relist(): Promise<void> {
    if (this.relisting) return this.relisting;
    this.relisting = (async () => {
      const sel = { labelSelector: { [MANAGED_BY]: MANAGED_BY_VALUE } };
      const [sbs, cs] = await Promise.all([this.o.runtime.listPodSandbox(sel), this.o.runtime.listContainers(sel)]);
      const byUid = new Map<string, { s: { id: string; state: string }[]; c: { id: string; state: string }[] }>();
      const of = (uid: string) => byUid.get(uid) ?? byUid.set(uid, { s: [], c: [] }).get(uid)!;
      for (const s of sbs) if (s.labels[POD_UID]) of(s.labels[POD_UID]).s.push(s);
      for (const c of cs) if (c.labels[POD_UID]) of(c.labels[POD_UID]).c.push(c);
      const listed = new Map([...byUid].map(([uid, v]) => [uid, runtimeFingerprint(v.s, v.c)]));
      const { wake, next } = plegChanges(this.fingerprints, listed, (uid) => this.workers.isSyncing(uid), (uid) => !!this.pod(uid));
      for (const uid of wake) this.workers.trigger(uid);
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

/**
 * One relist's decisions: which pods to wake (their runtime state differs from the last recorded,
 * or they vanished from the runtime while still wanted) and the fingerprints to record.
 * A pod whose sync is running is changing under the relist (its sandbox and containers appear one
 * by one): waking it would only sync it again for its own changes, four CRI calls each, which
 * doubled the CRI traffic of a batch of new pods. Its fingerprint stays as it was: the sync's end
 * records the view it computed the status from, and the next relist compares against that, so a
 * change after that view still wakes the pod.
 */
export function plegChanges(prev: Map<string, string>, listed: Map<string, string>, syncing: (uid: string) => boolean, wanted: (uid: string) => boolean): { wake: string[]; next: Map<string, string> } {
  const next = new Map(listed);
  for (const uid of new Set([...listed.keys(), ...prev.keys()])) {
    if (!syncing(uid)) continue;
    const before = prev.get(uid);
    if (before === undefined) next.delete(uid);
    else next.set(uid, before);
  }
  const wake: string[] = [];
  for (const [uid, f] of next) if (prev.get(uid) !== f) wake.push(uid);
  for (const uid of prev.keys()) if (!next.has(uid) && wanted(uid)) wake.push(uid);
  return { wake, next };
}

/** A pod's sandboxes and containers with their states, as the PLEG compares them between relists. */
export function runtimeFingerprint(sandboxes: { id: string; state: string }[], containers: { id: string; state: string }[]): string {
  return [...sandboxes.map((s) => `s:${s.id}:${s.state}`), ...containers.map((c) => `c:${c.id}:${c.state}`)].sort().join(',');
}

/** The pod without its status and the fields every write changes. */
export function specPrint(p: Pod): string {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = p.metadata as Pod['metadata'] & { managedFields?: unknown };
  return JSON.stringify([meta, p.spec]);
}
