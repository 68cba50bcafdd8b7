// PodTopologySpread. Filter (whenUnsatisfiable: DoNotSchedule): placing the pod in a domain may not
// make that domain's count of matching pods exceed the emptiest domain's by more than maxSkew.
// Score (ScheduleAnyway, and the system default constraints when a pod names none: zone maxSkew 5,
// hostname maxSkew 3, selecting the pods of the same Services/RCs/ReplicaSets/StatefulSets): nodes
// whose domains hold fewer matching pods score higher, each constraint weighted by log(domains + 2).
import { labelSelectorAsSelector, matches, type Selector } from '../../machinery/labels/selector.js';
import type { NodeInfo } from '../cache/node-info.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';
import type { ClusterLister, FilterPlugin, NodeScore, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/types.js';
import { MAX_NODE_SCORE } from '../framework/types.js';
import { isTerminating, LABEL_HOSTNAME, LABEL_ZONE, type Node, type Pod, type TopologySpreadConstraint } from '../types.js';
import { findUntoleratedTaint, podMatchesNodeSelectorAndAffinity } from './helpers/node-selector.js';
import type { Snapshot } from '../cache/snapshot.js';

export const NAME = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
const PREFILTER_KEY = 'PreFilter' + NAME;
const PRESCORE_KEY = 'PreScore' + NAME;

export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

export interface SpreadArgs {
  defaultConstraints?: TopologySpreadConstraint[];
  /** "System" (default) uses SYSTEM_DEFAULT_CONSTRAINTS; "List" uses defaultConstraints. */
  defaultingType?: 'System' | 'List';
}

function toConstraints(pod: Pod, list: TopologySpreadConstraint[], want: string, defaultSelector?: Selector): Constraint[] {
  const out: Constraint[] = [];
  for (const c of list) {
    if (c.whenUnsatisfiable !== want) continue;
    let selector: Selector;
    if (defaultSelector) selector = defaultSelector;
    else {
      let ls = c.labelSelector;
      if (ls && c.matchLabelKeys?.length) {
        const extra = c.matchLabelKeys.filter((k) => pod.metadata.labels?.[k] !== undefined).map((k) => ({ key: k, operator: 'In', values: [pod.metadata.labels![k]!] }));
        ls = { ...ls, matchExpressions: [...(ls.matchExpressions ?? []), ...extra] };
      }
      try { selector = labelSelectorAsSelector(ls); } catch { selector = labelSelectorAsSelector(null); }
    }
    out.push({
      maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector, minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor', honorTaints: c.nodeTaintsPolicy === 'Honor',
    });
  }
  return out;
}

function nodeIncluded(c: Constraint, pod: Pod, node: Node): boolean {
  if (c.honorNodeAffinity && !podMatchesNodeSelectorAndAffinity(pod, node)) return false;
  if (c.honorTaints && findUntoleratedTaint(node.spec?.taints, pod.spec.tolerations, (e) => e === 'NoSchedule' || e === 'NoExecute')) return false;
  return true;
}

function countMatching(ni: NodeInfo, selector: Selector, namespace: string | undefined): number {
  let n = 0;
  for (const p of ni.pods) {
    if (p.pod.metadata.namespace !== namespace || isTerminating(p.pod)) continue;
    if (matches(selector, p.pod.metadata.labels)) n++;
  }
  return n;
}

class FilterState implements StateData {
  constructor(public constraints: Constraint[], public counts: Map<string, number>[], public mins: number[]) {}
  clone(): FilterState {
    return new FilterState(this.constraints, this.counts.map((m) => new Map(m)), [...this.mins]);
  }
  recomputeMin(i: number): void {
    let min = Infinity;
    for (const v of this.counts[i]!.values()) if (v < min) min = v;
    this.mins[i] = min === Infinity ? 0 : min;
  }
}

class ScoreState implements StateData {
  constructor(public constraints: Constraint[], public counts: Map<string, number>[], public weights: number[], public ignored: Set<string>) {}
  clone(): ScoreState {
    return this;
  }
}

/** The default constraints' selector: the pod's Services, RCs, ReplicaSets and StatefulSets, ANDed. */
function defaultSelector(pod: Pod, lister: ClusterLister | undefined): Selector | undefined {
  const sets = lister?.selectorsFor(pod);
  if (!sets?.length) return undefined;
  const merged: Record<string, string> = {};
  for (const s of sets) Object.assign(merged, s);
  if (Object.keys(merged).length === 0) return undefined;
  return labelSelectorAsSelector({ matchLabels: merged });
}

export function podTopologySpread(snapshot: Snapshot, lister: ClusterLister | undefined, args: SpreadArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const defaults = args.defaultingType === 'List' ? args.defaultConstraints ?? [] : SYSTEM_DEFAULT_CONSTRAINTS;

  function softConstraints(pod: Pod): { list: Constraint[]; systemDefaulted: boolean } {
    const own = pod.spec.topologySpreadConstraints;
    if (own?.length) return { list: toConstraints(pod, own, 'ScheduleAnyway'), systemDefaulted: false };
    const sel = defaultSelector(pod, lister);
    if (!sel) return { list: [], systemDefaulted: true };
    return { list: toConstraints(pod, defaults, 'ScheduleAnyway', sel), systemDefaulted: args.defaultingType !== 'List' };
  }

  function updateCounts(st: FilterState, pod: Pod, other: PodInfo, node: NodeInfo, delta: number): void {
    if (!node.node || other.pod.metadata.namespace !== pod.metadata.namespace) return;
    const labels = node.node.metadata.labels ?? {};
    st.constraints.forEach((c, i) => {
      const v = labels[c.topologyKey];
      if (v === undefined || !nodeIncluded(c, pod, node.node!) || !matches(c.selector, other.pod.metadata.labels)) return;
      const m = st.counts[i]!;
      m.set(v, (m.get(v) ?? 0) + delta);
      st.recomputeMin(i);
    });
  }

  return {
    name: NAME,
    eventsToRegister: () => [{ resource: 'Pod', action: 'All' }, { resource: 'Node', action: 'All' }],
    preFilter(state: CycleState, pod: Pod) {
      const constraints = toConstraints(pod, pod.spec.topologySpreadConstraints ?? [], 'DoNotSchedule');
      if (constraints.length === 0) return Status.skip();
      const counts = constraints.map(() => new Map<string, number>());
      for (const ni of snapshot.nodeInfos()) {
        const node = ni.node!;
        const labels = node.metadata.labels ?? {};
        if (!constraints.every((c) => labels[c.topologyKey] !== undefined)) continue;
        constraints.forEach((c, i) => {
          if (!nodeIncluded(c, pod, node)) return;
          const v = labels[c.topologyKey]!;
          const m = counts[i]!;
          m.set(v, (m.get(v) ?? 0) + countMatching(ni, c.selector, pod.metadata.namespace));
        });
      }
      const st = new FilterState(constraints, counts, []);
      constraints.forEach((_, i) => st.recomputeMin(i));
      state.write(PREFILTER_KEY, st);
      return undefined;
    },
    preFilterExtensions() {
      return {
        addPod: (state, pod, other, node) => { const st = state.read<FilterState>(PREFILTER_KEY); if (st) updateCounts(st, pod, other, node, 1); },
        removePod: (state, pod, other, node) => { const st = state.read<FilterState>(PREFILTER_KEY); if (st) updateCounts(st, pod, other, node, -1); },
      };
    },
    filter(state, pod, _pi, node) {
      const st = state.read<FilterState>(PREFILTER_KEY);
      if (!st) return undefined;
      const labels = node.node?.metadata.labels ?? {};
      for (let i = 0; i < st.constraints.length; i++) {
        const c = st.constraints[i]!;
        const v = labels[c.topologyKey];
        if (v === undefined) return Status.unresolvable(ERR_REASON_MISSING_LABEL);
        const self = matches(c.selector, pod.metadata.labels) ? 1 : 0;
        const domains = st.counts[i]!.size;
        const min = domains < c.minDomains ? 0 : st.mins[i]!;
        const skew = (st.counts[i]!.get(v) ?? 0) + self - min;
        if (skew > c.maxSkew) return Status.unschedulable(ERR_REASON_CONSTRAINTS);
      }
      return undefined;
    },
    preScore(state, pod, _pi, filtered) {
      const { list: constraints, systemDefaulted } = softConstraints(pod);
      if (constraints.length === 0) return Status.skip();
      const requireAll = !systemDefaulted;
      const counts = constraints.map(() => new Map<string, number>());
      const domains = constraints.map(() => new Set<string>());
      const ignored = new Set<string>();
      for (const ni of filtered) {
        const labels = ni.node?.metadata.labels ?? {};
        if (requireAll && !constraints.every((c) => labels[c.topologyKey] !== undefined)) { ignored.add(ni.name); continue; }
        constraints.forEach((c, i) => {
          const v = labels[c.topologyKey];
          if (v === undefined) return;
          domains[i]!.add(v);
          if (c.topologyKey !== LABEL_HOSTNAME) counts[i]!.set(v, 0);
        });
      }
      // Count matching pods in every domain that a feasible node belongs to, over all nodes.
      if (constraints.some((c) => c.topologyKey !== LABEL_HOSTNAME)) {
        for (const ni of snapshot.nodeInfos()) {
          const node = ni.node!;
          const labels = node.metadata.labels ?? {};
          if (requireAll && !constraints.every((c) => labels[c.topologyKey] !== undefined)) continue;
          constraints.forEach((c, i) => {
            if (c.topologyKey === LABEL_HOSTNAME) return;
            const v = labels[c.topologyKey];
            const m = counts[i]!;
            if (v === undefined || !m.has(v) || !nodeIncluded(c, pod, node)) return;
            m.set(v, m.get(v)! + countMatching(ni, c.selector, pod.metadata.namespace));
          });
        }
      }
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? filtered.length - ignored.size : domains[i]!.size) + 2));
      state.write(PRESCORE_KEY, new ScoreState(constraints, counts, weights, ignored));
      return undefined;
    },
    score(state, pod, _pi, node) {
      const st = state.read<ScoreState>(PRESCORE_KEY);
      if (!st || st.ignored.has(node.name)) return 0;
      const labels = node.node?.metadata.labels ?? {};
      let score = 0;
      st.constraints.forEach((c, i) => {
        const v = labels[c.topologyKey];
        if (v === undefined) return;
        const cnt = c.topologyKey === LABEL_HOSTNAME ? countMatching(node, c.selector, pod.metadata.namespace) : st.counts[i]!.get(v) ?? 0;
        score += cnt * st.weights[i]! + (c.maxSkew - 1);
      });
      return Math.round(score);
    },
    normalizeScore(state, _pod, scores: NodeScore[]) {
      const st = state.read<ScoreState>(PRESCORE_KEY);
      if (!st) return;
      let min = Infinity;
      let max = 0;
      for (const s of scores) {
        if (st.ignored.has(s.name)) continue;
        if (s.score < min) min = s.score;
        if (s.score > max) max = s.score;
      }
      for (const s of scores) {
        if (st.ignored.has(s.name)) { s.score = 0; continue; }
        if (max === 0) { s.score = MAX_NODE_SCORE; continue; }
        s.score = Math.trunc((MAX_NODE_SCORE * (max + min - s.score)) / max);
      }
    },
  };
}
