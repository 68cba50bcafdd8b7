import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import { ConfigMap, Deployment, Pod } from '../patch/test-schemas.js';
import { trackCreate, trackUpdate } from './server-side-apply.js';

type Any = any;
const T1 = '2024-05-01T10:00:00.000Z';

/** trackCreate must give byte-for-byte what trackUpdate({old: null}) gives (JSON compared, so key order counts). */
function same(schema: TSchema, obj: Any, extra: { ignoredFields?: string[][]; subresource?: string; manager?: string; apiVersion?: string } = {}): Any {
  const opts = { schema, manager: extra.manager ?? 'kubectl-create', apiVersion: extra.apiVersion ?? 'v1', now: T1, ignoredFields: extra.ignoredFields, subresource: extra.subresource };
  const expected = trackUpdate({ ...opts, old: null, updated: structuredClone(obj) });
  const mine = structuredClone(obj);
  const got = trackCreate({ ...opts, updated: mine });
  assert.equal(JSON.stringify(got), JSON.stringify(expected));
  return got;
}

function pod(): Any {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u', creationTimestamp: '2024-05-01T10:00:00Z', labels: { app: 'x', '1': 'one' }, annotations: {}, finalizers: ['a', 'b'] },
    spec: {
      containers: [
        { name: 'main', image: 'nginx', args: ['a'], ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }], env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '100m' }, limits: {} } },
        { name: 'side', image: 'busybox', command: [], imagePullPolicy: null },
      ],
      volumes: [{ name: 'v', emptyDir: {} }],
      nodeSelector: { zone: 'a' },
      tolerations: [{ key: 'k', operator: 'Exists' }],
    },
    status: { phase: 'Pending' },
  };
}

test('a create records the same managedFields as the general update tracker, with status ignored', () => {
  const got = same(Pod, pod(), { ignoredFields: [['status']] });
  assert.equal(got.metadata.managedFields.length, 1);
  assert.equal(got.metadata.managedFields[0].fieldsV1['f:status'], undefined);
});

test('a create records the same managedFields as the general update tracker for keyed lists, sets, atomic maps and empties', () => {
  same(Pod, pod());
  same(Deployment, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } }, paused: false,
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1' }] } } },
  }, { apiVersion: 'apps/v1' });
  same(ConfigMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {}, binaryData: { k: 'dg==' } });
});

test('a create tracks duplicate and keyless list items, unknown fields and untyped values as the update tracker does', () => {
  const p = pod();
  p.spec.containers.push({ name: 'main', image: 'dup' }, { image: 'nameless' });
  p.spec.extra = { free: { deep: [1, 2] } };
  p.metadata.labels = null;
  same(Pod, p);
  same(Type.Unknown(), { apiVersion: 'x/v1', kind: 'Thing', metadata: { name: 't' }, spec: { a: [{ b: 1 }], c: {}, d: null } });
});

test('a create of an object with nothing ownable records no managedFields', () => {
  const got = same(ConfigMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', uid: 'u' } });
  assert.equal(got.metadata.managedFields, undefined);
  same(ConfigMap, { apiVersion: 'v1', kind: 'ConfigMap' });
});

test('managedFields the client sent on create are honoured as by the update tracker', () => {
  const p = pod();
  p.metadata.managedFields = [{ manager: 'other', operation: 'Update', apiVersion: 'v1', time: '2024-04-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:nodeName': {} } } }];
  same(Pod, p);
  const cleared = pod();
  cleared.metadata.managedFields = [{}];
  same(Pod, cleared);
});

test('trackCreate changes the object it is given instead of copying it', () => {
  const p = pod();
  const got = trackCreate({ schema: Pod, updated: p, manager: 'm', apiVersion: 'v1', now: T1 });
  assert.equal(got, p);
  assert.equal((p.metadata.managedFields as Any[])[0].manager, 'm');
});

test('a create leaves out nested and whole ignored subtrees as the update tracker does', () => {
  same(Pod, pod(), { ignoredFields: [['spec']] });
  same(Pod, pod(), { ignoredFields: [['spec', 'containers'], ['metadata', 'labels'], []] });
  same(Pod, pod(), { ignoredFields: [['status'], ['nothing', 'here']], subresource: 'status' });
});
