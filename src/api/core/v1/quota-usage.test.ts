import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../resource.js';
import { usageOf, formatUsage, missingPodResources, mustSpecifyMessage, quotaMatches, resourceForQuotaName, sumUsage } from './quota-usage.js';

const PODS = { group: '', plural: 'pods' };
function pod(name: string, containers: { name: string; requests?: Record<string, string>; limits?: Record<string, string> }[], extra: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name }, spec: { containers: containers.map((c) => ({ name: c.name, resources: { requests: c.requests, limits: c.limits } })), ...extra } };
}

test('a pod counts as pods and count/pods plus its summed requests and limits', () => {
  const u = usageOf(PODS, pod('p', [{ name: 'a', requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '1' } }, { name: 'b', requests: { cpu: '150m' } }]));
  assert.equal(formatUsage(u), 'count/pods=1,cpu=250m,limits.cpu=1,memory=1Gi,pods=1,requests.cpu=250m,requests.memory=1Gi');
});

test('finished pods hold no quota', () => {
  const p = pod('p', [{ name: 'a', requests: { cpu: '1' } }]);
  p.status = { phase: 'Succeeded' };
  assert.equal(usageOf(PODS, p).size, 0);
});

test('other resources count under count/<resource>.<group> and their legacy names', () => {
  assert.equal(formatUsage(usageOf({ group: '', plural: 'configmaps' }, { metadata: {} })), 'configmaps=1,count/configmaps=1');
  assert.equal(formatUsage(usageOf({ group: 'apps', plural: 'deployments' }, { metadata: {} })), 'count/deployments.apps=1');
  assert.equal(formatUsage(usageOf({ group: '', plural: 'services' }, { metadata: {}, spec: { type: 'NodePort', ports: [{}, {}] } })), 'count/services=1,services=1,services.nodeports=2');
  assert.deepEqual(resourceForQuotaName('count/deployments.apps'), { group: 'apps', plural: 'deployments' });
  assert.deepEqual(resourceForQuotaName('limits.memory'), PODS);
});

test('a quota on cpu requires every container to declare it ("must specify")', () => {
  const p = pod('p', [{ name: 'a', requests: { cpu: '1' } }, { name: 'b' }]);
  const missing = missingPodResources(p, ['pods', 'requests.cpu', 'limits.memory']);
  assert.equal(mustSpecifyMessage(missing), 'must specify limits.memory for: a,b; requests.cpu for: b');
});

test('scoped quotas track only the pods in their scope', () => {
  const best = pod('be', [{ name: 'a' }]);
  const burst = pod('bu', [{ name: 'a', requests: { cpu: '1' } }]);
  const q = { metadata: {}, spec: { scopes: ['BestEffort'] } };
  assert.equal(quotaMatches(q, PODS, best), true);
  assert.equal(quotaMatches(q, PODS, burst), false);
  assert.equal(quotaMatches(q, { group: '', plural: 'configmaps' }, { metadata: {} }), false);
  assert.equal(formatUsage(sumUsage(PODS, [best, burst], ['pods'], q)), 'pods=1');
});
