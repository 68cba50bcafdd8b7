import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeAuthorizer, nodeName } from './node.js';
import { podReferences } from './node-graph.js';
import { testCaches } from './testing.js';
import type { RequestAttributes } from '../auth/types.js';
import type { KubeObject } from '../../api/resource.js';

const node = (n: string) => ({ username: `system:node:${n}`, groups: ['system:nodes', 'system:authenticated'] });
const attrs = (user: RequestAttributes['user'], verb: string, resource: string, o: Partial<RequestAttributes> = {}): RequestAttributes => ({
  user, verb, resourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource, subresource: '', namespace: 'ns', name: '', ...o,
});
const pod = (name: string, nodeName: string, spec: Record<string, unknown> = {}): KubeObject =>
  ({ metadata: { name, namespace: 'ns', uid: name }, spec: { nodeName, containers: [], ...spec } });

test('only users named system:node:<name> in system:nodes are nodes', () => {
  assert.equal(nodeName(node('a')), 'a');
  assert.equal(nodeName({ username: 'system:node:a', groups: [] }), null);
  assert.equal(nodeName({ username: 'alice', groups: ['system:nodes'] }), null);
});

test('pod references: secrets, configmaps, claims and the service account, from every place a pod names them', () => {
  const refs = podReferences(pod('p', 'a', {
    serviceAccountName: 'sa', imagePullSecrets: [{ name: 'pull' }],
    containers: [{ name: 'c', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'env-cm' } }] }],
    volumes: [{ name: 'v1', secret: { secretName: 'vol-secret' } }, { name: 'v2', projected: { sources: [{ configMap: { name: 'proj-cm' } }] } },
      { name: 'v3', persistentVolumeClaim: { claimName: 'claim' } }, { name: 'v4', csi: { driver: 'd', nodePublishSecretRef: { name: 'csi-secret' } } }],
  }) as never).sort();
  assert.deepEqual(refs, ['configmaps/ns/env-cm', 'configmaps/ns/proj-cm', 'persistentvolumeclaims/ns/claim', 'secrets/ns/csi-secret', 'secrets/ns/env-secret', 'secrets/ns/pull', 'secrets/ns/vol-secret', 'serviceaccounts/ns/sa']);
});

test('a node reads a Secret only while a pod bound to it references it', () => {
  const caches = testCaches({ '/v1/pods': [pod('p1', 'a', { volumes: [{ name: 'v', secret: { secretName: 's1' } }] }), pod('p2', 'b', { volumes: [{ name: 'v', secret: { secretName: 's2' } }] })] });
  const z = createNodeAuthorizer(caches.access);
  assert.equal(z.authorize(attrs(node('a'), 'get', 'secrets', { name: 's1' })).allowed, true);
  assert.deepEqual(z.authorize(attrs(node('a'), 'get', 'secrets', { name: 's2' })), { allowed: false, reason: 'no relationship found between node \'a\' and this object' });
  assert.equal(z.authorize(attrs(node('a'), 'list', 'secrets')).allowed, false);
  assert.deepEqual(z.authorize(attrs(node('a'), 'update', 'secrets', { name: 's1' })), { allowed: false, reason: 'can only read resources of this type' });
  // The pod moves to node b (or is deleted): the relationship follows the cache.
  const p1 = caches.access()!.byPath.get('/v1/pods')!.cache.snapshot().items[0]!.obj;
  caches.emit('/v1/pods', 'DELETED', p1, p1);
  assert.equal(z.authorize(attrs(node('a'), 'get', 'secrets', { name: 's1' })).allowed, false);
  caches.emit('/v1/pods', 'ADDED', pod('p3', 'a', { containers: [{ name: 'c', envFrom: [{ secretRef: { name: 's2' } }] }] }));
  assert.equal(z.authorize(attrs(node('a'), 'get', 'secrets', { name: 's2' })).allowed, true);
  assert.equal(z.authorize(attrs(node('a'), 'create', 'serviceaccounts', { name: 'default', subresource: 'token' })).allowed, true, 'tokens for the SA of its pods');
  assert.equal(z.authorize(attrs(node('c'), 'create', 'serviceaccounts', { name: 'default', subresource: 'token' })).allowed, false);
});

test('leases: only its own, only in kube-node-lease; other kubelet work by the node rules; others get no opinion', () => {
  const z = createNodeAuthorizer(testCaches({ '/v1/pods': [] }).access);
  const lease = (verb: string, name: string, namespace = 'kube-node-lease') => z.authorize(attrs(node('a'), verb, 'leases', { apiGroup: 'coordination.k8s.io', name, namespace }));
  assert.equal(lease('update', 'a').allowed, true);
  assert.deepEqual(lease('update', 'b'), { allowed: false, reason: 'can only access node lease with the same name as the requesting node' });
  assert.deepEqual(lease('get', 'a', 'default'), { allowed: false, reason: 'can only access leases in the kube-node-lease namespace' });
  assert.equal(z.authorize(attrs(node('a'), 'watch', 'pods')).allowed, true);
  assert.equal(z.authorize(attrs(node('a'), 'patch', 'nodes', { subresource: 'status', name: 'a', namespace: '' })).allowed, true);
  assert.equal(z.authorize(attrs(node('a'), 'create', 'deployments', { apiGroup: 'apps' })).allowed, false);
  assert.deepEqual(z.authorize(attrs({ username: 'alice', groups: [] }, 'get', 'secrets', { name: 's' })), { allowed: false });
});
