import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { object, opt, req, str, int32, mergeList, stringMap, quantity, intOrString } from '../../api/schema.js';
import { walk } from './schema-walk.js';
import { decodeTyped, parseBody } from './index.js';

const Container = object('t.Container', { name: req(1, str()), image: opt(2, str()), port: opt(3, int32()), cpu: opt(4, quantity()), target: opt(5, intOrString()) });
const Pod = object('t.Pod', {
  apiVersion: Type.Optional(str()), kind: Type.Optional(str()),
  metadata: opt(1, object('t.Meta', { name: opt(1, str()), labels: opt(2, stringMap()) })),
  spec: opt(2, object('t.Spec', { containers: req(1, mergeList(Container, 'name')), extra: opt(2, Type.Unknown()) })),
});

test('reports unknown fields by JSON path with list indexes', () => {
  const v = { spec: { containers: [{ name: 'a' }, { name: 'b', imagee: 'x' }], foo: 1 } };
  const r = walk(v, Pod, { dropUnknown: false });
  assert.deepEqual(r.unknown, ['spec.containers[1].imagee', 'spec.foo']);
  assert.deepEqual(r.mismatches, []);
  assert.equal((v.spec.containers[1] as Record<string, unknown>).imagee, 'x', 'kept when not dropping');
});

test('drops unknown fields when asked and leaves free-form fields and maps alone', () => {
  const v = { metadata: { labels: { anything: 'goes' } }, spec: { containers: [{ name: 'a', zzz: 1 }], extra: { deep: { x: 1 } } } };
  const r = walk(v, Pod, { dropUnknown: true });
  assert.deepEqual(r.unknown, ['spec.containers[0].zzz']);
  assert.deepEqual(v.spec.containers[0], { name: 'a' });
  assert.deepEqual(v.spec.extra, { deep: { x: 1 } });
});

test('type mismatches are phrased like Go encoding/json', () => {
  const r = walk({ spec: { containers: [{ name: 'a', port: '80' }] } }, Pod, { dropUnknown: false });
  assert.deepEqual(r.mismatches, ['json: cannot unmarshal string into Go struct field Container.spec.containers.port of type int32']);
  const r2 = walk({ spec: { containers: { name: 'a' } } }, Pod, { dropUnknown: false });
  assert.equal(r2.mismatches.length, 1);
  assert.match(r2.mismatches[0]!, /cannot unmarshal object into Go struct field Spec.spec.containers of type \[\]Container/);
});

test('quantities and int-or-strings accept both forms but not others', () => {
  assert.deepEqual(walk({ spec: { containers: [{ name: 'a', cpu: '100m', target: 8080 }] } }, Pod, { dropUnknown: false }).mismatches, []);
  assert.deepEqual(walk({ spec: { containers: [{ name: 'a', cpu: 1, target: 'http' }] } }, Pod, { dropUnknown: false }).mismatches, []);
  assert.equal(walk({ spec: { containers: [{ name: 'a', cpu: true }] } }, Pod, { dropUnknown: false }).mismatches.length, 1);
});

test('explicit nulls are removed as Go reads them (absent)', () => {
  const v: Record<string, unknown> = { metadata: { name: 'x', labels: null }, spec: { containers: [{ name: 'a', image: null }] } };
  assert.deepEqual(walk(v, Pod, { dropUnknown: false }), { unknown: [], mismatches: [] });
  assert.deepEqual(v, { metadata: { name: 'x' }, spec: { containers: [{ name: 'a' }] } });
});

test('decodeTyped: Strict is a 400 naming every unknown field; Warn returns warnings; wrong apiVersion is 400', () => {
  const body = { spec: { containers: [{ name: 'a', imagee: 'x' }], foo: 1 } };
  assert.throws(() => decodeTyped(structuredClone(body), { schema: Pod, kind: 'Pod', apiVersion: 'v1', fieldValidation: 'Strict' }),
    { code: 400, message: 'strict decoding error: unknown field "spec.containers[0].imagee", unknown field "spec.foo"' });
  const d = decodeTyped(structuredClone(body), { schema: Pod, kind: 'Pod', apiVersion: 'v1', fieldValidation: 'Warn' });
  assert.deepEqual(d.warnings, ['unknown field "spec.containers[0].imagee"', 'unknown field "spec.foo"']);
  assert.equal(d.obj.kind, 'Pod');
  assert.throws(() => decodeTyped({ apiVersion: 'apps/v1', kind: 'Pod' }, { schema: Pod, kind: 'Pod', apiVersion: 'v1', fieldValidation: 'Strict' }), { code: 400 });
});

test('parseBody: JSON by default, YAML by type, clear 400s for malformed input, 415 for unknown types', () => {
  assert.deepEqual(parseBody(Buffer.from('{"a":1}'), undefined), { a: 1 });
  assert.deepEqual(parseBody(Buffer.from('a: 1\n'), 'application/yaml'), { a: 1 });
  assert.throws(() => parseBody(Buffer.from('{"a":'), 'application/json'), { code: 400 });
  assert.throws(() => parseBody(Buffer.from('a: [1'), 'application/yaml'), { code: 400 });
  assert.throws(() => parseBody(Buffer.from('x'), 'text/csv'), { code: 415 });
});
