import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventRecorder } from '../../client/events.js';
import { RestClient } from '../../client/rest.js';
import { FakeClock } from '../../machinery/clock.js';
import { SchedulerCache } from '../cache/cache.js';
import { Snapshot } from '../cache/snapshot.js';
import { inTreeRegistry } from '../plugins/registry.js';
import { makeNode, makePod, world } from '../testing.js';
import { Framework, WaitingPods } from './framework.js';
import { PodInfo } from './pod-info.js';
import { Code, Status } from './status.js';
import type { FilterPlugin, PermitPlugin, PluginFactory, PreFilterPlugin } from './types.js';

test('a plugin from outside the tree: registered by name, enabled by a profile, holding pods at Permit until allowed or timed out', async () => {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ clock });
  cache.addNode(makeNode('n'));
  const snapshot = new Snapshot(cache);
  snapshot.update();
  const client = new RestClient({ server: 'http://127.0.0.1:1', maxRetries: 0 });
  const holdAll: PluginFactory = (args) => ({ name: 'HoldAll', permit: () => ({ status: new Status(Code.Wait), timeoutMs: Number(args.timeoutMs) }) }) as PermitPlugin;
  const fwk = new Framework({
    profile: { schedulerName: 'gang', plugins: { permit: { enabled: [{ name: 'HoldAll' }] } }, pluginConfig: [{ name: 'HoldAll', args: { timeoutMs: 100 } }] },
    registry: new Map([...inTreeRegistry(), ['HoldAll', holdAll]]), snapshot, client, clock,
    recorder: new EventRecorder({ client, component: 'gang', clock }), lister: { selectorsFor: () => undefined }, nominatedPodsForNode: () => [],
  });
  assert.deepEqual(fwk.permit.map((p) => p.name), ['HoldAll']);
  const waiting = new WaitingPods();
  const allowed = fwk.runPermitPlugins(fwk.newCycleState(), makePod('a'), 'n', waiting);
  assert.equal(waiting.has('default/a'), true);
  waiting.allow('default/a', 'HoldAll');
  assert.equal((await allowed).code, Code.Success);
  const timedOut = fwk.runPermitPlugins(fwk.newCycleState(), makePod('b'), 'n', waiting);
  clock.advance(100);
  const s = await timedOut;
  assert.equal(s.code, Code.Unschedulable);
  assert.equal(s.message(), 'rejected due to timeout after waiting 0.1s at plugin HoldAll');
  client.close();
});

test('room a higher-priority pod was nominated for is not given to a lower-priority pod', () => {
  const w = world([makeNode('n', { cpu: '2' })], [makePod('x', { node: 'n', cpu: '1' })]);
  const preemptor = makePod('preemptor', { cpu: '1', priority: 100 });
  w.nominated.set('n', [new PodInfo(preemptor)]);
  const low = makePod('low', { cpu: '1', priority: 1 });
  const state = w.fwk.newCycleState();
  w.fwk.runPreFilterPlugins(state, low, new PodInfo(low), w.snapshot.nodeInfos());
  assert.deepEqual(w.fwk.runFilterPluginsWithNominatedPods(state, low, new PodInfo(low), w.snapshot.get('n')!).reasons, ['Insufficient cpu']);
  const high = makePod('high', { cpu: '1', priority: 1000 });
  assert.equal(w.fwk.runFilterPluginsWithNominatedPods(w.fwk.newCycleState(), high, new PodInfo(high), w.snapshot.get('n')!).isSuccess(), true, 'a lower-priority nomination does not hold back a more important pod');
  const itself = w.fwk.runFilterPluginsWithNominatedPods(w.fwk.newCycleState(), preemptor, new PodInfo(preemptor), w.snapshot.get('n')!);
  assert.equal(itself.isSuccess(), true, 'the nominated pod itself fits in its room');
});

test('scores are weighted sums of normalized plugin scores; the best node wins', () => {
  const w = world([makeNode('busy', { cpu: '4' }), makeNode('idle', { cpu: '4' })], [makePod('x', { node: 'busy', cpu: '3' })]);
  const pod = makePod('p', { cpu: '100m' });
  const pi = new PodInfo(pod);
  const state = w.fwk.newCycleState();
  w.fwk.runPreFilterPlugins(state, pod, pi, w.snapshot.nodeInfos());
  assert.equal(w.fwk.runPreScorePlugins(state, pod, pi, w.snapshot.nodeInfos()).isSuccess(), true);
  const [busy, idle] = w.fwk.runScorePlugins(state, pod, pi, w.snapshot.nodeInfos());
  assert.ok(idle! > busy!, `idle ${idle} should beat busy ${busy}`);
});

test('a Filter whose PreFilter said Skip is not run on any node; the others run on every node', () => {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ clock });
  for (const n of ['n1', 'n2', 'n3']) cache.addNode(makeNode(n));
  const snapshot = new Snapshot(cache);
  snapshot.update();
  const client = new RestClient({ server: 'http://127.0.0.1:1', maxRetries: 0 });
  const calls: string[] = [];
  const skipping: PluginFactory = () => ({ name: 'Skipping', preFilter: () => new Status(Code.Skip), filter: (_s, _p, _pi, n) => { calls.push(`Skipping@${n.name}`); return undefined; } }) as PreFilterPlugin & FilterPlugin;
  const counting: PluginFactory = () => ({ name: 'Counting', filter: (_s, _p, _pi, n) => { calls.push(`Counting@${n.name}`); return n.name === 'n2' ? Status.unschedulable('no') : undefined; } }) as FilterPlugin;
  const fwk = new Framework({
    profile: { schedulerName: 'x', plugins: { multiPoint: { enabled: [{ name: 'Skipping' }, { name: 'Counting' }] } } },
    registry: new Map([...inTreeRegistry(), ['Skipping', skipping], ['Counting', counting]]), snapshot, client, clock,
    recorder: new EventRecorder({ client, component: 'x', clock }), lister: { selectorsFor: () => undefined }, nominatedPodsForNode: () => [],
  });
  const pod = makePod('p');
  const pi = new PodInfo(pod);
  const state = fwk.newCycleState();
  assert.ok(fwk.runPreFilterPlugins(state, pod, pi, snapshot.nodeInfos()).status.isSuccess());
  const results = snapshot.nodeInfos().map((n) => fwk.runFilterPlugins(state, pod, n, pi));
  assert.deepEqual(results.map((s) => s.isSuccess()), [true, false, true]);
  assert.equal(results[1]!.plugin, 'Counting');
  assert.deepEqual(calls, ['Counting@n1', 'Counting@n2', 'Counting@n3']);
  // A fresh cycle without the PreFilter (no skips) runs both.
  calls.length = 0;
  fwk.runFilterPlugins(fwk.newCycleState(), pod, snapshot.nodeInfos()[0]!, pi);
  assert.deepEqual(calls, ['Skipping@n1', 'Counting@n1']);
  client.close();
});
