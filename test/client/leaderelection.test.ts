import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LeaderElector, LEASES, type Lease } from '../../src/client/leaderelection.js';
import type { RestClient } from '../../src/client/rest.js';
import { startCluster, eventually, type TestCluster } from './cluster.js';

let c: TestCluster;
before(async () => { c = await startCluster(); });
after(async () => { await c?.close(); });

interface Candidate { id: string; elector: LeaderElector; abort: AbortController; done: Promise<void> }

/** Two candidates for one lease; `leading` is who believes they lead right now; `overlap` is set if both ever did. */
function election(name: string, timing: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number }, releaseOnCancel: boolean) {
  const leading = new Set<string>();
  const timeline: string[] = [];
  const observed: string[] = [];
  let overlap = false;
  const make = (id: string, client: RestClient): Candidate => {
    const abort = new AbortController();
    const elector = new LeaderElector({
      client, namespace: 'kube-system', name, identity: id, ...timing, releaseOnCancel,
      callbacks: {
        onStartedLeading: () => { leading.add(id); if (leading.size > 1) overlap = true; timeline.push(`start ${id}`); },
        onStoppedLeading: () => { leading.delete(id); timeline.push(`stop ${id}`); },
        onNewLeader: (holder) => { observed.push(`${id} sees ${holder}`); },
      },
    });
    return { id, elector, abort, done: elector.run(abort.signal) };
  };
  return { leading, timeline, observed, make, overlap: () => overlap };
}

async function lease(client: RestClient, name: string): Promise<Lease> {
  return client.get<Lease>(LEASES, name, { namespace: 'kube-system' });
}

test('exactly one of two candidates leads; the other takes over within the lease duration when the leader dies', async () => {
  const timing = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 };
  const e = election('crash', timing, false);
  const cands = [e.make('alpha', c.client()), e.make('beta', c.client())];
  try {
    await eventually(() => e.leading.size === 1, 'a leader', 5000);
    // Both keep campaigning and renewing for a while: never two leaders.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(e.leading.size, 1);
    assert.equal(e.overlap(), false);
    const first = cands.find((x) => e.leading.has(x.id))!;
    const second = cands.find((x) => x !== first)!;
    const l = await lease(c.client(), 'crash');
    assert.equal(l.spec?.holderIdentity, first.id);
    assert.equal(l.spec?.leaseDurationSeconds, 2);
    assert.equal(second.elector.getLeader(), first.id, 'the follower knows who leads');

    // The leader stops without releasing (as if it crashed): the follower must wait the lease out.
    const stoppedAt = Date.now();
    first.abort.abort();
    await first.done;
    await eventually(() => e.leading.has(second.id), 'takeover', 6000);
    const took = Date.now() - stoppedAt;
    assert.ok(took >= 1000, `took over only after the lease ran out (${took} ms)`);
    assert.ok(took <= timing.leaseDurationMs + 2.2 * timing.retryPeriodMs + 600, `took over within the lease duration plus one retry (${took} ms)`);
    assert.equal(e.overlap(), false);
    const after = await lease(c.client(), 'crash');
    assert.equal(after.spec?.holderIdentity, second.id);
    assert.equal(after.spec?.leaseTransitions, 1);
    assert.ok(e.observed.includes(`${second.id} sees ${first.id}`) && e.observed.includes(`${second.id} sees ${second.id}`), `onNewLeader reports each holder: ${e.observed}`);
  } finally {
    for (const x of cands) x.abort.abort();
    await Promise.all(cands.map((x) => x.done));
  }
});

test('a leader that stops cleanly releases the lease and the successor takes over at once', async () => {
  const timing = { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryPeriodMs: 200 };
  const e = election('release', timing, true);
  const cands = [e.make('one', c.client()), e.make('two', c.client())];
  try {
    await eventually(() => e.leading.size === 1, 'a leader', 5000);
    const first = cands.find((x) => e.leading.has(x.id))!;
    const second = cands.find((x) => x !== first)!;
    const stoppedAt = Date.now();
    first.abort.abort();
    await first.done;
    await eventually(() => e.leading.has(second.id), 'takeover', 3000);
    const took = Date.now() - stoppedAt;
    assert.ok(took < 1500, `successor did not wait out the 6 s lease (${took} ms)`);
    assert.deepEqual(e.timeline, [`start ${first.id}`, `stop ${first.id}`, `start ${second.id}`]);
    const l = await lease(c.client(), 'release');
    assert.equal(l.spec?.holderIdentity, second.id);
    assert.equal(l.spec?.leaseTransitions, 1);
  } finally {
    for (const x of cands) x.abort.abort();
    await Promise.all(cands.map((x) => x.done));
  }
  const released = await lease(c.client(), 'release');
  assert.equal(released.spec?.holderIdentity ?? '', '', 'the last leader released too');
});

test('a leader that cannot renew steps down and its signal aborts', async () => {
  const client = c.client({ maxRetries: 0, timeoutMs: 300 });
  let signal: AbortSignal | undefined;
  let stopped = false;
  const abort = new AbortController();
  const elector = new LeaderElector({
    client, namespace: 'kube-system', name: 'lonely', identity: 'solo',
    leaseDurationMs: 2000, renewDeadlineMs: 1000, retryPeriodMs: 200,
    callbacks: { onStartedLeading: (s) => { signal = s; }, onStoppedLeading: () => { stopped = true; } },
  });
  const done = elector.run(abort.signal);
  try {
    await eventually(() => signal !== undefined, 'leading', 5000);
    await c.stopServer();
    await eventually(() => stopped, 'stepped down', 5000);
    assert.equal(signal!.aborted, true);
    assert.equal(elector.isLeader(), false);
    await done;
  } finally {
    abort.abort();
    await done;
    await c.startServer().catch(() => undefined);
  }
});
