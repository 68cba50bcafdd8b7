import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectMeta, OwnerReference, ManagedFieldsEntry, ListMeta, DeleteOptions, Condition, StatusDetails, LabelSelector, use } from './types.js';
import { Table, TableRow, PartialObjectMetadata } from './table.js';
import { Scale, ScaleStatus } from '../../autoscaling/v1/scale.js';
import { ServiceSchema } from '../../core/v1/services.js';

type S = { properties: Record<string, Record<string, unknown>>; $id?: string };
const pbOf = (s: unknown) => Object.fromEntries(Object.entries((s as S).properties).map(([k, v]) => [k, v['x-pb']]));

test('ObjectMeta carries the protobuf field numbers of generated.proto', () => {
  assert.deepEqual(pbOf(ObjectMeta), {
    name: 1, generateName: 2, namespace: 3, selfLink: 4, uid: 5, resourceVersion: 6, generation: 7,
    creationTimestamp: 8, deletionTimestamp: 9, deletionGracePeriodSeconds: 10, labels: 11, annotations: 12,
    ownerReferences: 13, finalizers: 14, managedFields: 17,
  });
  assert.equal((ObjectMeta as unknown as S).$id, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(ObjectMeta.properties.ownerReferences['x-kubernetes-patch-merge-key'], 'uid');
  assert.equal(ObjectMeta.properties.finalizers['x-kubernetes-patch-strategy'], 'merge');
});

test('small meta types keep their field numbers', () => {
  assert.deepEqual(pbOf(OwnerReference), { apiVersion: 5, kind: 1, name: 3, uid: 4, controller: 6, blockOwnerDeletion: 7 });
  assert.deepEqual(pbOf(ManagedFieldsEntry), { manager: 1, operation: 2, apiVersion: 3, time: 4, fieldsType: 6, fieldsV1: 7, subresource: 8 });
  assert.deepEqual(pbOf(ListMeta), { selfLink: 1, resourceVersion: 2, continue: 3, remainingItemCount: 4 });
  assert.deepEqual(pbOf(Condition), { type: 1, status: 2, observedGeneration: 3, lastTransitionTime: 4, reason: 5, message: 6 });
  assert.deepEqual(pbOf(StatusDetails), { name: 1, group: 2, kind: 3, uid: 6, causes: 4, retryAfterSeconds: 5 });
  assert.deepEqual(pbOf(LabelSelector), { matchLabels: 1, matchExpressions: 2 });
  assert.equal(pbOf(DeleteOptions).propagationPolicy, 4);
  assert.deepEqual(pbOf(Table), { apiVersion: undefined, kind: undefined, metadata: 1, columnDefinitions: 2, rows: 3 });
  assert.deepEqual(pbOf(TableRow), { cells: 1, conditions: 2, object: 3 });
  assert.equal(pbOf(PartialObjectMetadata).metadata, 1);
  assert.deepEqual(pbOf(Scale), { apiVersion: undefined, kind: undefined, metadata: 1, spec: 2, status: 3 });
  assert.deepEqual(pbOf(ScaleStatus), { replicas: 1, selector: 2 });
});

test('use() gives each parent its own copy so field numbers do not leak between parents', () => {
  const a = use(ObjectMeta) as unknown as Record<string, unknown>;
  a['x-pb'] = 99;
  assert.equal((ObjectMeta as unknown as Record<string, unknown>)['x-pb'], undefined);
  assert.equal((ServiceSchema.properties.metadata as unknown as Record<string, unknown>)['x-pb'], 1);
  assert.equal((ServiceSchema.properties.spec as unknown as Record<string, unknown>)['x-pb'], 2);
});
