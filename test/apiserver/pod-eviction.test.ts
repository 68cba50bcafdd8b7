// pods/eviction against a real API server and store: budgets are honoured, spent atomically, and a
// refused eviction is Kubernetes' 429 with a DisruptionBudget cause.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, pod, type Harness } from './harness.js';
import { allResources } from '../../src/api/registry.js';
import protobuf from 'protobufjs';
import { PROTOBUF_MAGIC } from '../../src/apiserver/protobuf/decode.js';

// What a Go client sends (k8s.io/api policy/v1 generated.proto field numbers), written independently of our schemas.
const POLICY_PROTO = protobuf.parse(`
syntax = "proto2";
message ObjectMeta { optional string name = 1; optional string namespace = 3; }
message DeleteOptions { optional int64 gracePeriodSeconds = 1; repeated string dryRun = 5; }
message Eviction { optional ObjectMeta metadata = 1; optional DeleteOptions deleteOptions = 2; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }
message LabelSelector { map<string, string> matchLabels = 1; }
message PodDisruptionBudgetSpec { optional IntOrString minAvailable = 1; optional LabelSelector selector = 2; optional IntOrString maxUnavailable = 3; }
message PodDisruptionBudget { optional ObjectMeta metadata = 1; optional PodDisruptionBudgetSpec spec = 2; }
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }
`).root;

function protobufBody(apiVersion: string, kind: string, obj: Record<string, unknown>): Buffer {
  const msg = POLICY_PROTO.lookupType(kind);
  const raw = msg.encode(msg.fromObject(obj)).finish();
  const env = POLICY_PROTO.lookupType('Unknown');
  return Buffer.concat([PROTOBUF_MAGIC, Buffer.from(env.encode(env.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish())]);
}
const PROTOBUF = { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/json' };

let h: Harness;
before(async () => { h = await startHarness({ resources: allResources() }); });
after(async () => { await h?.stop(); });

const NS = '/api/v1/namespaces/default';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

async function readyPod(name: string, labels: Record<string, string>, ready = true, phase = 'Running', nodeName?: string) {
  const c = await h.req('POST', `${NS}/pods`, pod(name, { metadata: { labels }, spec: nodeName ? { nodeName } : {} }));
  assert.equal(c.status, 201, c.text);
  const s = await h.req('PATCH', `${NS}/pods/${name}/status`, { status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } },
    { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(s.status, 200, s.text);
}

async function budget(name: string, spec: Record<string, unknown>, status: Record<string, unknown>) {
  const c = await h.req('POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec });
  assert.equal(c.status, 201, c.text);
  const s = await h.req('PATCH', `${PDBS}/${name}/status`, { status: { observedGeneration: c.json.metadata.generation, ...status } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(s.status, 200, s.text);
}

const evict = (name: string, extra: Record<string, unknown> = {}, query = '') =>
  h.req('POST', `${NS}/pods/${name}/eviction${query}`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...extra });

test('discovery lists pods/eviction as policy/v1 Eviction, and pdb as a short name of poddisruptionbudgets', async () => {
  const v1 = await h.req('GET', '/api/v1');
  const ev = v1.json.resources.find((r: any) => r.name === 'pods/eviction');
  assert.deepEqual([ev?.group, ev?.version, ev?.kind, ev?.verbs], ['policy', 'v1', 'Eviction', ['create']]);
  const policy = await h.req('GET', '/apis/policy/v1');
  const pdb = policy.json.resources.find((r: any) => r.name === 'poddisruptionbudgets');
  assert.deepEqual(pdb.shortNames, ['pdb']);
  assert.ok(policy.json.resources.some((r: any) => r.name === 'poddisruptionbudgets/status'));
  const index = (await h.req('GET', '/openapi/v3')).json;
  const core = (await h.req('GET', index.paths['api/v1'].serverRelativeURL)).json;
  assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post.operationId, 'createCoreV1NamespacedPodEviction');
  const pol = (await h.req('GET', index.paths['apis/policy/v1'].serverRelativeURL)).json;
  assert.ok(pol.components.schemas['io.k8s.api.policy.v1.PodDisruptionBudget']);
  assert.ok(pol.paths['/apis/policy/v1/namespaces/{namespace}/poddisruptionbudgets/{name}/status']);
});

test('an allowed eviction deletes the pod, spends one disruption and records the pod in disruptedPods', async () => {
  await budget('web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } }, { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
  await readyPod('web-1', { app: 'web' });
  await readyPod('web-2', { app: 'web' });
  const r = await evict('web-1', { deleteOptions: { gracePeriodSeconds: 0 } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
  assert.equal((await h.req('GET', `${NS}/pods/web-1`)).status, 404);
  const b = (await h.req('GET', `${PDBS}/web`)).json;
  assert.equal(b.status.disruptionsAllowed, 0);
  assert.deepEqual(Object.keys(b.status.disruptedPods), ['web-1']);
  const cond = b.status.conditions.find((c: any) => c.type === 'DisruptionAllowed');
  assert.deepEqual([cond.status, cond.reason], ['False', 'InsufficientPods']);
});

test('an eviction the budget forbids is 429 TooManyRequests with a DisruptionBudget cause, and the pod stays', async () => {
  const r = await evict('web-2');
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json.reason, 'TooManyRequests');
  assert.equal(r.json.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(r.json.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 2 currently' }]);
  assert.equal((await h.req('GET', `${NS}/pods/web-2`)).status, 200);
});

test('a pod that disrupts nothing (Pending) is deleted whatever the budget says', async () => {
  await readyPod('web-pending', { app: 'web' }, false, 'Pending');
  const r = await evict('web-pending', { deleteOptions: { gracePeriodSeconds: 0 } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await h.req('GET', `${NS}/pods/web-pending`)).status, 404);
});

test('a budget the controller has not processed yet (observedGeneration behind) is 429 with Retry-After', async () => {
  await budget('api', { maxUnavailable: 1, selector: { matchLabels: { app: 'api' } } }, { disruptionsAllowed: 1, currentHealthy: 1, desiredHealthy: 0, expectedPods: 1 });
  await readyPod('api-1', { app: 'api' });
  // A spec change bumps generation past what the controller observed.
  const p = await h.req('PATCH', `${PDBS}/api`, { spec: { maxUnavailable: 2 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(p.status, 200, p.text);
  const r = await evict('api-1');
  assert.equal(r.status, 429, r.text);
  assert.equal(r.headers['retry-after'], '10');
  assert.deepEqual(r.json.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget api is still being processed by the server.' }]);
});

test('dry run evictions check the budget but change nothing', async () => {
  await budget('db', { minAvailable: 0, selector: { matchLabels: { app: 'db' } } }, { disruptionsAllowed: 1, currentHealthy: 1, desiredHealthy: 0, expectedPods: 1 });
  await readyPod('db-1', { app: 'db' });
  const r = await evict('db-1', {}, '?dryRun=All');
  assert.equal(r.status, 201, r.text);
  assert.equal((await h.req('GET', `${NS}/pods/db-1`)).status, 200);
  assert.equal((await h.req('GET', `${PDBS}/db`)).json.status.disruptionsAllowed, 1);
});

test('an unready pod goes without spending the budget when its policy is AlwaysAllow', async () => {
  await budget('cache', { minAvailable: 5, selector: { matchLabels: { app: 'cache' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 5, expectedPods: 1 });
  await readyPod('cache-1', { app: 'cache' }, false);
  const r = await evict('cache-1', { deleteOptions: { gracePeriodSeconds: 0 } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await h.req('GET', `${NS}/pods/cache-1`)).status, 404);
  assert.equal((await h.req('GET', `${PDBS}/cache`)).json.status.disruptionsAllowed, 0);
});

test('a pod with no budget is deleted gracefully and marked DisruptionTarget; policy/v1beta1 bodies are accepted', async () => {
  await readyPod('lonely', { app: 'none' }, true, 'Running', 'node-1'); // bound: deleted gracefully
  const r = await h.req('POST', `${NS}/pods/lonely/eviction`, { apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: 'lonely' } });
  assert.equal(r.status, 201, r.text);
  const p = (await h.req('GET', `${NS}/pods/lonely`)).json;
  assert.ok(p.metadata.deletionTimestamp, 'graceful deletion started');
  const dt = p.status.conditions.find((c: any) => c.type === 'DisruptionTarget');
  assert.deepEqual([dt.status, dt.reason, dt.message], ['True', 'EvictionByEvictionAPI', 'Eviction API: evicting']);
});

test('two budgets over one pod is a 500 Failure; a missing pod is 404; a mismatched name is 400', async () => {
  await budget('two-a', { minAvailable: 0, selector: { matchLabels: { app: 'two' } } }, { disruptionsAllowed: 1 });
  await budget('two-b', { minAvailable: 0, selector: { matchLabels: { app: 'two' } } }, { disruptionsAllowed: 1 });
  await readyPod('two-1', { app: 'two' });
  const two = await evict('two-1');
  assert.equal(two.status, 500, two.text);
  assert.equal(two.json.message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const missing = await evict('nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.reason, 'NotFound');
  const bad = await h.req('POST', `${NS}/pods/two-1/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'other' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.message, 'name in URL does not match name in Eviction object');
});

test('concurrent evictions never spend more disruptions than the budget allows', async () => {
  await budget('race', { maxUnavailable: 2, selector: { matchLabels: { app: 'race' } } }, { disruptionsAllowed: 2, currentHealthy: 6, desiredHealthy: 4, expectedPods: 6 });
  for (let i = 0; i < 6; i++) await readyPod(`race-${i}`, { app: 'race' });
  const codes = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => evict(`race-${i}`, { deleteOptions: { gracePeriodSeconds: 0 } }).then((r) => r.status)));
  assert.equal(codes.filter((c) => c === 201).length, 2, String(codes));
  assert.equal(codes.filter((c) => c === 429).length, 4, String(codes));
  const b = (await h.req('GET', `${PDBS}/race`)).json;
  assert.equal(b.status.disruptionsAllowed, 0);
  assert.equal(Object.keys(b.status.disruptedPods).length, 2);
});

test('budgets and evictions sent as protobuf (as Go clients may send them) are understood', async () => {
  const created = await h.req('POST', PDBS, protobufBody('policy/v1', 'PodDisruptionBudget', {
    metadata: { name: 'proto' }, spec: { minAvailable: { type: 1, strVal: '50%' }, selector: { matchLabels: { app: 'proto' } } },
  }), PROTOBUF);
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.json.spec, { minAvailable: '50%', selector: { matchLabels: { app: 'proto' } } });
  await readyPod('proto-1', { app: 'none' });
  const r = await h.req('POST', `${NS}/pods/proto-1/eviction`, protobufBody('policy/v1', 'Eviction', { metadata: { name: 'proto-1', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 } }), PROTOBUF);
  assert.equal(r.status, 201, r.text);
  assert.equal((await h.req('GET', `${NS}/pods/proto-1`)).status, 404);
});
