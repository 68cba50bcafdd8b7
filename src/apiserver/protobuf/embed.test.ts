// Embedded Go structs on the wire: `Probe` carries its `ProbeHandler` as the message at field 1 and
// `Volume` its `VolumeSource` at field 2, while JSON has them flat. The bytes here are encoded by
// protobufjs from a hand-written fragment of k8s.io/api core/v1 generated.proto (real field
// numbers, pod-proto-fixture.ts), independent of our schemas, and decoded with the real Pod schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { decodeProtobufBody, PROTOBUF_MAGIC } from './decode.js';
import { encodePodProtobuf as wrap, podProtoRoot as root, UnknownMsg } from './pod-proto-fixture.js';
import { PodSchema } from '../../api/core/v1/pod.js';

const schemaFor = (av: string, k: string) => (av === 'v1' && k === 'Pod' ? PodSchema : undefined);

test('a pod with an httpGet liveness probe and a configMap volume decodes to its flat JSON form', () => {
  const body = wrap({
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      volumes: [
        { name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'settings' }, items: [{ key: 'a', path: 'a.conf' }], defaultMode: 420 } } },
        { name: 'scratch', volumeSource: { emptyDir: {} } },
      ],
      containers: [{
        name: 'main',
        image: 'nginx',
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
        livenessProbe: { handler: { httpGet: { path: '/healthz', port: { type: 0, intVal: 8080 }, scheme: 'HTTP', httpHeaders: [{ name: 'X-A', value: 'b' }] } }, periodSeconds: 5, failureThreshold: 3 },
        readinessProbe: { handler: { tcpSocket: { port: { type: 1, strVal: 'http' } } }, initialDelaySeconds: 2 },
      }],
      restartPolicy: 'Always',
    },
  });
  const pod = decodeProtobufBody(body, schemaFor);
  assert.deepEqual(pod, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      volumes: [
        { name: 'cfg', configMap: { name: 'settings', items: [{ key: 'a', path: 'a.conf' }], defaultMode: 420 } },
        { name: 'scratch', emptyDir: {} },
      ],
      containers: [{
        name: 'main',
        image: 'nginx',
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
        livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP', httpHeaders: [{ name: 'X-A', value: 'b' }] }, periodSeconds: 5, failureThreshold: 3 },
        readinessProbe: { tcpSocket: { port: 'http' }, initialDelaySeconds: 2 },
      }],
      restartPolicy: 'Always',
    },
  });
});

test('an embedded message split over two occurrences merges as protobuf merges messages', () => {
  // Field 1 of Probe sent twice: the handler parts combine, nothing is lost.
  const handlerA = Buffer.from(root.lookupType('k8s.io.api.core.v1.ProbeHandler').encode({ httpGet: { path: '/a' } }).finish());
  const probe = protobuf.Writer.create();
  probe.uint32((1 << 3) | 2).bytes(handlerA);
  probe.uint32((1 << 3) | 2).bytes(Buffer.from(root.lookupType('k8s.io.api.core.v1.ProbeHandler').encode({ httpGet: { scheme: 'HTTPS' } }).finish()));
  const container = protobuf.Writer.create();
  container.uint32((1 << 3) | 2).string('c').uint32((10 << 3) | 2).bytes(probe.finish());
  const spec = protobuf.Writer.create();
  spec.uint32((2 << 3) | 2).bytes(container.finish());
  const pod = protobuf.Writer.create();
  pod.uint32((2 << 3) | 2).bytes(spec.finish());
  const env = UnknownMsg.encode(UnknownMsg.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, raw: pod.finish() })).finish();
  const out = decodeProtobufBody(Buffer.concat([PROTOBUF_MAGIC, Buffer.from(env)]), schemaFor) as any;
  assert.deepEqual(out.spec.containers[0].livenessProbe, { httpGet: { path: '/a', scheme: 'HTTPS' } });
});
