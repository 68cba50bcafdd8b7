// CRUD over a real API server and SQLite store: creation rules, optimistic concurrency,
// generateName, dry runs, body decoding and the namespace lifecycle refusals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, pod, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h?.stop(); });

const PODS = '/api/v1/namespaces/default/pods';
const CMS = '/api/v1/namespaces/default/configmaps';

test('system namespaces exist at start with the lifecycle finalizer', async () => {
  const r = await h.req('GET', '/api/v1/namespaces');
  assert.equal(r.status, 200);
  const names = r.json.items.map((n: any) => n.metadata.name).sort();
  assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  const d = r.json.items.find((n: any) => n.metadata.name === 'default');
  assert.deepEqual(d.spec.finalizers, ['kubernetes']);
  assert.equal(d.status.phase, 'Active');
  assert.equal(d.metadata.labels['kubernetes.io/metadata.name'], 'default');
});

test('create sets uid, creationTimestamp, generation and a store resourceVersion', async () => {
  const r = await h.req('POST', PODS, pod('crud-a'));
  assert.equal(r.status, 201, r.text);
  const m = r.json.metadata;
  assert.match(m.uid, /^[0-9a-f-]{36}$/);
  assert.match(m.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(m.generation, 1);
  assert.match(m.resourceVersion, /^\d+$/);
  assert.equal(m.namespace, 'default');
  assert.equal(r.json.status.phase, 'Pending');
  // resourceVersion is the store's modRevision, not part of the stored value.
  const kv = (await h.store.get('/registry/core/pods/default/crud-a')).kv!;
  assert.equal(String(kv.modRevision), m.resourceVersion);
  assert.equal(JSON.parse(kv.value.toString()).metadata.resourceVersion, undefined);
  const g = await h.req('GET', `${PODS}/crud-a`);
  assert.equal(g.status, 200);
  assert.equal(g.json.metadata.resourceVersion, m.resourceVersion);
});

test('creating an existing name is 409 AlreadyExists', async () => {
  await h.req('POST', CMS, { metadata: { name: 'dup' } });
  const r = await h.req('POST', CMS, { metadata: { name: 'dup' } });
  assert.equal(r.status, 409);
  assert.equal(r.json.reason, 'AlreadyExists');
  assert.equal(r.json.message, 'configmaps "dup" already exists');
});

test('generateName appends a 5-character suffix and retries on collision', async () => {
  let calls = 0;
  const h2 = await startHarness({ random: () => (calls++ < 10 ? 0 : Math.random()) });
  try {
    const a = await h2.req('POST', CMS.replace('default', 'default'), { metadata: { generateName: 'web-' } });
    assert.equal(a.status, 201, a.text);
    assert.match(a.json.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    // The second create draws the same suffix first, collides, and retries with a fresh one.
    const b = await h2.req('POST', CMS, { metadata: { generateName: 'web-' } });
    assert.equal(b.status, 201, b.text);
    assert.notEqual(b.json.metadata.name, a.json.metadata.name);
  } finally {
    await h2.stop();
  }
});

test('get of a missing object is 404 NotFound with the resource in details', async () => {
  const r = await h.req('GET', `${PODS}/nope`);
  assert.equal(r.status, 404);
  assert.equal(r.json.kind, 'Status');
  assert.equal(r.json.message, 'pods "nope" not found');
  assert.deepEqual(r.json.details, { name: 'nope', kind: 'pods' });
});

test('update with a stale resourceVersion is 409 Conflict; without one it is unconditional', async () => {
  const c = await h.req('POST', CMS, { metadata: { name: 'upd' }, data: { a: '1' } });
  const u1 = await h.req('PUT', `${CMS}/upd`, { metadata: { name: 'upd', resourceVersion: c.json.metadata.resourceVersion }, data: { a: '2' } });
  assert.equal(u1.status, 200, u1.text);
  assert.notEqual(u1.json.metadata.resourceVersion, c.json.metadata.resourceVersion);
  const stale = await h.req('PUT', `${CMS}/upd`, { metadata: { name: 'upd', resourceVersion: c.json.metadata.resourceVersion }, data: { a: '3' } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.reason, 'Conflict');
  assert.equal(stale.json.message, 'Operation cannot be fulfilled on configmaps "upd": the object has been modified; please apply your changes to the latest version and try again');
  const free = await h.req('PUT', `${CMS}/upd`, { metadata: { name: 'upd' }, data: { a: '4' } });
  assert.equal(free.status, 200);
  assert.equal(free.json.data.a, '4');
  assert.equal(free.json.metadata.uid, c.json.metadata.uid);
  assert.equal(free.json.metadata.creationTimestamp, c.json.metadata.creationTimestamp);
});

test('generation moves only when the spec changes', async () => {
  const c = await h.req('POST', '/apis/apps/v1/namespaces/default/deployments', { metadata: { name: 'gen' }, spec: { replicas: 1 } });
  assert.equal(c.json.metadata.generation, 1);
  const l = await h.req('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { metadata: { labels: { a: 'b' } } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(l.status, 200, l.text);
  assert.equal(l.json.metadata.generation, 1);
  const s = await h.req('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { replicas: 2 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(s.json.metadata.generation, 2);
});

test('an update that changes nothing writes nothing', async () => {
  const c = await h.req('POST', CMS, { metadata: { name: 'same' }, data: { a: '1' } });
  const u = await h.req('PUT', `${CMS}/same`, { metadata: { name: 'same' }, data: { a: '1' } });
  assert.equal(u.status, 200);
  assert.equal(u.json.metadata.resourceVersion, c.json.metadata.resourceVersion);
});

test('PUT on a missing object is 404, except for kinds that allow create-on-update (leases)', async () => {
  const r = await h.req('PUT', `${CMS}/ghost`, { metadata: { name: 'ghost' } });
  assert.equal(r.status, 404);
  const l = await h.req('PUT', '/apis/coordination.k8s.io/v1/namespaces/default/leases/lock', { metadata: { name: 'lock' }, spec: { holderIdentity: 'me' } });
  assert.equal(l.status, 201, l.text);
  assert.equal(l.json.spec.holderIdentity, 'me');
  // Leases never take unconditional updates: leader election depends on it.
  const blind = await h.req('PUT', '/apis/coordination.k8s.io/v1/namespaces/default/leases/lock', { metadata: { name: 'lock' }, spec: { holderIdentity: 'thief' } });
  assert.equal(blind.status, 422);
  assert.match(blind.json.message, /metadata.resourceVersion: Invalid value: 0x0: must be specified for an update/);
});

test('the URL name and namespace win; mismatches are 400', async () => {
  const n = await h.req('PUT', `${CMS}/upd`, { metadata: { name: 'other' } });
  assert.equal(n.status, 400);
  assert.equal(n.json.message, 'the name of the object (other) does not match the name on the URL (upd)');
  const ns = await h.req('POST', CMS, { metadata: { name: 'x', namespace: 'kube-system' } });
  assert.equal(ns.status, 400);
  assert.equal(ns.json.message, 'the namespace of the provided object does not match the namespace sent on the request');
});

test('validation failures are 422 Invalid with causes', async () => {
  const r = await h.req('POST', PODS, { metadata: { name: 'bad' }, spec: { containers: [{ name: 'c' }] } });
  assert.equal(r.status, 422);
  assert.equal(r.json.reason, 'Invalid');
  assert.equal(r.json.message, 'Pod "bad" is invalid: spec.containers[0].image: Required value');
  assert.equal(r.json.details.kind, 'Pod');
  assert.equal(r.json.details.causes[0].field, 'spec.containers[0].image');
  const noName = await h.req('POST', CMS, { metadata: {} });
  assert.equal(noName.status, 422);
  assert.match(noName.json.message, /metadata.name: Required value: name or generateName is required/);
  const badName = await h.req('POST', CMS, { metadata: { name: 'Bad_Name' } });
  assert.equal(badName.status, 422);
  assert.equal((await h.req('GET', `${CMS}/Bad_Name`)).status, 404);
});

test('dryRun=All validates and answers but stores nothing', async () => {
  const before = await h.store.currentRevision();
  const r = await h.req('POST', `${CMS}?dryRun=All`, { metadata: { name: 'dry' }, data: { a: '1' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.metadata.name, 'dry');
  assert.equal((await h.req('GET', `${CMS}/dry`)).status, 404);
  const bad = await h.req('POST', `${PODS}?dryRun=All`, { metadata: { name: 'drybad' }, spec: { containers: [{ name: 'c' }] } });
  assert.equal(bad.status, 422);
  await h.req('POST', CMS, { metadata: { name: 'drykeep' }, data: { a: '1' } });
  const mid = await h.store.currentRevision();
  const u = await h.req('PUT', `${CMS}/drykeep?dryRun=All`, { metadata: { name: 'drykeep' }, data: { a: '2' } });
  assert.equal(u.status, 200);
  assert.equal(u.json.data.a, '2');
  const d = await h.req('DELETE', `${CMS}/drykeep?dryRun=All`);
  assert.equal(d.status, 200);
  assert.equal(await h.store.currentRevision(), mid);
  assert.equal((await h.req('GET', `${CMS}/drykeep`)).json.data.a, '1');
  assert.ok(before < mid);
});

test('namespaced objects are refused in a missing namespace (404) and a terminating one (403)', async () => {
  const missing = await h.req('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'a' } });
  assert.equal(missing.status, 404);
  assert.equal(missing.json.message, 'namespaces "nowhere" not found');
  assert.equal((await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } })).status, 201);
  const del = await h.req('DELETE', '/api/v1/namespaces/doomed');
  assert.equal(del.status, 200, del.text);
  assert.equal(del.json.status.phase, 'Terminating');
  assert.ok(del.json.metadata.deletionTimestamp);
  const ns = await h.req('GET', '/api/v1/namespaces/doomed');
  assert.equal(ns.status, 200, 'the kubernetes finalizer keeps the namespace');
  const refused = await h.req('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'a' } });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.reason, 'Forbidden');
  assert.match(refused.json.message, /unable to create new content in namespace doomed because it is being terminated/);
  // The namespace controller empties spec.finalizers through /finalize: then it is gone.
  const fin = await h.req('PUT', '/api/v1/namespaces/doomed/finalize', { metadata: { name: 'doomed' }, spec: { finalizers: [] } });
  assert.equal(fin.status, 200, fin.text);
  assert.equal((await h.req('GET', '/api/v1/namespaces/doomed')).status, 404);
});

test('bodies: YAML is accepted, malformed JSON and YAML are 400, wrong kind is 400, nothing is stored', async () => {
  const y = await h.req('POST', CMS, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n', { 'Content-Type': 'application/yaml' });
  assert.equal(y.status, 201, y.text);
  assert.equal(y.json.data.k, 'v');
  const badJson = await h.req('POST', CMS, '{"metadata": {', { 'Content-Type': 'application/json' });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.json.reason, 'BadRequest');
  const badYaml = await h.req('POST', CMS, 'metadata: [unclosed', { 'Content-Type': 'application/yaml' });
  assert.equal(badYaml.status, 400);
  const wrong = await h.req('POST', CMS, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'wrong' } });
  assert.equal(wrong.status, 400);
  const noType = await h.req('POST', CMS, '{"metadata":{"name":"no-ctype"}}', { 'Content-Type': '' });
  assert.equal(noType.status, 201, 'a body without Content-Type is read as JSON');
  const unsupported = await h.req('POST', CMS, 'x', { 'Content-Type': 'text/csv' });
  assert.equal(unsupported.status, 415);
  assert.equal((await h.req('GET', `${CMS}/wrong`)).status, 404);
});

test('type mismatches are 400 whatever fieldValidation says', async () => {
  for (const fv of ['Strict', 'Warn', 'Ignore']) {
    const r = await h.req('POST', `${PODS}?fieldValidation=${fv}`, { metadata: { name: 'tm' }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 'eighty' }] }] } });
    assert.equal(r.status, 400, fv);
    assert.match(r.json.message, /cannot unmarshal string into Go struct field .*containerPort of type int32/);
  }
  assert.equal((await h.req('GET', `${PODS}/tm`)).status, 404);
});

test('fieldValidation: Strict refuses unknown fields, Warn warns, Ignore drops them', async () => {
  const body = { metadata: { name: 'fv' }, spec: { containers: [{ name: 'c', image: 'i', imagee: 'typo' }], foo: 1 } };
  const strict = await h.req('POST', `${PODS}?fieldValidation=Strict`, body);
  assert.equal(strict.status, 400);
  assert.equal(strict.json.message, 'strict decoding error: unknown field "spec.containers[0].imagee", unknown field "spec.foo"');
  const warn = await h.req('POST', `${PODS}?fieldValidation=Warn`, body);
  assert.equal(warn.status, 201, warn.text);
  const w = warn.headers.warning;
  const ws = Array.isArray(w) ? w.join(',') : String(w);
  assert.match(ws, /299 - "unknown field \\"spec.containers\[0\].imagee\\""/);
  assert.equal(warn.json.spec.foo, undefined);
  const ignore = await h.req('POST', `${PODS}?fieldValidation=Ignore`, { ...body, metadata: { name: 'fv2' } });
  assert.equal(ignore.status, 201);
  assert.equal(ignore.headers.warning, undefined);
  assert.equal(ignore.json.spec.containers[0].imagee, undefined);
});

test('bodies over 3 MiB are 413 RequestEntityTooLarge', async () => {
  const big = JSON.stringify({ metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } });
  const r = await h.req('POST', CMS, big);
  assert.equal(r.status, 413);
  assert.equal(r.json.reason, 'RequestEntityTooLarge');
});

test('verbs a resource does not serve are 405; unknown paths 404', async () => {
  const r = await h.req('DELETE', '/api/v1/namespaces');
  assert.equal(r.status, 405);
  assert.equal(r.json.reason, 'MethodNotAllowed');
  assert.equal((await h.req('GET', '/api/v1/namespaces/default/widgets')).status, 404);
  assert.equal((await h.req('POST', `${PODS}/x/nonsense`, {})).status, 404);
  assert.equal((await h.req('GET', `${PODS}/%E0%A4%A`)).status, 400, 'a malformed escape is the client\'s error, not a 500');
});

test('merge, JSON and strategic patches apply; a resourceVersion in the patch is a precondition', async () => {
  const c = await h.req('POST', CMS, { metadata: { name: 'pt' }, data: { a: '1', b: '2' } });
  const m = await h.req('PATCH', `${CMS}/pt`, { data: { a: null, c: '3' } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(m.status, 200, m.text);
  assert.deepEqual(m.json.data, { b: '2', c: '3' });
  const j = await h.req('PATCH', `${CMS}/pt`, [{ op: 'replace', path: '/data/b', value: 'x' }], { 'Content-Type': 'application/json-patch+json' });
  assert.equal(j.status, 200, j.text);
  assert.equal(j.json.data.b, 'x');
  const s = await h.req('PATCH', `${CMS}/pt`, { data: { d: '4' } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.data.d, '4');
  const stale = await h.req('PATCH', `${CMS}/pt`, { metadata: { resourceVersion: c.json.metadata.resourceVersion }, data: { e: '5' } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(stale.status, 409);
  const missing = await h.req('PATCH', `${CMS}/nope`, { data: {} }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(missing.status, 404);
  const badType = await h.req('PATCH', `${CMS}/pt`, { data: {} }, { 'Content-Type': 'application/json' });
  assert.equal(badType.status, 415);
});

test('server-side apply creates a missing object (201), updates it (200) and needs a fieldManager', async () => {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1' } });
  const ct = { 'Content-Type': 'application/apply-patch+yaml' };
  const none = await h.req('PATCH', `${CMS}/ssa`, body, ct);
  assert.equal(none.status, 422);
  const c = await h.req('PATCH', `${CMS}/ssa?fieldManager=me&force=false`, body, ct);
  assert.equal(c.status, 201, c.text);
  assert.ok(c.json.metadata.managedFields.some((e: any) => e.manager === 'me' && e.operation === 'Apply'));
  const u = await h.req('PATCH', `${CMS}/ssa?fieldManager=me`, body.replace('"1"', '"2"'), ct);
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.data.a, '2');
});

test('managedFields records the fieldManager, or one derived from the User-Agent', async () => {
  const a = await h.req('POST', `${CMS}?fieldManager=kubectl-create`, { metadata: { name: 'mf' }, data: { a: '1' } });
  assert.equal(a.json.metadata.managedFields[0].manager, 'kubectl-create');
  assert.equal(a.json.metadata.managedFields[0].operation, 'Update');
  const b = await h.req('POST', CMS, { metadata: { name: 'mf2' }, data: { a: '1' } }, { 'User-Agent': 'kubectl/v1.32.4 (linux/amd64) kubernetes/abc' });
  assert.equal(b.json.metadata.managedFields[0].manager, 'kubectl');
});
