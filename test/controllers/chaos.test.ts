// Chaos: an RC of 50 while pods are deleted at random 200 times, in bursts. It must always come
// back to 50, never have more than 50 live pods (its expectations forbid acting on a cache that
// has not seen its own creations), and never create a pod it later has to delete: creations must
// equal the initial 50 plus exactly one replacement per pod killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/core/v1/pod.js';
import type { ReplicationController } from '../../src/api/core/v1/replicationcontroller.js';
import { isNotFound } from '../../src/client/rest.js';
import { createReplicationControllerController } from '../../src/controllers/replication/index.js';
import { PODS, REPLICATION_CONTROLLERS } from '../../src/controllers/workload/resources.js';
import { startWorkloadBench, eventually, activePods, eventsFor, ns } from './workload-harness.js';

/** A seeded generator (mulberry32) so a failing run can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('an RC of 50 survives 200 random pod deletions without overshooting or double-creating', async () => {
  const b = await startWorkloadBench();
  const seed = Number(process.env.CHAOS_SEED ?? 4242);
  const random = rng(seed);
  const watchAbort = new AbortController();
  let observing: Promise<void> | undefined;
  try {
    b.start(createReplicationControllerController);
    const owner = await b.client.create<ReplicationController>(REPLICATION_CONTROLLERS, {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'chaos', namespace: ns },
      spec: { replicas: 50, selector: { app: 'chaos' }, template: { metadata: { labels: { app: 'chaos' } }, spec: { containers: [{ name: 'c', image: 'pause' }] } } },
    } as ReplicationController);

    // The observer: every pod the API server ever held for this RC, from one watch.
    const live = new Set<string>();
    let created = 0;
    let maxLive = 0;
    const stream = await b.client.watch<Pod>(PODS, { namespace: ns, labelSelector: 'app=chaos', resourceVersion: owner.metadata.resourceVersion, signal: watchAbort.signal });
    observing = (async () => {
      try {
        for await (const ev of stream) {
          const name = ev.object.metadata.name!;
          if (ev.type === 'ADDED') { created++; live.add(name); }
          if (ev.type === 'DELETED' || (ev.type === 'MODIFIED' && ev.object.metadata.deletionTimestamp)) live.delete(name);
          maxLive = Math.max(maxLive, live.size);
        }
      } catch {
        // closed at the end of the test
      }
    })();

    await eventually(() => live.size === 50, '50 pods at first', 20_000);
    let killed = 0;
    while (killed < 200) {
      const burst = Math.min(200 - killed, 1 + Math.floor(random() * 15));
      const names = [...live];
      const victims = new Set<string>();
      while (victims.size < Math.min(burst, names.length)) victims.add(names[Math.floor(random() * names.length)]!);
      const results = await Promise.allSettled([...victims].map((n) => b.client.delete(PODS, n, { namespace: ns })));
      for (const r of results) {
        if (r.status === 'fulfilled') killed++;
        else if (!isNotFound(r.reason)) throw r.reason;
      }
      // Sometimes a breath to let it catch up, sometimes the next burst at once.
      if (random() < 0.5) await new Promise((r) => setTimeout(r, Math.floor(random() * 100)));
    }
    await eventually(() => live.size === 50, 'back to 50 after the chaos', 30_000);
    await eventually(async () => (await activePods(b.client, 'app=chaos')).length === 50, '50 active pods in the API', 10_000);
    await eventually(async () => (await b.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'chaos', { namespace: ns })).status?.replicas === 50, 'status.replicas 50', 10_000);
    // Quiet for a moment: nothing more may be created.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(live.size, 50);
    assert.ok(maxLive <= 50, `never more than 50 live pods (seed ${seed}), saw ${maxLive}`);
    assert.equal(created, 50 + killed, `one creation per slot: 50 + ${killed} replacements (seed ${seed})`);
    const deletes = (await eventsFor(b.client, owner)).filter((e) => e.reason === 'SuccessfulDelete');
    assert.equal(deletes.length, 0, 'the controller never had to delete a surplus pod');
  } finally {
    watchAbort.abort();
    await observing?.catch(() => undefined);
    await b.stop();
  }
});
