import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../machinery/clock.js';
import { Compactor } from './compactor.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('Compactor', () => {
  it('compacts to the revision that was current one interval earlier, keeping a full interval of history', async () => {
    const clock = new FakeClock();
    let current = 10;
    const compacted: number[] = [];
    const c = new Compactor({ currentRevision: async () => current, compact: async (r) => void compacted.push(r) }, clock, 60_000, (e) => {
      throw e;
    });
    c.start();
    await flush();
    assert.deepEqual(compacted, [], 'nothing is old enough at start');
    current = 25;
    clock.advance(59_999);
    await flush();
    assert.deepEqual(compacted, []);
    clock.advance(1);
    await flush();
    assert.deepEqual(compacted, [10]);
    current = 40;
    clock.advance(60_000);
    await flush();
    assert.deepEqual(compacted, [10, 25]);
    c.stop();
    clock.advance(600_000);
    await flush();
    assert.deepEqual(compacted, [10, 25]);
  });

  it('reports a failed round and tries again next interval', async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let fail = true;
    const compacted: number[] = [];
    const c = new Compactor(
      {
        currentRevision: async () => {
          if (fail) throw new Error('etcd down');
          return 7;
        },
        compact: async (r) => void compacted.push(r),
      },
      clock,
      1000,
      (e) => errors.push(e),
    );
    c.start();
    await flush();
    assert.equal(errors.length, 1);
    fail = false;
    clock.advance(1000);
    await flush();
    clock.advance(1000);
    await flush();
    assert.deepEqual(compacted, [7]);
    c.stop();
  });
});
