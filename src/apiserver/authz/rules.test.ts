import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleAllows, missingPermissions, compactRules, compactString } from './rules.js';
import type { RequestAttributes } from '../auth/types.js';
import type { PolicyRule } from '../../api/rbac/v1/types.js';

const user = { username: 'u', groups: [] };
const res = (verb: string, resource: string, o: Partial<RequestAttributes> = {}): RequestAttributes => ({
  user, verb, resourceRequest: true, path: '', apiGroup: '', apiVersion: 'v1', resource, subresource: '', namespace: 'ns', name: '', ...o,
});
const url = (verb: string, path: string): RequestAttributes => ({ ...res(verb, ''), resourceRequest: false, path });

test('a rule matches verb, group and resource; "*" matches any of them', () => {
  const r: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
  assert.ok(ruleAllows(res('get', 'pods'), r));
  assert.ok(!ruleAllows(res('delete', 'pods'), r));
  assert.ok(!ruleAllows(res('get', 'services'), r));
  assert.ok(!ruleAllows(res('get', 'deployments', { apiGroup: 'apps' }), r));
  const all: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
  assert.ok(ruleAllows(res('deletecollection', 'deployments', { apiGroup: 'apps' }), all));
  assert.ok(ruleAllows(res('get', 'pods', { subresource: 'log' }), all), '"*" covers subresources too');
});

test('subresources are matched as "pods/log" or "*/log", never by the bare resource', () => {
  const log = res('get', 'pods', { subresource: 'log', name: 'p' });
  assert.ok(!ruleAllows(log, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }));
  assert.ok(ruleAllows(log, { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }));
  assert.ok(ruleAllows(log, { verbs: ['get'], apiGroups: [''], resources: ['*/log'] }));
  assert.ok(!ruleAllows(log, { verbs: ['get'], apiGroups: [''], resources: ['*/status'] }));
  assert.ok(!ruleAllows(res('get', 'pods', { name: 'p' }), { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }));
});

test('resourceNames restrict to the named objects (and so never allow list or create)', () => {
  const r: PolicyRule = { verbs: ['get', 'list', 'create'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] };
  assert.ok(ruleAllows(res('get', 'configmaps', { name: 'cfg' }), r));
  assert.ok(!ruleAllows(res('get', 'configmaps', { name: 'other' }), r));
  assert.ok(!ruleAllows(res('list', 'configmaps'), r));
  assert.ok(!ruleAllows(res('create', 'configmaps'), r));
});

test('non-resource URLs match exactly or by a trailing * prefix', () => {
  const r: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
  assert.ok(ruleAllows(url('get', '/healthz'), r));
  assert.ok(!ruleAllows(url('get', '/healthz/etcd'), r));
  assert.ok(ruleAllows(url('get', '/apis/apps/v1'), r));
  assert.ok(!ruleAllows(url('post', '/apis/apps'), r));
  assert.ok(!ruleAllows(res('get', 'pods'), r), 'a URL rule grants no resource');
  assert.ok(!ruleAllows(url('get', '/healthz'), { verbs: ['get'], apiGroups: ['*'], resources: ['*'] }), 'a resource rule grants no URL');
});

test('covers: what is missing from a set of rules, compacted and printed as Kubernetes does', () => {
  const owned: PolicyRule[] = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }, { verbs: ['*'], apiGroups: ['apps'], resources: ['*'] }];
  assert.deepEqual(missingPermissions(owned, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['delete'], apiGroups: ['apps'], resources: ['deployments'] }]), []);
  const missing = missingPermissions(owned, [{ verbs: ['get', 'delete', 'create'], apiGroups: [''], resources: ['pods', 'secrets'] }]);
  assert.deepEqual(compactRules(missing).map(compactString), [
    '{APIGroups:[""], Resources:["pods"], Verbs:["delete" "create"]}',
    '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete" "create"]}',
  ]);
  // Names: an unrestricted owner covers named rules; a named owner covers only its names.
  assert.deepEqual(missingPermissions([{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]).length, 1);
  assert.deepEqual(missingPermissions([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }]), []);
  assert.deepEqual(missingPermissions([{ verbs: ['get'], nonResourceURLs: ['/api/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/api/v1'] }]), []);
});
