// Whether a pod may go on a node, as Kubernetes' component-helpers evaluate it: node selector terms
// (ORed terms, ANDed requirements, an empty term matches nothing, matchFields knows only
// metadata.name), nodeSelector plus required node affinity, and taints against tolerations.
// Shared by the scheduler, the DaemonSet controller and the node lifecycle controller.

export interface NodeSelectorRequirementLike { key: string; operator: string; values?: string[] }
export interface NodeSelectorTermLike { matchExpressions?: NodeSelectorRequirementLike[]; matchFields?: NodeSelectorRequirementLike[] }
export interface TolerationLike { key?: string; operator?: string; value?: string; effect?: string }
export interface TaintLike { key: string; value?: string; effect: string }
interface NodeLike { metadata: { name?: string; labels?: Record<string, string> } }
interface PodSpecLike {
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTermLike[] } } };
}

function requirementMatches(r: NodeSelectorRequirementLike, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && vals.includes(value);
    case 'NotIn': return value === undefined || !vals.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || vals.length !== 1) return false;
      const a = Number.parseInt(value, 10);
      const b = Number.parseInt(vals[0]!, 10);
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default: return false;
  }
}

export function termMatchesNode(term: NodeSelectorTermLike, node: NodeLike): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const r of exprs) if (!requirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined)) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false;
    if (!requirementMatches(r, node.metadata.name)) return false;
  }
  return true;
}

export function nodeSelectorTermsMatch(terms: NodeSelectorTermLike[], node: NodeLike): boolean {
  for (const t of terms) if (termMatchesNode(t, node)) return true;
  return false;
}

/** nodeSelector and required node affinity together (GetRequiredNodeAffinity(pod).Match(node)). */
export function specMatchesNode(spec: PodSpecLike | undefined, node: NodeLike): boolean {
  const sel = spec?.nodeSelector;
  if (sel) {
    const labels = node.metadata.labels ?? {};
    for (const k in sel) if (labels[k] !== sel[k]) return false;
  }
  const req = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) return nodeSelectorTermsMatch(req.nodeSelectorTerms ?? [], node);
  return true;
}

/** v1helper.ToleratesTaint. */
export function toleratesTaint(t: TolerationLike, taint: TaintLike): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (!t.operator || t.operator === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

/** The first taint (of the given effects) no toleration covers, or undefined. */
export function findUntoleratedTaint<T extends TaintLike>(taints: T[] | undefined, tolerations: TolerationLike[] | undefined, effects: (e: string) => boolean): T | undefined {
  for (const taint of taints ?? []) {
    if (!effects(taint.effect)) continue;
    if (!(tolerations ?? []).some((t) => toleratesTaint(t, taint))) return taint;
  }
  return undefined;
}
