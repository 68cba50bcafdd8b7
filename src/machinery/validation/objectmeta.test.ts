import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObjectMeta, validateObjectMetaUpdate, TOTAL_ANNOTATION_SIZE_LIMIT_B } from './objectmeta.js';
import { invalidError } from '../field-errors.js';

const ns = { namespaced: true, nameFn: 'dns1123Subdomain' } as const;
const cluster = { namespaced: false, nameFn: 'dns1123Label' } as const;

test('a well-formed namespaced object has no metadata errors', () => {
  assert.deepEqual(validateObjectMeta({
    name: 'web-1', namespace: 'default', labels: { app: 'web' }, annotations: { 'example.com/Note': 'x' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
    finalizers: ['kubernetes.io/pvc-protection'],
  }, ns), []);
});

test('name is required and must match the type\'s rule', () => {
  assert.deepEqual(validateObjectMeta({ namespace: 'd' }, ns), [
    { type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' },
  ]);
  const [e] = validateObjectMeta({ name: 'Web_1', namespace: 'd' }, ns);
  assert.equal(e!.field, 'metadata.name');
  assert.match(e!.message, /^Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of/);
  assert.deepEqual(validateObjectMeta({ name: 'a.b' }, cluster).map((x) => x.message), ['Invalid value: "a.b": must not contain dots']);
  assert.deepEqual(validateObjectMeta({ name: 'system:node:x' }, { namespaced: false, nameFn: 'path-segment' }), []);
});

test('generateName is checked as a prefix', () => {
  assert.deepEqual(validateObjectMeta({ name: 'web-x7k2q', generateName: 'web-', namespace: 'd' }, ns), []);
  const errs = validateObjectMeta({ name: 'ok', generateName: 'Bad_', namespace: 'd' }, ns);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'metadata.generateName');
});

test('namespace is required on namespaced types and forbidden on cluster-scoped ones', () => {
  assert.deepEqual(validateObjectMeta({ name: 'a' }, ns), [{ type: 'FieldValueRequired', field: 'metadata.namespace', message: 'Required value' }]);
  assert.deepEqual(validateObjectMeta({ name: 'a', namespace: 'x' }, cluster), [{ type: 'FieldValueForbidden', field: 'metadata.namespace', message: 'Forbidden: not allowed on this type' }]);
  assert.match(validateObjectMeta({ name: 'a', namespace: 'Bad.NS' }, ns)[0]!.message, /^Invalid value: "Bad.NS": a lowercase RFC 1123 label/);
});

test('labels, annotations and their total size are validated', () => {
  const errs = validateObjectMeta({ name: 'a', namespace: 'd', labels: { 'bad key': 'v' }, annotations: { 'Example.COM/Key': 'ok', 'a/b/c': 'x' } }, ns);
  assert.deepEqual(errs.map((e) => e.field), ['metadata.labels', 'metadata.annotations']);
  assert.match(errs[1]!.message, /^Invalid value: "a\/b\/c": a qualified name/);
  const big = validateObjectMeta({ name: 'a', namespace: 'd', annotations: { k: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B) } }, ns);
  assert.deepEqual(big, [{ type: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: may not be more than 262144 bytes' }]);
  assert.deepEqual(validateObjectMeta({ name: 'a', namespace: 'd', annotations: { k: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B - 1) } }, ns), []);
});

test('owner references need apiVersion, kind, name, uid and at most one controller', () => {
  const errs = validateObjectMeta({
    name: 'a', namespace: 'd',
    ownerReferences: [
      { apiVersion: '', kind: '', name: '', uid: '' },
      { apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r1', uid: 'u1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r2', uid: 'u2', controller: true },
    ],
  }, ns);
  assert.deepEqual(errs.map((e) => e.field), [
    'metadata.ownerReferences.apiVersion', 'metadata.ownerReferences.kind', 'metadata.ownerReferences.name',
    'metadata.ownerReferences.uid', 'metadata.ownerReferences', 'metadata.ownerReferences',
  ]);
  assert.equal(errs[0]!.message, 'Invalid value: "": version must not be empty');
  assert.match(errs[4]!.message, /: \/v1, Kind=Event is disallowed from being an owner$/);
  assert.match(errs[5]!.message, /: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/r1 and ReplicaSet\/r2$/);
});

test('finalizers must be qualified names and orphan excludes foregroundDeletion', () => {
  const errs = validateObjectMeta({ name: 'a', namespace: 'd', finalizers: ['a/b/c', 'orphan', 'foregroundDeletion'] }, ns);
  assert.equal(errs.length, 2);
  assert.equal(errs[1]!.message, 'Invalid value: []string{"a/b/c", "orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set');
});

test('negative generation and bad managedFields are rejected', () => {
  const errs = validateObjectMeta({ name: 'a', namespace: 'd', generation: -1, managedFields: [{ manager: 'k', operation: 'Patch', fieldsType: 'FieldsV2' }] }, ns);
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
    'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
  ]);
});

test('metadata errors render as a 422 with causes', () => {
  const e = invalidError('ConfigMap', 'Bad', validateObjectMeta({ name: 'Bad' }, ns));
  assert.equal(e.code, 422);
  assert.equal(e.details?.causes?.length, 2);
  assert.match(e.message, /^ConfigMap "Bad" is invalid: \[metadata.name: Invalid value: "Bad": .*, metadata.namespace: Required value\]$/);
});

const old = { name: 'a', namespace: 'd', uid: 'u1', resourceVersion: '5', generation: 2, creationTimestamp: '2024-01-02T03:04:05Z' };

test('an update that keeps identity fields passes', () => {
  assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { x: 'y' }, generation: 3 }, old), []);
  // The same instant in another spelling is not a change.
  assert.deepEqual(validateObjectMetaUpdate({ ...old, creationTimestamp: '2024-01-02T03:04:05.000Z' }, old), []);
});

test('name, namespace, uid and creationTimestamp are immutable', () => {
  const errs = validateObjectMetaUpdate({ ...old, name: 'b', namespace: 'e', uid: 'u2', creationTimestamp: '2025-01-01T00:00:00Z' }, old);
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    'metadata.name: Invalid value: "b": field is immutable',
    'metadata.namespace: Invalid value: "e": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
    'metadata.creationTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable',
  ]);
});

test('updates need a resourceVersion and may not lower generation', () => {
  const errs = validateObjectMetaUpdate({ ...old, resourceVersion: '', generation: 1 }, old);
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    'metadata.generation: Invalid value: 1: must not be decremented',
  ]);
});

test('no new finalizers once deletion has started; deletion fields are immutable', () => {
  const deleting = { ...old, deletionTimestamp: '2024-05-05T00:00:00Z', deletionGracePeriodSeconds: 30, finalizers: ['a'] };
  const errs = validateObjectMetaUpdate({ ...deleting, finalizers: ['a', 'b'] }, deleting);
  assert.deepEqual(errs, [{ type: 'FieldValueForbidden', field: 'metadata.finalizers', message: 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b"}' }]);
  assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), []);
  const changed = validateObjectMetaUpdate({ ...deleting, deletionTimestamp: undefined, deletionGracePeriodSeconds: 0 }, deleting);
  assert.deepEqual(changed.map((e) => `${e.field}: ${e.message}`), [
    'metadata.deletionTimestamp: Invalid value: null: field is immutable',
    'metadata.deletionGracePeriodSeconds: Invalid value: 0: field is immutable',
  ]);
});
