import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ContainerStatus as CriStatus, PodSandbox } from '../runtime/types.js';
import { FakeClock } from '../../machinery/clock.js';
import { computePodActions, backoffKey, type ActionContext } from './actions.js';
import { Backoff } from './backoff.js';
import { CONTAINER_NAME, RESTART_COUNT } from './labels.js';

const clock = new FakeClock();
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const sb = (state: PodSandbox['state'], attempt = 0): PodSandbox => ({ id: `s${attempt}`, metadata: { name: 'p', uid: 'u', namespace: 'ns', attempt }, state, createdAt: ns(clock.now() + attempt), labels: {}, annotations: {} });
function cri(name: string, state: CriStatus['state'], attempt = 0, exitCode = 0, finishedMs = clock.now()): CriStatus {
  return { id: `${name}-${attempt}`, metadata: { name, attempt }, state, createdAt: ns(finishedMs - 100), startedAt: ns(finishedMs - 90), finishedAt: state === 'CONTAINER_EXITED' ? ns(finishedMs) : '0', exitCode, image: { image: 'i' }, imageRef: 'r', reason: '', message: '', labels: { [CONTAINER_NAME]: name }, annotations: { [RESTART_COUNT]: String(attempt) }, logPath: '' };
}
const pod = (spec: Record<string, unknown>): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { restartPolicy: 'Always', containers: [{ name: 'a', image: 'i' }], ...spec } } as Pod);
const ctx = (b = new Backoff(clock), unhealthy: ActionContext['unhealthy'] = () => undefined): ActionContext => ({ backoff: b, unhealthy });

test('a new pod gets a sandbox and the first init container only', () => {
  const a = computePodActions(pod({ initContainers: [{ name: 'i1', image: 'i' }, { name: 'i2', image: 'i' }] }), [], [], ctx());
  assert.equal(a.createSandbox, true);
  assert.deepEqual(a.start.map((s) => s.container.name), ['i1']);
});

test('init containers run in order, then all containers', () => {
  const p = pod({ initContainers: [{ name: 'i1', image: 'i' }, { name: 'i2', image: 'i' }], containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i' }] });
  assert.deepEqual(computePodActions(p, [sb('SANDBOX_READY')], [cri('i1', 'CONTAINER_RUNNING')], ctx()).start, []);
  assert.deepEqual(computePodActions(p, [sb('SANDBOX_READY')], [cri('i1', 'CONTAINER_EXITED')], ctx()).start.map((s) => s.container.name), ['i2']);
  assert.deepEqual(computePodActions(p, [sb('SANDBOX_READY')], [cri('i1', 'CONTAINER_EXITED'), cri('i2', 'CONTAINER_EXITED')], ctx()).start.map((s) => s.container.name), ['a', 'b']);
});

test('a failed init container fails a Never pod and is restarted otherwise', () => {
  const init = { initContainers: [{ name: 'i1', image: 'i' }] };
  const never = computePodActions(pod({ ...init, restartPolicy: 'Never' }), [sb('SANDBOX_READY')], [cri('i1', 'CONTAINER_EXITED', 0, 1)], ctx());
  assert.equal(never.podDone, true);
  const again = computePodActions(pod(init), [sb('SANDBOX_READY')], [cri('i1', 'CONTAINER_EXITED', 0, 1)], ctx());
  assert.deepEqual(again.start.map((s) => [s.container.name, s.restartCount]), [['i1', 1]]);
});

test('restart policies decide which exited containers restart', () => {
  const exited0 = [cri('a', 'CONTAINER_EXITED', 0, 0)];
  const exited1 = [cri('a', 'CONTAINER_EXITED', 0, 1)];
  const s = [sb('SANDBOX_READY')];
  assert.equal(computePodActions(pod({}), s, exited0, ctx()).start.length, 1, 'Always restarts a success');
  assert.equal(computePodActions(pod({ restartPolicy: 'OnFailure' }), s, exited0, ctx()).podDone, true);
  assert.equal(computePodActions(pod({ restartPolicy: 'OnFailure' }), s, exited1, ctx()).start.length, 1);
  const never = computePodActions(pod({ restartPolicy: 'Never' }), s, exited1, ctx());
  assert.equal(never.start.length, 0);
  assert.equal(never.podDone, true);
});

test('a second crash within the back-off waits with CrashLoopBackOff and the Kubernetes message', () => {
  const b = new Backoff(clock);
  const p = pod({});
  const first = computePodActions(p, [sb('SANDBOX_READY')], [cri('a', 'CONTAINER_EXITED', 0, 1)], ctx(b));
  assert.equal(first.start.length, 1, 'the first restart is immediate');
  b.next(backoffKey(p, p.spec!.containers![0]), clock.now());
  clock.advance(2000);
  const second = computePodActions(p, [sb('SANDBOX_READY')], [cri('a', 'CONTAINER_EXITED', 0, 1), cri('a', 'CONTAINER_EXITED', 1, 1)], ctx(b));
  assert.equal(second.start.length, 0);
  assert.deepEqual(second.waiting.get('a'), { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=a pod=p_ns(u)' });
  assert.equal(second.resyncAt, clock.now() + 10_000, "resync when the back-off since the last finish ends");
  clock.advance(8000);
  assert.equal(computePodActions(p, [sb('SANDBOX_READY')], [cri('a', 'CONTAINER_EXITED', 1, 1, clock.now() - 10_000)], ctx(b)).start[0].restartCount, 2);
});

test('a lost sandbox is re-created with the next attempt; Never pods that ran are finished instead', () => {
  const a = computePodActions(pod({}), [sb('SANDBOX_NOTREADY', 0)], [cri('a', 'CONTAINER_EXITED', 0, 137)], ctx());
  assert.equal(a.createSandbox, true);
  assert.equal(a.sandboxAttempt, 1);
  assert.equal(a.start[0].restartCount, 1);
  const n = computePodActions(pod({ restartPolicy: 'Never' }), [sb('SANDBOX_NOTREADY', 0)], [cri('a', 'CONTAINER_EXITED', 0, 137)], ctx());
  assert.equal(n.createSandbox, false);
  assert.equal(n.podDone, true);
});

test('a container failing liveness is killed', () => {
  const a = computePodActions(pod({}), [sb('SANDBOX_READY')], [cri('a', 'CONTAINER_RUNNING')], ctx(undefined, (id) => (id === 'a-0' ? { reason: 'liveness', message: 'Container a failed liveness probe, will be restarted' } : undefined)));
  assert.deepEqual(a.kill.map((k) => [k.id, k.reason]), [['a-0', 'liveness']]);
});
