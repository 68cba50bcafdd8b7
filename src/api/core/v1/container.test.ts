import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Container, EphemeralContainer } from './container.js';

test('a container name is required, as in Kubernetes OpenAPI (kubectl explain shows -required-)', () => {
  assert.deepEqual(Container.required, ['name']);
  assert.equal(Container.properties.name['x-pb' as never], 1, 'still protobuf field 1');
});

test('an ephemeral container keeps its name inside the embedded EphemeralContainerCommon message', () => {
  assert.ok(EphemeralContainer.properties.name);
  assert.equal(EphemeralContainer.required, undefined);
});
