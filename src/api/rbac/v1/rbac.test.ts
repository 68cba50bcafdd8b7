import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { roles, clusterroles, rolebindings, clusterrolebindings } from './resources.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from './types.js';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
const meta = { name: 'r', namespace: 'ns', creationTimestamp: '2024-01-01T00:00:00Z' };

test('a role decodes strictly and its rules need verbs and resources with groups, or URLs', () => {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] } as Role;
  assert.deepEqual(walk(structuredClone(role), roles.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
  assert.deepEqual(roles.validate!(role), []);
  assert.deepEqual(messages(roles.validate!({ ...role, rules: [{ verbs: [] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] } as Role)), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[0].resources: Required value: resource rules must supply at least one resource',
    'rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
  ]);
  const cr = { metadata: { name: 'c' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/x'], resources: ['pods'] }] } as ClusterRole;
  assert.deepEqual(messages(clusterroles.validate!(cr)), ['rules[0].nonResourceURLs: Invalid value: ["/x"]: rules cannot apply to both regular resources and non-resource URLs']);
  assert.deepEqual(messages(clusterroles.validate!({ metadata: { name: 'c' }, aggregationRule: { clusterRoleSelectors: [] } } as ClusterRole)),
    ['aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil']);
});

test('bindings: subjects are User, Group or ServiceAccount with the right apiGroup; roleRef kinds by scope; roleRef never changes', () => {
  const b = { metadata: meta, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }] } as RoleBinding;
  rolebindings.defaults!(b);
  assert.equal(b.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(b.subjects![0]!.apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(b.subjects![1]!.apiGroup, undefined);
  assert.deepEqual(rolebindings.validate!(b), []);
  const bad = { metadata: meta, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'Robot', name: 'x' }, { kind: 'ServiceAccount', name: 'sa' }, { kind: 'Group', apiGroup: 'x', name: 'g' }] } as ClusterRoleBinding;
  assert.deepEqual(messages(clusterrolebindings.validate!(bad)), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    'subjects[1].namespace: Required value',
    'subjects[2].apiGroup: Unsupported value: "x": supported values: "rbac.authorization.k8s.io"',
  ]);
  const changed = { ...b, roleRef: { ...b.roleRef, name: 'other' } };
  assert.match(messages(rolebindings.validateUpdate!(changed, b)).join('\n'), /^roleRef: Invalid value: .*: cannot change roleRef$/m);
});

test('kubectl columns: roles show CREATED AT; bindings ROLE and AGE, subjects with -o wide', () => {
  assert.deepEqual(clusterroles.table!.columns.map((c) => c.name), ['Created At']);
  assert.deepEqual(clusterroles.table!.cells({ metadata: { name: 'c', creationTimestamp: '2024-01-01T00:00:00Z' } } as ClusterRole, 0), ['2024-01-01T00:00:00Z']);
  assert.deepEqual(rolebindings.table!.columns.map((c) => `${c.name}:${c.priority}`), ['Role:0', 'Age:0', 'Users:1', 'Groups:1', 'ServiceAccounts:1']);
  const b = { metadata: meta, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'a' }, { kind: 'User', name: 'b' }, { kind: 'Group', name: 'g' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'kube-system' }] } as RoleBinding;
  assert.deepEqual(rolebindings.table!.cells(b, Date.parse('2024-01-01T00:00:05Z')), ['ClusterRole/view', '5s', 'a, b', 'g', 'kube-system/sa']);
});
