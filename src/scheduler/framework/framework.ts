// One profile's pipeline (frameworkImpl): the plugins each extension point runs, in order, with
// score weights; and the Handle plugins use to see the snapshot and reach the API server.
import type { EventRecorder } from '../../client/events.js';
import type { RestClient } from '../../client/rest.js';
import type { Clock } from '../../machinery/clock.js';
import type { NodeInfo } from '../cache/node-info.js';
import type { Snapshot } from '../cache/snapshot.js';
import type { Pod } from '../types.js';
import { EXTENSION_POINTS, pluginArgs, resolvePlugins, type ExtensionPoint, type ProfileConfig } from './config.js';
import { CycleState } from './cycle-state.js';
import type { PodInfo } from './pod-info.js';
import { Code, Status, type MaybeStatus } from './status.js';
import type {
  BindPlugin, ClusterEvent, ClusterLister, FilterPlugin, Handle, NodeScore, PermitPlugin, Plugin, PluginFactory, PostBindPlugin,
  PostFilterPlugin, PostFilterResult, PreBindPlugin, PreFilterPlugin, PreFilterResult, PreScorePlugin, QueueSortPlugin, ReservePlugin, ScorePlugin,
} from './types.js';

const METHOD: Record<ExtensionPoint, string> = {
  queueSort: 'less', preFilter: 'preFilter', filter: 'filter', postFilter: 'postFilter', preScore: 'preScore', score: 'score',
  reserve: 'reserve', permit: 'permit', preBind: 'preBind', bind: 'bind', postBind: 'postBind',
};

export interface FrameworkOptions {
  profile: ProfileConfig;
  registry: Map<string, PluginFactory>;
  snapshot: Snapshot;
  client: RestClient;
  clock: Clock;
  recorder: EventRecorder;
  lister: ClusterLister;
  nominatedPodsForNode: (node: string) => PodInfo[];
  /** Default when the profile sets none; 0 = adaptive. */
  percentageOfNodesToScore?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

function toStatus(s: MaybeStatus, plugin: string): Status {
  return s ? s.withPlugin(plugin) : Status.SUCCESS;
}

export class Framework implements Handle {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly plugins = new Map<string, Plugin>();
  queueSort!: QueueSortPlugin;
  preFilter: PreFilterPlugin[] = [];
  filter: FilterPlugin[] = [];
  postFilter: PostFilterPlugin[] = [];
  preScore: PreScorePlugin[] = [];
  score: { plugin: ScorePlugin; weight: number }[] = [];
  reserve: ReservePlugin[] = [];
  permit: PermitPlugin[] = [];
  preBind: PreBindPlugin[] = [];
  bind: BindPlugin[] = [];
  postBind: PostBindPlugin[] = [];
  readonly snapshot: Snapshot;
  readonly client: RestClient;
  readonly clock: Clock;
  readonly recorder: EventRecorder;
  readonly lister: ClusterLister;

  constructor(private readonly o: FrameworkOptions) {
    this.snapshot = o.snapshot;
    this.client = o.client;
    this.clock = o.clock;
    this.recorder = o.recorder;
    this.lister = o.lister;
    this.profileName = o.profile.schedulerName!;
    this.percentageOfNodesToScore = o.profile.percentageOfNodesToScore ?? o.percentageOfNodesToScore;
    const instance = (name: string): Plugin => {
      let p = this.plugins.get(name);
      if (!p) {
        const factory = o.registry.get(name);
        if (!factory) throw new Error(`profile "${this.profileName}": plugin "${name}" is not registered`);
        p = factory(pluginArgs(o.profile, name), this);
        this.plugins.set(name, p);
      }
      return p;
    };
    const resolved = resolvePlugins(o.profile, (name, point) => typeof (instance(name) as unknown as Record<string, unknown>)[METHOD[point]] === 'function');
    for (const point of EXTENSION_POINTS) {
      for (const ref of resolved[point]) {
        const p = instance(ref.name);
        if (typeof (p as unknown as Record<string, unknown>)[METHOD[point]] !== 'function') throw new Error(`plugin "${ref.name}" does not implement the ${point} extension point`);
      }
    }
    const list = <T>(point: ExtensionPoint) => resolved[point].map((r) => instance(r.name) as unknown as T);
    const sorts = list<QueueSortPlugin>('queueSort');
    if (sorts.length !== 1) throw new Error(`profile "${this.profileName}": exactly one queueSort plugin must be enabled, got ${sorts.length}`);
    this.queueSort = sorts[0]!;
    this.preFilter = list('preFilter');
    this.filter = list('filter');
    this.postFilter = list('postFilter');
    this.preScore = list('preScore');
    this.score = resolved.score.map((r) => ({ plugin: instance(r.name) as ScorePlugin, weight: r.weight ?? 1 }));
    this.reserve = list('reserve');
    this.permit = list('permit');
    this.preBind = list('preBind');
    this.bind = list('bind');
    this.postBind = list('postBind');
    if (this.bind.length === 0) throw new Error(`profile "${this.profileName}": at least one bind plugin is needed`);
  }

  log(msg: string, fields?: Record<string, unknown>): void {
    this.o.log?.(msg, { profile: this.profileName, ...fields });
  }

  /** Events each plugin registered, for the queue to decide what can help a rejected pod. */
  pluginEvents(): Map<string, ClusterEvent[]> {
    const m = new Map<string, ClusterEvent[]>();
    for (const [name, p] of this.plugins) if (p.eventsToRegister) m.set(name, p.eventsToRegister());
    return m;
  }

  nominatedPodsForNode(node: string): PodInfo[] {
    return this.o.nominatedPodsForNode(node);
  }

  runPreFilterPlugins(state: CycleState, pod: Pod, pi: PodInfo, nodes: NodeInfo[]): { result?: PreFilterResult; status: Status } {
    let result: PreFilterResult | undefined;
    for (const p of this.preFilter) {
      const r = p.preFilter(state, pod, pi, nodes);
      let s: Status | undefined;
      let res: PreFilterResult | undefined;
      if (r instanceof Status) s = r;
      else if (r) { s = r.status; res = r.result; }
      if (s?.code === Code.Skip) { state.skipFilterPlugins.add(p.name); continue; }
      if (s && !s.isSuccess()) {
        if (s.isRejected()) state.unschedulablePlugins.add(p.name);
        return { status: s.withPlugin(p.name) };
      }
      if (res?.nodeNames) {
        result = { nodeNames: result?.nodeNames ? new Set([...result.nodeNames].filter((n) => res!.nodeNames!.has(n))) : res.nodeNames };
        if (result.nodeNames!.size === 0) {
          state.unschedulablePlugins.add(p.name);
          return { status: Status.unresolvable('node(s) didn\'t satisfy plugin(s) [' + p.name + ']').withPlugin(p.name) };
        }
      }
    }
    return { result, status: Status.SUCCESS };
  }

  runFilterPlugins(state: CycleState, pod: Pod, node: NodeInfo, pi?: PodInfo): Status {
    const info = pi ?? podInfoCache(pod);
    let memo = state.filtersToRun;
    if (!memo || memo.skipped !== state.skipFilterPlugins.size) {
      memo = { skipped: state.skipFilterPlugins.size, plugins: this.filter.filter((p) => !state.skipFilterPlugins.has(p.name)) };
      state.filtersToRun = memo;
    }
    const plugins = memo.plugins;
    for (let i = 0; i < plugins.length; i++) {
      const p = plugins[i]!;
      const s = p.filter(state, pod, info, node);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /**
   * Filters with the pods nominated to this node (of priority >= ours) counted as if placed, as
   * upstream does, so a preemptor's freed room is not taken by a lower-priority pod.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, pi: PodInfo, node: NodeInfo): Status {
    const nominated = this.o.nominatedPodsForNode(node.name);
    if (nominated.length === 0) return this.runFilterPlugins(state, pod, node, pi);
    const prio = pod.spec.priority ?? 0;
    const others = nominated.filter((n) => n.key !== pi.key && (n.pod.spec.priority ?? 0) >= prio);
    if (others.length === 0) return this.runFilterPlugins(state, pod, node, pi);
    const st = state.clone();
    const clone = node.clone();
    for (const n of others) {
      clone.addPod(n);
      this.runPreFilterExtensionAddPod(st, pod, n, clone);
    }
    const s = this.runFilterPlugins(st, pod, clone, pi);
    if (!s.isSuccess()) return s;
    return this.runFilterPlugins(state, pod, node, pi);
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: Pod, podToAdd: PodInfo, node: NodeInfo): Status {
    for (const p of this.preFilter) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const s = p.preFilterExtensions?.()?.addPod(state, pod, podToAdd, node);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: Pod, podToRemove: PodInfo, node: NodeInfo): Status {
    for (const p of this.preFilter) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const s = p.preFilterExtensions?.()?.removePod(state, pod, podToRemove, node);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  async runPostFilterPlugins(state: CycleState, pod: Pod, pi: PodInfo, statuses: Map<string, Status>): Promise<{ result?: PostFilterResult; status: Status }> {
    const reasons: string[] = [];
    for (const p of this.postFilter) {
      const { result, status } = await p.postFilter(state, pod, pi, statuses);
      if (status.isSuccess()) return { result, status };
      if (status.code === Code.Error) return { status: status.withPlugin(p.name) };
      if (status.reasons.length) reasons.push(...status.reasons);
    }
    return { status: new Status(Code.Unschedulable, reasons) };
  }

  runPreScorePlugins(state: CycleState, pod: Pod, pi: PodInfo, nodes: NodeInfo[]): Status {
    for (const p of this.preScore) {
      const s = p.preScore(state, pod, pi, nodes);
      if (s?.code === Code.Skip) { state.skipScorePlugins.add(p.name); continue; }
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /** Weighted sum of normalized scores per node, in the order of `nodes`. */
  runScorePlugins(state: CycleState, pod: Pod, pi: PodInfo, nodes: NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    for (const { plugin, weight } of this.score) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      if (!plugin.normalizeScore) {
        // Nothing to normalize: add each score in, without a NodeScore per node.
        for (let i = 0; i < nodes.length; i++) totals[i]! += plugin.score(state, pod, pi, nodes[i]!) * weight;
        continue;
      }
      const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, pi, n) }));
      plugin.normalizeScore(state, pod, scores);
      for (let i = 0; i < scores.length; i++) totals[i]! += scores[i]!.score * weight;
    }
    return totals;
  }

  runReservePlugins(state: CycleState, pod: Pod, node: string): Status {
    for (const p of this.reserve) {
      const s = p.reserve(state, pod, node);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  runUnreservePlugins(state: CycleState, pod: Pod, node: string): void {
    for (let i = this.reserve.length - 1; i >= 0; i--) {
      try { this.reserve[i]!.unreserve(state, pod, node); } catch (err) { this.log('unreserve failed', { plugin: this.reserve[i]!.name, err: String(err) }); }
    }
  }

  /** Runs permit plugins; resolves when every Wait has been allowed (or one rejected/timed out). */
  async runPermitPlugins(state: CycleState, pod: Pod, node: string, waiting: WaitingPods): Promise<Status> {
    const waits: { plugin: string; timeoutMs: number }[] = [];
    for (const p of this.permit) {
      const r = p.permit(state, pod, node);
      const s = r instanceof Status ? r : r?.status;
      const timeoutMs = r instanceof Status ? undefined : r?.timeoutMs;
      if (!s || s.isSuccess()) continue;
      if (s.code === Code.Wait) { waits.push({ plugin: p.name, timeoutMs: Math.min(timeoutMs ?? 15 * 60_000, 15 * 60_000) }); continue; }
      return s.withPlugin(p.name);
    }
    if (waits.length === 0) return Status.SUCCESS;
    return waiting.wait(pod, waits, this.clock);
  }

  async runPreBindPlugins(state: CycleState, pod: Pod, node: string): Promise<Status> {
    for (const p of this.preBind) {
      const s = toStatus(await p.preBind(state, pod, node), p.name);
      if (!s.isSuccess()) return s;
    }
    return Status.SUCCESS;
  }

  async runBindPlugins(state: CycleState, pod: Pod, node: string): Promise<Status> {
    for (const p of this.bind) {
      const s = toStatus(await p.bind(state, pod, node), p.name);
      if (s.code === Code.Skip) continue;
      return s;
    }
    return Status.error(new Error('no bind plugin bound the pod'));
  }

  runPostBindPlugins(state: CycleState, pod: Pod, node: string): void {
    for (const p of this.postBind) {
      try { p.postBind(state, pod, node); } catch (err) { this.log('postBind failed', { plugin: p.name, err: String(err) }); }
    }
  }

  newCycleState(): CycleState {
    return new CycleState();
  }
}

// PodInfo for callers (preemption) that pass a bare pod; built lazily and remembered per object.
import { PodInfo as PodInfoClass } from './pod-info.js';
const infos = new WeakMap<Pod, PodInfo>();
function podInfoCache(pod: Pod): PodInfo {
  let pi = infos.get(pod);
  if (!pi) infos.set(pod, (pi = new PodInfoClass(pod)));
  return pi;
}

/** Pods held at Permit (framework.WaitingPod): plugins allow or reject them by uid/key. */
export class WaitingPods {
  private waiting = new Map<string, { pending: Set<string>; resolve: (s: Status) => void; timers: { cancel(): void }[] }>();

  wait(pod: Pod, waits: { plugin: string; timeoutMs: number }[], clock: Clock): Promise<Status> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    return new Promise((resolve) => {
      const entry = { pending: new Set(waits.map((w) => w.plugin)), resolve, timers: [] as { cancel(): void }[] };
      this.waiting.set(key, entry);
      for (const w of waits) {
        entry.timers.push(clock.setTimeout(() => this.reject(key, w.plugin, `rejected due to timeout after waiting ${w.timeoutMs / 1000}s at plugin ${w.plugin}`), w.timeoutMs));
      }
    });
  }

  allow(key: string, plugin: string): void {
    const e = this.waiting.get(key);
    if (!e) return;
    e.pending.delete(plugin);
    if (e.pending.size === 0) this.finish(key, Status.SUCCESS);
  }

  reject(key: string, plugin: string, msg: string): void {
    if (!this.waiting.has(key)) return;
    this.finish(key, Status.unschedulable(msg).withPlugin(plugin));
  }

  has(key: string): boolean {
    return this.waiting.has(key);
  }

  rejectAll(msg: string): void {
    for (const key of [...this.waiting.keys()]) this.finish(key, Status.unschedulable(msg));
  }

  private finish(key: string, s: Status): void {
    const e = this.waiting.get(key)!;
    this.waiting.delete(key);
    for (const t of e.timers) t.cancel();
    e.resolve(s);
  }
}
