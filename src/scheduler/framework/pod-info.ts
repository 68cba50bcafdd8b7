// A pod with what every cycle would otherwise recompute: its requests, host ports and its
// affinity terms with selectors already parsed (framework.PodInfo).
import { labelSelectorAsSelector, matches, type Selector } from '../../machinery/labels/selector.js';
import { podRequests, type Resource } from '../resources.js';
import { podKey, type Pod, type PodAffinityTerm } from '../types.js';

export interface AffinityTerm {
  /** Namespaces named by the term (its pod's own when none are named). */
  namespaces: Set<string>;
  /** An empty namespaceSelector ({}) selects every namespace. */
  allNamespaces: boolean;
  selector: Selector;
  topologyKey: string;
  /**
   * The term's content as a string: equal for terms that match the same pods, so a cycle tests
   * a term shared by thousands of pods (one workload's replicas) against the incoming pod once.
   */
  sig: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface HostPort {
  hostIP: string;
  protocol: string;
  port: number;
}

export class PodInfo {
  readonly key: string;
  readonly requests: Resource;
  readonly nonZeroRequests: Resource;
  readonly requiredAffinity: AffinityTerm[];
  readonly requiredAntiAffinity: AffinityTerm[];
  readonly preferredAffinity: WeightedAffinityTerm[];
  readonly preferredAntiAffinity: WeightedAffinityTerm[];
  readonly hostPorts: HostPort[];
  /** Whether this pod's terms can add to another pod's InterPodAffinity score (required affinity, or preferred terms). */
  readonly scoresOthers: boolean;
  private labelsSigCache: string | undefined;

  constructor(readonly pod: Pod) {
    this.key = podKey(pod);
    this.requests = podRequests(pod);
    this.nonZeroRequests = podRequests(pod, true);
    const a = pod.spec.affinity;
    const ns = pod.metadata.namespace ?? '';
    this.requiredAffinity = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(t, ns, pod));
    this.requiredAntiAffinity = (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(t, ns, pod));
    this.preferredAffinity = (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...affinityTerm(w.podAffinityTerm, ns, pod), weight: w.weight }));
    this.preferredAntiAffinity = (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...affinityTerm(w.podAffinityTerm, ns, pod), weight: w.weight }));
    this.scoresOthers = this.requiredAffinity.length > 0 || this.preferredAffinity.length > 0 || this.preferredAntiAffinity.length > 0;
    this.hostPorts = [];
    for (const c of pod.spec.containers ?? []) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort || p.hostPort <= 0) continue;
        this.hostPorts.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
      }
    }
  }

  /**
   * The pod's namespace and labels as one string: pods with equal signatures match the same terms
   * (termMatches reads nothing else), so a cycle matches a term once per distinct signature.
   */
  get labelsSig(): string {
    if (this.labelsSigCache === undefined) {
      const labels = this.pod.metadata.labels ?? {};
      const keys = Object.keys(labels).sort();
      let sig = this.pod.metadata.namespace ?? '';
      for (const k of keys) sig += `\0${k}=${labels[k]}`;
      this.labelsSigCache = sig;
    }
    return this.labelsSigCache;
  }

  hasAffinity(): boolean {
    const a = this.pod.spec.affinity;
    return !!a && (!!a.podAffinity || !!a.podAntiAffinity);
  }
}

function affinityTerm(t: PodAffinityTerm, podNamespace: string, pod: Pod): AffinityTerm {
  // matchLabelKeys: the pod's own values for those keys narrow the selector (KEP-3633).
  let ls = t.labelSelector;
  if (ls && t.matchLabelKeys?.length) {
    const extra = t.matchLabelKeys.filter((k) => pod.metadata.labels?.[k] !== undefined)
      .map((k) => ({ key: k, operator: 'In', values: [pod.metadata.labels![k]!] }));
    ls = { ...ls, matchExpressions: [...(ls.matchExpressions ?? []), ...extra] };
  }
  let selector: Selector;
  try {
    selector = labelSelectorAsSelector(ls);
  } catch {
    selector = labelSelectorAsSelector(null);
  }
  const nsSel = t.namespaceSelector;
  const allNamespaces = !!nsSel && !nsSel.matchLabels && !(nsSel.matchExpressions?.length) ? true : false;
  const namespaces = new Set(t.namespaces ?? []);
  if (namespaces.size === 0 && !nsSel) namespaces.add(podNamespace);
  const sig = JSON.stringify([[...namespaces].sort(), allNamespaces, ls ?? null, t.topologyKey]);
  return { namespaces, allNamespaces, selector, topologyKey: t.topologyKey, sig };
}

/** Whether an existing pod is one the term talks about (namespace, then labels). */
export function termMatches(term: AffinityTerm, pod: Pod): boolean {
  if (!term.allNamespaces && !term.namespaces.has(pod.metadata.namespace ?? '')) return false;
  return matches(term.selector, pod.metadata.labels);
}
