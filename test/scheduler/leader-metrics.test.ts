// Two schedulers for availability: only the holder of Lease kube-system/kube-scheduler schedules;
// when it stops, the other takes over. And the /metrics registry counts what happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, eventually } from '../client/cluster.js';
import { startScheduler, type RunningScheduler } from '../../src/scheduler/index.js';
import { LEASES, type Lease } from '../../src/client/leaderelection.js';
import { createNode, PODS, podObject, podsOn } from './fixtures.js';

test('with leader election one scheduler leads; the other takes over when it stops', async () => {
  const c = await startCluster();
  const started: RunningScheduler[] = [];
  try {
    const client = c.client();
    await createNode(client, 'n1');
    const a = await startScheduler({ client: c.client(), leaderElect: true, identity: 'sched-a' });
    started.push(a);
    await eventually(() => a.isLeader(), 'a leads', 10_000);
    const b = await startScheduler({ client: c.client(), leaderElect: true, identity: 'sched-b' });
    started.push(b);
    await client.create(PODS, podObject('first'));
    await eventually(async () => (await podsOn(client)).get('first') === 'n1', 'first bound', 10_000);
    assert.equal(b.isLeader(), false);
    assert.equal((await client.get<Lease>(LEASES, 'kube-scheduler', { namespace: 'kube-system' })).spec?.holderIdentity, 'sched-a');
    await a.stop();
    await eventually(() => b.isLeader(), 'b takes over', 15_000);
    await client.create(PODS, podObject('second'));
    await eventually(async () => (await podsOn(client)).get('second') === 'n1', 'second bound by b', 10_000);
    assert.equal((await client.get<Lease>(LEASES, 'kube-scheduler', { namespace: 'kube-system' })).spec?.holderIdentity, 'sched-b');
  } finally {
    for (const s of started) await s.stop().catch(() => undefined);
    await c.close();
  }
});

test('metrics count attempts by result and profile and show pending pods by queue', async () => {
  const c = await startCluster();
  let s: RunningScheduler | undefined;
  try {
    const client = c.client();
    await createNode(client, 'n1', { cpu: '1' });
    s = await startScheduler({ client });
    await client.create(PODS, podObject('fits', { cpu: '500m' }));
    await client.create(PODS, podObject('too-big', { cpu: '2' }));
    await eventually(async () => (await podsOn(client)).get('fits') === 'n1', 'fits bound', 10_000);
    await eventually(() => s!.queue.lengths().unschedulable === 1, 'too-big parked', 10_000);
    const text = await s.metrics.registry.metrics();
    assert.match(text, /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} 1/);
    assert.match(text, /scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"\} 1/);
    assert.match(text, /scheduler_pending_pods\{queue="unschedulable"\} 1/);
    assert.match(text, /scheduler_pending_pods\{queue="active"\} 0/);
    assert.match(text, /scheduler_scheduling_attempt_duration_seconds_count\{result="scheduled",profile="default-scheduler"\} 1/);
  } finally {
    await s?.stop().catch(() => undefined);
    await c.close();
  }
});
