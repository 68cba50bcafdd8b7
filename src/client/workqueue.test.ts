import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../machinery/clock.js';
import { WorkQueue, runWorkers } from './workqueue.js';
import { BucketRateLimiter, ItemExponentialRateLimiter, defaultControllerRateLimiter } from './rate-limiter.js';

/** Resolves with the promise's value, or 'pending' if it has not settled after the microtask queue drains. */
async function peek<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

test('a key added many times while waiting is handed out once', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  q.add('a'); q.add('b'); q.add('a'); q.add('a');
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(await peek(q.get()), 'pending');
  q.shutDown();
});

test('a key being processed is not given to a second worker, and is processed again after done', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  q.add('a');
  assert.equal(await q.get(), 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 're-added key waits for the first processing to finish');
  const second = q.get();
  assert.equal(await peek(second), 'pending');
  q.done('a');
  assert.equal(await peek(second), 'a');
  q.done('a');
  assert.equal(q.len(), 0);
  assert.equal(await peek(q.get()), 'pending', 'the two adds during processing collapse into one');
  q.shutDown();
});

test('a waiting worker gets a key as soon as it is added', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  const g = q.get();
  q.add('x');
  assert.equal(await g, 'x');
  q.add('x');
  assert.equal(q.len(), 0, 'x is processing, so it is only marked dirty');
  q.done('x');
  assert.equal(q.len(), 1);
  q.shutDown();
});

test('per-item backoff doubles from 5 ms and is capped at 1000 s; forget resets it', () => {
  const l = new ItemExponentialRateLimiter<string>(5, 1000 * 1000);
  assert.deepEqual([l.when('a'), l.when('a'), l.when('a'), l.when('a')], [5, 10, 20, 40]);
  assert.equal(l.when('b'), 5, 'items back off independently');
  assert.equal(l.numRequeues('a'), 4);
  for (let i = 0; i < 40; i++) l.when('a');
  assert.equal(l.when('a'), 1000 * 1000);
  l.forget('a');
  assert.equal(l.numRequeues('a'), 0);
  assert.equal(l.when('a'), 5);
});

test('the overall token bucket allows a burst of 100 then 10 per second', () => {
  const clock = new FakeClock();
  const b = new BucketRateLimiter<string>(10, 100, clock);
  for (let i = 0; i < 100; i++) assert.equal(b.when(`k${i}`), 0);
  assert.equal(b.when('k100'), 100);
  assert.equal(b.when('k101'), 200);
  clock.advance(1000);
  // 10 tokens came back; 2 were borrowed already.
  for (let i = 0; i < 8; i++) assert.equal(b.when(`m${i}`), 0);
  assert.equal(b.when('m8'), 100);
});

test('the default controller limiter takes the longer of item backoff and bucket', () => {
  const clock = new FakeClock();
  const l = defaultControllerRateLimiter<string>(clock);
  for (let i = 0; i < 100; i++) assert.equal(l.when(`k${i}`), 5);
  assert.equal(l.when('k100'), 100, 'bucket empty: its delay dominates');
  assert.equal(l.numRequeues('k0'), 1);
  l.forget('k0');
  assert.equal(l.numRequeues('k0'), 0);
});

test('addAfter adds on the injected clock, keeping the earliest time for a key', () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock });
  q.addAfter('a', 1000);
  q.addAfter('a', 5000);
  assert.equal(q.len(), 0);
  clock.advance(999);
  assert.equal(q.len(), 0);
  clock.advance(1);
  assert.equal(q.len(), 1);
  clock.advance(10_000);
  assert.equal(q.len(), 1, 'the later request was merged into the earlier one');
  q.addAfter('b', 2000);
  q.addAfter('b', 500);
  clock.advance(500);
  assert.equal(q.len(), 2, 'an earlier request moves a waiting key forward');
  q.shutDown();
});

test('addRateLimited waits the growing per-item delay', () => {
  const clock = new FakeClock();
  const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter(5, 1000) });
  q.addRateLimited('a');
  clock.advance(4);
  assert.equal(q.len(), 0);
  clock.advance(1);
  assert.equal(q.len(), 1);
  assert.equal(q.numRequeues('a'), 1);
  q.addRateLimited('a'); // already queued: the delayed add is a no-op when it fires
  clock.advance(10);
  assert.equal(q.len(), 1);
  assert.equal(q.numRequeues('a'), 2);
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
  q.shutDown();
});

test('shutDown wakes idle workers with undefined but still hands out queued keys', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  const idle = q.get();
  q.shutDown();
  assert.equal(await idle, undefined);
  const q2 = new WorkQueue<string>({ clock: new FakeClock() });
  q2.add('a');
  q2.shutDown();
  q2.add('b');
  assert.equal(await q2.get(), 'a');
  assert.equal(await q2.get(), undefined, 'adds after shutdown are ignored');
});

test('shutDownWithDrain resolves only after keys in processing are done', async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  q.add('a');
  const k = await q.get();
  const drained = q.shutDownWithDrain();
  assert.equal(await peek(drained), 'pending');
  q.done(k!);
  assert.equal(await peek(drained), undefined);
});

test('runWorkers retries a failing key with backoff and forgets it on success', async () => {
  const q = new WorkQueue<string>({ rateLimiter: new ItemExponentialRateLimiter(1, 50) });
  const calls: string[] = [];
  let failures = 2;
  let active = 0;
  let maxActive = 0;
  const done = runWorkers(q, 3, async (key) => {
    active++;
    maxActive = Math.max(maxActive, active);
    calls.push(key);
    await new Promise((r) => setTimeout(r, 2));
    active--;
    if (key === 'flaky' && failures-- > 0) throw new Error('boom');
  });
  q.add('flaky');
  q.add('ok');
  const deadline = Date.now() + 5000;
  while (calls.filter((c) => c === 'flaky').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(calls.filter((c) => c === 'flaky').length, 3);
  assert.equal(q.numRequeues('flaky'), 0, 'success forgets the backoff');
  assert.ok(maxActive <= 2, 'the two keys may run in parallel, never one key twice');
  await q.shutDownWithDrain();
  await done;
});
