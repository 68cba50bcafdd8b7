// Which workloads select a pod (helper.DefaultSelector): Services, ReplicationControllers and
// ReplicaSets in its namespace whose selector matches its labels. The default topology spread
// constraints count the pods those same selectors pick. (StatefulSets: no apps/v1 statefulsets
// resource is served yet.)
import type { Indexer } from '../client/informer/store.js';
import { NAMESPACE_INDEX } from '../client/informer/store.js';
import type { KubeObject } from '../api/resource.js';
import { labelSelectorAsSelector, matches } from '../machinery/labels/selector.js';
import type { ClusterLister } from './framework/types.js';
import type { LabelSelector, Pod } from './types.js';
import type { PodDisruptionBudget } from '../api/policy/v1/types.js';

interface WithSpec extends KubeObject {
  spec?: { selector?: Record<string, string> | LabelSelector };
}

export class InformerClusterLister implements ClusterLister {
  constructor(private readonly sources: { services?: Indexer<WithSpec>; rcs?: Indexer<WithSpec>; rss?: Indexer<WithSpec>; pdbs?: Indexer<PodDisruptionBudget> }) {}

  podDisruptionBudgets(): PodDisruptionBudget[] {
    return this.sources.pdbs?.list() ?? [];
  }

  selectorsFor(pod: Pod): Record<string, string>[] | undefined {
    const ns = pod.metadata.namespace ?? '';
    const labels = pod.metadata.labels;
    if (!labels) return undefined;
    const out: Record<string, string>[] = [];
    const mapSelectors = (ix: Indexer<WithSpec> | undefined) => {
      if (!ix) return;
      for (const o of ix.byIndex(NAMESPACE_INDEX, ns)) {
        const sel = o.spec?.selector as Record<string, string> | undefined;
        if (!sel || Object.keys(sel).length === 0) continue;
        if (Object.entries(sel).every(([k, v]) => labels[k] === v)) out.push(sel);
      }
    };
    mapSelectors(this.sources.services);
    mapSelectors(this.sources.rcs);
    if (this.sources.rss) {
      for (const o of this.sources.rss.byIndex(NAMESPACE_INDEX, ns)) {
        const ls = o.spec?.selector as LabelSelector | undefined;
        if (!ls) continue;
        try {
          if (matches(labelSelectorAsSelector(ls), labels) && ls.matchLabels) out.push(ls.matchLabels);
        } catch { /* an invalid selector selects nothing */ }
      }
    }
    return out.length ? out : undefined;
  }
}
