import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedMessages } from './pb-embed.js';
import { Probe } from './probe.js';
import { EphemeralContainer } from './container.js';

test('a probe exposes its handler actions as the embedded message at field 1', () => {
  const m = embeddedMessages(Probe);
  assert.deepEqual([...m.keys()], [1]);
  const handler = m.get(1) as unknown as { properties: Record<string, Record<string, unknown>> };
  assert.deepEqual(Object.fromEntries(Object.entries(handler.properties).map(([k, v]) => [k, v['x-pb']])), { exec: 1, httpGet: 2, tcpSocket: 3, grpc: 4 });
  assert.equal(handler.properties.httpGet['x-pb-embed'], undefined);
});

test('an ephemeral container keeps the common container fields in the message at field 1', () => {
  const common = embeddedMessages(EphemeralContainer).get(1) as unknown as { properties: Record<string, Record<string, unknown>> };
  assert.equal(common.properties.name['x-pb'], 1);
  assert.equal(common.properties.image['x-pb'], 2);
  assert.equal(common.properties.tty['x-pb'], 18);
  assert.equal(common.properties.targetContainerName, undefined);
});
