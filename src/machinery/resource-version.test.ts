import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.js';
import { parseResourceVersion, formatResourceVersion, encodeContinue, decodeContinue } from './resource-version.js';

function badRequest(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('resourceVersions are decimal revisions; empty and "0" mean unset', () => {
  assert.equal(parseResourceVersion('123'), 123);
  assert.equal(parseResourceVersion(''), 0);
  assert.equal(parseResourceVersion('0'), 0);
  assert.equal(parseResourceVersion(undefined), 0);
  assert.equal(parseResourceVersion('007'), 7);
  assert.equal(formatResourceVersion(42), '42');
  assert.equal(formatResourceVersion(42n), '42');
});

test('invalid resourceVersions are 400s worded like the apiserver', () => {
  badRequest(() => parseResourceVersion('abc'), 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax');
  badRequest(() => parseResourceVersion('-1'), 'invalid resource version: resourceVersion: Invalid value: "-1": strconv.ParseUint: parsing "-1": invalid syntax');
  badRequest(() => parseResourceVersion('99999999999999999999'), /strconv.ParseUint: parsing "99999999999999999999": value out of range$/);
});

test('continue tokens round-trip and use the apiserver encoding', () => {
  const tok = encodeContinue({ rv: 17, start: 'default/pod-b\u0000' });
  assert.match(tok, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  assert.deepEqual(JSON.parse(Buffer.from(tok, 'base64url').toString()), { v: 'meta.k8s.io/v1', rv: 17, start: 'default/pod-b\u0000' });
  assert.deepEqual(decodeContinue(tok), { rv: 17, start: 'default/pod-b\u0000' });
  // A token minted by Kubernetes itself decodes.
  const k8s = Buffer.from('{"v":"meta.k8s.io/v1","rv":5,"start":"ns/name\\u0000"}').toString('base64url');
  assert.deepEqual(decodeContinue(k8s), { rv: 5, start: 'ns/name\u0000' });
  assert.deepEqual(decodeContinue(encodeContinue({ rv: -1, start: 'x' })), { rv: -1, start: 'x' });
});

test('garbage continue tokens are 400 "invalid continue token"', () => {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  badRequest(() => decodeContinue('!!!'), /^invalid continue token: continue key is not valid: illegal base64 data/);
  badRequest(() => decodeContinue(Buffer.from('not json').toString('base64url')), /^invalid continue token: continue key is not valid: /);
  badRequest(() => decodeContinue(enc({ v: 'other/v9', rv: 1, start: 'a' })), 'invalid continue token: continue key is not valid: server does not recognize this encoded version other/v9');
  badRequest(() => decodeContinue(enc({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' })), 'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  badRequest(() => decodeContinue(enc({ v: 'meta.k8s.io/v1', rv: 3, start: '' })), 'invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  badRequest(() => decodeContinue(enc({ v: 'meta.k8s.io/v1', rv: 3, start: '../secrets/x' })), 'invalid continue token: continue key is not valid: ../secrets/x');
  badRequest(() => decodeContinue(enc({ v: 'meta.k8s.io/v1', rv: 'x', start: 'a' })), /cannot unmarshal string/);
});
