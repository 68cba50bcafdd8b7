import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../machinery/clock.js';
import { Backoff, goDuration } from './backoff.js';

test('restart delays are 10s doubling to 5m', () => {
  const clock = new FakeClock();
  const b = new Backoff(clock);
  const seen: string[] = [];
  for (let i = 0; i < 8; i++) {
    const finished = clock.now();
    b.next('c', finished);
    seen.push(goDuration(b.get('c')));
    assert.equal(b.isInBackOffSince('c', finished), true);
    clock.advance(b.get('c') - 1);
    assert.equal(b.isInBackOffSince('c', finished), true, 'still in back-off just before the delay ends');
    clock.advance(1);
    assert.equal(b.isInBackOffSince('c', finished), false, 'back-off over once the delay has passed');
  }
  assert.deepEqual(seen, ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s', '5m0s']);
});

test('a container quiet for more than 10 minutes starts again at 10s', () => {
  const clock = new FakeClock();
  const b = new Backoff(clock);
  b.next('c', clock.now());
  b.next('c', clock.now());
  assert.equal(b.get('c'), 20_000);
  clock.advance(10 * 60_000 + 1);
  assert.equal(b.isInBackOffSince('c', clock.now()), false);
  b.next('c', clock.now());
  assert.equal(b.get('c'), 10_000);
});

test('the first exit is not in back-off and forget drops a pod', () => {
  const clock = new FakeClock();
  const b = new Backoff(clock);
  assert.equal(b.isInBackOffSince('p_c', clock.now()), false);
  b.next('p_c', clock.now());
  b.forget('p_');
  assert.equal(b.get('p_c'), 0);
});

test('goDuration prints as Go does', () => {
  assert.equal(goDuration(10_000), '10s');
  assert.equal(goDuration(300_000), '5m0s');
  assert.equal(goDuration(3_600_000 + 61_000), '1h1m1s');
  assert.equal(goDuration(1500), '1.5s');
});
