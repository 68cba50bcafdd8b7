// The RBAC objects, indexed for the authorizer: roles by namespace/name, cluster roles by name, and
// bindings by subject ("User:alice", "Group:system:masters", "ServiceAccount:ns:name"), so a request
// looks at the few bindings naming its user and groups, never at every binding in the cluster.
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject } from '../../api/rbac/v1/types.js';
import type { UserInfo } from '../auth/types.js';
import { CacheView, type ContextAccess } from './cache-view.js';

const RBAC_PATH = 'rbac.authorization.k8s.io/v1';
export const SA_PREFIX = 'system:serviceaccount:';

type BindingSet = Map<string, Set<RoleBinding | ClusterRoleBinding>>;

/** The index key of a binding subject; ServiceAccounts without a namespace take the binding's. */
export function subjectKey(s: Subject, bindingNamespace: string): string | null {
  switch (s.kind) {
    case 'User': return `User:${s.name}`;
    case 'Group': return `Group:${s.name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns ? `ServiceAccount:${ns}:${s.name}` : null;
    }
    default: return null;
  }
}

/** The keys under which bindings for this user are found. */
export function userKeys(u: UserInfo): string[] {
  const keys = [`User:${u.username}`];
  for (const g of u.groups) keys.push(`Group:${g}`);
  if (u.username.startsWith(SA_PREFIX)) {
    const rest = u.username.slice(SA_PREFIX.length);
    const i = rest.indexOf(':');
    if (i > 0) keys.push(`ServiceAccount:${rest.slice(0, i)}:${rest.slice(i + 1)}`);
  }
  return keys;
}

function addTo(m: BindingSet, key: string, b: RoleBinding | ClusterRoleBinding): void {
  let s = m.get(key);
  if (!s) m.set(key, (s = new Set()));
  s.add(b);
}

function removeFrom(m: BindingSet, key: string, b: RoleBinding | ClusterRoleBinding): void {
  const s = m.get(key);
  if (!s) return;
  for (const x of s) if (x.metadata.uid === b.metadata.uid && x.metadata.name === b.metadata.name) s.delete(x);
  if (!s.size) m.delete(key);
}

/** One rule a user holds and where it comes from (for SubjectAccessReview reasons). */
export interface RuleSource {
  describe(): string;
  rules: readonly PolicyRule[];
}

export class RbacIndex {
  readonly roles = new Map<string, Role>();
  readonly clusterRoles = new Map<string, ClusterRole>();
  /** Cluster role bindings by subject key. */
  readonly crbs: BindingSet = new Map();
  /** Role bindings by "namespace|subject key". */
  readonly rbs: BindingSet = new Map();
  private views: CacheView<any>[];

  constructor(access: ContextAccess) {
    this.views = [
      new CacheView<Role>(access, `${RBAC_PATH}/roles`, {
        add: (r) => { this.roles.set(`${r.metadata.namespace}/${r.metadata.name}`, r); },
        remove: (r) => { this.roles.delete(`${r.metadata.namespace}/${r.metadata.name}`); },
        reset: () => this.roles.clear(),
      }),
      new CacheView<ClusterRole>(access, `${RBAC_PATH}/clusterroles`, {
        add: (r) => { this.clusterRoles.set(r.metadata.name!, r); },
        remove: (r) => { this.clusterRoles.delete(r.metadata.name!); },
        reset: () => this.clusterRoles.clear(),
      }),
      new CacheView<ClusterRoleBinding>(access, `${RBAC_PATH}/clusterrolebindings`, {
        add: (b) => { for (const s of b.subjects ?? []) { const k = subjectKey(s, ''); if (k) addTo(this.crbs, k, b); } },
        remove: (b) => { for (const s of b.subjects ?? []) { const k = subjectKey(s, ''); if (k) removeFrom(this.crbs, k, b); } },
        reset: () => this.crbs.clear(),
      }),
      new CacheView<RoleBinding>(access, `${RBAC_PATH}/rolebindings`, {
        add: (b) => { const ns = b.metadata.namespace ?? ''; for (const s of b.subjects ?? []) { const k = subjectKey(s, ns); if (k) addTo(this.rbs, `${ns}|${k}`, b); } },
        remove: (b) => { const ns = b.metadata.namespace ?? ''; for (const s of b.subjects ?? []) { const k = subjectKey(s, ns); if (k) removeFrom(this.rbs, `${ns}|${k}`, b); } },
        reset: () => this.rbs.clear(),
      }),
    ];
  }

  ensure(): void {
    for (const v of this.views) v.ensure();
  }

  close(): void {
    for (const v of this.views) v.close();
  }

  /** GetRoleReferenceRules: the rules a binding's roleRef grants (empty when the role is missing). */
  roleRefRules(ref: RoleRef, bindingNamespace: string): readonly PolicyRule[] {
    if (ref.kind === 'ClusterRole') return this.clusterRoles.get(ref.name)?.rules ?? [];
    if (ref.kind === 'Role' && bindingNamespace) return this.roles.get(`${bindingNamespace}/${ref.name}`)?.rules ?? [];
    return [];
  }

  /**
   * VisitRulesFor: every (binding, rules) that applies to the user in the namespace: cluster role
   * bindings first, then the namespace's role bindings. visit returns false to stop.
   */
  visit(u: UserInfo, namespace: string, visit: (src: RuleSource) => boolean): void {
    this.ensure();
    const keys = userKeys(u);
    const seen = new Set<object>();
    for (const k of keys) {
      for (const b of this.crbs.get(k) ?? []) {
        if (seen.has(b)) continue;
        seen.add(b);
        const rules = this.roleRefRules(b.roleRef, '');
        if (!visit({ rules, describe: () => `ClusterRoleBinding ${JSON.stringify(b.metadata.name)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(u, b.subjects ?? [], '')}` })) return;
      }
    }
    if (!namespace) return;
    for (const k of keys) {
      for (const b of this.rbs.get(`${namespace}|${k}`) ?? []) {
        if (seen.has(b)) continue;
        seen.add(b);
        const rules = this.roleRefRules(b.roleRef, namespace);
        if (!visit({ rules, describe: () => `RoleBinding ${JSON.stringify(`${b.metadata.name}/${namespace}`)} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(u, b.subjects ?? [], namespace)}` })) return;
      }
    }
  }

  /** RulesFor: every rule the user holds in the namespace ("" = cluster-wide only). */
  rulesFor(u: UserInfo, namespace: string): PolicyRule[] {
    const out: PolicyRule[] = [];
    this.visit(u, namespace, (src) => { out.push(...src.rules); return true; });
    return out;
  }
}

/** The first subject of a binding that names the user, as Kubernetes describes it. */
function describeSubject(u: UserInfo, subjects: Subject[], ns: string): string {
  const keys = new Set(userKeys(u));
  for (const s of subjects) {
    if (keys.has(subjectKey(s, ns) ?? '')) {
      if (s.kind === 'ServiceAccount') return `ServiceAccount ${JSON.stringify(`${s.name}/${s.namespace || ns}`)}`;
      return `${s.kind} ${JSON.stringify(s.name)}`;
    }
  }
  return '';
}
