import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type OwnerState } from './decide.js';

const ref = (uid: string, block = false) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, blockOwnerDeletion: block });
const o = (uid: string, state: OwnerState, block = false) => ({ ref: ref(uid, block), state });

test('an object with a live owner stays; references to gone or foreground-deleting owners are removed', () => {
  assert.deepEqual(decide([o('a', 'solid')], false), { action: 'none' });
  assert.deepEqual(decide([o('a', 'solid'), o('b', 'dangling'), o('c', 'waiting')], false), { action: 'removeOwnerRefs', uids: ['b', 'c'] });
});

test('with every owner gone the object is deleted in the background, or as its own finalizers say', () => {
  assert.deepEqual(decide([o('a', 'dangling')], false), { action: 'delete', propagationPolicy: 'Background' });
  assert.deepEqual(decide([o('a', 'dangling')], true, ['orphan']), { action: 'delete', propagationPolicy: 'Orphan' });
});

test('a dependent of a foreground-deleting owner is deleted in the foreground when it has dependents itself', () => {
  assert.deepEqual(decide([o('a', 'waiting', true)], true), { action: 'delete', propagationPolicy: 'Foreground' });
  assert.deepEqual(decide([o('a', 'waiting', true)], false), { action: 'delete', propagationPolicy: 'Background' });
});

test('an object without owners is never touched', () => {
  assert.deepEqual(decide([], true), { action: 'none' });
});
