import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replicationControllerDef, type ReplicationController } from './replicationcontroller.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

function rc(spec: Record<string, unknown> = {}): ReplicationController {
  return {
    apiVersion: 'v1', kind: 'ReplicationController',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z' },
    spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } }, ...spec },
  } as ReplicationController;
}

function errors(o: ReplicationController): string[] {
  replicationControllerDef.defaults!(o);
  return replicationControllerDef.validate!(o).map((e) => `${e.field}: ${e.message}`);
}

test('an RC without selector or labels takes them from its template and gets one replica', () => {
  const o = rc();
  replicationControllerDef.defaults!(o);
  assert.deepEqual(o.spec!.selector, { app: 'web' });
  assert.deepEqual(o.metadata.labels, { app: 'web' });
  assert.equal(o.spec!.replicas, 1);
  assert.equal(o.spec!.template!.spec!.restartPolicy, 'Always');
  assert.deepEqual(errors(o), []);
});

test('rejects an RC whose selector does not match its template labels', () => {
  assert.deepEqual(errors(rc({ selector: { app: 'other' } })), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('rejects negative replicas and a template restartPolicy other than Always', () => {
  const o = rc({ replicas: -1 });
  (o.spec!.template!.spec as Record<string, unknown>).restartPolicy = 'Never';
  assert.deepEqual(errors(o), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
});

test('creating an RC starts with an empty status; updates keep the stored status', () => {
  const o = rc();
  (o as Record<string, unknown>).status = { replicas: 7 };
  replicationControllerDef.prepareForCreate!(o);
  assert.deepEqual(o.status, { replicas: 0 });
  const next = structuredClone(o);
  next.status = { replicas: 3 };
  replicationControllerDef.prepareForUpdate!(next, o);
  assert.deepEqual(next.status, { replicas: 0 });
});

test('RC table shows DESIRED CURRENT READY AGE and the wide columns', () => {
  const o = rc({ replicas: 3 });
  replicationControllerDef.defaults!(o);
  o.status = { replicas: 2, readyReplicas: 1 };
  assert.deepEqual(replicationControllerDef.table!.cells(o, NOW), [3, 2, 1, '120m', 'web', 'nginx:1.25', 'app=web']);
});

test('RC is rc in category all with status and scale subresources', () => {
  const o = rc();
  replicationControllerDef.defaults!(o);
  assert.deepEqual(replicationControllerDef.shortNames, ['rc']);
  assert.equal(replicationControllerDef.subresources!.status, true);
  assert.equal(replicationControllerDef.subresources!.scale!.specReplicas, 'spec.replicas');
  assert.equal(replicationControllerDef.subresources!.scale!.selector(o), 'app=web');
  assert.equal(replicationControllerDef.fieldSelectors!['status.replicas']({ ...o, status: { replicas: 4 } }), '4');
});
