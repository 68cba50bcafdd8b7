import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../machinery/clock.js';
import { Backoff, backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import { apiErrorFromResponse } from './rest.js';

test('backoff doubles up to its cap and jitter only ever adds', () => {
  const o = { initialMs: 100, maxMs: 1000, random: () => 0 };
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, o)), [100, 200, 400, 800, 1000, 1000]);
  assert.equal(backoffDelay(1, { ...o, random: () => 0.5, jitter: 1 }), 300);
  const b = new Backoff(o);
  b.next(); b.next();
  assert.equal(b.next(), 400);
  b.reset();
  assert.equal(b.next(), 100);
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('3', now), 3);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.equal(parseRetryAfter('soon', now), undefined);
});

test('sleep follows the injected clock and ends early when aborted', async () => {
  const clock = new FakeClock();
  let woke: boolean | undefined;
  void sleep(clock, 1000, undefined).then((v) => { woke = v; });
  clock.advance(999);
  await Promise.resolve();
  assert.equal(woke, undefined);
  clock.advance(1);
  await new Promise((r) => setImmediate(r));
  assert.equal(woke, true);
  const ac = new AbortController();
  const p = sleep(clock, 1000, ac.signal);
  ac.abort();
  assert.equal(await p, false);
});

test('a Status body becomes an ApiError with its fields; other bodies get the reason of their code', () => {
  const e = apiErrorFromResponse(409, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 409, reason: 'Conflict', message: 'stale', details: { name: 'x', kind: 'pods' } }));
  assert.equal(e.code, 409);
  assert.equal(e.reason, 'Conflict');
  assert.equal(e.message, 'stale');
  assert.deepEqual(e.details, { name: 'x', kind: 'pods' });
  const raw = apiErrorFromResponse(503, 'upstream down\n');
  assert.equal(raw.reason, 'ServiceUnavailable');
  assert.equal(raw.message, 'upstream down');
});
