// Writes the default RBAC policy at server start, idempotently (Kubernetes' storage_rbac
// PostStartHook with its reconcile): missing roles and bindings are created; existing ones that
// keep `rbac.authorization.kubernetes.io/autoupdate: "true"` get back the rules and subjects they
// lack (what an admin added stays); those set to "false" are left alone.
import type { ServerContext } from '../../context.js';
import type { KubeObject } from '../../../api/resource.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../../../api/rbac/v1/types.js';
import { writeObject } from '../../rest/bootstrap.js';
import { labelSelectorAsSelector, matches } from '../../../machinery/labels/selector.js';
import { missingPermissions } from '../rules.js';
import { AUTOUPDATE_ANNOTATION, bootstrapClusterRoleBindings, bootstrapClusterRoles } from './policy.js';

const PATH = 'rbac.authorization.k8s.io/v1';

function byName<T extends KubeObject>(ctx: ServerContext, plural: string): Map<string, T> | null {
  const served = ctx.byPath.get(`${PATH}/${plural}`);
  if (!served) return null;
  return new Map(served.cache.snapshot().items.map((c) => [c.obj.metadata.name!, c.obj as T]));
}

/** The rules an aggregated role gets from the roles its selectors match (what the controller computes). */
export function aggregatedRules(role: ClusterRole, all: Iterable<ClusterRole>): PolicyRule[] {
  const out: PolicyRule[] = [];
  const seen = new Set<string>();
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []).map((s) => labelSelectorAsSelector(s as never));
  for (const other of [...all].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))) {
    if (other.metadata.name === role.metadata.name) continue;
    if (!selectors.some((s) => matches(s, other.metadata.labels))) continue;
    for (const r of other.rules ?? []) {
      const k = JSON.stringify(r);
      if (!seen.has(k)) { seen.add(k); out.push(r); }
    }
  }
  return out;
}

function mergeMeta(cur: KubeObject, want: KubeObject): KubeObject['metadata'] {
  return {
    name: want.metadata.name,
    labels: { ...(cur.metadata.labels ?? {}), ...(want.metadata.labels ?? {}) },
    annotations: { ...(want.metadata.annotations ?? {}), ...(cur.metadata.annotations ?? {}) },
  };
}

export async function ensureBootstrapPolicy(ctx: ServerContext): Promise<void> {
  const roles = byName<ClusterRole>(ctx, 'clusterroles');
  const bindings = byName<ClusterRoleBinding>(ctx, 'clusterrolebindings');
  if (!roles || !bindings) return;
  const wanted = bootstrapClusterRoles();
  for (const want of wanted) {
    const cur = roles.get(want.metadata.name!);
    if (!cur) {
      if (want.aggregationRule) want.rules = aggregatedRules(want, wanted);
      await writeObject(ctx, want);
      ctx.log('created bootstrap clusterrole', { name: want.metadata.name });
      continue;
    }
    if (cur.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') continue;
    if (want.aggregationRule) {
      // Rules of an aggregated role belong to the aggregation controller; only its selectors are reconciled.
      const have = new Set((cur.aggregationRule?.clusterRoleSelectors ?? []).map((s) => JSON.stringify(s)));
      const missing = (want.aggregationRule.clusterRoleSelectors ?? []).filter((s) => !have.has(JSON.stringify(s)));
      if (!missing.length) continue;
      await writeObject(ctx, { ...cur, metadata: mergeMeta(cur, want), aggregationRule: { clusterRoleSelectors: [...(cur.aggregationRule?.clusterRoleSelectors ?? []), ...missing] } });
      continue;
    }
    const lacking = (want.rules ?? []).filter((r) => missingPermissions(cur.rules ?? [], [r]).length > 0);
    if (!lacking.length) continue;
    await writeObject(ctx, { ...cur, metadata: mergeMeta(cur, want), rules: [...(cur.rules ?? []), ...lacking] });
    ctx.log('reconciled bootstrap clusterrole', { name: want.metadata.name, added: lacking.length });
  }
  for (const want of bootstrapClusterRoleBindings()) {
    const cur = bindings.get(want.metadata.name!);
    if (!cur) {
      await writeObject(ctx, want);
      continue;
    }
    if (cur.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') continue;
    const key = (s: Subject) => `${s.kind}/${s.namespace ?? ''}/${s.name}`;
    const have = new Set((cur.subjects ?? []).map(key));
    const missing = (want.subjects ?? []).filter((s) => !have.has(key(s)));
    // roleRef is immutable: a binding pointing elsewhere is the admin's choice and stays.
    if (!missing.length || JSON.stringify(cur.roleRef) !== JSON.stringify(want.roleRef)) continue;
    await writeObject(ctx, { ...cur, metadata: mergeMeta(cur, want), subjects: [...(cur.subjects ?? []), ...missing] });
  }
}
