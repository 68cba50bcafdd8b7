import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/resource.js';
import type { KeyValue } from '../../storage/types.js';
import { decodeKv, encodeObject, encodeObjectWithJson, jsonOfStored, rememberWrittenJson, writtenJson } from './codec.js';

type Any = any;

const kvOf = (value: Buffer, rev = 42): KeyValue => ({ key: '/registry/pods/ns/p', value, createRevision: rev, modRevision: rev, version: 1 });

/** What the store held before this module spliced anything: JSON without metadata.resourceVersion. */
function plainEncoding(obj: Any): string {
  if (obj.metadata?.resourceVersion === undefined) return JSON.stringify(obj);
  const { resourceVersion: _rv, ...rest } = obj.metadata;
  return JSON.stringify({ ...obj, metadata: rest });
}

const shapes = (): Any[] => [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', labels: { '2': 'b', a: 'x', '1': 'a' } }, spec: { nodeName: undefined, containers: [{ name: 'c', image: 'i' }] }, status: {} },
  { kind: 'Pod', apiVersion: 'v1', spec: { x: 1 }, metadata: {}, extra: undefined },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '7' }, data: { 'a"b': 'q\u2028\n' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '' } },
  { apiVersion: 'v1', kind: 'ConfigMap' },
];

test('stored bytes are the object JSON without metadata.resourceVersion, whatever the shape', () => {
  for (const o of shapes()) {
    assert.equal(encodeObject(structuredClone(o)).toString('utf8'), plainEncoding(o));
    assert.equal(encodeObjectWithJson(structuredClone(o)).value.toString('utf8'), plainEncoding(o));
  }
});

test('the JSON spliced for a written object equals serialising it with its new resourceVersion', () => {
  for (const o of shapes().filter((x) => x.metadata && !('resourceVersion' in x.metadata))) {
    const enc = encodeObjectWithJson(o);
    o.metadata.resourceVersion = '42';
    assert.equal(enc.json('42'), JSON.stringify(o));
    assert.equal(enc.json('42'), JSON.stringify(decodeKv(kvOf(enc.value))));
  }
});

test('no spliced JSON when the object kept a resourceVersion key or has no metadata', () => {
  for (const o of shapes().filter((x) => !x.metadata || 'resourceVersion' in x.metadata)) assert.equal(encodeObjectWithJson(o).json('1'), undefined);
});

test('the JSON of a value encoded here parses to exactly what decoding it gives; a foreign value has none', () => {
  let spliced = 0;
  for (const o of shapes()) {
    const kv = kvOf(encodeObject(structuredClone(o)), 9);
    const json = jsonOfStored(kv);
    if (json === undefined) continue;
    spliced++;
    assert.equal(json, JSON.stringify(decodeKv(kv)));
    assert.deepEqual(JSON.parse(json), decodeKv(kv));
    assert.equal(JSON.parse(json).metadata.resourceVersion, '9');
  }
  assert.equal(spliced, 2);
  assert.equal(jsonOfStored(kvOf(Buffer.from(plainEncoding(shapes()[0])))), undefined);
});

test('a remembered response JSON is only handed out while the object keeps its resourceVersion', () => {
  const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', resourceVersion: '3' } } as KubeObject;
  rememberWrittenJson(o, '{"x":1}');
  assert.equal(writtenJson(o), '{"x":1}');
  o.metadata.resourceVersion = '4';
  assert.equal(writtenJson(o), undefined);
  assert.equal(writtenJson({ ...o }), undefined);
});
