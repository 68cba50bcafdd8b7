import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs/minimal.js';
import { Type } from '@sinclair/typebox';
import { object, opt, str, int32, time, quantityMap, intOrString, bytes, stringMap, mergeList } from '../../api/schema.js';
import { decodeProtobufBody, PROTOBUF_MAGIC } from './decode.js';
import { ApiError } from '../../machinery/errors.js';

const { Writer } = protobuf;

// Small schemas shaped like the real ones (field numbers as in k8s.io/api generated.proto).
const Meta = object('t.ObjectMeta', {
  name: opt(1, str()),
  generateName: opt(2, str()),
  namespace: opt(3, str()),
  generation: opt(7, Type.Integer({ 'x-pb-type': 'int64' })),
  creationTimestamp: opt(8, time()),
  labels: opt(11, stringMap()),
});
const Namespace = object('t.Namespace', { apiVersion: opt(100, str()), kind: opt(101, str()), metadata: opt(1, Meta) });
const ConfigMap = object('t.ConfigMap', { metadata: opt(1, Meta), data: opt(2, stringMap()), binaryData: opt(3, Type.Record(Type.String(), bytes())) });
const Port = object('t.ContainerPort', { containerPort: opt(3, int32()), protocol: opt(4, str()) });
const Container = object('t.Container', {
  name: opt(1, str()),
  image: opt(2, str()),
  args: opt(4, Type.Array(str())),
  ports: opt(6, mergeList(Port, 'containerPort')),
  resources: opt(8, object('t.Res', { limits: opt(1, quantityMap()) })),
});
const Deploy = object('t.Deployment', {
  metadata: opt(1, Meta),
  spec: opt(2, object('t.DeploymentSpec', { replicas: opt(1, int32()), containers: opt(3, Type.Array(Container)), target: opt(4, intOrString()) })),
});

function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const w = Writer.create();
  w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string(apiVersion).uint32((2 << 3) | 2).string(kind).ldelim();
  w.uint32((2 << 3) | 2).bytes(raw);
  w.uint32((3 << 3) | 2).string('');
  w.uint32((4 << 3) | 2).string('');
  return Buffer.concat([PROTOBUF_MAGIC, Buffer.from(w.finish())]);
}

const schemas: Record<string, any> = { 'v1/Namespace': Namespace, 'v1/ConfigMap': ConfigMap, 'apps/v1/Deployment': Deploy };
const schemaFor = (av: string, k: string) => schemas[`${av}/${k}`];

test('decodes a namespace sent as kubectl create namespace sends it, dropping explicit empty fields', () => {
  const meta = Writer.create();
  meta.uint32((1 << 3) | 2).string('n1').uint32((2 << 3) | 2).string('').uint32((3 << 3) | 2).string('');
  meta.uint32((7 << 3) | 0).int64(0);
  meta.uint32((8 << 3) | 2).fork().ldelim(); // zero Time: what Go sends for an unset creationTimestamp
  const ns = Writer.create();
  ns.uint32((1 << 3) | 2).bytes(meta.finish());
  const body = decodeProtobufBody(envelope('v1', 'Namespace', ns.finish()), schemaFor);
  assert.deepEqual(body, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n1' } });
});

test('decodes string and bytes maps as map entries', () => {
  const w = Writer.create();
  w.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string('cfg').ldelim();
  for (const [k, v] of [['a', '1'], ['empty', '']]) w.uint32((2 << 3) | 2).fork().uint32((1 << 3) | 2).string(k).uint32((2 << 3) | 2).string(v).ldelim();
  w.uint32((3 << 3) | 2).fork().uint32((1 << 3) | 2).string('bin').uint32((2 << 3) | 2).bytes(Buffer.from([0, 1, 2])).ldelim();
  const body = decodeProtobufBody(envelope('v1', 'ConfigMap', w.finish()), schemaFor);
  assert.deepEqual(body.data, { a: '1', empty: '' });
  assert.deepEqual(body.binaryData, { bin: 'AAEC' });
});

test('decodes nested messages, repeated fields, quantities, int-or-string and keeps replicas: 0', () => {
  const c = Writer.create();
  c.uint32((1 << 3) | 2).string('main').uint32((2 << 3) | 2).string('busybox');
  c.uint32((4 << 3) | 2).string('-c').uint32((4 << 3) | 2).string('sleep 1');
  c.uint32((6 << 3) | 2).fork().uint32((3 << 3) | 0).int32(8080).uint32((4 << 3) | 2).string('TCP').ldelim();
  c.uint32((8 << 3) | 2).fork().uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string('cpu').uint32((2 << 3) | 2).fork().uint32((1 << 3) | 2).string('500m').ldelim().ldelim().ldelim();
  const spec = Writer.create();
  spec.uint32((1 << 3) | 0).int32(0);
  spec.uint32((3 << 3) | 2).bytes(c.finish());
  spec.uint32((4 << 3) | 2).fork().uint32((1 << 3) | 0).int64(1).uint32((3 << 3) | 2).string('http').ldelim();
  const d = Writer.create();
  d.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string('web').uint32((8 << 3) | 2).fork().uint32((1 << 3) | 0).int64(1764107677).ldelim().ldelim();
  d.uint32((2 << 3) | 2).bytes(spec.finish());
  const body = decodeProtobufBody(envelope('apps/v1', 'Deployment', d.finish()), schemaFor) as any;
  assert.equal(body.metadata.creationTimestamp, '2025-11-25T21:54:37Z');
  assert.equal(body.spec.replicas, 0);
  assert.equal(body.spec.target, 'http');
  assert.deepEqual(body.spec.containers, [
    { name: 'main', image: 'busybox', args: ['-c', 'sleep 1'], ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { limits: { cpu: '500m' } } },
  ]);
});

test('refuses bodies without the magic prefix, truncated bodies and unknown kinds with 400', () => {
  const bad = [
    Buffer.from('{"kind":"Namespace"}'),
    Buffer.concat([PROTOBUF_MAGIC, Buffer.from([0x0a, 0x20, 0x01])]),
    envelope('v1', 'Nope', new Uint8Array()),
    Buffer.concat([envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0x7f, 0x0a]))]),
  ];
  for (const b of bad) {
    assert.throws(() => decodeProtobufBody(b, schemaFor), (e: unknown) => e instanceof ApiError && e.code === 400);
  }
});
