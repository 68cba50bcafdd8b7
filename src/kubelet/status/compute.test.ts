import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ContainerStatus as CriStatus, PodSandboxStatus } from '../runtime/types.js';
import { computePodStatus, type StatusInput, type Waiting } from './compute.js';
import { CONTAINER_NAME, RESTART_COUNT } from '../pods/labels.js';

const T0 = 1_700_000_000_000;
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);

function cri(name: string, id: string, state: CriStatus['state'], attempt = 0, extra: Partial<CriStatus> = {}): CriStatus {
  return {
    id, metadata: { name, attempt }, state, createdAt: ns(T0 + attempt * 1000), startedAt: ns(T0 + attempt * 1000 + 10), finishedAt: state === 'CONTAINER_EXITED' ? ns(T0 + attempt * 1000 + 500) : '0',
    exitCode: 0, image: { image: 'busybox' }, imageRef: 'sha256:abc', reason: '', message: '',
    labels: { [CONTAINER_NAME]: name }, annotations: { [RESTART_COUNT]: String(attempt) }, logPath: '', ...extra,
  };
}

const sandbox: PodSandboxStatus = { id: 's1', metadata: { name: 'p', uid: 'u', namespace: 'ns', attempt: 0 }, state: 'SANDBOX_READY', createdAt: ns(T0), labels: {}, annotations: {}, network: { ip: '10.88.0.7' } };

function pod(spec: Record<string, unknown>, status: Record<string, unknown> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { restartPolicy: 'Always', ...spec }, status } as Pod;
}

function input(p: Pod, containers: CriStatus[], waiting: [string, Waiting][] = [], ready = true): StatusInput {
  return { pod: p, sandbox, containers, waiting: new Map(waiting), ready: () => ready, started: () => true, hostIP: '192.168.1.2', runtimeName: 'containerd', now: T0 + 60_000 };
}

test('two running containers: Running with IP, all conditions true', () => {
  const p = pod({ containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] }, { conditions: [{ type: 'PodScheduled', status: 'True' }] });
  const s = computePodStatus(input(p, [cri('a', 'ida', 'CONTAINER_RUNNING'), cri('b', 'idb', 'CONTAINER_RUNNING')]));
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.88.0.7');
  assert.deepEqual(s.podIPs, [{ ip: '10.88.0.7' }]);
  assert.equal(s.hostIP, '192.168.1.2');
  assert.deepEqual(s.conditions!.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
  const a = s.containerStatuses![0];
  assert.equal(a.containerID, 'containerd://ida');
  assert.equal(a.ready, true);
  assert.equal(a.started, true);
  assert.equal(a.imageID, 'sha256:abc');
  assert.ok(a.state!.running!.startedAt);
  assert.equal(s.qosClass, 'BestEffort');
});

test('a crash-looping container shows CrashLoopBackOff with lastState and restartCount', () => {
  const p = pod({ containers: [{ name: 'a', image: 'busybox' }] });
  const msg = 'back-off 10s restarting failed container=a pod=p_ns(u)';
  const s = computePodStatus(input(p, [cri('a', 'id0', 'CONTAINER_EXITED', 0, { exitCode: 1 }), cri('a', 'id1', 'CONTAINER_EXITED', 1, { exitCode: 1 })], [['a', { reason: 'CrashLoopBackOff', message: msg }]]));
  const a = s.containerStatuses![0];
  assert.deepEqual(a.state, { waiting: { reason: 'CrashLoopBackOff', message: msg } });
  assert.equal(a.lastState!.terminated!.exitCode, 1);
  assert.equal(a.lastState!.terminated!.reason, 'Error');
  assert.equal(a.restartCount, 1);
  assert.equal(s.phase, 'Running', 'restartPolicy Always keeps a restarting pod Running');
  const ready = s.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal(ready.reason, 'ContainersNotReady');
  assert.equal(ready.message, 'containers with unready status: [a]');
});

test('OOMKilled comes from the runtime reason; Never policy fails the pod', () => {
  const p = pod({ restartPolicy: 'Never', containers: [{ name: 'a', image: 'busybox' }] });
  const s = computePodStatus(input(p, [cri('a', 'id0', 'CONTAINER_EXITED', 0, { exitCode: 137, reason: 'OOMKilled' })]));
  assert.equal(s.containerStatuses![0].state!.terminated!.reason, 'OOMKilled');
  assert.equal(s.phase, 'Failed');
});

test('all containers exit 0 with OnFailure: Succeeded with PodCompleted', () => {
  const p = pod({ restartPolicy: 'OnFailure', containers: [{ name: 'a', image: 'busybox' }] });
  const s = computePodStatus(input(p, [cri('a', 'id0', 'CONTAINER_EXITED', 0)]));
  assert.equal(s.phase, 'Succeeded');
  assert.equal(s.containerStatuses![0].state!.terminated!.reason, 'Completed');
  assert.equal(s.conditions!.find((c) => c.type === 'Ready')!.reason, 'PodCompleted');
});

test('init containers pending: Pending, Initialized false, regular waiting PodInitializing', () => {
  const p = pod({ initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }], containers: [{ name: 'a', image: 'busybox' }] });
  const s = computePodStatus(input(p, [cri('i1', 'i1', 'CONTAINER_EXITED', 0), cri('i2', 'i2', 'CONTAINER_RUNNING')]));
  assert.equal(s.phase, 'Pending');
  const init = s.conditions!.find((c) => c.type === 'Initialized')!;
  assert.equal(init.status, 'False');
  assert.equal(init.message, 'containers with incomplete status: [i2]');
  assert.equal(s.initContainerStatuses![0].ready, true);
  assert.deepEqual(s.containerStatuses![0].state, { waiting: { reason: 'PodInitializing' } });
});

test('not created yet: ContainerCreating; unready probe keeps Ready false; transition times kept', () => {
  const p = pod({ containers: [{ name: 'a', image: 'busybox' }] });
  const s1 = computePodStatus(input(p, []));
  assert.deepEqual(s1.containerStatuses![0].state, { waiting: { reason: 'ContainerCreating' } });
  assert.equal(s1.phase, 'Pending');
  p.status = s1;
  const s2 = computePodStatus({ ...input(p, [cri('a', 'ida', 'CONTAINER_RUNNING')], [], false), now: T0 + 120_000 });
  assert.equal(s2.phase, 'Running');
  assert.equal(s2.containerStatuses![0].ready, false);
  assert.equal(s2.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime, s1.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime);
  assert.equal(s2.startTime, s1.startTime);
});

test('a finished pod stays finished', () => {
  const p = pod({ containers: [{ name: 'a', image: 'busybox' }] }, { phase: 'Succeeded' });
  assert.equal(computePodStatus(input(p, [cri('a', 'ida', 'CONTAINER_RUNNING')])).phase, 'Succeeded');
});

test('termination messages go into terminated state and lastState, after the runtime\'s own message', () => {
  const p = pod({ containers: [{ name: 'a', image: 'busybox' }] });
  const messages: Record<string, string> = { id0: 'first run said bye', id1: 'second run said bye' };
  const base = input(p, [cri('a', 'id0', 'CONTAINER_EXITED', 0, { exitCode: 1 }), cri('a', 'id1', 'CONTAINER_EXITED', 1, { exitCode: 137, reason: 'OOMKilled', message: 'killed' })],
    [['a', { reason: 'CrashLoopBackOff' }]]);
  const s = computePodStatus({ ...base, terminationMessage: (c) => messages[c.id] ?? '' });
  assert.equal(s.containerStatuses![0].lastState!.terminated!.message, 'killed: second run said bye');
  const running = computePodStatus({ ...input(p, [cri('a', 'id0', 'CONTAINER_EXITED', 0, { exitCode: 1 }), cri('a', 'id2', 'CONTAINER_RUNNING', 1)]), terminationMessage: (c) => messages[c.id] ?? '' });
  assert.equal(running.containerStatuses![0].lastState!.terminated!.message, 'first run said bye');
  const none = computePodStatus({ ...input(p, [cri('a', 'id9', 'CONTAINER_EXITED', 0)]), terminationMessage: () => '' });
  assert.equal('message' in none.containerStatuses![0].state!.terminated!, false);
});
