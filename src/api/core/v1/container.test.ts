import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Container, ContainerPort, EnvVar, VolumeMount, EphemeralContainer } from './container.js';

// Kubernetes' OpenAPI marks these required; kubectl explain shows them as -required- and
// client-side schema validation relies on them.
test('a container, its ports, env vars and volume mounts declare the fields Kubernetes requires', () => {
  assert.deepEqual(Container.required, ['name']);
  assert.deepEqual(ContainerPort.required, ['containerPort']);
  assert.deepEqual(EnvVar.required, ['name']);
  assert.deepEqual([...(VolumeMount.required ?? [])].sort(), ['mountPath', 'name']);
  assert.equal(Container.properties.name['x-pb' as never], 1, 'still protobuf field 1');
});

test('an ephemeral container keeps its name inside the embedded EphemeralContainerCommon message', () => {
  assert.ok(EphemeralContainer.properties.name);
  assert.equal(EphemeralContainer.required, undefined);
});
