// InterPodAffinity. Filter: (1) no existing pod's required anti-affinity may match the pod in the
// node's topology domain; (2) the pod's own required anti-affinity may match no pod in the domain;
// (3) each of its required affinity terms must match some pod in the domain (or, when no pod
// anywhere matches, the pod must match its own terms: the first of a group may go anywhere).
// Score: preferred (anti-)affinity weights of the pod towards existing pods, and of existing pods
// towards it (their required affinity counts with weight 1), summed per domain, scaled to 0..100.
import type { NodeInfo } from '../cache/node-info.js';
import type { AntiTermGroup } from '../cache/anti-affinity-index.js';
import type { LabelGroup } from '../cache/label-groups.js';
import type { Snapshot } from '../cache/snapshot.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';
import type { FilterPlugin, NodeScore, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/types.js';
import { MAX_NODE_SCORE } from '../framework/types.js';
import type { Pod } from '../types.js';

export const NAME = 'InterPodAffinity';
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
const PREFILTER_KEY = 'PreFilter' + NAME;
const PRESCORE_KEY = 'PreScore' + NAME;

/** topologyKey -> value -> count */
type Counts = Map<string, Map<string, number>>;

function bump(m: Counts, key: string, value: string, d: number): void {
  let inner = m.get(key);
  if (!inner) m.set(key, (inner = new Map()));
  const v = (inner.get(value) ?? 0) + d;
  if (v === 0) inner.delete(value);
  else inner.set(value, v);
  if (inner.size === 0) m.delete(key);
}

/** Adds a group's pods per node to the counts of each node's domain (nodes that are gone count nowhere). */
function addNodes(m: Counts, key: string, nodes: ReadonlyMap<NodeInfo, number>): void {
  let inner = m.get(key);
  for (const [ni, n] of nodes) {
    const v = ni.node?.metadata.labels?.[key];
    if (v === undefined) continue;
    if (!inner) m.set(key, (inner = new Map()));
    inner.set(v, (inner.get(v) ?? 0) + n);
  }
}

function get(m: Counts, key: string, value: string): number {
  return m.get(key)?.get(value) ?? 0;
}

function cloneCounts(m: Counts): Counts {
  return new Map([...m].map(([k, v]) => [k, new Map(v)]));
}

function matchesAll(terms: AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod)) return false;
  return true;
}

/** Every namespace the terms name, or null when one matches pods in all namespaces. */
function termNamespaces(terms: AffinityTerm[]): Set<string> | null {
  const out = new Set<string>();
  for (const t of terms) {
    if (t.allNamespaces) return null;
    for (const ns of t.namespaces) out.add(ns);
  }
  return out;
}

class FilterState implements StateData {
  /** The matching groups by topology key: two terms on one key add up in a domain. */
  private readonly antiByKey = new Map<string, AntiTermGroup[]>();
  /**
   * existingAnti holds only changes made during the cycle (addPod/removePod: nominated pods,
   * preemption's what-if); the placed pods' counts are the matching groups' own, read live.
   */
  constructor(public existingAnti: Counts, public affinity: Counts, public anti: Counts, public pi: PodInfo, public antiGroups: AntiTermGroup[]) {
    for (const g of antiGroups) {
      const k = g.term.topologyKey;
      const list = this.antiByKey.get(k);
      if (list) list.push(g);
      else this.antiByKey.set(k, [g]);
    }
  }
  clone(): FilterState {
    return new FilterState(cloneCounts(this.existingAnti), cloneCounts(this.affinity), cloneCounts(this.anti), this.pi, this.antiGroups);
  }
  /** Whether a placed pod's required anti-affinity, matching this pod, covers the node. */
  existingAntiCovers(labels: Record<string, string>): boolean {
    for (const [k, groups] of this.antiByKey) {
      const v = labels[k];
      if (v === undefined) continue;
      let n = get(this.existingAnti, k, v);
      for (const g of groups) n += g.domains.get(v) ?? 0;
      if (n > 0) return true;
    }
    for (const [k, byValue] of this.existingAnti) {
      if (this.antiByKey.has(k)) continue;
      const v = labels[k];
      if (v !== undefined && (byValue.get(v) ?? 0) > 0) return true;
    }
    return false;
  }
  /** Accounts for `other` appearing on (d=1) or leaving (d=-1) `node`. */
  update(other: PodInfo, node: NodeInfo, d: number): void {
    const labels = node.node?.metadata.labels ?? {};
    const pod = this.pi.pod;
    for (const t of other.requiredAntiAffinity) {
      const v = labels[t.topologyKey];
      if (v !== undefined && termMatches(t, pod)) bump(this.existingAnti, t.topologyKey, v, d);
    }
    if (matchesAll(this.pi.requiredAffinity, other.pod)) {
      for (const t of this.pi.requiredAffinity) {
        const v = labels[t.topologyKey];
        if (v !== undefined) bump(this.affinity, t.topologyKey, v, d);
      }
    }
    for (const t of this.pi.requiredAntiAffinity) {
      const v = labels[t.topologyKey];
      if (v !== undefined && termMatches(t, other.pod)) bump(this.anti, t.topologyKey, v, d);
    }
  }
}

class ScoreState implements StateData {
  constructor(public scores: Counts) {}
  clone(): ScoreState {
    return this;
  }
}

export function interPodAffinity(snapshot: Snapshot, args: { hardPodAffinityWeight?: number } = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const hardWeight = args.hardPodAffinityWeight ?? 1;
  return {
    name: NAME,
    eventsToRegister: () => [{ resource: 'Pod', action: 'All' }, { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }],
    preFilter(state: CycleState, pod: Pod, pi: PodInfo) {
      const mine = pi.requiredAffinity.length > 0 || pi.requiredAntiAffinity.length > 0;
      // Placed pods' required anti-affinity: each distinct term is tested against this pod once
      // (a workload's replicas share one), and its domain counts come from the cache.
      const antiGroups: AntiTermGroup[] = [];
      for (const g of snapshot.requiredAntiAffinityTerms()) if (termMatches(g.term, pod)) antiGroups.push(g);
      if (antiGroups.length === 0 && !mine) return Status.skip();
      const st = new FilterState(new Map(), new Map(), new Map(), pi, antiGroups);
      if (mine) {
        // This pod's terms against placed pods, a group of pods with equal namespace and labels
        // at a time (all a term reads): a workload's replicas are matched once, then counted by node.
        const countGroup = (g: LabelGroup) => {
          if (pi.requiredAffinity.length > 0 && matchesAll(pi.requiredAffinity, g.pod)) {
            for (const t of pi.requiredAffinity) addNodes(st.affinity, t.topologyKey, g.nodes);
          }
          for (const t of pi.requiredAntiAffinity) if (termMatches(t, g.pod)) addNodes(st.anti, t.topologyKey, g.nodes);
        };
        // A term matches only pods in its namespaces: read just those, unless one term spans all.
        const namespaces = termNamespaces([...pi.requiredAffinity, ...pi.requiredAntiAffinity]);
        if (namespaces) {
          for (const ns of namespaces) for (const g of snapshot.podGroupsInNamespace(ns)) countGroup(g);
        } else {
          for (const g of snapshot.podGroups()) countGroup(g);
        }
      }
      state.write(PREFILTER_KEY, st);
      return undefined;
    },
    preFilterExtensions() {
      return {
        addPod: (state, _pod, other, node) => { state.read<FilterState>(PREFILTER_KEY)?.update(other, node, 1); },
        removePod: (state, _pod, other, node) => { state.read<FilterState>(PREFILTER_KEY)?.update(other, node, -1); },
      };
    },
    filter(state, pod, pi, node) {
      const st = state.read<FilterState>(PREFILTER_KEY);
      if (!st) return undefined;
      const labels = node.node?.metadata.labels ?? {};
      if ((st.antiGroups.length > 0 || st.existingAnti.size > 0) && st.existingAntiCovers(labels)) return Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      for (const t of pi.requiredAntiAffinity) {
        const v = labels[t.topologyKey];
        if (v !== undefined && get(st.anti, t.topologyKey, v) > 0) return Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
      }
      if (pi.requiredAffinity.length) {
        let podsExist = true;
        for (const t of pi.requiredAffinity) {
          const v = labels[t.topologyKey];
          if (v === undefined) return Status.unresolvable(ERR_REASON_AFFINITY);
          if (get(st.affinity, t.topologyKey, v) <= 0) podsExist = false;
        }
        if (!podsExist && !(st.affinity.size === 0 && matchesAll(pi.requiredAffinity, pod))) return Status.unresolvable(ERR_REASON_AFFINITY);
      }
      return undefined;
    },
    preScore(state, pod, pi, _filtered) {
      const hasPreferred = pi.preferredAffinity.length > 0 || pi.preferredAntiAffinity.length > 0;
      const nodes = hasPreferred ? snapshot.nodeInfos() : snapshot.havePodsScoringOthers();
      if (nodes.length === 0) return Status.skip();
      const scores: Counts = new Map();
      let labels: Record<string, string> = {};
      const add = (key: string, w: number) => { const v = labels[key]; if (v !== undefined && w) bump(scores, key, v, w); };
      // Without preferred terms of its own, the pod is scored only by existing pods' required
      // affinity and preferred terms: pods with nothing but required anti-affinity are skipped.
      const scoresOthers = (o: PodInfo) => o.scoresOthers && (hardWeight > 0 || o.preferredAffinity.length > 0 || o.preferredAntiAffinity.length > 0);
      for (const ni of nodes) {
        labels = ni.node?.metadata.labels ?? {};
        for (const other of hasPreferred ? ni.pods : ni.podsWithAffinity) {
          if (!hasPreferred && !scoresOthers(other)) continue;
          for (const t of pi.preferredAffinity) if (termMatches(t, other.pod)) add(t.topologyKey, t.weight);
          for (const t of pi.preferredAntiAffinity) if (termMatches(t, other.pod)) add(t.topologyKey, -t.weight);
          if (!other.hasAffinity()) continue;
          if (hardWeight > 0) for (const t of other.requiredAffinity) if (termMatches(t, pod)) add(t.topologyKey, hardWeight);
          for (const t of other.preferredAffinity) if (termMatches(t, pod)) add(t.topologyKey, t.weight);
          for (const t of other.preferredAntiAffinity) if (termMatches(t, pod)) add(t.topologyKey, -t.weight);
        }
      }
      if (scores.size === 0) return Status.skip();
      state.write(PRESCORE_KEY, new ScoreState(scores));
      return undefined;
    },
    score(state, _pod, _pi, node) {
      const st = state.read<ScoreState>(PRESCORE_KEY);
      if (!st) return 0;
      const labels = node.node?.metadata.labels ?? {};
      let s = 0;
      for (const [k, byValue] of st.scores) {
        const v = labels[k];
        if (v !== undefined) s += byValue.get(v) ?? 0;
      }
      return s;
    },
    normalizeScore(state, _pod, scores: NodeScore[]) {
      if (!state.read<ScoreState>(PRESCORE_KEY)) return;
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) { min = Math.min(min, s.score); max = Math.max(max, s.score); }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s.score - min)) / diff) : 0;
    },
  };
}
