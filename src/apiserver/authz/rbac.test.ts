import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRbacAuthorizer } from './rbac.js';
import { unionAuthorizer } from './chain.js';
import { testCaches } from './testing.js';
import type { RequestAttributes, UserInfo } from '../auth/types.js';

const G = 'rbac.authorization.k8s.io';
const P = `${G}/v1`;
const attrs = (user: UserInfo, verb: string, resource: string, namespace: string, o: Partial<RequestAttributes> = {}): RequestAttributes => ({
  user, verb, resourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource, subresource: '', namespace, name: '', ...o,
});
const alice = { username: 'alice', groups: ['devs'] };
const sa = { username: 'system:serviceaccount:ci:runner', groups: ['system:serviceaccounts'] };

function fixture() {
  return testCaches({
    [`${P}/clusterroles`]: [
      { metadata: { name: 'pod-reader' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'] }] },
      { metadata: { name: 'node-reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }] },
    ],
    [`${P}/roles`]: [{ metadata: { name: 'cm-writer', namespace: 'ci' }, rules: [{ verbs: ['update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] }] }],
    [`${P}/clusterrolebindings`]: [
      { metadata: { name: 'devs-read-nodes', uid: '1' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'node-reader' }, subjects: [{ kind: 'Group', apiGroup: G, name: 'devs' }] },
    ],
    [`${P}/rolebindings`]: [
      { metadata: { name: 'alice-pods', namespace: 'team', uid: '2' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'pod-reader' }, subjects: [{ kind: 'User', apiGroup: G, name: 'alice' }] },
      // A ServiceAccount subject without namespace means the binding's namespace.
      { metadata: { name: 'runner-cm', namespace: 'ci', uid: '3' }, roleRef: { apiGroup: G, kind: 'Role', name: 'cm-writer' }, subjects: [{ kind: 'ServiceAccount', name: 'runner' }] },
    ],
  });
}

test('cluster role bindings apply everywhere; role bindings only in their namespace', () => {
  const z = createRbacAuthorizer(fixture().access);
  assert.deepEqual(z.authorize(attrs(alice, 'get', 'nodes', '', { name: 'n1' })), { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "devs-read-nodes" of ClusterRole "node-reader" to Group "devs"' });
  assert.deepEqual(z.authorize(attrs(alice, 'list', 'pods', 'team')), { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-pods/team" of ClusterRole "pod-reader" to User "alice"' });
  assert.equal(z.authorize(attrs(alice, 'get', 'pods', 'team', { subresource: 'log', name: 'p' })).allowed, true);
  assert.deepEqual(z.authorize(attrs(alice, 'list', 'pods', 'other')), { allowed: false });
  assert.equal(z.authorize(attrs(alice, 'list', 'pods', '')).allowed, false, 'a role binding never grants cluster-wide');
  assert.equal(z.authorize(attrs(alice, 'delete', 'pods', 'team', { name: 'p' })).allowed, false);
});

test('ServiceAccount subjects match system:serviceaccount:<ns>:<name>; resourceNames narrow', () => {
  const z = createRbacAuthorizer(fixture().access);
  assert.equal(z.authorize(attrs(sa, 'update', 'configmaps', 'ci', { name: 'settings' })).allowed, true);
  assert.equal(z.authorize(attrs(sa, 'update', 'configmaps', 'ci', { name: 'other' })).allowed, false);
  assert.equal(z.authorize(attrs({ username: 'system:serviceaccount:other:runner', groups: [] }, 'update', 'configmaps', 'ci', { name: 'settings' })).allowed, false);
});

test('the index follows binding and role changes', () => {
  const c = fixture();
  const z = createRbacAuthorizer(c.access);
  const bob = { username: 'bob', groups: [] };
  assert.equal(z.authorize(attrs(bob, 'get', 'nodes', '')).allowed, false);
  const b = { metadata: { name: 'bob-nodes', uid: '9' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'node-reader' }, subjects: [{ kind: 'User', apiGroup: G, name: 'bob' }] };
  c.emit(`${P}/clusterrolebindings`, 'ADDED', b);
  assert.equal(z.authorize(attrs(bob, 'get', 'nodes', '')).allowed, true);
  const role = { metadata: { name: 'node-reader' }, rules: [] };
  c.emit(`${P}/clusterroles`, 'MODIFIED', role, { metadata: { name: 'node-reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }] });
  assert.equal(z.authorize(attrs(bob, 'get', 'nodes', '')).allowed, false);
  c.emit(`${P}/clusterrolebindings`, 'DELETED', b, b);
  assert.equal(z.index.crbs.has('User:bob'), false);
  assert.deepEqual(z.rulesFor(alice, 'team').map((r) => r.resources), [['pods', 'pods/log']]);
});

test('the union: first allow wins; reasons of the others are joined', async () => {
  const no = (reason?: string) => ({ authorize: () => (reason ? { allowed: false, reason } : { allowed: false }) });
  const yes = { authorize: async () => ({ allowed: true, reason: 'ok' }) };
  const a = attrs(alice, 'get', 'pods', 'x');
  assert.deepEqual(await unionAuthorizer(no('r1'), no(), no('r2')).authorize(a), { allowed: false, reason: 'r1, r2' });
  assert.deepEqual(await unionAuthorizer(no('r1'), yes).authorize(a), { allowed: true, reason: 'ok' });
});
