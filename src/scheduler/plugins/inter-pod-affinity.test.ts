import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import { Code, type Status } from '../framework/status.js';
import { makeNode, makePod, world } from '../testing.js';
import { interPodAffinity, ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY } from './inter-pod-affinity.js';

const nodes = [makeNode('a1', { labels: { zone: 'a' } }), makeNode('a2', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } })];
const term = (labels: Record<string, string>, key: string) => ({ labelSelector: { matchLabels: labels }, topologyKey: key });

function run(existing: ReturnType<typeof makePod>[], pod: ReturnType<typeof makePod>) {
  const w = world(nodes, existing);
  const ipa = interPodAffinity(w.snapshot);
  const pi = new PodInfo(pod);
  const state = new CycleState();
  ipa.preFilter(state, pod, pi, w.snapshot.nodeInfos());
  return Object.fromEntries(['a1', 'a2', 'b1'].map((n) => [n, ipa.filter(state, pod, pi, w.snapshot.get(n)!)]));
}

test('required affinity: only nodes in the zone of a matching pod', () => {
  const r = run([makePod('db', { node: 'a2', labels: { app: 'db' } })], makePod('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone')] } } } }));
  assert.equal(r.a1, undefined);
  assert.equal(r.a2, undefined);
  assert.equal(r.b1?.code, Code.UnschedulableAndUnresolvable);
  assert.deepEqual(r.b1?.reasons, [ERR_REASON_AFFINITY]);
});

test('required affinity with no matching pod anywhere: the first pod of a group that matches itself may go anywhere', () => {
  const r = run([], makePod('db', { labels: { app: 'db' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone')] } } } }));
  assert.deepEqual(Object.values(r), [undefined, undefined, undefined]);
});

test('required anti-affinity, of the pod and of existing pods', () => {
  const own = run([makePod('x', { node: 'a1', labels: { app: 'web' } })], makePod('w', { labels: { app: 'web' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'zone')] } } } }));
  assert.deepEqual(own.a2?.reasons, [ERR_REASON_ANTI_AFFINITY]);
  assert.equal(own.b1, undefined);
  const theirs = run([makePod('x', { node: 'b1', spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'kubernetes.io/hostname')] } } } })], makePod('w', { labels: { app: 'web' } }));
  assert.deepEqual(theirs.b1?.reasons, [ERR_REASON_EXISTING_ANTI_AFFINITY]);
  assert.equal(theirs.a1, undefined);
});

test('preferred affinity scores the matching zone 100 and others 0', () => {
  const w = world(nodes, [makePod('db', { node: 'b1', labels: { app: 'db' } })]);
  const ipa = interPodAffinity(w.snapshot);
  const pod = makePod('web', { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ app: 'db' }, 'zone') }] } } } });
  const pi = new PodInfo(pod);
  const state = new CycleState();
  ipa.preScore(state, pod, pi, w.snapshot.nodeInfos());
  const scores = ['a1', 'b1'].map((n) => ({ name: n, score: ipa.score(state, pod, pi, w.snapshot.get(n)!) }));
  ipa.normalizeScore!(state, pod, scores);
  assert.deepEqual(scores.map((s) => s.score), [0, 100]);
});

test('required anti-affinity counts only pods in the namespaces its term names', () => {
  const anti = (namespaces?: string[]) => makePod('w', { namespace: 'team-a', labels: { app: 'web' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term({ app: 'web' }, 'zone'), namespaces }] } } } });
  const existing = [makePod('x', { namespace: 'team-b', node: 'a1', labels: { app: 'web' } }), makePod('y', { namespace: 'team-c', node: 'b1', labels: { app: 'web' } })];
  // No namespaces: the pod's own, where no web pod runs.
  assert.deepEqual(Object.values(run(existing, anti())), [undefined, undefined, undefined]);
  const named = run(existing, anti(['team-b']));
  assert.deepEqual(named.a2?.reasons, [ERR_REASON_ANTI_AFFINITY], 'x in team-b blocks zone a');
  assert.equal(named.b1, undefined, 'y in team-c is not named');
  const all = run(existing, makePod('w', { namespace: 'team-a', labels: { app: 'web' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term({ app: 'web' }, 'zone'), namespaceSelector: {} }] } } } }));
  assert.deepEqual([all.a1?.reasons, all.b1?.reasons], [[ERR_REASON_ANTI_AFFINITY], [ERR_REASON_ANTI_AFFINITY]], 'an empty namespaceSelector means every namespace');
});

test('required affinity follows a matching pod that moved to another node and forgets one that left', () => {
  const w = world(nodes, []);
  const db = makePod('db', { namespace: 'ns', node: 'a1', labels: { app: 'db' } });
  w.cache.addPod(db);
  const moved = { ...db, spec: { ...db.spec, nodeName: 'b1' } };
  w.cache.updatePod(db, moved);
  const ipa = interPodAffinity(w.snapshot);
  const pod = makePod('web', { namespace: 'ns', spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone')] } } } });
  const filter = () => {
    const pi = new PodInfo(pod);
    const state = new CycleState();
    w.snapshot.update();
    ipa.preFilter(state, pod, pi, w.snapshot.nodeInfos());
    return ['a1', 'b1'].map((n) => ipa.filter(state, pod, pi, w.snapshot.get(n)!)?.code);
  };
  assert.deepEqual(filter(), [Code.UnschedulableAndUnresolvable, undefined]);
  w.cache.removePod(moved);
  // No db pod anywhere any more, and the pod does not match its own term: no node will do.
  assert.deepEqual(filter(), [Code.UnschedulableAndUnresolvable, Code.UnschedulableAndUnresolvable]);
});

test("existing pods' anti-affinity: replicas sharing a term count per domain, and preemption's what-if removals and nominated additions change only the cycle's copy", () => {
  const antiWeb = (name: string, node: string) => makePod(name, { node, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'zone')] } } } });
  const x1 = antiWeb('x1', 'a1');
  const x2 = antiWeb('x2', 'a2');
  const w = world(nodes, [x1, x2]);
  const ipa = interPodAffinity(w.snapshot);
  const pod = makePod('w', { labels: { app: 'web' } });
  const pi = new PodInfo(pod);
  const state = new CycleState();
  assert.equal(ipa.preFilter(state, pod, pi, w.snapshot.nodeInfos()), undefined);
  const verdict = (s: CycleState) => ['a1', 'a2', 'b1'].map((n) => ipa.filter(s, pod, pi, w.snapshot.get(n)!)?.reasons?.[0] ?? 'fits');
  const E = ERR_REASON_EXISTING_ANTI_AFFINITY;
  assert.deepEqual(verdict(state), [E, E, 'fits']);
  const ext = ipa.preFilterExtensions!()!;
  const before = state.clone();
  // Zone a holds two of the group's pods: removing one leaves it blocked, removing both frees it.
  ext.removePod!(state, pod, new PodInfo(x1), w.snapshot.get('a1')!);
  assert.deepEqual(verdict(state), [E, E, 'fits']);
  ext.removePod!(state, pod, new PodInfo(x2), w.snapshot.get('a2')!);
  assert.deepEqual(verdict(state), ['fits', 'fits', 'fits']);
  // A nominated pod with the same term on b1 blocks zone b for this cycle only.
  ext.addPod!(state, pod, new PodInfo(antiWeb('n1', 'b1')), w.snapshot.get('b1')!);
  assert.deepEqual(verdict(state), ['fits', 'fits', E]);
  assert.deepEqual(verdict(before), [E, E, 'fits'], 'the clone taken before is untouched');
  // The cache itself never changed: a new cycle sees zone a blocked again.
  const again = new CycleState();
  ipa.preFilter(again, pod, pi, w.snapshot.nodeInfos());
  assert.deepEqual(verdict(again), [E, E, 'fits']);
  // A pod the term does not select skips the plugin.
  const other = makePod('o', { labels: { app: 'db' } });
  assert.equal((ipa.preFilter(new CycleState(), other, new PodInfo(other), w.snapshot.nodeInfos()) as Status | undefined)?.code, Code.Skip);
});

test("existing pods' anti-affinity: two different terms on one topology key add up in a domain when a what-if removes one pod", () => {
  const anti = (name: string, node: string, labels: Record<string, string>) => makePod(name, { node, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(labels, 'zone')] } } } });
  const byApp = anti('x', 'a1', { app: 'web' });
  const byTier = anti('y', 'a2', { tier: 'front' });
  const w = world(nodes, [byApp, byTier]);
  const ipa = interPodAffinity(w.snapshot);
  const pod = makePod('w', { labels: { app: 'web', tier: 'front' } });
  const pi = new PodInfo(pod);
  const state = new CycleState();
  ipa.preFilter(state, pod, pi, w.snapshot.nodeInfos());
  const verdict = () => ['a1', 'a2', 'b1'].map((n) => ipa.filter(state, pod, pi, w.snapshot.get(n)!)?.reasons?.[0] ?? 'fits');
  const E = ERR_REASON_EXISTING_ANTI_AFFINITY;
  assert.deepEqual(verdict(), [E, E, 'fits']);
  // Without x, y's term still covers zone a.
  ipa.preFilterExtensions!()!.removePod!(state, pod, new PodInfo(byApp), w.snapshot.get('a1')!);
  assert.deepEqual(verdict(), [E, E, 'fits']);
  ipa.preFilterExtensions!()!.removePod!(state, pod, new PodInfo(byTier), w.snapshot.get('a2')!);
  assert.deepEqual(verdict(), ['fits', 'fits', 'fits']);
});
