import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/resource.js';
import { defaultLimitRange, type LimitRange, type LimitRangeItem } from '../../api/core/v1/policy.js';
import { applyContainerDefaults, limitViolations } from './limit-ranger.js';

function pod(containers: { name: string; requests?: Record<string, string>; limits?: Record<string, string> }[]): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' },
    spec: { containers: containers.map((c) => ({ name: c.name, image: 'x', resources: { ...(c.requests ? { requests: c.requests } : {}), ...(c.limits ? { limits: c.limits } : {}) } })) },
  };
}
const resources = (p: KubeObject, i = 0) => (p.spec as { containers: { resources: unknown }[] }).containers[i].resources;

test('containers without requests or limits get the LimitRange defaults and the pod says so in an annotation', () => {
  const p = pod([{ name: 'a' }, { name: 'b', requests: { cpu: '50m' } }]);
  const note = applyContainerDefaults(p, [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }]);
  assert.deepEqual(resources(p, 0), { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m' } });
  assert.deepEqual(resources(p, 1), { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m' } }, 'declared values are kept');
  assert.equal(note, 'LimitRanger plugin set: cpu request for container a; cpu, memory limit for container a; cpu, memory limit for container b');
});

test('a LimitRange with only max defaults the limit and the request to it (SetDefaults_LimitRangeItem)', () => {
  const lr: LimitRange = { metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { memory: '1Mi' } }] } };
  defaultLimitRange(lr);
  assert.deepEqual(lr.spec!.limits[0].default, { cpu: '1' });
  assert.deepEqual(lr.spec!.limits[0].defaultRequest, { cpu: '1', memory: '1Mi' });
});

test('a container over the max is refused with Kubernetes\' text', () => {
  const items: LimitRangeItem[] = [{ type: 'Container', max: { cpu: '1' } }];
  assert.deepEqual(limitViolations(pod([{ name: 'a', limits: { cpu: '2' }, requests: { cpu: '2' } }]), items), [
    'Maximum cpu usage per Container is 1, but limit is 2.',
  ]);
  assert.deepEqual(limitViolations(pod([{ name: 'a', requests: { cpu: '500m' } }]), items), [
    'Maximum cpu usage per Container is 1.  No limit is specified.',
  ]);
  assert.deepEqual(limitViolations(pod([{ name: 'a', limits: { cpu: '1' }, requests: { cpu: '1' } }]), items), []);
});

test('min and the limit-to-request ratio are enforced per Container and per Pod', () => {
  const items: LimitRangeItem[] = [
    { type: 'Container', min: { memory: '64Mi' }, maxLimitRequestRatio: { cpu: '2' } },
    { type: 'Pod', max: { memory: '100Mi' } },
  ];
  const p = pod([
    { name: 'a', requests: { cpu: '100m', memory: '32Mi' }, limits: { cpu: '300m', memory: '64Mi' } },
    { name: 'b', requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
  ]);
  assert.deepEqual(limitViolations(p, items), [
    'Minimum memory usage per Container is 64Mi, but request is 32Mi.',
    'cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000.',
    'Maximum memory usage per Pod is 100Mi, but limit is 128Mi.',
  ]);
});
