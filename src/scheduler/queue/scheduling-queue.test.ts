import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../machinery/clock.js';
import { prioritySort } from '../plugins/priority-sort.js';
import { makePod } from '../testing.js';
import { SchedulingQueue } from './scheduling-queue.js';
import { Heap } from './heap.js';
import type { ClusterEvent } from '../framework/types.js';

function queue(clock = new FakeClock()) {
  const sort = prioritySort();
  return new SchedulingQueue({ clock, less: (a, b) => sort.less(a, b), pluginEvents: new Map([
    ['NodeResourcesFit', [{ resource: 'Node', action: 'Add' }, { resource: 'AssignedPod', action: 'Delete' }]],
    ['TaintToleration', [{ resource: 'Node', action: 'Update' }]],
  ]) });
}

test('the heap pops in order and supports update and delete by key', () => {
  const h = new Heap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
  for (const [k, v] of [['a', 5], ['b', 1], ['c', 3], ['d', 4]] as const) h.addOrUpdate({ k, v });
  h.addOrUpdate({ k: 'a', v: 0 });
  h.delete('c');
  assert.deepEqual([h.pop()!.k, h.pop()!.k, h.pop()!.k, h.pop()], ['a', 'b', 'd', undefined]);
});

test('activeQ pops higher priority first, then the older', async () => {
  const clock = new FakeClock();
  const q = queue(clock);
  q.add(makePod('low', { priority: 1 }));
  clock.advance(1);
  q.add(makePod('high-new', { priority: 10 }));
  q.add(makePod('mid', { priority: 5 }));
  clock.advance(1);
  q.add(makePod('high-newer', { priority: 10 }));
  const order = [];
  for (let i = 0; i < 4; i++) order.push((await q.pop())!.podInfo.pod.metadata.name);
  assert.deepEqual(order, ['high-new', 'high-newer', 'mid', 'low']);
});

test('an unschedulable pod waits for an event its rejecting plugin registered, then backs off 1 s, 2 s, ... up to 10 s', async () => {
  const clock = new FakeClock();
  const q = queue(clock);
  q.add(makePod('p'));
  const qp = (await q.pop())!;
  qp.unschedulablePlugins = new Set(['NodeResourcesFit']);
  q.addUnschedulableIfNotPresent(qp, q.schedulingCycle);
  assert.deepEqual(q.lengths(), { active: 0, backoff: 0, unschedulable: 1 });
  assert.equal(q.moveAllToActiveOrBackoff({ resource: 'Node', action: 'Update' }), 0, 'a node update does not help a pod short of cpu');
  assert.equal(q.moveAllToActiveOrBackoff({ resource: 'Node', action: 'Add' }), 1);
  assert.deepEqual(q.lengths(), { active: 0, backoff: 1, unschedulable: 0 }, 'still inside its 1 s backoff');
  clock.advance(1000);
  q.flushBackoffCompleted();
  assert.equal(q.lengths().active, 1);
  const again = (await q.pop())!;
  assert.equal(again.attempts, 2);
  assert.equal(q.backoffDuration(again), 2000);
  again.attempts = 10;
  assert.equal(q.backoffDuration(again), 10_000);
});

/** Pops a pod, delivers `event` during its cycle, then has NodeResourcesFit reject it: the queue lengths after. */
async function rejectedAfterEventInCycle(event: ClusterEvent) {
  const q = queue();
  q.add(makePod('p'));
  const qp = (await q.pop())!;
  const cycle = q.schedulingCycle;
  q.moveAllToActiveOrBackoff(event);
  qp.unschedulablePlugins = new Set(['NodeResourcesFit']);
  q.addUnschedulableIfNotPresent(qp, cycle);
  return q.lengths();
}

test('a move request during the pod\'s cycle sends it to backoff instead of parking it', async () => {
  assert.deepEqual(await rejectedAfterEventInCycle({ resource: 'Node', action: 'Add' }), { active: 0, backoff: 1, unschedulable: 0 });
});

test('an event during the pod\'s cycle that none of its rejecting plugins cares about leaves it parked', async () => {
  // Another pod bound meanwhile: it cannot make room for a pod short of cpu.
  assert.deepEqual(await rejectedAfterEventInCycle({ resource: 'AssignedPod', action: 'Add' }), { active: 0, backoff: 0, unschedulable: 1 });
});

test('events from before a pod was popped do not count as arriving during its cycle', async () => {
  const q = queue();
  q.add(makePod('a'));
  q.add(makePod('b'));
  const a = (await q.pop())!;
  q.moveAllToActiveOrBackoff({ resource: 'Node', action: 'Add' }); // while only a is in flight
  const b = (await q.pop())!;
  const bCycle = q.schedulingCycle;
  a.unschedulablePlugins = new Set(['NodeResourcesFit']);
  q.addUnschedulableIfNotPresent(a, bCycle - 1);
  b.unschedulablePlugins = new Set(['NodeResourcesFit']);
  q.addUnschedulableIfNotPresent(b, bCycle);
  assert.deepEqual(q.lengths(), { active: 0, backoff: 1, unschedulable: 1 }, 'a retried, b parked');
});

test('parked pods are retried after 5 minutes without any event (the periodic flush)', async () => {
  const clock = new FakeClock();
  const q = queue(clock);
  q.run();
  try {
    q.add(makePod('p'));
    const qp = (await q.pop())!;
    qp.unschedulablePlugins = new Set(['TaintToleration']);
    q.addUnschedulableIfNotPresent(qp, q.schedulingCycle);
    clock.advance(4 * 60_000);
    assert.equal(q.lengths().unschedulable, 1);
    clock.advance(61_000);
    assert.equal(q.lengths().unschedulable, 0);
    assert.equal(q.lengths().active, 1);
  } finally {
    q.close();
  }
});

test('pop waits for a pod and returns null once closed', async () => {
  const q = queue();
  const waiting = q.pop();
  q.add(makePod('late'));
  assert.equal((await waiting)!.podInfo.pod.metadata.name, 'late');
  const pending = q.pop();
  q.close();
  assert.equal(await pending, null);
});
