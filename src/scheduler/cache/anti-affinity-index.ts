// Placed pods' required anti-affinity terms, grouped by content (AffinityTerm.sig), each with how
// many (pod, term) pairs every topology domain holds. A workload's replicas share one term, so
// InterPodAffinity's PreFilter tests the incoming pod against each distinct term once and reads
// the domain counts kept here, instead of walking every such pod on every node each cycle.
// Counts follow the pods' nodes' current labels: the cache recounts a node's pods when its
// labels change, and a pod on a node the cache has not seen yet counts in no domain.
import type { AffinityTerm, PodInfo } from '../framework/pod-info.js';

export interface AntiTermGroup {
  /** A representative term: every term of the group matches the same pods. */
  readonly term: AffinityTerm;
  /** topology value (of term.topologyKey) -> placed (pod, term) pairs in that domain */
  readonly domains: ReadonlyMap<string, number>;
}

interface Group {
  term: AffinityTerm;
  domains: Map<string, number>;
  /** (pod, term) pairs placed, counted in a domain or not: the group goes when this reaches 0. */
  refs: number;
}

type Labels = Record<string, string> | undefined;

export class RequiredAntiAffinityIndex {
  private readonly bySig = new Map<string, Group>();

  groups(): Iterable<AntiTermGroup> {
    return this.bySig.values();
  }

  /** A pod with required anti-affinity placed on a node with these labels. */
  addPod(pi: PodInfo, labels: Labels): void {
    for (const t of pi.requiredAntiAffinity) {
      let g = this.bySig.get(t.sig);
      if (!g) this.bySig.set(t.sig, (g = { term: t, domains: new Map(), refs: 0 }));
      g.refs++;
      count(g, labels, 1);
    }
  }

  /** The pod left a node with these labels (the same labels it was counted under). */
  removePod(pi: PodInfo, labels: Labels): void {
    for (const t of pi.requiredAntiAffinity) {
      const g = this.bySig.get(t.sig);
      if (!g) continue;
      count(g, labels, -1);
      if (--g.refs === 0) this.bySig.delete(t.sig);
    }
  }

  /** The node these pods sit on changed labels (or appeared: before undefined; or went: after undefined). */
  relabel(pods: readonly PodInfo[], before: Labels, after: Labels): void {
    for (const pi of pods) {
      for (const t of pi.requiredAntiAffinity) {
        const g = this.bySig.get(t.sig);
        if (!g) continue;
        count(g, before, -1);
        count(g, after, 1);
      }
    }
  }
}

function count(g: Group, labels: Labels, d: number): void {
  const v = labels?.[g.term.topologyKey];
  if (v === undefined) return;
  const n = (g.domains.get(v) ?? 0) + d;
  if (n <= 0) g.domains.delete(v);
  else g.domains.set(v, n);
}
