import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/machinery/clock.js';
import type { KubeObject } from '../../src/api/resource.js';
import { EventRecorder, EVENTS, type CoreEvent } from '../../src/client/events.js';
import { resourceRef, type RestClient } from '../../src/client/rest.js';
import { startCluster, type TestCluster } from './cluster.js';

const CM = resourceRef('', 'v1', 'configmaps');

let c: TestCluster;
before(async () => { c = await startCluster(); });
after(async () => { await c?.close(); });

async function eventsFor(client: RestClient, name: string): Promise<CoreEvent[]> {
  const list = await client.list<CoreEvent>(EVENTS, { namespace: 'default', fieldSelector: `involvedObject.name=${name}` });
  return list.items.sort((a, b) => (a.reason ?? '').localeCompare(b.reason ?? ''));
}

test('identical events are counted on one Event; different ones are separate Events', async () => {
  const client = c.client();
  const obj = await client.create<KubeObject>(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ev-target', namespace: 'default' } });
  const rec = new EventRecorder({ client, component: 'test-controller', host: 'node-1' });
  rec.event(obj, 'Normal', 'Synced', 'synced ok');
  rec.event(obj, 'Normal', 'Synced', 'synced ok');
  rec.eventf(obj, 'Normal', 'Synced', 'synced %s', 'ok');
  rec.event(obj, 'Warning', 'Failed', 'boom');
  await rec.shutdown();
  const evs = await eventsFor(client, 'ev-target');
  assert.equal(evs.length, 2);
  const [failed, synced] = evs as [CoreEvent, CoreEvent];
  assert.equal(synced.count, 3);
  assert.equal(synced.type, 'Normal');
  assert.equal(synced.message, 'synced ok');
  assert.deepEqual(synced.source, { component: 'test-controller', host: 'node-1' });
  assert.equal(synced.involvedObject.kind, 'ConfigMap');
  assert.equal(synced.involvedObject.uid, obj.metadata.uid);
  assert.match(synced.metadata.name!, /^ev-target\.[0-9a-f]+$/);
  assert.ok(synced.firstTimestamp && synced.lastTimestamp && synced.lastTimestamp >= synced.firstTimestamp);
  assert.equal(failed.count, 1);
  assert.equal(failed.type, 'Warning');
  rec.event(obj, 'Normal', 'Synced', 'after shutdown');
  assert.equal(rec.dropped, 1, 'a stopped recorder drops events');
});

test('an identical event outside the window, or after its Event was deleted, starts a new Event', async () => {
  const client = c.client();
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const ref = { kind: 'Node', name: 'node-x', uid: 'u1', apiVersion: 'v1' };
  const rec = new EventRecorder({ client, component: 'kubelet', clock, windowMs: 60_000 });
  rec.event(ref, 'Normal', 'Starting', 'starting kubelet');
  await rec.flush();
  clock.advance(30_000);
  rec.event(ref, 'Normal', 'Starting', 'starting kubelet');
  await rec.flush();
  let evs = await eventsFor(client, 'node-x');
  assert.equal(evs.length, 1, 'a cluster-scoped object gets its events in "default"');
  assert.equal(evs[0]!.count, 2);
  assert.equal(evs[0]!.firstTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(evs[0]!.lastTimestamp, '2026-01-01T00:00:30Z');

  clock.advance(120_000);
  rec.event(ref, 'Normal', 'Starting', 'starting kubelet');
  await rec.flush();
  evs = await eventsFor(client, 'node-x');
  assert.deepEqual(evs.map((e) => e.count), [2, 1]);

  for (const e of evs) await client.delete(EVENTS, e.metadata.name!, { namespace: 'default' });
  rec.event(ref, 'Normal', 'Starting', 'starting kubelet');
  await rec.shutdown();
  evs = await eventsFor(client, 'node-x');
  assert.equal(evs.length, 1);
  assert.equal(evs[0]!.count, 1);
});

test('many different messages for one object and reason are combined into one counted Event', async () => {
  const client = c.client();
  const ref = { kind: 'Pod', namespace: 'default', name: 'noisy', uid: 'u2', apiVersion: 'v1' };
  const rec = new EventRecorder({ client, component: 'kubelet', maxSimilarMessages: 3 });
  for (let i = 0; i < 5; i++) rec.event(ref, 'Warning', 'BackOff', `attempt ${i}`);
  await rec.shutdown();
  const evs = await eventsFor(client, 'noisy');
  const plain = evs.filter((e) => !e.message!.startsWith('(combined'));
  const combined = evs.filter((e) => e.message!.startsWith('(combined'));
  assert.deepEqual(plain.map((e) => e.message).sort(), ['attempt 0', 'attempt 1']);
  assert.equal(combined.length, 1);
  assert.equal(combined[0]!.count, 3);
  assert.equal(combined[0]!.message, '(combined from similar events): attempt 4');
});
