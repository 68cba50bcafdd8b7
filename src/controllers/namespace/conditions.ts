// The namespace deletion conditions, with Kubernetes' types, reasons and messages: each is False
// with its "all good" reason while deletion proceeds normally, True with what is wrong otherwise.
export interface NamespaceCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export const DISCOVERY_FAILURE = 'NamespaceDeletionDiscoveryFailure';
export const GV_PARSING_FAILURE = 'NamespaceDeletionGroupVersionParsingFailure';
export const CONTENT_FAILURE = 'NamespaceDeletionContentFailure';
export const CONTENT_REMAINING = 'NamespaceContentRemaining';
export const FINALIZERS_REMAINING = 'NamespaceFinalizersRemaining';

const OK: Record<string, { reason: string; message: string }> = {
  [DISCOVERY_FAILURE]: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  [GV_PARSING_FAILURE]: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  [CONTENT_FAILURE]: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  [CONTENT_REMAINING]: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  [FINALIZERS_REMAINING]: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};
export const CONDITION_TYPES = Object.keys(OK);

export interface DeletionReport {
  /** groupVersion -> error */
  discoveryFailures: Map<string, string>;
  /** "pods: <error>" per resource whose deletion failed */
  deleteFailures: string[];
  /** group-resource -> instances still present */
  remaining: Map<string, number>;
  /** finalizer -> instances still carrying it */
  finalizers: Map<string, number>;
}

/** The five conditions for a report, in Kubernetes' order. */
export function conditionsFor(r: DeletionReport): { type: string; status: string; reason: string; message: string }[] {
  const out = [];
  const bad = (type: string, reason: string, message: string) => ({ type, status: 'True', reason, message });
  const good = (type: string) => ({ type, status: 'False', ...OK[type]! });
  if (r.discoveryFailures.size) {
    const parts = [...r.discoveryFailures.entries()].sort().map(([gv, e]) => `${gv}: ${e}`);
    out.push(bad(DISCOVERY_FAILURE, 'DiscoveryFailed', `Discovery failed for some groups, ${parts.length} failing: ${parts.join(', ')}`));
  } else out.push(good(DISCOVERY_FAILURE));
  out.push(good(GV_PARSING_FAILURE));
  if (r.deleteFailures.length) out.push(bad(CONTENT_FAILURE, 'ContentDeletionFailed', `Failed to delete all resource types, ${r.deleteFailures.length} remaining: ${r.deleteFailures.join(', ')}`));
  else out.push(good(CONTENT_FAILURE));
  if (r.remaining.size) {
    const parts = [...r.remaining.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([gr, n]) => `${gr} has ${n} resource instances`);
    out.push(bad(CONTENT_REMAINING, 'SomeResourcesRemain', `Some resources are remaining: ${parts.join(', ')}`));
  } else out.push(good(CONTENT_REMAINING));
  if (r.finalizers.size) {
    const parts = [...r.finalizers.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, n]) => `${f} in ${n} resource instances`);
    out.push(bad(FINALIZERS_REMAINING, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${parts.join(', ')}`));
  } else out.push(good(FINALIZERS_REMAINING));
  return out;
}

/**
 * Merges new conditions into the current ones: a condition whose status, reason and message are
 * unchanged keeps its lastTransitionTime. Returns undefined when nothing changes.
 */
export function mergeConditions(current: NamespaceCondition[], next: { type: string; status: string; reason: string; message: string }[], nowIso: string): NamespaceCondition[] | undefined {
  let changed = false;
  const out: NamespaceCondition[] = current.filter((c) => !CONDITION_TYPES.includes(c.type));
  for (const n of next) {
    const c = current.find((x) => x.type === n.type);
    if (c && c.status === n.status && c.reason === n.reason && c.message === n.message) { out.push(c); continue; }
    changed = true;
    out.push({ type: n.type, status: n.status, lastTransitionTime: nowIso, reason: n.reason, message: n.message });
  }
  return changed ? out : undefined;
}
