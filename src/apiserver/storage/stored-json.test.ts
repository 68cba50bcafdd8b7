import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/resource.js';
import type { KeyValue } from '../../storage/types.js';
import { decodeKv, encodeObject } from './codec.js';
import { metadataBodyStart, storedObjectJson } from './stored-json.js';

const kv = (value: Buffer, modRevision = 42): KeyValue => ({ key: '/registry/x', value, createRevision: 1, modRevision, version: 1 });
const stored = (obj: unknown) => kv(encodeObject(obj as KubeObject));

test('the spliced JSON is the object decodeKv gives, for objects in any key order', () => {
  const objects = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns', labels: { x: 'y' } }, spec: { containers: [{ name: 'c' }] } },
    // metadata last, with a nested "metadata" (a template) and tricky strings before it
    {
      kind: 'ReplicaSet',
      spec: { template: { metadata: { labels: { a: 'b' } }, spec: {} }, note: '"metadata":{"x":1} \\" \\\\', list: [{ metadata: {} }, '}', ']'] },
      status: { message: 'ünïcødé ✓ "quoted" {' },
      metadata: { name: 'rs', annotations: { 'k': '\\' } },
      apiVersion: 'apps/v1',
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: { metadata: '{' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', resourceVersion: '7' } },
  ];
  for (const obj of objects) {
    const s = stored(obj);
    const json = storedObjectJson(s);
    assert.ok(json !== undefined, `spliced ${JSON.stringify(obj).slice(0, 40)}`);
    assert.deepEqual(JSON.parse(json), decodeKv(s));
    assert.equal((JSON.parse(json) as KubeObject).metadata.resourceVersion, '42');
  }
});

test('declines (undefined) rather than guess: resourceVersion elsewhere in the text, no metadata object, not compact JSON', () => {
  const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: { kind: 'Pod', resourceVersion: '5' } };
  assert.equal(storedObjectJson(stored(ev)), undefined);
  assert.equal(storedObjectJson(kv(Buffer.from('{"apiVersion":"v1","kind":"X"}'))), undefined);
  assert.equal(storedObjectJson(kv(Buffer.from('{"kind":"X","metadata":null}'))), undefined);
  assert.equal(storedObjectJson(kv(Buffer.from('{ "metadata": {"name":"a"} }'))), undefined);
  assert.equal(storedObjectJson(kv(Buffer.from('[{"metadata":{}}]'))), undefined);
  assert.equal(storedObjectJson(kv(Buffer.from('{"a":"unterminated'))), undefined);
  assert.equal(metadataBodyStart(Buffer.from('{"spec":{"metadata":{}}}')), -1);
});

test('takes the revision it is given (a delete answers with the revision of the delete)', () => {
  const json = storedObjectJson(stored({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }), 99)!;
  assert.equal((JSON.parse(json) as KubeObject).metadata.resourceVersion, '99');
});
