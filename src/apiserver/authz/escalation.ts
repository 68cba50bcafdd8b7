// RBAC escalation prevention (Kubernetes' registry/rbac policybased storage), as an admission
// plugin because it needs the requesting user: a Role or ClusterRole may only be written with rules
// the writer already holds (or with the `escalate` verb on it), and a binding may only be written
// by someone holding every rule of the bound role (or with the `bind` verb on that role).
// system:masters may do anything.
import type { ClusterRole, PolicyRule, Role, RoleBinding } from '../../api/rbac/v1/types.js';
import { RBAC_GROUP } from '../../api/rbac/v1/types.js';
import { ApiError } from '../../machinery/errors.js';
import type { AdmissionAttributes, AdmissionPlugin, Authorizer, UserInfo } from '../auth/types.js';
import { compactRules, compactString, goQuoteList, missingPermissions } from './rules.js';
import type { RuleResolver, RbacAuthorizer } from './rbac.js';

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

function forbidden(plural: string, name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `${plural}.${RBAC_GROUP} "${name}" is forbidden: ${why}`, { name, group: RBAC_GROUP, kind: plural });
}

/** ConfirmNoEscalation: the message lists what is missing, one compact rule a line. */
export function escalationError(user: UserInfo, resolver: RuleResolver, namespace: string, wanted: readonly PolicyRule[]): string | null {
  const missing = missingPermissions(resolver.rulesFor(user, namespace), wanted);
  if (!missing.length) return null;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  return `user ${JSON.stringify(user.username)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
}

function sameRules(a: readonly PolicyRule[] | undefined, b: readonly PolicyRule[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

export function rbacEscalationAdmission(rbac: RbacAuthorizer, authorizer: Authorizer = rbac): AdmissionPlugin {
  const allowedVerb = async (user: UserInfo, verb: string, resource: string, namespace: string, name: string) =>
    (await authorizer.authorize({
      user, verb, resourceRequest: true, path: '', apiGroup: RBAC_GROUP, apiVersion: 'v1', resource, subresource: '', namespace, name,
    })).allowed;

  return {
    name: 'RBACEscalationPrevention',
    async validate(a: AdmissionAttributes): Promise<void> {
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
      if (a.resource.def.group !== RBAC_GROUP || a.subresource || !a.obj) return;
      if (a.user.groups.includes('system:masters')) return;
      const plural = a.resource.def.plural;
      const name = a.obj.metadata.name ?? a.name;
      const ns = a.resource.def.namespaced ? a.namespace : '';
      if (plural === 'roles' || plural === 'clusterroles') {
        const role = a.obj as Role | ClusterRole;
        const old = a.old as Role | ClusterRole | undefined;
        const aggregated = !!(role as ClusterRole).aggregationRule || !!(old as ClusterRole | undefined)?.aggregationRule;
        // Only fields the garbage collector needs (or nothing that grants) changed: no check.
        if (old && !aggregated && sameRules(role.rules, old.rules)) return;
        if (await allowedVerb(a.user, 'escalate', plural, ns, name)) return;
        const wanted = aggregated ? FULL_AUTHORITY : role.rules ?? [];
        const why = escalationError(a.user, rbac, ns, wanted);
        if (why) throw forbidden(plural, name, why);
        return;
      }
      if (plural === 'rolebindings' || plural === 'clusterrolebindings') {
        const b = a.obj as RoleBinding;
        const old = a.old as RoleBinding | undefined;
        if (old && JSON.stringify(old.roleRef) === JSON.stringify(b.roleRef) && JSON.stringify(old.subjects ?? []) === JSON.stringify(b.subjects ?? [])) return;
        const ref = b.roleRef;
        rbac.index.ensure();
        const refResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
        if (await allowedVerb(a.user, 'bind', refResource, ns, ref.name)) return;
        const exists = ref.kind === 'ClusterRole' ? rbac.index.clusterRoles.has(ref.name) : rbac.index.roles.has(`${ns}/${ref.name}`);
        if (!exists) throw forbidden(plural, name, `${refResource}.${RBAC_GROUP} ${JSON.stringify(ref.name)} not found`);
        const why = escalationError(a.user, rbac, ns, rbac.index.roleRefRules(ref, ns));
        if (why) throw forbidden(plural, name, why);
      }
    },
  };
}
