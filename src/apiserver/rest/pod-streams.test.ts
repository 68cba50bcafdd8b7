import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeletStreamPath, pickContainer, portforwardPorts } from './pod-streams.js';

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

test('builds the kubelet paths of exec, attach and portforward with only the options they carry', () => {
  const q = new URLSearchParams('command=sh&command=-c&command=id&stdin=true&stdout=true&tty=false&container=main&ports=80&ports=8080,9090');
  assert.equal(kubeletStreamPath('exec', 'ns', 'p', 'main', q), '/exec/ns/p/main?command=sh&command=-c&command=id&stdin=true&stdout=true&tty=false');
  assert.equal(kubeletStreamPath('attach', 'ns', 'p', 'main', q), '/attach/ns/p/main?stdin=true&stdout=true&tty=false');
  assert.equal(kubeletStreamPath('portforward', 'ns', 'p', '', q), '/portForward/ns/p?port=80&port=8080&port=9090');
  assert.equal(kubeletStreamPath('portforward', 'ns', 'p', '', new URLSearchParams()), '/portForward/ns/p');
});

test('refuses portforward ports outside 1-65535', () => {
  assert.deepEqual(portforwardPorts(new URLSearchParams('ports=1&ports=65535')), [1, 65535]);
  for (const bad of ['0', '65536', 'http', '-1']) {
    assert.throws(() => portforwardPorts(new URLSearchParams({ ports: bad })), (e: Error & { code?: number }) =>
      e.code === 400 && e.message === `ports: Invalid value: "${bad}": must be between 1 and 65535, inclusive`);
  }
});
