import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startControllerManager } from '../../src/controllers/manager.js';
import { CONTROLLERS } from '../../src/controllers/registry.js';
import { startCluster, eventually, type TestCluster } from '../client/cluster.js';

let c: TestCluster | undefined;
after(async () => { await c?.close(); });

test('"*" runs every controller in one process on one informer factory, "-name" leaves one out, and stop() ends them all', async () => {
  c = await startCluster();
  const logs: string[] = [];
  const all = await startControllerManager({ client: c.client(), controllers: ['*'], log: (m, f) => logs.push(JSON.stringify({ m, ...f })) });
  try {
    await eventually(() => all.running().length === Object.keys(CONTROLLERS).length, 'every controller running');
    assert.deepEqual([...all.running()].sort(), [...Object.keys(CONTROLLERS)].sort());
    await eventually(() => logs.filter((l) => l.includes('caches synced')).length >= 8, 'controllers synced their caches', 10_000);
  } finally {
    const t = Date.now();
    await all.stop();
    assert.ok(Date.now() - t < 5000, 'stopped promptly');
  }
  assert.deepEqual(all.running(), []);
  assert.equal(logs.filter((l) => l.includes('stopped with an error')).length, 0, logs.filter((l) => l.includes('error')).join('\n'));

  const some = await startControllerManager({ client: c.client(), controllers: ['*', '-podgc', '-garbagecollector'], log: () => undefined });
  try {
    await eventually(() => some.running().length > 0, 'running');
    assert.ok(!some.running().includes('podgc') && !some.running().includes('garbagecollector'));
    assert.ok(some.running().includes('namespace'));
  } finally {
    await some.stop();
  }
});
