// The four RBAC ResourceDefs and their `kubectl get` columns (Kubernetes' printers: roles print
// their creation time; bindings print ROLE and AGE, with USERS/GROUPS/SERVICEACCOUNTS under -o wide).
import type { ResourceDef, TableDef } from '../../resource.js';
import { age } from '../../printers/age.js';
import { RBAC_GROUP, RoleSchema, ClusterRoleSchema, RoleBindingSchema, ClusterRoleBindingSchema, type Role, type ClusterRole, type RoleBinding, type ClusterRoleBinding, type AnyBinding } from './types.js';
import { validateRole, validateClusterRole, validateBinding, validateBindingUpdate, defaultBinding } from './validation.js';

const CREATED_AT = 'CreationTimestamp is a timestamp representing the server time when this object was created.';

const roleTable: TableDef<Role | ClusterRole> = {
  columns: [{ name: 'Created At', type: 'date', priority: 0, description: CREATED_AT }],
  cells: (r) => [r.metadata.creationTimestamp ?? ''],
};

function subjectsOf(b: AnyBinding, kind: string, withNamespace: boolean): string {
  return (b.subjects ?? []).filter((s) => s.kind === kind).map((s) => (withNamespace ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', ');
}

const bindingTable: TableDef<AnyBinding> = {
  columns: [
    { name: 'Role', type: 'string', priority: 0, description: 'RoleRef is the reference to the role of the binding.' },
    { name: 'Age', type: 'string', priority: 0, description: CREATED_AT },
    { name: 'Users', type: 'string', priority: 1, description: 'Users in the binding.' },
    { name: 'Groups', type: 'string', priority: 1, description: 'Groups in the binding.' },
    { name: 'ServiceAccounts', type: 'string', priority: 1, description: 'ServiceAccounts in the binding.' },
  ],
  cells: (b, now) => [
    `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, age(b.metadata.creationTimestamp, now),
    subjectsOf(b, 'User', false), subjectsOf(b, 'Group', false), subjectsOf(b, 'ServiceAccount', true),
  ],
};

const base = { group: RBAC_GROUP, version: 'v1' } as const;

export const roles: ResourceDef<Role> = {
  ...base, kind: 'Role', listKind: 'RoleList', plural: 'roles', singular: 'role', namespaced: true,
  schema: RoleSchema, validate: validateRole, validateUpdate: validateRole, table: roleTable as TableDef<Role>,
  description: 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.',
};

export const clusterroles: ResourceDef<ClusterRole> = {
  ...base, kind: 'ClusterRole', listKind: 'ClusterRoleList', plural: 'clusterroles', singular: 'clusterrole', namespaced: false,
  schema: ClusterRoleSchema, validate: validateClusterRole, validateUpdate: validateClusterRole, table: roleTable as TableDef<ClusterRole>,
  description: 'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.',
};

export const rolebindings: ResourceDef<RoleBinding> = {
  ...base, kind: 'RoleBinding', listKind: 'RoleBindingList', plural: 'rolebindings', singular: 'rolebinding', namespaced: true,
  schema: RoleBindingSchema, defaults: defaultBinding,
  validate: (b) => validateBinding(b, false), validateUpdate: (b, old) => validateBindingUpdate(b, old, false),
  table: bindingTable as TableDef<RoleBinding>,
  description: 'RoleBinding references a role, but does not contain it.',
};

export const clusterrolebindings: ResourceDef<ClusterRoleBinding> = {
  ...base, kind: 'ClusterRoleBinding', listKind: 'ClusterRoleBindingList', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false,
  schema: ClusterRoleBindingSchema, defaults: defaultBinding,
  validate: (b) => validateBinding(b, true), validateUpdate: (b, old) => validateBindingUpdate(b, old, true),
  table: bindingTable as TableDef<ClusterRoleBinding>,
  description: 'ClusterRoleBinding references a ClusterRole, but not contain it.',
};
