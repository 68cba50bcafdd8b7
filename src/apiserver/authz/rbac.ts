// The RBAC authorizer (Kubernetes' plugin/pkg/auth/authorizer/rbac): a request is allowed when a
// rule of a role bound to the user (by name, group, or ServiceAccount identity) matches it. Cluster
// role bindings apply everywhere; role bindings only inside their namespace. Denials carry no
// reason (RBAC has no opinion; the next authorizer, or the 403, speaks).
import type { PolicyRule } from '../../api/rbac/v1/types.js';
import type { Authorizer, Decision, RequestAttributes, UserInfo } from '../auth/types.js';
import { rulesAllow } from './rules.js';
import { RbacIndex } from './rbac-index.js';
import type { ContextAccess } from './cache-view.js';

/** What SelfSubjectRulesReview and escalation checks need besides yes/no. */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): PolicyRule[];
}

export interface RbacAuthorizer extends Authorizer, RuleResolver {
  readonly index: RbacIndex;
  authorize(a: RequestAttributes): Decision;
}

export function createRbacAuthorizer(access: ContextAccess): RbacAuthorizer {
  const index = new RbacIndex(access);
  return {
    index,
    authorize(a: RequestAttributes): Decision {
      let reason = '';
      index.visit(a.user, a.namespace, (src) => {
        if (!rulesAllow(a, src.rules)) return true;
        reason = `RBAC: allowed by ${src.describe()}`;
        return false;
      });
      return reason ? { allowed: true, reason } : { allowed: false };
    },
    rulesFor: (user, namespace) => index.rulesFor(user, namespace),
  };
}
