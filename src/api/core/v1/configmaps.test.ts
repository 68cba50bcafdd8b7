import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walk } from '../../../apiserver/decode/schema-walk.js';
import { configmaps, type ConfigMap, validateConfigMap, validateConfigMapUpdate } from './configmaps.js';

const cm = (o: Partial<ConfigMap>): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, ...o }) as ConfigMap;
const messages = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);

test('rejects bad keys and keys present in both data and binaryData', () => {
  assert.deepEqual(messages(validateConfigMap(cm({ data: { 'a b': 'x', '..x': 'y' } }))), [
    "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    "data[..x]: Invalid value: \"..x\": must not start with '..'",
  ]);
  assert.deepEqual(messages(validateConfigMap(cm({ data: { k: 'x' }, binaryData: { k: 'AAE=' } }))), ['data[k]: Invalid value: "k": duplicate of key present in binaryData']);
});

test('rejects more than 1 MiB of data', () => {
  assert.deepEqual(messages(validateConfigMap(cm({ data: { big: 'x'.repeat(1024 * 1024 + 1) } }))), [': Too long: may not be more than 1048576 bytes']);
});

test('an immutable config map keeps its data and its immutability', () => {
  const old = cm({ immutable: true, data: { a: '1' } });
  assert.deepEqual(validateConfigMapUpdate(cm({ immutable: true, data: { a: '1' } }), old), []);
  assert.deepEqual(messages(validateConfigMapUpdate(cm({ data: { a: '2' } }), old)), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  assert.deepEqual(validateConfigMapUpdate(cm({ data: { a: '2' } }), cm({ data: { a: '1' } })), []);
});

test('table shows the number of data and binaryData keys', () => {
  assert.deepEqual(configmaps.table!.cells(cm({ data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), Date.parse('2024-01-01T01:00:00Z')), [3, '60m']);
});

test('a real-world config map decodes with no unknown fields', () => {
  const real = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'kube-root-ca.crt', namespace: 'default', uid: 'u1', resourceVersion: '35', creationTimestamp: '2024-01-01T00:00:00Z',
      annotations: { 'kubernetes.io/description': 'Contains a CA bundle' } },
    data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
    binaryData: { 'logo.png': 'iVBORw0KGgo=' },
    immutable: false,
  };
  assert.deepEqual(walk(real, configmaps.schema, { dropUnknown: false }), { unknown: [], mismatches: [] });
  assert.deepEqual(walk({ ...real, datas: {} }, configmaps.schema, { dropUnknown: false }).unknown, ['datas']);
});
