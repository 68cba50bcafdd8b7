import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge.js';
import { ConfigMap, Deployment, Pod } from '../patch/test-schemas.js';
import { managerFromUserAgent, managerOrUserAgent, parseApplyBody, serverSideApply, trackUpdate } from './server-side-apply.js';

const T1 = '2024-05-01T10:00:00.000Z';
const T2 = '2024-05-01T11:00:00.000Z';
const T3 = '2024-05-01T12:00:00.000Z';

type Any = any;

function deployment(over: (d: Any) => void = () => {}): Any {
  const d: Any = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1' }, { name: 'side', image: 'busybox' }] } },
    },
  };
  over(d);
  return d;
}

const apply = (live: object | null, applied: object, manager = 'kubectl', force = false, now = T1) =>
  serverSideApply({ live, applied, manager, force, schema: Deployment, apiVersion: 'apps/v1', now }) as Any;

function stored(o: Any): Any {
  // What the API server would add on create: server-owned metadata, never tracked.
  const s = structuredClone(o);
  Object.assign(s.metadata, { uid: 'u1', resourceVersion: '5', generation: 1, creationTimestamp: '2024-05-01T10:00:00Z' });
  return s;
}

function thrown(fn: () => unknown): ApiError {
  try { fn(); } catch (e) { assert.ok(e instanceof ApiError, String(e)); return e; }
  assert.fail('expected an ApiError');
}

test('an apply that creates a ConfigMap records exactly the applied fields as an Apply manager', () => {
  const out = serverSideApply({
    live: null, manager: 'kubectl', force: false, schema: ConfigMap, apiVersion: 'v1', now: T1,
    applied: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', labels: { app: 'x' } }, data: { k: 'v' } },
  }) as Any;
  assert.deepEqual(out.data, { k: 'v' });
  assert.deepEqual(out.metadata.managedFields, [{
    manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-05-01T10:00:00Z', fieldsType: 'FieldsV1',
    fieldsV1: { 'f:data': { 'f:k': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } },
  }]);
});

test('apply owns list items by key with "." and their fields', () => {
  const out = apply(null, deployment());
  const f = out.metadata.managedFields[0].fieldsV1;
  assert.deepEqual(f['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"main"}'], { '.': {}, 'f:image': {}, 'f:name': {} });
  assert.deepEqual(f['f:spec']['f:selector'], {}, 'an atomic map is owned as one leaf');
  assert.equal(f['f:metadata']['f:name'], undefined, 'metadata.name is never tracked');
});

test('a field owned by an updater with another value is a 409 Conflict worded as Kubernetes does', () => {
  const created = trackUpdate({ old: null, updated: deployment(), manager: 'kubectl-client-side-apply', schema: Deployment, apiVersion: 'apps/v1', now: T1 });
  const e = thrown(() => apply(stored(created), deployment((d) => { d.spec.replicas = 3; }), 'kubectl', false, T2));
  assert.equal(e.code, 409);
  assert.equal(e.reason, 'Conflict');
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  assert.deepEqual(e.details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] });
});

test('the same value owned by another manager is shared, not a conflict', () => {
  const created = trackUpdate({ old: null, updated: deployment(), manager: 'kubectl-client-side-apply', schema: Deployment, apiVersion: 'apps/v1', now: T1 });
  const out = apply(stored(created), deployment(), 'kubectl', false, T2);
  const byManager = Object.fromEntries(out.metadata.managedFields.map((m: Any) => [m.manager, m]));
  assert.deepEqual(byManager.kubectl.fieldsV1['f:spec']['f:replicas'], {});
  assert.deepEqual(byManager['kubectl-client-side-apply'].fieldsV1['f:spec']['f:replicas'], {});
  assert.equal(out.metadata.managedFields[0].operation, 'Apply', 'Apply entries sort first');
});

test('several conflicts are listed per manager', () => {
  const created = trackUpdate({ old: null, updated: deployment(), manager: 'helm', schema: Deployment, apiVersion: 'apps/v1', now: T1 });
  const e = thrown(() => apply(stored(created), deployment((d) => { d.spec.replicas = 9; d.spec.template.spec.containers[0].image = 'nginx:9'; }), 'kubectl', false, T2));
  assert.equal(e.message, 'Apply failed with 2 conflicts: conflicts with "helm" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="main"].image');
  assert.equal(e.details?.causes?.length, 2);
});

test('force takes ownership of conflicting fields from the other manager', () => {
  const created = trackUpdate({ old: null, updated: deployment(), manager: 'kubectl-client-side-apply', schema: Deployment, apiVersion: 'apps/v1', now: T1 });
  const out = apply(stored(created), deployment((d) => { d.spec.replicas = 3; }), 'kubectl', true, T2);
  assert.equal(out.spec.replicas, 3);
  const csa = out.metadata.managedFields.find((m: Any) => m.manager === 'kubectl-client-side-apply');
  assert.equal(csa.fieldsV1['f:spec']['f:replicas'], undefined);
  assert.ok(csa.fieldsV1['f:spec']['f:template'], 'the rest stays owned by the updater');
  const again = thrown(() => apply(out, deployment((d) => { d.spec.replicas = 4; }), 'other-applier', false, T3));
  assert.equal(again.message, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas', 'appliers are named without apiVersion');
});

test('fields the applier stopped applying are removed when nobody else owns them', () => {
  const first = apply(null, deployment());
  const out = apply(stored(first), deployment((d) => {
    delete d.metadata.labels;
    d.spec.template.spec.containers = [{ name: 'main', image: 'nginx:2' }];
  }), 'kubectl', false, T2);
  assert.equal(out.metadata.labels, undefined);
  assert.deepEqual(out.spec.template.spec.containers, [{ name: 'main', image: 'nginx:2' }]);
  assert.equal(out.metadata.uid, 'u1', 'server-owned metadata stays');
  assert.equal(out.spec.replicas, 2);
  assert.equal(out.metadata.managedFields[0].fieldsV1['f:metadata'], undefined);
});

test('a field the applier stopped applying stays when another manager owns it', () => {
  const first = apply(null, deployment());
  const scaled = trackUpdate({ old: stored(first), updated: { ...stored(first), spec: { ...first.spec, replicas: 2 } }, manager: 'x', schema: Deployment, apiVersion: 'apps/v1', now: T2 });
  // x changed nothing, so it owns nothing: the applier stopping replicas removes it...
  const removed = apply(scaled, deployment((d) => { delete d.spec.replicas; }), 'kubectl', false, T3);
  assert.equal(removed.spec.replicas, undefined);
  // ...but co-owned by another applier it stays.
  const both = apply(stored(first), deployment(), 'argo', false, T2);
  const kept = apply(both, deployment((d) => { delete d.spec.replicas; }), 'kubectl', false, T3);
  assert.equal(kept.spec.replicas, 2);
});

test('an updater changing a field takes it, and a later apply of the old value conflicts', () => {
  const first = stored(apply(null, deployment()));
  const patched = applyStrategicMergePatch(first, { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:hotfix' }] } } } }, Deployment);
  const updated = trackUpdate({ old: first, updated: patched, manager: 'kubectl-edit', schema: Deployment, apiVersion: 'apps/v1', now: T2 }) as Any;
  const edit = updated.metadata.managedFields.find((m: Any) => m.manager === 'kubectl-edit');
  assert.deepEqual(edit, { manager: 'kubectl-edit', operation: 'Update', apiVersion: 'apps/v1', time: '2024-05-01T11:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"main"}': { 'f:image': {} } } } } } } });
  const kubectl = updated.metadata.managedFields.find((m: Any) => m.manager === 'kubectl');
  assert.equal(kubectl.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"main"}']['f:image'], undefined);
  const e = thrown(() => apply(updated, deployment(), 'kubectl', false, T3));
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.template.spec.containers[name="main"].image');
  // Applying the updater's value instead shares the field again.
  const ok = apply(updated, deployment((d) => { d.spec.template.spec.containers[0].image = 'nginx:hotfix'; }), 'kubectl', false, T3);
  assert.equal(ok.spec.template.spec.containers[0].image, 'nginx:hotfix');
});

test('a no-op apply keeps the entry time; a changing one updates it', () => {
  const first = apply(null, deployment());
  const same = apply(stored(first), deployment(), 'kubectl', false, T2);
  assert.equal(same.metadata.managedFields[0].time, '2024-05-01T10:00:00Z');
  const changed = apply(stored(first), deployment((d) => { d.spec.replicas = 5; }), 'kubectl', false, T2);
  assert.equal(changed.metadata.managedFields[0].time, '2024-05-01T11:00:00Z');
});

test('the first apply to an object without managedFields conflicts with before-first-apply', () => {
  const legacy = stored(deployment());
  const e = thrown(() => apply(legacy, deployment((d) => { d.spec.replicas = 7; })));
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
});

test('bad apply configurations are 400 with the upstream messages', () => {
  assert.equal(thrown(() => apply(null, deployment((d) => { d.metadata.managedFields = [{ manager: 'x' }]; }))).message, 'metadata.managedFields must be nil');
  assert.equal(thrown(() => apply(null, deployment((d) => { d.apiVersion = 'apps/v1beta1'; }))).message, 'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1');
  const dup = thrown(() => apply(null, deployment((d) => { d.spec.template.spec.containers.push({ name: 'main' }); })));
  assert.equal(dup.code, 400);
  assert.equal(dup.message, 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="main"]');
});

test('list-map keys missing from an item take the schema default (ports protocol TCP)', () => {
  const out = serverSideApply({ live: null, manager: 'm', force: false, schema: Pod, apiVersion: 'v1', now: T1,
    applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } } }) as Any;
  const ports = out.metadata.managedFields[0].fieldsV1['f:spec']['f:containers']['k:{"name":"c"}']['f:ports'];
  assert.deepEqual(Object.keys(ports), ['k:{"containerPort":80,"protocol":"TCP"}']);
});

test('finalizers are a set: each applier owns its values', () => {
  const a = serverSideApply({ live: null, manager: 'a', force: false, schema: Pod, apiVersion: 'v1', now: T1, applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: ['a.io/x'] } } });
  const b = serverSideApply({ live: stored(a), manager: 'b', force: false, schema: Pod, apiVersion: 'v1', now: T2, applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', finalizers: ['b.io/y'] } } }) as Any;
  assert.deepEqual(b.metadata.finalizers, ['a.io/x', 'b.io/y']);
  assert.deepEqual(b.metadata.managedFields.find((m: Any) => m.manager === 'b').fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"b.io/y"': {} } } });
  const aDone = serverSideApply({ live: b, manager: 'a', force: false, schema: Pod, apiVersion: 'v1', now: T3, applied: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } }) as Any;
  assert.deepEqual(aDone.metadata.finalizers, ['b.io/y']);
});

test('trackUpdate records a create as an Update entry without server-owned fields', () => {
  const out = trackUpdate({ old: null, updated: stored(deployment()), manager: 'kubectl-create', schema: Deployment, apiVersion: 'apps/v1', now: T1 }) as Any;
  assert.equal(out.metadata.managedFields.length, 1);
  const e = out.metadata.managedFields[0];
  assert.equal(e.operation, 'Update');
  assert.deepEqual(Object.keys(e.fieldsV1['f:metadata']), ['f:labels']);
  assert.deepEqual(e.fieldsV1['f:metadata']['f:labels'], { '.': {}, 'f:app': {} });
});

test('trackUpdate leaves the time alone when nothing changed and drops managers left owning nothing', () => {
  const created = stored(trackUpdate({ old: null, updated: deployment(), manager: 'a', schema: Deployment, apiVersion: 'apps/v1', now: T1 }));
  const same = trackUpdate({ old: created, updated: created, manager: 'a', schema: Deployment, apiVersion: 'apps/v1', now: T2 }) as Any;
  assert.equal(same.metadata.managedFields[0].time, '2024-05-01T10:00:00Z');
  const stripped = { ...created, metadata: { ...created.metadata, labels: undefined }, spec: {} };
  delete stripped.metadata.labels;
  const after = trackUpdate({ old: created, updated: stripped, manager: 'b', schema: Deployment, apiVersion: 'apps/v1', now: T2 }) as Any;
  assert.equal(after.metadata.managedFields, undefined, 'removing every field leaves no manager');
});

test('trackUpdate honours managedFields a client sends, and [{}] clears them', () => {
  const created = stored(trackUpdate({ old: null, updated: deployment(), manager: 'a', schema: Deployment, apiVersion: 'apps/v1', now: T1 })) as Any;
  const cleared = trackUpdate({ old: created, updated: { ...created, metadata: { ...created.metadata, managedFields: [{}] } }, manager: 'a', schema: Deployment, apiVersion: 'apps/v1', now: T2 }) as Any;
  assert.equal(cleared.metadata.managedFields, undefined);
  const own = [{ manager: 'mine', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  const taken = trackUpdate({ old: created, updated: { ...created, metadata: { ...created.metadata, managedFields: own } }, manager: 'a', schema: Deployment, apiVersion: 'apps/v1', now: T2 }) as Any;
  assert.deepEqual(taken.metadata.managedFields, own);
});

test('status changes through the status subresource are recorded with the subresource', () => {
  const created = stored(trackUpdate({ old: null, updated: deployment(), manager: 'kubectl', schema: Deployment, apiVersion: 'apps/v1', now: T1 })) as Any;
  const withStatus = { ...created, status: { replicas: 2 } };
  const out = trackUpdate({ old: created, updated: withStatus, manager: 'kube-controller-manager', schema: Deployment, apiVersion: 'apps/v1', now: T2, subresource: 'status' }) as Any;
  const kcm = out.metadata.managedFields.find((m: Any) => m.manager === 'kube-controller-manager');
  assert.deepEqual(kcm, { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: '2024-05-01T11:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:replicas': {} } }, subresource: 'status' });
});

test('ignored fields (reset on the main resource) are neither owned nor in conflict', () => {
  const created = stored(trackUpdate({ old: null, updated: { ...deployment(), status: { replicas: 1 } }, manager: 'kcm', schema: Deployment, apiVersion: 'apps/v1', now: T1, subresource: 'status' })) as Any;
  const out = serverSideApply({ live: created, applied: { ...deployment(), status: { replicas: 5 } }, manager: 'kubectl', force: false, schema: Deployment, apiVersion: 'apps/v1', now: T2, ignoredFields: [['status']] }) as Any;
  const mine = out.metadata.managedFields.find((m: Any) => m.manager === 'kubectl');
  assert.equal(mine.fieldsV1['f:status'], undefined);
});

test('more than ten updaters fold the oldest into ancient-changes', () => {
  let obj: Any = stored(deployment());
  obj = trackUpdate({ old: null, updated: obj, manager: 'creator', schema: Deployment, apiVersion: 'apps/v1', now: T1 });
  for (let i = 0; i < 11; i++) {
    const next = structuredClone(obj);
    next.metadata.labels[`l${i}`] = 'x';
    obj = trackUpdate({ old: obj, updated: next, manager: `m${i}`, schema: Deployment, apiVersion: 'apps/v1', now: new Date(Date.parse(T1) + (i + 1) * 1000).toISOString() });
  }
  const names = obj.metadata.managedFields.map((m: Any) => m.manager);
  assert.equal(names.length, 10);
  assert.ok(names.includes('ancient-changes'));
  assert.ok(!names.includes('creator') && !names.includes('m0'));
});

test('the default manager comes from the User-Agent', () => {
  assert.equal(managerFromUserAgent('kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd'), 'kubectl');
  assert.equal(managerFromUserAgent('kubectl.1.32/v1.32.4 (linux/amd64)'), 'kubectl.1.32');
  assert.equal(managerFromUserAgent('a\u0001b/1'), 'ab');
  assert.equal(managerFromUserAgent('x'.repeat(200)).length, 128);
  assert.equal(managerOrUserAgent('', 'node-fetch/1.0'), 'node-fetch');
  assert.equal(managerOrUserAgent('mine', 'node-fetch/1.0'), 'mine');
});

test('apply bodies decode from YAML or JSON; others are 400', () => {
  assert.deepEqual(parseApplyBody('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  assert.deepEqual(parseApplyBody(Buffer.from('{"kind":"ConfigMap"}')), { kind: 'ConfigMap' });
  assert.equal(thrown(() => parseApplyBody('- a\n- b\n')).code, 400);
  assert.equal(thrown(() => parseApplyBody('a: [')).code, 400);
});

test('kubectl may take over fields listed in the client-side last-applied annotation, and keeps it in step', () => {
  const csa = deployment((d) => { d.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(deployment()) + '\n' }; });
  const created = stored(trackUpdate({ old: null, updated: csa, manager: 'kubectl-client-side-apply', schema: Deployment, apiVersion: 'apps/v1', now: T1 }));
  const out = apply(created, deployment((d) => { d.spec.replicas = 3; }), 'kubectl', false, T2);
  assert.equal(out.spec.replicas, 3);
  const annotation = JSON.parse(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  assert.equal(annotation.spec.replicas, 3);
  // Another field manager gets no such allowance.
  assert.equal(thrown(() => apply(created, deployment((d) => { d.spec.replicas = 3; }), 'argocd', false, T2)).code, 409);
  // Nor do fields outside the annotation.
  const partial = deployment((d) => { d.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}' }; });
  const p2 = stored(trackUpdate({ old: null, updated: partial, manager: 'kubectl-client-side-apply', schema: Deployment, apiVersion: 'apps/v1', now: T1 }));
  assert.match(thrown(() => apply(p2, deployment((d) => { d.spec.replicas = 3; }), 'kubectl', false, T2)).message, /\.spec\.replicas$/);
});
