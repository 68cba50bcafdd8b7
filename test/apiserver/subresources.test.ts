// Status, scale and binding subresources, graceful pod deletion, finalizers, propagation
// policies, deletecollection and Table output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, openWatch, pod, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h?.stop(); });

const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const CMS = '/api/v1/namespaces/default/configmaps';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

test('writes to the main resource keep status; /status writes change only status', async () => {
  await h.req('POST', PODS, pod('st'));
  const main = await h.req('PUT', `${PODS}/st`, { ...pod('st'), status: { phase: 'Running' } });
  assert.equal(main.status, 200, main.text);
  assert.equal(main.json.status.phase, 'Pending');
  const cur = await h.req('GET', `${PODS}/st`);
  const st = await h.req('PUT', `${PODS}/st/status`, { ...cur.json, spec: { containers: [{ name: 'main', image: 'changed' }] }, status: { phase: 'Running', podIP: '10.0.0.1' } });
  assert.equal(st.status, 200, st.text);
  assert.equal(st.json.status.phase, 'Running');
  assert.equal(st.json.spec.containers[0].image, 'nginx');
  const patched = await h.req('PATCH', `${PODS}/st/status`, { status: { phase: 'Succeeded' } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.status.phase, 'Succeeded');
  assert.equal(patched.json.status.podIP, '10.0.0.1');
  const got = await h.req('GET', `${PODS}/st/status`);
  assert.equal(got.json.status.phase, 'Succeeded');
});

test('scale: GET is an autoscaling/v1 Scale; PUT without Content-Type and PATCH change replicas', async () => {
  const d = await h.req('POST', DEPLOYS, { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } } });
  assert.equal(d.status, 201, d.text);
  const s = await h.req('GET', `${DEPLOYS}/web/scale`);
  assert.equal(s.status, 200);
  assert.equal(s.json.kind, 'Scale');
  assert.equal(s.json.apiVersion, 'autoscaling/v1');
  assert.equal(s.json.metadata.name, 'web');
  assert.equal(s.json.metadata.namespace, 'default');
  assert.equal(s.json.metadata.uid, d.json.metadata.uid);
  assert.equal(s.json.metadata.resourceVersion, d.json.metadata.resourceVersion);
  assert.deepEqual(s.json.spec, { replicas: 1 });
  assert.deepEqual(s.json.status, { replicas: 0, selector: 'app=web' });
  const put = await h.req('PUT', `${DEPLOYS}/web/scale`, JSON.stringify({ ...s.json, spec: { replicas: 3 } }), { 'Content-Type': '' });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.spec.replicas, 3);
  const stale = await h.req('PUT', `${DEPLOYS}/web/scale`, { ...s.json, spec: { replicas: 4 } });
  assert.equal(stale.status, 409);
  const patch = await h.req('PATCH', `${DEPLOYS}/web/scale`, { spec: { replicas: 5 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(patch.status, 200, patch.text);
  assert.equal(patch.json.spec.replicas, 5);
  const dep = await h.req('GET', `${DEPLOYS}/web`);
  assert.equal(dep.json.spec.replicas, 5);
  assert.equal(dep.json.metadata.generation, 3);
  const neg = await h.req('PATCH', `${DEPLOYS}/web/scale`, { spec: { replicas: -1 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(neg.status, 422);
  assert.equal((await h.req('GET', `${CMS}/x/scale`)).status, 404);
});

test('binding sets spec.nodeName once and marks the pod scheduled; a second binding is 409', async () => {
  await h.req('POST', PODS, pod('bind-me'));
  const b = await h.req('POST', `${PODS}/bind-me/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-1' } });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.status, 'Success');
  const p = await h.req('GET', `${PODS}/bind-me`);
  assert.equal(p.json.spec.nodeName, 'node-1');
  const cond = p.json.status.conditions.find((c: any) => c.type === 'PodScheduled');
  assert.equal(cond.status, 'True');
  const again = await h.req('POST', `${PODS}/bind-me/binding`, { metadata: { name: 'bind-me' }, target: { name: 'node-2' } });
  assert.equal(again.status, 409);
  assert.match(again.json.message, /pod bind-me is already assigned to node "node-1"/);
  // The scheduler's top-level form: POST namespaces/{ns}/bindings.
  await h.req('POST', PODS, pod('bind-top'));
  const top = await h.req('POST', '/api/v1/namespaces/default/bindings', { metadata: { name: 'bind-top' }, target: { kind: 'Node', name: 'node-3' } });
  assert.equal(top.status, 201, top.text);
  assert.equal((await h.req('GET', `${PODS}/bind-top`)).json.spec.nodeName, 'node-3');
});

test('a pod bound to a node is deleted gracefully and goes only when deleted with grace 0', async () => {
  await h.req('POST', PODS, pod('grace', { spec: { nodeName: 'node-1', terminationGracePeriodSeconds: 20 } }));
  const list = await h.req('GET', PODS);
  const w = await openWatch(h.base, `${PODS}?watch=true&fieldSelector=metadata.name%3Dgrace&resourceVersion=${list.json.metadata.resourceVersion}`);
  try {
    const d = await h.req('DELETE', `${PODS}/grace`, { propagationPolicy: 'Background' });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.metadata.deletionGracePeriodSeconds, 20);
    assert.ok(d.json.metadata.deletionTimestamp);
    assert.equal((await h.req('GET', `${PODS}/grace`)).status, 200);
    const shorter = await h.req('DELETE', `${PODS}/grace`, { gracePeriodSeconds: 5 });
    assert.equal(shorter.json.metadata.deletionGracePeriodSeconds, 5);
    assert.equal((await w.next()).type, 'MODIFIED');
    const gone = await h.req('DELETE', `${PODS}/grace?gracePeriodSeconds=0`);
    assert.equal(gone.status, 200);
    assert.equal(gone.json.kind, 'Pod', 'pods answer with the deleted object');
    assert.equal((await h.req('GET', `${PODS}/grace`)).status, 404);
    await w.waitFor((e) => e.type === 'DELETED');
  } finally {
    w.close();
  }
  await h.req('POST', PODS, pod('unbound'));
  const u = await h.req('DELETE', `${PODS}/unbound`);
  assert.equal(u.status, 200);
  assert.equal((await h.req('GET', `${PODS}/unbound`)).status, 404, 'an unbound pod goes at once');
});

test('finalizers hold an object with a deletionTimestamp until an update empties them', async () => {
  await h.req('POST', CMS, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  const d = await h.req('DELETE', `${CMS}/held`);
  assert.equal(d.status, 200);
  assert.ok(d.json.metadata.deletionTimestamp);
  const cur = await h.req('GET', `${CMS}/held`);
  assert.equal(cur.status, 200);
  const cleared = await h.req('PATCH', `${CMS}/held`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal((await h.req('GET', `${CMS}/held`)).status, 404);
});

test('Foreground and Orphan deletion add their finalizers; immediate deletes answer Status Success', async () => {
  await h.req('POST', CMS, { metadata: { name: 'fg' } });
  const fg = await h.req('DELETE', `${CMS}/fg`, { propagationPolicy: 'Foreground' });
  assert.deepEqual(fg.json.metadata.finalizers, ['foregroundDeletion']);
  await h.req('POST', CMS, { metadata: { name: 'or' } });
  const or = await h.req('DELETE', `${CMS}/or`, { propagationPolicy: 'Orphan' });
  assert.deepEqual(or.json.metadata.finalizers, ['orphan']);
  await h.req('POST', CMS, { metadata: { name: 'bg' } });
  const bg = await h.req('DELETE', `${CMS}/bg`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
  assert.equal(bg.json.kind, 'Status');
  assert.equal(bg.json.status, 'Success');
  assert.equal(bg.json.details.name, 'bg');
  assert.equal(bg.json.details.kind, 'configmaps');
  const bad = await h.req('DELETE', `${CMS}/fg`, { propagationPolicy: 'Sideways' });
  assert.equal(bad.status, 422);
});

test('delete preconditions on uid and resourceVersion are 409 when stale', async () => {
  const c = await h.req('POST', CMS, { metadata: { name: 'pre' } });
  const uid = await h.req('DELETE', `${CMS}/pre`, { preconditions: { uid: 'wrong' } });
  assert.equal(uid.status, 409);
  assert.match(uid.json.message, /Precondition failed: UID in precondition: wrong/);
  await h.req('PATCH', `${CMS}/pre`, { data: { a: '1' } }, { 'Content-Type': 'application/merge-patch+json' });
  const rv = await h.req('DELETE', `${CMS}/pre`, { preconditions: { resourceVersion: c.json.metadata.resourceVersion } });
  assert.equal(rv.status, 409);
  const ok = await h.req('DELETE', `${CMS}/pre`, { preconditions: { uid: c.json.metadata.uid } });
  assert.equal(ok.status, 200);
});

test('deletecollection deletes what the selector matches', async () => {
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'dc' } });
  for (const [n, app] of [['a', 'x'], ['b', 'x'], ['c', 'y']]) await h.req('POST', '/api/v1/namespaces/dc/configmaps', { metadata: { name: n, labels: { app } } });
  const r = await h.req('DELETE', '/api/v1/namespaces/dc/configmaps?labelSelector=app%3Dx');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.kind, 'ConfigMapList');
  assert.deepEqual(r.json.items.map((i: any) => i.metadata.name).sort(), ['a', 'b']);
  const left = await h.req('GET', '/api/v1/namespaces/dc/configmaps');
  assert.deepEqual(left.json.items.map((i: any) => i.metadata.name), ['c']);
});

test('tables: NAME first, declared columns, PartialObjectMetadata rows and resourceVersion', async () => {
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'tbl' } });
  await h.req('POST', '/api/v1/namespaces/tbl/pods', pod('t1', { metadata: { labels: { app: 't' } } }));
  await h.req('POST', '/api/v1/namespaces/tbl/pods', pod('t2'));
  const t = await h.req('GET', '/api/v1/namespaces/tbl/pods?limit=500', undefined, { Accept: TABLE });
  assert.equal(t.status, 200);
  assert.equal(t.json.kind, 'Table');
  assert.equal(t.json.apiVersion, 'meta.k8s.io/v1');
  assert.match(t.json.metadata.resourceVersion, /^\d+$/);
  assert.deepEqual(t.json.columnDefinitions.map((c: any) => [c.name, c.priority]), [['Name', 0], ['Status', 0], ['Age', 0], ['Node', 1]]);
  assert.equal(t.json.columnDefinitions[0].format, 'name');
  assert.deepEqual(t.json.rows[0].cells.slice(0, 2), ['t1', 'Pending']);
  assert.equal(t.json.rows[0].object.kind, 'PartialObjectMetadata');
  assert.equal(t.json.rows[0].object.metadata.labels.app, 't');
  assert.equal(t.json.rows[0].object.metadata.namespace, 'tbl');
  const full = await h.req('GET', '/api/v1/namespaces/tbl/pods?includeObject=Object', undefined, { Accept: TABLE });
  assert.equal(full.json.rows[0].object.kind, 'Pod');
  assert.equal(full.json.rows[0].object.spec.containers[0].image, 'nginx');
  const none = await h.req('GET', '/api/v1/namespaces/tbl/pods?includeObject=None', undefined, { Accept: TABLE });
  assert.equal(none.json.rows[0].object, undefined);
  const one = await h.req('GET', '/api/v1/namespaces/tbl/pods/t2', undefined, { Accept: TABLE });
  assert.equal(one.json.rows.length, 1);
  assert.equal(one.json.rows[0].cells[0], 't2');
  // Continue works for tables.
  const p1 = await h.req('GET', '/api/v1/namespaces/tbl/pods?limit=1', undefined, { Accept: TABLE });
  assert.ok(p1.json.metadata.continue);
  const p2 = await h.req('GET', `/api/v1/namespaces/tbl/pods?limit=1&continue=${encodeURIComponent(p1.json.metadata.continue)}`, undefined, { Accept: TABLE });
  assert.equal(p2.json.rows[0].cells[0], 't2');
  assert.equal(p2.json.metadata.continue, undefined);
  // Resources with no declared columns get Name and Created At.
  const ns = await h.req('GET', '/api/v1/namespaces', undefined, { Accept: TABLE });
  assert.deepEqual(ns.json.columnDefinitions.map((c: any) => c.name), ['Name', 'Created At']);
});

test('table watch events carry a one-row Table', async () => {
  const list = await h.req('GET', '/api/v1/namespaces/tbl/pods', undefined, { Accept: TABLE });
  const w = await openWatch(h.base, `/api/v1/namespaces/tbl/pods?watch=true&resourceVersion=${list.json.metadata.resourceVersion}`, { Accept: TABLE });
  try {
    await h.req('POST', '/api/v1/namespaces/tbl/pods', pod('t3'));
    const ev = await w.next();
    assert.equal(ev.type, 'ADDED');
    assert.equal(ev.object.kind, 'Table');
    assert.equal(ev.object.rows.length, 1);
    assert.equal(ev.object.rows[0].cells[0], 't3');
    assert.equal(ev.object.columnDefinitions[0].name, 'Name');
    assert.equal(ev.object.rows[0].object.kind, 'PartialObjectMetadata');
  } finally {
    w.close();
  }
});
