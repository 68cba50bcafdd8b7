import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestAttributes, UserInfo } from '../auth/types.js';
import { evaluatePolicy, parseAuditPolicy } from './policy.js';

const policy = parseAuditPolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
  - level: None
    nonResourceURLs: ["/healthz*", "/version"]
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["secrets", "pods/exec"]
  - level: Request
    userGroups: ["developers"]
    namespaces: ["dev"]
  - level: Metadata
    resources:
      - group: "apps"
        resources: ["*/scale"]
  - level: Metadata
    omitStages: [ResponseComplete]
    resources: [{ group: "" }]
`);

const alice: UserInfo = { username: 'alice', groups: ['developers', 'system:authenticated'] };
function attrs(p: Partial<RequestAttributes>): RequestAttributes {
  return { user: alice, verb: 'get', resourceRequest: true, path: '/x', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'default', name: 'p', ...p };
}
const judge = (a: RequestAttributes | null, user: UserInfo | null = alice, path = '/api') =>
  evaluatePolicy(policy, { user, attrs: a, verb: a?.verb ?? 'get', path });

test('the first matching rule gives the level; no match is None', () => {
  assert.equal(judge(attrs({ resource: 'secrets' })).level, 'RequestResponse');
  assert.equal(judge(attrs({ resource: 'pods', subresource: 'exec' })).level, 'RequestResponse');
  assert.equal(judge(attrs({ namespace: 'dev' })).level, 'Request');
  assert.equal(judge(attrs({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale' })).level, 'Metadata');
  assert.equal(judge(attrs({ apiGroup: 'apps', resource: 'deployments' })).level, 'None');
  assert.equal(judge(attrs({ user: { username: 'system:kube-proxy', groups: [] }, verb: 'watch', resource: 'services' }), { username: 'system:kube-proxy', groups: [] }).level, 'None');
});

test('non-resource rules match paths with a trailing wildcard and never resource requests', () => {
  const path = (p: string) => judge({ ...attrs({}), resourceRequest: false, path: p, resource: '', verb: 'get' }, alice, p);
  assert.equal(path('/healthz/ready').level, 'None');
  assert.equal(path('/version').level, 'None');
  assert.equal(path('/openapi/v2').level, 'None', 'no rule matched: the resource rules do not apply to paths');
});

test('omitStages of the policy and of the rule add up', () => {
  assert.deepEqual(judge(attrs({})).omitStages.sort(), ['RequestReceived', 'ResponseComplete']);
  assert.deepEqual(judge(attrs({ resource: 'secrets' })).omitStages, ['RequestReceived']);
});

test('an unknown level is refused with the supported values', () => {
  assert.throws(() => parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{ level: Verbose }]\n'), /Unsupported value: "Verbose"/);
});
