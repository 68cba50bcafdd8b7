// One pod's trip (schedule_one.go). The scheduling cycle (filter, score, pick, assume, reserve)
// runs synchronously, then the pod is handed to an asynchronous binding cycle (permit, pre-bind,
// bind, post-bind) while the next pod is already being scheduled; the assumed pod in the cache
// makes the next cycle count it. Failures go back to the queue with a FailedScheduling Event and
// a PodScheduled=False condition.
import { performance } from 'node:perf_hooks';
import { resourceRef } from '../client/rest.js';
import type { EventRecorder } from '../client/events.js';
import type { Clock } from '../machinery/clock.js';
import type { SchedulerCache } from './cache/cache.js';
import type { NodeInfo } from './cache/node-info.js';
import type { Snapshot } from './cache/snapshot.js';
import type { CycleState } from './framework/cycle-state.js';
import { FitError } from './framework/fit-error.js';
import type { Framework, WaitingPods } from './framework/framework.js';
import { PodInfo } from './framework/pod-info.js';
import { Code, Status } from './framework/status.js';
import type { QueuedPodInfo } from './framework/types.js';
import type { SchedulerMetrics } from './metrics.js';
import type { SchedulingQueue } from './queue/scheduling-queue.js';
import type { Pod } from './types.js';

const PODS = resourceRef('', 'v1', 'pods', true);
const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** numFeasibleNodesToFind: enough nodes to score well without checking all of a large cluster. */
export function numFeasibleNodesToFind(percentage: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  let pct = percentage ?? 0;
  if (pct >= 100) return numAllNodes;
  if (pct <= 0) {
    pct = Math.trunc(50 - numAllNodes / 125);
    if (pct < MIN_FEASIBLE_PERCENTAGE) pct = MIN_FEASIBLE_PERCENTAGE;
  }
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : n;
}

export interface ScheduleResult {
  host: string;
  evaluatedNodes: number;
  feasibleNodes: number;
}

export interface SchedulerDeps {
  cache: SchedulerCache;
  snapshot: Snapshot;
  queue: SchedulingQueue;
  profiles: Map<string, Framework>;
  recorders: Map<string, EventRecorder>;
  waiting: WaitingPods;
  clock: Clock;
  random: () => number;
  metrics: SchedulerMetrics;
  /** The informer's current copy of a pod (to skip pods deleted or bound meanwhile). */
  currentPod: (key: string) => Pod | undefined;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

export class Scheduler {
  private nextStartNodeIndex = 0;
  /** Binding cycles still running (awaited on stop). */
  readonly inFlightBindings = new Set<Promise<void>>();

  constructor(private readonly d: SchedulerDeps) {}

  /** Pops and schedules pods until the queue closes. */
  async run(): Promise<void> {
    for (;;) {
      const q = await this.d.queue.pop();
      if (!q) return;
      try {
        await this.scheduleOne(q);
      } catch (err) {
        this.d.log('scheduleOne failed', { pod: q.podInfo.key, err: String((err as Error)?.stack ?? err) });
        this.d.queue.done(q.podInfo.key);
      }
      // Let watch events and binding answers in between pods.
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  async scheduleOne(q: QueuedPodInfo): Promise<void> {
    const { queue, cache, snapshot, metrics, clock } = this.d;
    const key = q.podInfo.key;
    const current = this.d.currentPod(key);
    if (!current || current.spec.nodeName || current.metadata.deletionTimestamp || cache.isAssumed(key)) {
      queue.done(key);
      return;
    }
    if (current !== q.podInfo.pod) q.podInfo = new PodInfo(current);
    const pod = q.podInfo.pod;
    const fwk = this.d.profiles.get(pod.spec.schedulerName || 'default-scheduler');
    if (!fwk) { queue.done(key); return; }
    const start = clock.now();
    const algoStart = performance.now();
    const cycle = queue.schedulingCycle;
    snapshot.update();
    const state = fwk.newCycleState();
    let result: ScheduleResult;
    try {
      result = this.schedulePod(fwk, state, q.podInfo);
      metrics.algorithmDuration.observe((performance.now() - algoStart) / 1000);
    } catch (err) {
      let nominated: string | undefined;
      if (err instanceof FitError) {
        if (fwk.postFilter.length) {
          metrics.preemptionAttempts.inc();
          const { result: pf, status } = await fwk.runPostFilterPlugins(state, pod, q.podInfo, err.statuses);
          if (status.isSuccess()) nominated = pf?.nominatedNodeName;
          else if (status.reasons.length) err.postFilterMsg = status.message();
        }
        metrics.scheduleAttempts.inc({ result: 'unschedulable', profile: fwk.profileName });
        metrics.attemptDuration.observe({ result: 'unschedulable', profile: fwk.profileName }, (clock.now() - start) / 1000);
      } else {
        metrics.scheduleAttempts.inc({ result: 'error', profile: fwk.profileName });
      }
      this.handleFailure(fwk, q, err, cycle, nominated);
      return;
    }
    // Assume: the pod is on its node in the cache from now on.
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName: result.host } };
    try {
      cache.assumePod(assumed);
    } catch (err) {
      metrics.scheduleAttempts.inc({ result: 'error', profile: fwk.profileName });
      this.handleFailure(fwk, q, err, cycle);
      return;
    }
    const rs = fwk.runReservePlugins(state, assumed, result.host);
    if (!rs.isSuccess()) {
      fwk.runUnreservePlugins(state, assumed, result.host);
      cache.forgetPod(assumed);
      metrics.scheduleAttempts.inc({ result: 'error', profile: fwk.profileName });
      this.handleFailure(fwk, q, rs.code === Code.Error ? rs.error ?? new Error(rs.message()) : this.statusFitError(rs, q), cycle);
      return;
    }
    queue.deleteNominated(key);
    metrics.scheduleAttempts.inc({ result: 'scheduled', profile: fwk.profileName });
    const p = this.bindingCycle(fwk, state, q, assumed, result.host, start, cycle);
    this.inFlightBindings.add(p);
    void p.finally(() => this.inFlightBindings.delete(p));
  }

  private statusFitError(s: Status, q: QueuedPodInfo): FitError {
    const e = new FitError(this.d.snapshot.numNodes, new Map(), s.message(), new Set([s.plugin]));
    q.unschedulablePlugins = new Set([s.plugin]);
    return e;
  }

  /** Filter, then score, then pick. Throws FitError when no node fits. */
  schedulePod(fwk: Framework, state: CycleState, pi: PodInfo): ScheduleResult {
    const all = this.d.snapshot.nodeInfos();
    if (all.length === 0) throw new FitError(0, new Map(), NO_NODES_AVAILABLE);
    const { feasible, statuses } = this.findNodesThatFitPod(fwk, state, pi, all);
    if (feasible.length === 0) throw new FitError(all.length, statuses, '', new Set(state.unschedulablePlugins));
    const evaluated = feasible.length + statuses.size;
    if (feasible.length === 1) return { host: feasible[0]!.name, evaluatedNodes: evaluated, feasibleNodes: 1 };
    const scores = this.prioritizeNodes(fwk, state, pi, feasible);
    return { host: this.selectHost(feasible, scores), evaluatedNodes: evaluated, feasibleNodes: feasible.length };
  }

  private findNodesThatFitPod(fwk: Framework, state: CycleState, pi: PodInfo, all: NodeInfo[]): { feasible: NodeInfo[]; statuses: Map<string, Status> } {
    const pod = pi.pod;
    const statuses = new Map<string, Status>();
    const pre = fwk.runPreFilterPlugins(state, pod, pi, all);
    if (!pre.status.isSuccess()) {
      if (!pre.status.isRejected()) throw pre.status.error ?? new Error(pre.status.message());
      for (const n of all) statuses.set(n.name, pre.status);
      const e = new FitError(all.length, statuses, pre.status.message(), new Set(state.unschedulablePlugins));
      throw e;
    }
    let nodes = all;
    if (pre.result?.nodeNames) {
      nodes = [];
      for (const name of pre.result.nodeNames) {
        const ni = this.d.snapshot.get(name);
        if (ni) nodes.push(ni);
      }
      for (const n of all) if (!pre.result.nodeNames.has(n.name)) statuses.set(n.name, Status.unresolvable(`node(s) didn't satisfy plugin(s) [${pre.status.plugin || 'PreFilter'}]`));
    }
    // A pod that preempted tries its nominated node first.
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = this.d.snapshot.get(nominated);
      if (ni && fwk.runFilterPluginsWithNominatedPods(state, pod, pi, ni).isSuccess()) return { feasible: [ni], statuses };
    }
    const n = nodes.length;
    const want = numFeasibleNodesToFind(fwk.percentageOfNodesToScore, n);
    const feasible: NodeInfo[] = [];
    const start = n === 0 ? 0 : this.nextStartNodeIndex % n;
    let processed = 0;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const ni = nodes[(start + i) % n]!;
      processed++;
      const s = fwk.runFilterPluginsWithNominatedPods(state, pod, pi, ni);
      if (s.isSuccess()) feasible.push(ni);
      else if (s.code === Code.Error) throw s.error ?? new Error(s.message());
      else {
        statuses.set(ni.name, s);
        if (s.plugin) state.unschedulablePlugins.add(s.plugin);
      }
    }
    // Round robin: the next pod starts where this one stopped, so all nodes get looked at.
    if (all.length) this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % all.length;
    return { feasible, statuses };
  }

  private prioritizeNodes(fwk: Framework, state: CycleState, pi: PodInfo, nodes: NodeInfo[]): number[] {
    if (fwk.score.length === 0) return nodes.map(() => 1);
    const s = fwk.runPreScorePlugins(state, pi.pod, pi, nodes);
    if (!s.isSuccess()) throw s.error ?? new Error(s.message());
    return fwk.runScorePlugins(state, pi.pod, pi, nodes);
  }

  /** The highest total; ties broken uniformly at random (reservoir sampling). */
  private selectHost(nodes: NodeInfo[], scores: number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (scores[i]! > scores[best]!) { best = i; ties = 1; }
      else if (scores[i] === scores[best]) {
        ties++;
        if (this.d.random() * ties < 1) best = i;
      }
    }
    return nodes[best]!.name;
  }

  private async bindingCycle(fwk: Framework, state: CycleState, q: QueuedPodInfo, assumed: Pod, host: string, start: number, cycle: number): Promise<void> {
    const { cache, queue, clock, metrics } = this.d;
    const key = q.podInfo.key;
    let status = await fwk.runPermitPlugins(state, assumed, host, this.d.waiting);
    if (status.isSuccess()) status = await fwk.runPreBindPlugins(state, assumed, host);
    if (status.isSuccess()) {
      const t0 = clock.now();
      status = await fwk.runBindPlugins(state, assumed, host);
      metrics.bindingDuration.observe((clock.now() - t0) / 1000);
    }
    if (!status.isSuccess()) {
      fwk.runUnreservePlugins(state, assumed, host);
      try { cache.forgetPod(assumed); } catch { /* confirmed meanwhile */ }
      // The room this pod held is free again: pods waiting for it may fit now.
      queue.moveAllToActiveOrBackoff({ resource: 'AssignedPod', action: 'Delete', label: 'AssignedPodDelete' });
      const err = status.isRejected() ? this.statusFitError(status, q) : status.error ?? new Error(status.message());
      this.handleFailure(fwk, q, err, cycle);
      return;
    }
    cache.finishBinding(assumed);
    queue.done(key);
    metrics.attemptDuration.observe({ result: 'scheduled', profile: fwk.profileName }, (clock.now() - start) / 1000);
    metrics.podSchedulingDuration.observe({ attempts: String(Math.min(q.attempts, 15)) }, (clock.now() - q.initialAttemptTimestamp) / 1000);
    this.d.recorders.get(fwk.profileName)?.event(assumed, 'Normal', 'Scheduled', `Successfully assigned ${assumed.metadata.namespace}/${assumed.metadata.name} to ${host}`);
    fwk.runPostBindPlugins(state, assumed, host);
  }

  /** Back to the queue, with the Event and the PodScheduled=False condition a user reads. */
  private handleFailure(fwk: Framework, q: QueuedPodInfo, err: unknown, cycle: number, nominatedNode?: string): void {
    const { queue, clock } = this.d;
    const pod = q.podInfo.pod;
    const key = q.podInfo.key;
    let reason = 'SchedulerError';
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof FitError) {
      reason = 'Unschedulable';
      q.unschedulablePlugins = err.unschedulablePlugins;
      q.lastFailureWasError = false;
    } else {
      q.unschedulablePlugins = new Set();
      q.lastFailureWasError = true;
      this.d.log('error scheduling pod; retrying', { pod: key, err: message });
    }
    const current = this.d.currentPod(key);
    if (!current || current.spec.nodeName || current.metadata.deletionTimestamp) {
      queue.done(key);
      return;
    }
    queue.addUnschedulableIfNotPresent(q, cycle);
    if (nominatedNode) queue.addNominated(q.podInfo, nominatedNode);
    this.d.recorders.get(fwk.profileName)?.event(pod, 'Warning', 'FailedScheduling', message);
    const cond = (current.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
    const nominatedChanged = nominatedNode !== undefined && current.status?.nominatedNodeName !== nominatedNode;
    if (cond?.status === 'False' && cond.reason === reason && cond.message === message && !nominatedChanged) return;
    const now = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const status: Record<string, unknown> = {
      conditions: [{ type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: cond?.status === 'False' ? cond.lastTransitionTime ?? now : now }],
    };
    if (nominatedNode !== undefined) status.nominatedNodeName = nominatedNode;
    fwk.client.patch(PODS, pod.metadata.name!, 'strategic', { status }, { namespace: pod.metadata.namespace, subresource: 'status' })
      .catch((e) => this.d.log('updating pod condition failed', { pod: key, err: String((e as Error)?.message ?? e) }));
  }
}
