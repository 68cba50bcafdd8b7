// The scheduling queue (internal/queue PriorityQueue). activeQ: pods ready to be tried, ordered by
// the queue-sort plugin. backoffQ: pods that failed recently, each waiting out its backoff
// (initial 1 s doubling per attempt up to 10 s). unschedulable: pods that fit nowhere, parked until
// a cluster event one of the plugins that rejected them cares about (a node added, a pod deleted...)
// moves them back, and after 5 minutes regardless (the periodic leftover flush). A move request
// during a pod's cycle sends that pod to backoffQ rather than parking it, so an event it could not
// see is not lost.
import { realClock, type Clock } from '../../machinery/clock.js';
import { PodInfo } from '../framework/pod-info.js';
import { eventMatches, type ClusterEvent, type QueuedPodInfo } from '../framework/types.js';
import { podKey, type Pod } from '../types.js';
import { Heap } from './heap.js';

export interface QueueOptions {
  clock?: Clock;
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Pods parked longer than this are retried anyway (default 5 min). */
  unschedulableTimeoutMs?: number;
  /** Events each plugin registered (EnqueueExtensions), by plugin name. */
  pluginEvents?: Map<string, ClusterEvent[]>;
}

const keyOf = (q: QueuedPodInfo) => q.podInfo.key;
/** The shared empty answer of nominatedPodsForNode; frozen, so no caller can fill it. */
const NONE: PodInfo[] = Object.freeze([]) as unknown as PodInfo[];

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly activeQ: Heap<QueuedPodInfo>;
  private readonly backoffQ: Heap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly unschedulableTimeout: number;
  private waiters: ((q: QueuedPodInfo | null) => void)[] = [];
  private closed = false;
  private timers: { cancel(): void }[] = [];
  /** Incremented on every pop: the cycle a pod was tried in. */
  schedulingCycle = 0;
  /** Pods popped and not yet done (their cycle or binding still running), with the cycle they were popped in. */
  private inFlight = new Map<string, number>();
  /**
   * Cluster events received while pods were in flight, with the cycle current when each came. A pod
   * that then fails is retried (backoffQ) only if one of these could have helped it: one its rejecting
   * plugins registered for, as upstream's in-flight event tracking does. An event no plugin of the pod
   * cares about (another pod being bound, say) leaves it parked as unschedulable.
   */
  private inFlightEvents: { cycle: number; event: ClusterEvent }[] = [];
  /** node -> pods nominated there by preemption. */
  private nominated = new Map<string, Map<string, PodInfo>>();
  private nominatedNodeOf = new Map<string, string>();

  constructor(private readonly o: QueueOptions) {
    this.clock = o.clock ?? realClock;
    this.activeQ = new Heap(keyOf, o.less);
    this.backoffQ = new Heap(keyOf, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    this.initialBackoff = o.initialBackoffMs ?? 1000;
    this.maxBackoff = o.maxBackoffMs ?? 10_000;
    this.unschedulableTimeout = o.unschedulableTimeoutMs ?? 5 * 60_000;
  }

  /** Starts the periodic flushes: backoffQ every second, leftover unschedulable pods every 30 s. */
  run(): void {
    const every = (ms: number, fn: () => void) => {
      const tick = () => {
        if (this.closed) return;
        fn();
        this.timers[idx] = this.clock.setTimeout(tick, ms);
      };
      const idx = this.timers.length;
      this.timers.push(this.clock.setTimeout(tick, ms));
    };
    every(1000, () => this.flushBackoffCompleted());
    every(30_000, () => this.flushUnschedulableLeftover());
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) t.cancel();
    for (const w of this.waiters.splice(0)) w(null);
  }

  lengths(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.activeQ.length, backoff: this.backoffQ.length, unschedulable: this.unschedulable.size };
  }

  has(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key);
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const now = this.clock.now();
    const key = podKey(pod);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    const q: QueuedPodInfo = { podInfo: new PodInfo(pod), timestamp: now, initialAttemptTimestamp: now, attempts: 0, unschedulablePlugins: new Set() };
    this.pushActive(q);
    this.updateNominated(pod);
  }

  /** A pending pod changed: refresh it where it sits; a parked pod that changed is worth another try. */
  update(oldPod: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    const pi = new PodInfo(pod);
    this.updateNominated(pod);
    const a = this.activeQ.get(key);
    if (a) { this.activeQ.addOrUpdate({ ...a, podInfo: pi }); return; }
    const b = this.backoffQ.get(key);
    if (b) { this.backoffQ.addOrUpdate({ ...b, podInfo: pi }); return; }
    const u = this.unschedulable.get(key);
    if (u) {
      const updated = { ...u, podInfo: pi };
      if (oldPod && !specOrLabelsChanged(oldPod, pod)) { this.unschedulable.set(key, updated); return; }
      this.unschedulable.delete(key);
      if (this.isBackingOff(updated)) this.backoffQ.addOrUpdate(updated);
      else this.pushActive(updated);
      return;
    }
    if (!this.inFlight.has(key)) this.add(pod);
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    this.deleteNominated(key);
  }

  /** The next pod to schedule; waits while activeQ is empty. Null once closed. */
  pop(): Promise<QueuedPodInfo | null> {
    if (this.closed) return Promise.resolve(null);
    const q = this.activeQ.pop();
    if (q) return Promise.resolve(this.popped(q));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private popped(q: QueuedPodInfo): QueuedPodInfo {
    q.attempts++;
    this.schedulingCycle++;
    // Deleted first so the map stays in cycle order: its first entry is the oldest in flight.
    this.inFlight.delete(q.podInfo.key);
    this.inFlight.set(q.podInfo.key, this.schedulingCycle);
    return q;
  }

  /** The pod's cycle (and binding) is over. */
  done(key: string): void {
    this.inFlight.delete(key);
    this.pruneInFlightEvents();
  }

  /** Forgets events older than every pod still in flight. */
  private pruneInFlightEvents(): void {
    if (this.inFlightEvents.length === 0) return;
    if (this.inFlight.size === 0) { this.inFlightEvents.length = 0; return; }
    const oldest = this.inFlight.values().next().value as number;
    let drop = 0;
    while (drop < this.inFlightEvents.length && this.inFlightEvents[drop]!.cycle < oldest) drop++;
    if (drop) this.inFlightEvents.splice(0, drop);
  }

  /**
   * A pod that failed goes back: to backoffQ when an event that could help it came during its cycle
   * (inFlightEvents) or it hit an error, else parked as unschedulable.
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo, podSchedulingCycle: number): void {
    const key = q.podInfo.key;
    this.inFlight.delete(key);
    const helped = this.inFlightEvents.some((e) => e.cycle >= podSchedulingCycle && this.podMatchesEvent(q, e.event));
    this.pruneInFlightEvents();
    if (this.has(key)) return;
    q.timestamp = this.clock.now();
    if (helped || q.lastFailureWasError || q.unschedulablePlugins.size === 0) {
      this.backoffQ.addOrUpdate(q);
    } else {
      this.unschedulable.set(key, q);
    }
  }

  /** A cluster event: parked pods one of whose rejecting plugins registered for it are moved back. */
  moveAllToActiveOrBackoff(event: ClusterEvent): number {
    let moved = 0;
    for (const [key, q] of this.unschedulable) {
      if (!this.podMatchesEvent(q, event)) continue;
      this.unschedulable.delete(key);
      if (this.isBackingOff(q)) this.backoffQ.addOrUpdate(q);
      else this.pushActive(q);
      moved++;
    }
    if (this.inFlight.size) this.inFlightEvents.push({ cycle: this.schedulingCycle, event });
    return moved;
  }

  private podMatchesEvent(q: QueuedPodInfo, event: ClusterEvent): boolean {
    if (event.resource === '*' || q.unschedulablePlugins.size === 0) return true;
    const registry = this.o.pluginEvents;
    if (!registry) return true;
    for (const p of q.unschedulablePlugins) {
      const evs = registry.get(p);
      if (!evs) return true; // a plugin that registered nothing: any event may help
      if (evs.some((e) => eventMatches(e, event))) return true;
    }
    return false;
  }

  backoffDuration(q: QueuedPodInfo): number {
    let d = this.initialBackoff;
    for (let i = 1; i < q.attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoff) return this.maxBackoff;
    }
    return Math.min(d, this.maxBackoff);
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q);
  }

  private isBackingOff(q: QueuedPodInfo): boolean {
    return this.backoffExpiry(q) > this.clock.now();
  }

  flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (;;) {
      const top = this.backoffQ.peek();
      if (!top || this.backoffExpiry(top) > now) return;
      this.backoffQ.pop();
      this.pushActive(top);
    }
  }

  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [key, q] of this.unschedulable) {
      if (now - q.timestamp < this.unschedulableTimeout) continue;
      this.unschedulable.delete(key);
      if (this.isBackingOff(q)) this.backoffQ.addOrUpdate(q);
      else this.pushActive(q);
    }
  }

  private pushActive(q: QueuedPodInfo): void {
    const w = this.waiters.shift();
    if (w) { w(this.popped(q)); return; }
    this.activeQ.addOrUpdate(q);
  }

  // --- nominated pods (preemption)

  addNominated(pi: PodInfo, node: string): void {
    this.deleteNominated(pi.key);
    let m = this.nominated.get(node);
    if (!m) this.nominated.set(node, (m = new Map()));
    m.set(pi.key, pi);
    this.nominatedNodeOf.set(pi.key, node);
  }

  deleteNominated(key: string): void {
    const node = this.nominatedNodeOf.get(key);
    if (node === undefined) return;
    this.nominatedNodeOf.delete(key);
    const m = this.nominated.get(node);
    m?.delete(key);
    if (m && m.size === 0) this.nominated.delete(node);
  }

  /** Asked for every node a pod is filtered against: the usual answer (none) allocates nothing. */
  nominatedPodsForNode(node: string): PodInfo[] {
    if (this.nominated.size === 0) return NONE;
    const m = this.nominated.get(node);
    return m ? [...m.values()] : NONE;
  }

  private updateNominated(pod: Pod): void {
    const n = pod.status?.nominatedNodeName;
    const key = podKey(pod);
    if (n) this.addNominated(new PodInfo(pod), n);
    else if (this.nominatedNodeOf.has(key) && !pod.spec.nodeName) this.deleteNominated(key);
  }
}

function specOrLabelsChanged(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.spec) !== JSON.stringify(b.spec) || JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {});
}
