// Pods get their priority from PriorityClasses at admission, and the default NoExecute tolerations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, pod, type Harness } from './harness.js';
import { allResources } from '../../src/api/registry.js';

let h: Harness;
before(async () => { h = await startHarness({ resources: allResources() }); });
after(async () => { await h?.stop(); });

const PC = '/apis/scheduling.k8s.io/v1/priorityclasses';
const PODS = '/api/v1/namespaces/default/pods';

test('the system priority classes exist from the start', async () => {
  const r = await h.req('GET', `${PC}/system-node-critical`);
  assert.equal(r.status, 200);
  assert.equal(r.json.value, 2000001000);
  assert.equal(r.json.preemptionPolicy, 'PreemptLowerPriority');
});

test('a pod without a class gets priority 0 and the default tolerations', async () => {
  const r = await h.req('POST', PODS, pod('plain'));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.spec.priority, 0);
  assert.deepEqual(r.json.spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
});

test('a pod that already tolerates unreachable keeps its own toleration', async () => {
  const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 };
  const r = await h.req('POST', PODS, pod('tolerant', { spec: { tolerations: [own] } }));
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.spec.tolerations, [own,
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]);
});

test('priorityClassName resolves to the class value; global default applies to pods without one', async () => {
  assert.equal((await h.req('POST', PC, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 })).status, 201);
  const hi = await h.req('POST', PODS, pod('hi', { spec: { priorityClassName: 'high' } }));
  assert.equal(hi.status, 201, hi.text);
  assert.equal(hi.json.spec.priority, 1000);
  assert.equal((await h.req('POST', PC, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'dflt' }, value: 7, globalDefault: true, preemptionPolicy: 'Never' })).status, 201);
  // The cache behind admission follows the store by watch: wait for the class to show up.
  const deadline = Date.now() + 5000;
  let r;
  for (let i = 0; ; i++) {
    r = await h.req('POST', PODS, pod(`d${i}`));
    assert.equal(r.status, 201, r.text);
    if (r.json.spec.priority === 7 || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.equal(r.json.spec.priority, 7);
  assert.equal(r.json.spec.priorityClassName, 'dflt');
  assert.equal(r.json.spec.preemptionPolicy, 'Never');
});

test('an unknown class or a contradicting priority is Forbidden and nothing is stored', async () => {
  const r = await h.req('POST', PODS, pod('nope', { spec: { priorityClassName: 'missing' } }));
  assert.equal(r.status, 403);
  assert.equal(r.json.reason, 'Forbidden');
  assert.equal(r.json.message, 'pods "nope" is forbidden: no PriorityClass with name missing was found');
  const r2 = await h.req('POST', PODS, pod('liar', { spec: { priorityClassName: 'system-node-critical', priority: 5 } }));
  assert.equal(r2.status, 403);
  assert.match(r2.json.message, /the integer value of priority \(5\) must not be provided in pod spec; priority admission controller computed 2000001000/);
  assert.equal((await h.req('GET', `${PODS}/nope`)).status, 404);
  assert.equal((await h.req('GET', `${PODS}/liar`)).status, 404);
});

test('user classes may not use the system- prefix or exceed one billion', async () => {
  const r = await h.req('POST', PC, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-mine' }, value: 2000000001 });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.details.causes.map((c: { field: string }) => c.field), ['metadata.name', 'value']);
});
