import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { applyPatch, patchMediaType, supportedPatchTypes } from './index.js';
import { Pod } from './test-schemas.js';

const live = { metadata: { name: 'p', finalizers: ['a'] }, spec: { containers: [{ name: 'main', image: 'x' }] } };

test('dispatches on the Content-Type, ignoring parameters', () => {
  assert.deepEqual((applyPatch('application/json-patch+json', live, [{ op: 'replace', path: '/metadata/name', value: 'q' }], Pod) as any).metadata.name, 'q');
  assert.deepEqual((applyPatch('application/merge-patch+json; charset=utf-8', live, { metadata: { finalizers: ['b'] } }, Pod) as any).metadata.finalizers, ['b']);
  assert.deepEqual((applyPatch('application/strategic-merge-patch+json', live, { metadata: { finalizers: ['b'] } }, Pod) as any).metadata.finalizers, ['b', 'a']);
  assert.equal(patchMediaType('Application/JSON-Patch+JSON ; x=y'), 'application/json-patch+json');
});

test('strategic merge on a type without schema metadata is 415 listing the accepted types', () => {
  try { applyPatch('application/strategic-merge-patch+json', live, {}, undefined); assert.fail('expected 415'); } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 415);
    assert.equal(e.reason, 'UnsupportedMediaType');
    assert.equal(e.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  }
});

test('an unknown patch type is 415', () => {
  try { applyPatch('application/json', live, {}, Pod); assert.fail('expected 415'); } catch (e) {
    assert.ok(e instanceof ApiError); assert.equal(e.code, 415);
    assert.match(e.message, /application\/strategic-merge-patch\+json/);
  }
  assert.equal(supportedPatchTypes(Pod).length, 4);
});
