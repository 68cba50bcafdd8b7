import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickContainer } from './pod-streams.js';

const pod = (names: string[], init: string[] = []) => ({
  metadata: { name: 'web' }, spec: { containers: names.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
});

test('takes the only container when none is named', () => {
  assert.equal(pickContainer(pod(['main']), null), 'main');
});

test('asks for a container name when the pod has several', () => {
  assert.throws(() => pickContainer(pod(['a', 'b']), null), (e: Error & { code?: number }) =>
    e.code === 400 && e.message === 'a container name must be specified for pod web, choose one of: [a b]');
});

test('accepts init containers by name and refuses unknown ones', () => {
  assert.equal(pickContainer(pod(['a'], ['setup']), 'setup'), 'setup');
  assert.throws(() => pickContainer(pod(['a']), 'zz'), /container zz is not valid for pod web/);
});
