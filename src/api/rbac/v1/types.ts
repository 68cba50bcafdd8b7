// rbac.authorization.k8s.io/v1 schemas: PolicyRule, Subject, RoleRef, AggregationRule and the four
// kinds (k8s.io/api/rbac/v1; field numbers from its generated.proto).
import { type Static, opt, req, str, atomicList, object, Type } from '../../schema.js';
import type { KubeObject } from '../../resource.js';
import { use, LabelSelector } from '../../meta/v1/types.js';
import { kindObject } from '../../core/v1/common.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC = 'io.k8s.api.rbac.v1';
const gvk = (kind: string) => ({ group: RBAC_GROUP, version: 'v1', kind });

export const PolicyRuleSchema = object(`${RBAC}.PolicyRule`, {
  verbs: req(1, atomicList(str(), { description: 'Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. \'*\' represents all verbs.' })),
  apiGroups: opt(2, atomicList(str(), { description: 'APIGroups is the name of the APIGroup that contains the resources.' })),
  resources: opt(3, atomicList(str(), { description: 'Resources is a list of resources this rule applies to. \'*\' represents all resources.' })),
  resourceNames: opt(4, atomicList(str(), { description: 'ResourceNames is an optional white list of names that the rule applies to.' })),
  nonResourceURLs: opt(5, atomicList(str(), { description: 'NonResourceURLs is a set of partial urls that a user should have access to.' })),
}, 'PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to.');
export type PolicyRule = Static<typeof PolicyRuleSchema>;

export const SubjectSchema = Type.Object({
  kind: req(1, str({ description: 'Kind of object being referenced. Values defined by this API group are "User", "Group", and "ServiceAccount".' })),
  apiGroup: opt(2, str({ description: 'APIGroup holds the API group of the referenced subject.' })),
  name: req(3, str({ description: 'Name of the object being referenced.' })),
  namespace: opt(4, str({ description: 'Namespace of the referenced object.' })),
}, { $id: `${RBAC}.Subject`, additionalProperties: false, 'x-kubernetes-map-type': 'atomic', description: 'Subject contains a reference to the object or user identities a role binding applies to.' });
export type Subject = Static<typeof SubjectSchema>;

export const RoleRefSchema = Type.Object({
  apiGroup: req(1, str({ description: 'APIGroup is the group for the resource being referenced' })),
  kind: req(2, str({ description: 'Kind is the type of resource being referenced' })),
  name: req(3, str({ description: 'Name is the name of resource being referenced' })),
}, { $id: `${RBAC}.RoleRef`, additionalProperties: false, 'x-kubernetes-map-type': 'atomic', description: 'RoleRef contains information that points to the role being used' });
export type RoleRef = Static<typeof RoleRefSchema>;

export const AggregationRuleSchema = object(`${RBAC}.AggregationRule`, {
  clusterRoleSelectors: opt(1, atomicList(use(LabelSelector), { description: 'ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules.' })),
}, 'AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole');
export type AggregationRule = Static<typeof AggregationRuleSchema>;

export const RoleSchema = kindObject(`${RBAC}.Role`, gvk('Role'), {
  rules: opt(2, atomicList(use(PolicyRuleSchema), { description: 'Rules holds all the PolicyRules for this Role' })),
}, 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.');
export type Role = Static<typeof RoleSchema> & KubeObject;

export const ClusterRoleSchema = kindObject(`${RBAC}.ClusterRole`, gvk('ClusterRole'), {
  rules: opt(2, atomicList(use(PolicyRuleSchema), { description: 'Rules holds all the PolicyRules for this ClusterRole' })),
  aggregationRule: opt(3, use(AggregationRuleSchema)),
}, 'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.');
export type ClusterRole = Static<typeof ClusterRoleSchema> & KubeObject;

export const RoleBindingSchema = kindObject(`${RBAC}.RoleBinding`, gvk('RoleBinding'), {
  subjects: opt(2, atomicList(use(SubjectSchema), { description: 'Subjects holds references to the objects the role applies to.' })),
  roleRef: req(3, use(RoleRefSchema)),
}, 'RoleBinding references a role, but does not contain it.  It can reference a Role in the same namespace or a ClusterRole in the global namespace.');
export type RoleBinding = Static<typeof RoleBindingSchema> & KubeObject;

export const ClusterRoleBindingSchema = kindObject(`${RBAC}.ClusterRoleBinding`, gvk('ClusterRoleBinding'), {
  subjects: opt(2, atomicList(use(SubjectSchema), { description: 'Subjects holds references to the objects the role applies to.' })),
  roleRef: req(3, use(RoleRefSchema)),
}, 'ClusterRoleBinding references a ClusterRole, but not contain it.  It can reference a ClusterRole in the global namespace, and adds who information via Subject.');
export type ClusterRoleBinding = Static<typeof ClusterRoleBindingSchema> & KubeObject;

/** Either binding kind (they differ only in scope and which roleRef kinds they accept). */
export type AnyBinding = RoleBinding | ClusterRoleBinding;
