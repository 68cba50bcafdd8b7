import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../machinery/clock.js';
import { LeaderElector, microTime, type Lease } from './leaderelection.js';
import type { RestClient } from './rest.js';

/** One Lease in memory with resourceVersion compare-and-swap: what the elector needs of a client. */
function leaseClient(initial: Lease) {
  let stored = structuredClone(initial);
  let rv = 1;
  const updates: number[] = [];
  const client = {
    async get() { return structuredClone({ ...stored, metadata: { ...stored.metadata, resourceVersion: String(rv) } }); },
    async update(_ref: unknown, obj: Lease) {
      if (obj.metadata?.resourceVersion !== String(rv)) throw Object.assign(new Error('conflict'), { code: 409 });
      rv++;
      stored = structuredClone(obj);
      updates.push(rv);
      return structuredClone({ ...stored, metadata: { ...stored.metadata, resourceVersion: String(rv) } });
    },
    async create() { throw new Error('the lease exists'); },
  };
  return { client: client as unknown as RestClient, lease: () => stored };
}

test('a follower takes a dead holder\'s lease as soon as it runs out, not a jittered retry later', async () => {
  const clock = new FakeClock();
  const t0 = clock.now();
  // Held by a leader that never renews again (it died just now).
  const { client, lease } = leaseClient({
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'x', namespace: 'kube-system' },
    spec: { holderIdentity: 'dead', leaseDurationSeconds: 3, acquireTime: microTime(t0), renewTime: microTime(t0), leaseTransitions: 0 },
  });
  let startedAt = -1;
  const abort = new AbortController();
  const elector = new LeaderElector({
    client, namespace: 'kube-system', name: 'x', identity: 'follower', clock,
    leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 1000,
    // The largest jitter: attempts 2.2 s apart, so the lease's end falls between two attempts.
    random: () => 1,
    callbacks: { onStartedLeading: () => { startedAt = clock.now(); } },
  });
  const done = elector.run(abort.signal);
  try {
    for (let i = 0; i < 100 && startedAt < 0; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(100);
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(startedAt >= 0, 'the follower leads');
    assert.ok(startedAt - t0 >= 3000, `not before the lease ran out (${startedAt - t0} ms)`);
    assert.ok(startedAt - t0 <= 3100, `at the lease's end, not at the next jittered attempt (4,400 ms): ${startedAt - t0} ms`);
    assert.equal(lease().spec?.holderIdentity, 'follower');
    assert.equal(lease().spec?.leaseTransitions, 1);
  } finally {
    abort.abort();
    clock.advance(10_000);
    await done;
  }
});
