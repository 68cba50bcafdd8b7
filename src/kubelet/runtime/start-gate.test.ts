import assert from 'node:assert/strict';
import { it } from 'node:test';
import { StartGate } from './start-gate.js';

const tick = () => new Promise((r) => setImmediate(r));

/** A task that records when it runs and finishes when told. */
function task(log: string[], name: string): { run: () => Promise<string>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((r) => { finish = r; });
  return { run: async () => { log.push(`start ${name}`); await done; log.push(`end ${name}`); return name; }, finish };
}

it('runs at most limit tasks at once and starts the next as one ends', async () => {
  const gate = new StartGate(2);
  const log: string[] = [];
  const t = ['a', 'b', 'c'].map((n) => task(log, n));
  const results = t.map((x) => gate.run(false, x.run));
  await tick();
  assert.deepEqual(log, ['start a', 'start b']);
  assert.equal(gate.waiting, 1);
  t[0]!.finish();
  await tick(); await tick();
  assert.deepEqual(log, ['start a', 'start b', 'end a', 'start c']);
  t[1]!.finish(); t[2]!.finish();
  assert.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
});

it('lets urgent waiters in before ones that queued earlier', async () => {
  const gate = new StartGate(1);
  const log: string[] = [];
  const first = task(log, 'first');
  const sandbox = task(log, 'sandbox');
  const container = task(log, 'container');
  const p = [gate.run(false, first.run), gate.run(false, sandbox.run), gate.run(true, container.run)];
  await tick();
  first.finish();
  await tick(); await tick();
  assert.equal(log.at(-1), 'start container');
  container.finish(); sandbox.finish();
  await Promise.all(p);
  assert.deepEqual(log.filter((l) => l.startsWith('start')), ['start first', 'start container', 'start sandbox']);
});

it('gives the slot back when a task fails', async () => {
  const gate = new StartGate(1);
  await assert.rejects(gate.run(false, async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await gate.run(false, async () => 'next'), 'next');
});

it('refuses a limit below one', () => {
  assert.throws(() => new StartGate(0), /at least 1/);
});
