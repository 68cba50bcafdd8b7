import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTargetPort, shouldPodBeInEndpoints, managesEndpoints } from './services.js';
import type { PodLike } from './pods.js';

const pod = (o: Partial<PodLike> = {}): PodLike => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u' },
  spec: { containers: [{ name: 'a', ports: [{ name: 'web', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
  status: { phase: 'Running', podIP: '10.0.0.1' },
  ...o,
});

test('a named targetPort resolves to the container port of that name and protocol', () => {
  assert.equal(resolveTargetPort(pod(), { port: 80, targetPort: 'web' }), 8080);
  assert.equal(resolveTargetPort(pod(), { port: 53, targetPort: 'dns', protocol: 'UDP' }), 53);
  assert.equal(resolveTargetPort(pod(), { port: 53, targetPort: 'dns', protocol: 'TCP' }), undefined, 'protocol must match');
  assert.equal(resolveTargetPort(pod(), { port: 80, targetPort: 'missing' }), undefined);
});

test('a numeric or absent targetPort is used as is (absent means the service port)', () => {
  assert.equal(resolveTargetPort(pod(), { port: 80, targetPort: 9000 }), 9000);
  assert.equal(resolveTargetPort(pod(), { port: 80 }), 80);
  assert.equal(resolveTargetPort(pod(), { port: 80, targetPort: '9001' }), 9001);
});

test('pods without an IP, finished pods and (unless asked) terminating pods are not endpoints', () => {
  assert.equal(shouldPodBeInEndpoints(pod(), false), true);
  assert.equal(shouldPodBeInEndpoints(pod({ status: { phase: 'Pending' } }), false), false);
  assert.equal(shouldPodBeInEndpoints(pod({ status: { phase: 'Succeeded', podIP: '10.0.0.1' } }), false), false);
  const terminating = pod({ metadata: { name: 'p', namespace: 'ns', deletionTimestamp: '2024-01-01T00:00:00Z' } });
  assert.equal(shouldPodBeInEndpoints(terminating, false), false);
  assert.equal(shouldPodBeInEndpoints(terminating, true), true);
});

test('only services with a non-empty selector and not ExternalName get endpoints', () => {
  assert.equal(managesEndpoints({ metadata: {}, spec: { selector: { a: 'b' } } }), true);
  assert.equal(managesEndpoints({ metadata: {}, spec: { selector: {} } }), false);
  assert.equal(managesEndpoints({ metadata: {}, spec: {} }), false);
  assert.equal(managesEndpoints({ metadata: {}, spec: { selector: { a: 'b' }, type: 'ExternalName' } }), false);
});
