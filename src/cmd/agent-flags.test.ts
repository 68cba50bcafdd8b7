import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentFlags } from './agent-flags.js';

test('the agent needs a server and a token, and says where to find them', () => {
  assert.throws(() => parseAgentFlags(['--token', 'abcdef.0123456789abcdef'], 'h'), /--server is required: the API server URL that `k8ts server` printed/);
  assert.throws(() => parseAgentFlags(['--server', 'https://10.0.0.1:6443'], 'h'), /--token is required: the join token that `k8ts server` printed/);
  assert.doesNotThrow(() => parseAgentFlags(['--reset'], 'h'));
});

test('agent flags and defaults', () => {
  const f = parseAgentFlags(['--server', 'https://10.0.0.1:6443', '--token=abcdef.0123456789abcdef', '--network-backend', 'vxlan', '--node-lease-duration-seconds', '4'], 'Host1');
  assert.equal(f.nodeName, 'host1');
  assert.equal(f.backend, 'vxlan');
  assert.equal(f.nodeLeaseDurationSeconds, 4);
  assert.equal(f.clusterCIDR, '10.244.0.0/16');
  assert.equal(f.clusterDNS, '10.96.0.10');
  assert.throws(() => parseAgentFlags(['--server', 'x', '--token', 't', '--network-backend', 'udp'], 'h'), /host-gw or vxlan/);
});

test('--images-on-disk keeps containerd images on disk; off by default', () => {
  assert.equal(parseAgentFlags(['--server', 'https://s:6443', '--token', 'a.b'], 'h').imagesOnDisk, undefined);
  assert.equal(parseAgentFlags(['--server', 'https://s:6443', '--token', 'a.b', '--images-on-disk'], 'h').imagesOnDisk, true);
});
