// The ClusterRole aggregation controller (Kubernetes' clusterroleaggregation): a ClusterRole with
// an aggregationRule gets, as its rules, the union of the rules of every ClusterRole its selectors
// match (in name order, duplicates dropped). Any ClusterRole change enqueues every aggregated role;
// sync(name) recomputes one and writes it only when its rules differ.
import type { KubeObject } from '../../api/resource.js';
import { resourceRef } from '../../client/rest.js';
import { labelSelectorAsSelector, matches } from '../../machinery/labels/selector.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';

export const CLUSTERROLES = resourceRef('rbac.authorization.k8s.io', 'v1', 'clusterroles', false);

interface Rule { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] }
interface ClusterRoleLike extends KubeObject {
  rules?: Rule[];
  aggregationRule?: { clusterRoleSelectors?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] };
}

/** The rules an aggregated role should hold, given every ClusterRole. */
export function aggregate(role: ClusterRoleLike, all: ClusterRoleLike[]): Rule[] {
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []).map((s) => labelSelectorAsSelector(s as never));
  const out: Rule[] = [];
  const seen = new Set<string>();
  const sorted = [...all].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
  for (const other of sorted) {
    if (other.metadata.name === role.metadata.name) continue;
    if (!selectors.some((s) => matches(s, other.metadata.labels))) continue;
    for (const r of other.rules ?? []) {
      const k = JSON.stringify(r);
      if (!seen.has(k)) { seen.add(k); out.push(r); }
    }
  }
  return out;
}

export function createClusterRoleAggregationController(ctx: ControllerContext): Controller {
  const name = 'clusterrole-aggregation';
  const queue = newQueue(ctx, name);
  const roles = ctx.informers.informerFor<ClusterRoleLike>(CLUSTERROLES);
  const enqueueAggregated = () => {
    for (const r of roles.indexer.list()) if (r.aggregationRule) queue.add(r.metadata.name!);
  };
  roles.addEventHandler({ onAdd: enqueueAggregated, onUpdate: enqueueAggregated, onDelete: enqueueAggregated });

  async function sync(key: string): Promise<void> {
    const role = roles.indexer.get(undefined, key);
    if (!role?.aggregationRule) return;
    const rules = aggregate(role, roles.indexer.list());
    if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) return;
    // Based on the cached resourceVersion: a conflict means a newer role is on its way; the error requeues.
    await ctx.client.update(CLUSTERROLES, { ...role, rules });
    ctx.log('aggregated clusterrole rules', { name: key, rules: rules.length });
  }

  return queueController({ name, ctx, queue, informers: () => [roles], sync, workers: 1 });
}
