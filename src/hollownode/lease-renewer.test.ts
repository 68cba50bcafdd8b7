import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../machinery/clock.js';
import { LeaseRenewer } from './lease-renewer.js';

const flush = () => new Promise((r) => setImmediate(r));

test('renewals are spread over the period, each lease once per period', async () => {
  const clock = new FakeClock();
  const start = clock.now();
  const writes: { name: string; at: number }[] = [];
  const r = new LeaseRenewer({ clock, periodMs: 10_000, concurrency: 1000, renew: async (name) => { writes.push({ name, at: clock.now() - start }); } });
  for (let i = 0; i < 100; i++) r.add(`n${i}`, Math.floor((i / 100) * 9_000));
  r.start();
  for (let t = 0; t < 29_500; t += 500) {
    clock.advance(500);
    await flush();
  }
  await r.stop();
  // Just under three periods: every lease renewed three times, and no one second holds more than a tenth (+ tick slack).
  for (let i = 0; i < 100; i++) assert.equal(r.renewals.get(`n${i}`), 3, `n${i}`);
  const perSecond = new Map<number, number>();
  for (const w of writes) perSecond.set(Math.floor(w.at / 1000), (perSecond.get(Math.floor(w.at / 1000)) ?? 0) + 1);
  assert.ok(Math.max(...perSecond.values()) <= 12, JSON.stringify([...perSecond]));
});

test('a paused lease is not renewed; resuming renews it at once', async () => {
  const clock = new FakeClock();
  const r = new LeaseRenewer({ clock, periodMs: 1000, concurrency: 4, renew: async () => undefined });
  r.add('a', 0);
  r.add('b', 0);
  r.start();
  clock.advance(100);
  await flush();
  r.pause('b');
  for (let i = 0; i < 30; i++) { clock.advance(100); await flush(); }
  assert.equal(r.renewals.get('a'), 4);
  assert.equal(r.renewals.get('b'), 1);
  r.resume('b');
  await flush();
  assert.equal(r.renewals.get('b'), 2);
  await r.stop();
});

test('no more renewals than the concurrency are in flight; a failed renewal is retried next period', async () => {
  const clock = new FakeClock();
  let inFlight = 0;
  let maxInFlight = 0;
  let failOnce = true;
  const release: (() => void)[] = [];
  const r = new LeaseRenewer({
    clock, periodMs: 1000, concurrency: 3,
    renew: (name) => {
      if (name === 'x' && failOnce) { failOnce = false; return Promise.reject(new Error('boom')); }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<void>((res) => release.push(() => { inFlight--; res(); }));
    },
  });
  for (let i = 0; i < 10; i++) r.add(`n${i}`, 0);
  r.add('x', 0);
  r.start();
  clock.advance(50);
  await flush();
  assert.equal(maxInFlight, 3);
  while (release.length) { release.shift()!(); await flush(); }
  assert.equal(r.renewals.get('x'), undefined, 'the failed renewal is not counted');
  clock.advance(1000);
  await flush();
  while (release.length) { release.shift()!(); await flush(); }
  assert.equal(r.renewals.get('x'), 1);
  assert.equal(maxInFlight, 3);
  await r.stop();
});
