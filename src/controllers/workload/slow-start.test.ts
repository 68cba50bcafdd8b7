import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slowStartBatch } from './slow-start.js';

test('calls run in doubling batches until the count is reached', async () => {
  const batches: number[] = [];
  let inFlight = 0;
  let current = 0;
  const r = await slowStartBatch(10, 1, async () => {
    inFlight++;
    current++;
    await new Promise((res) => setImmediate(res));
    if (inFlight > 0) { batches.push(current); current = 0; inFlight = 0; }
  });
  assert.deepEqual(r, { successes: 10, errors: [] });
  assert.deepEqual(batches.filter((n) => n > 0), [1, 2, 4, 3]);
});

test('stops after the first batch with an error and reports what succeeded', async () => {
  let calls = 0;
  const r = await slowStartBatch(100, 1, async (i) => {
    calls++;
    if (i === 4) throw new Error('refused');
  });
  // Batches 1 (i=0), 2 (i=1,2), 4 (i=3..6 with i=4 failing): then stop.
  assert.equal(calls, 7);
  assert.equal(r.successes, 6);
  assert.equal(r.errors.length, 1);
});

test('a zero count makes no calls', async () => {
  let calls = 0;
  assert.deepEqual(await slowStartBatch(0, 1, async () => { calls++; }), { successes: 0, errors: [] });
  assert.equal(calls, 0);
});
