import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaces, type Namespace, defaultNamespace, prepareNamespaceForCreate, validateNamespace, validateNamespaceUpdate } from './namespaces.js';

const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

test('a new namespace is Active, labelled with its name, and carries the kubernetes finalizer', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, status: { phase: 'Terminating' } } as Namespace;
  defaultNamespace(ns);
  prepareNamespaceForCreate(ns);
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(validateNamespace(ns), []);
});

test('finalizers must be standard or fully qualified', () => {
  const ns = { metadata: { name: 'x' }, spec: { finalizers: ['kubernetes', 'example.com/cleanup', 'cleanup'] } } as Namespace;
  assert.deepEqual(messages(validateNamespace(ns)), ['spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']);
});

test('is cluster-scoped with shortName ns, prints NAME STATUS AGE and selects on status.phase', () => {
  assert.equal(namespaces.namespaced, false);
  assert.deepEqual(namespaces.shortNames, ['ns']);
  const ns = { metadata: { name: 'a', creationTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Terminating' } } as Namespace;
  assert.deepEqual(namespaces.table!.cells(ns, Date.parse('2024-01-01T00:00:42Z')), ['Terminating', '42s']);
  assert.equal(namespaces.fieldSelectors!['status.phase']!(ns), 'Terminating');
});

test('status phase follows deletion: Active until deletionTimestamp is set, Terminating after', () => {
  const live = { metadata: { name: 'a' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } } as Namespace;
  assert.deepEqual(messages(validateNamespaceUpdate(live, live)), ['status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty']);
  const dying = { metadata: { name: 'a', deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Active' } } as Namespace;
  assert.deepEqual(messages(validateNamespaceUpdate(dying, dying)), ['status.Phase: Invalid value: "Active": may only be \'Terminating\' if `deletionTimestamp` is not empty']);
  dying.status = { phase: 'Terminating' };
  assert.deepEqual(validateNamespaceUpdate(dying, dying), []);
});
