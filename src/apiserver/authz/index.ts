// Authorization for the API server: the Node and RBAC authorizers (in Kubernetes' order, union),
// NodeRestriction and RBAC escalation prevention as admission, the authorization.k8s.io reviews,
// impersonation, and the bootstrap policy. Wiring (cmd/server):
//
//   let server: ApiServer | undefined;
//   const authz = createAuthorization(() => server?.ctx);
//   server = createApiServer({ store, security: {
//     authenticator: impersonatingAuthenticator(realAuthenticator, () => authz.authorizer),
//     authorizer: authz.authorizer, admission: [...authz.admission, ...others] } });
//
// The review hooks and ensureBootstrapPolicy are installed by createApiServer itself.
import type { AdmissionPlugin, Authorizer, Decision, RequestAttributes, UserInfo } from '../auth/types.js';
import type { PolicyRule } from '../../api/rbac/v1/types.js';
import type { ContextAccess } from './cache-view.js';
import { createRbacAuthorizer, type RbacAuthorizer, type RuleResolver } from './rbac.js';
import { createNodeAuthorizer, type NodeAuthorizer } from './node.js';
import { unionAuthorizer } from './chain.js';
import { nodeRestrictionAdmission } from './node-restriction.js';
import { rbacEscalationAdmission } from './escalation.js';

export type { ContextAccess } from './cache-view.js';
export { createRbacAuthorizer, type RbacAuthorizer, type RuleResolver } from './rbac.js';
export { createNodeAuthorizer, nodeName, type NodeAuthorizer } from './node.js';
export { unionAuthorizer } from './chain.js';
export { nodeRestrictionAdmission } from './node-restriction.js';
export { rbacEscalationAdmission } from './escalation.js';
export { impersonatingAuthenticator } from './impersonation.js';
export { authorizationApiHooks, reviewAttributes } from './reviews.js';
export { ensureBootstrapPolicy, aggregatedRules } from './bootstrap/ensure.js';
export { bootstrapClusterRoles, bootstrapClusterRoleBindings, NODE_RULES, AUTOUPDATE_ANNOTATION } from './bootstrap/policy.js';
export { ruleAllows, rulesAllow, missingPermissions } from './rules.js';

/** The Node-then-RBAC chain; also answers rulesFor (SelfSubjectRulesReview) from RBAC. */
export interface ChainAuthorizer extends Authorizer, RuleResolver {
  authorize(a: RequestAttributes): Decision | Promise<Decision>;
}

export interface Authorization {
  authorizer: ChainAuthorizer;
  rbac: RbacAuthorizer;
  node: NodeAuthorizer;
  /** NodeRestriction, then RBAC escalation prevention. */
  admission: AdmissionPlugin[];
  close(): void;
}

export function createAuthorization(access: ContextAccess): Authorization {
  const node = createNodeAuthorizer(access);
  const rbac = createRbacAuthorizer(access);
  const union = unionAuthorizer(node, rbac);
  const authorizer: ChainAuthorizer = {
    authorize: (a) => union.authorize(a),
    rulesFor: (u: UserInfo, ns: string): PolicyRule[] => rbac.rulesFor(u, ns),
  };
  return {
    authorizer, rbac, node,
    admission: [nodeRestrictionAdmission(), rbacEscalationAdmission(rbac, authorizer)],
    close() { rbac.index.close(); node.graph.close(); },
  };
}

/** Just the authorizer chain (Node, then RBAC). */
export function createAuthorizer(access: ContextAccess): ChainAuthorizer {
  return createAuthorization(access).authorizer;
}
